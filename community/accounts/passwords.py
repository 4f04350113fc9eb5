"""Password rules: long enough and not common; no composition rules (NIST SP 800-63B)."""

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 8
MAX_LENGTH = 128

# Spanish and local choices that an English-language list misses.
_LOCAL_COMMON = """
contraseña contrasena contraseña1 contrasena1 contraseña123 contrasena123 micontraseña
micontrasena mexico mexico1 mexico123 mexico2024 mexico2025 mexico2026 edomex edomex123
toluca toluca123 ecatepec naucalpan nezahualcoyotl tlalnepantla chimalhuacan texcoco
comunidad comunidadosc comunidad123 asociacion asociacioncivil organizacion
sociedadcivil teamo teamo123 tequiero amorcito hola1234 holahola bienvenido bienvenida
cambiame cambiar123 america americas chivas chivas123 pumas pumas123 cruzazul guadalupe
123456789a qwerty123 12345678a abcd1234 aaaaaaaa 00000000 11111111 87654321
""".split()  # noqa: SIM905 - a word list reads better as text


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(_LOCAL_COMMON)


def password_problem(password: str, *, email: str = "", name: str = ""):
    """The reason a password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _l("La contraseña debe tener al menos %(n)d caracteres.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("La contraseña no puede tener más de %(n)d caracteres.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) <= 2:
        return _l("Esa contraseña es de las más usadas y fácil de adivinar. Elige otra.")
    local_part = email.split("@")[0].lower()
    if lowered in {local_part, email.lower(), name.lower().replace(" ", "")}:
        return _l("La contraseña no puede ser tu correo ni tu nombre.")
    return None
