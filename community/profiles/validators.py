"""Checks and normal forms for the fields of an OSC profile.

Every ``clean_*`` function is pure: it takes what a person typed, returns the value to store
(``None`` when the field was left empty) and raises ``ValueError`` whose only argument is a
lazy Spanish message that says what is wrong and what shape is expected. Required fields are
the caller's business: an empty value is never an error here.
"""

import ipaddress
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.mx import rfc as stdnum_rfc

from community.core.timeutil import LOCAL_TZ

__all__ = [
    "CLUNI_EXAMPLE",
    "CONSTITUTION_EARLIEST",
    "EDOMEX_POSTAL_RANGE",
    "EMAIL_MAX_LENGTH",
    "RFC_EXAMPLE",
    "SOCIAL_NETWORKS",
    "SOCIAL_NETWORK_LABELS",
    "URL_MAX_LENGTH",
    "RFCCheckDigitError",
    "SocialLinksError",
    "clean_cluni",
    "clean_constitution_date",
    "clean_date_not_future",
    "clean_email",
    "clean_phone",
    "clean_postal_code",
    "clean_rfc",
    "clean_social_links",
    "clean_text",
    "clean_url",
    "format_phone",
    "is_edomex_postal_code",
    "local_today",
    "rfc_check_digit",
]

# Dashes people paste from word processors, besides the ASCII one.
_SEPARATORS_RE = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")


def _prep(value) -> str:
    """Text in composed form (so "Ñ" is one character), stripped; "" for None."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def _compact_code(value) -> str:
    """An identifier without spaces or dashes, in upper case."""
    return _SEPARATORS_RE.sub("", _prep(value)).upper()


def _is_real_yymmdd(digits: str) -> bool:
    """Six digits that name a real day. 20YY covers every leap day 19YY has, and 2000 too."""
    try:
        date(2000 + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# RFC (Registro Federal de Contribuyentes) of a persona moral
# --------------------------------------------------------------------------------------------

RFC_EXAMPLE = "ABC010203AB9"

_RFC_CHARS_RE = re.compile(r"[A-ZÑ&0-9]+")
_RFC_MORAL_RE = re.compile(r"[A-ZÑ&]{3}[0-9]{6}[A-Z0-9]{2}[A0-9]")
_RFC_FISICA_RE = re.compile(r"[A-ZÑ&]{4}[0-9]{6}[A-Z0-9]{2}[A0-9]")
_RFC_BODY_RE = re.compile(r"[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{2}")


class RFCCheckDigitError(ValueError):
    """The RFC is well formed but its last character is not the SAT check digit.

    A separate class because some RFCs in real use fail this check; a caller may choose to
    let a person confirm the number instead of refusing it outright.
    """


def rfc_check_digit(body: str) -> str:
    """The SAT check digit for an RFC without it: 11 characters (moral) or 12 (física),
    as python-stdnum computes it (the SAT's alphabet, weights 13 down to 2, modulo 11)."""
    body = unicodedata.normalize("NFC", body).upper()
    if not _RFC_BODY_RE.fullmatch(body):
        raise ValueError(f"not an RFC without its check digit: {body!r}")
    return stdnum_rfc.calc_check_digit(body)


def clean_rfc(value, *, verify_check_digit: bool = True) -> str | None:
    """The RFC of a persona moral, 12 characters in upper case, e.g. "ABC010203AB9"."""
    rfc = _compact_code(value)
    if not rfc:
        return None
    if not _RFC_CHARS_RE.fullmatch(rfc):
        raise ValueError(_l("El RFC solo puede tener letras (incluidas Ñ y &) y números."))
    if len(rfc) == 13 and _RFC_FISICA_RE.fullmatch(rfc):
        raise ValueError(_l(
            "Ese RFC es de una persona física (13 caracteres). Escribe el RFC de la "
            "organización: una persona moral tiene 12 caracteres. Ejemplo: %(example)s.",
            example=RFC_EXAMPLE))
    if len(rfc) != 12:
        raise ValueError(_l(
            "El RFC de una persona moral tiene 12 caracteres: 3 letras, la fecha de "
            "constitución (AAMMDD) y 3 de homoclave. Escribiste %(count)d. "
            "Ejemplo: %(example)s.", count=len(rfc), example=RFC_EXAMPLE))
    if not _RFC_MORAL_RE.fullmatch(rfc):
        if not re.fullmatch(r"[A-ZÑ&]{3}", rfc[:3]):
            raise ValueError(_l(
                "Los 3 primeros caracteres del RFC son letras (se permiten Ñ y &). "
                "Ejemplo: %(example)s.", example=RFC_EXAMPLE))
        if not rfc[3:9].isascii() or not rfc[3:9].isdigit():
            raise ValueError(_l(
                "Del 4.º al 9.º carácter del RFC va la fecha de constitución con 6 números "
                "(AAMMDD). Ejemplo: %(example)s.", example=RFC_EXAMPLE))
        if not re.fullmatch(r"[A0-9]", rfc[-1]):
            raise ValueError(_l(
                "El último carácter del RFC (dígito verificador) es un número o la letra A. "
                "Ejemplo: %(example)s.", example=RFC_EXAMPLE))
        raise ValueError(_l(
            "El 10.º y el 11.º carácter del RFC (homoclave) son letras sin Ñ ni &, o números. "
            "Ejemplo: %(example)s.", example=RFC_EXAMPLE))
    if not _is_real_yymmdd(rfc[3:9]):
        raise ValueError(_l(
            "La fecha del RFC (%(digits)s) no existe: del 4.º al 9.º carácter va la fecha de "
            "constitución como AAMMDD, por ejemplo 010203 para el 3 de febrero de 2001.",
            digits=rfc[3:9]))
    return _sat_verdict(rfc, verify_check_digit)


def _sat_verdict(rfc: str, verify_check_digit: bool) -> str:
    """python-stdnum's validation (format and date), after the checks above have said in
    Spanish what is wrong with a malformed RFC; then its check digit. Not stdnum's homoclave
    rule, which comes with its check-digit option: like the check digit, real RFCs fail it,
    so it must not refuse them."""
    try:
        stdnum_rfc.validate(rfc)
    except StdnumValidationError:
        raise ValueError(_l("El RFC no es válido según las reglas del SAT. Ejemplo: "
                            "%(example)s.", example=RFC_EXAMPLE)) from None
    if verify_check_digit and stdnum_rfc.calc_check_digit(rfc[:-1]) != rfc[-1]:
        raise RFCCheckDigitError(_l(
            "El dígito verificador del RFC no coincide; revisa el último carácter."))
    return rfc


# --------------------------------------------------------------------------------------------
# CLUNI (Clave Única de Inscripción al Registro Federal de las OSC)
# --------------------------------------------------------------------------------------------

CLUNI_EXAMPLE = "ABC0503101501A"
_CLUNI_RE = re.compile(r"[A-ZÑ&]{3}[0-9]{6}[0-9]{2}[0-9]{2}[A-Z0-9]")


def clean_cluni(value) -> str | None:
    """The CLUNI, 14 characters in upper case, e.g. "ABC0503101501A"."""
    cluni = _compact_code(value)
    if not cluni:
        return None
    if len(cluni) != 14 or not _CLUNI_RE.fullmatch(cluni):
        raise ValueError(_l(
            "La CLUNI tiene 14 caracteres: 3 letras, la fecha de constitución (AAMMDD), "
            "la clave del estado (01 a 32), 2 números y una letra o número al final. "
            "Escribiste %(count)d. Ejemplo: %(example)s.",
            count=len(cluni), example=CLUNI_EXAMPLE))
    if not _is_real_yymmdd(cluni[3:9]):
        raise ValueError(_l(
            "La fecha de la CLUNI (%(digits)s) no existe: del 4.º al 9.º carácter va la fecha "
            "de constitución como AAMMDD. Ejemplo: %(example)s.",
            digits=cluni[3:9], example=CLUNI_EXAMPLE))
    if not 1 <= int(cluni[9:11]) <= 32:
        raise ValueError(_l(
            "La clave del estado en la CLUNI (10.º y 11.º carácter) va del 01 al 32; "
            "escribiste %(state)s. El Estado de México es 15. Ejemplo: %(example)s.",
            state=cluni[9:11], example=CLUNI_EXAMPLE))
    return cluni


# --------------------------------------------------------------------------------------------
# Código postal
# --------------------------------------------------------------------------------------------

EDOMEX_POSTAL_RANGE = (50000, 57999)


def clean_postal_code(value) -> str | None:
    """Five digits between 01000 and 99999, any state of Mexico."""
    code = re.sub(r"\s+", "", _prep(value))
    if not code:
        return None
    if len(code) != 5 or not code.isascii() or not code.isdigit():
        raise ValueError(_l("El código postal tiene 5 números, por ejemplo 50000."))
    if int(code) < 1000:
        raise ValueError(_l("Los códigos postales de México van del 01000 al 99999."))
    return code


def is_edomex_postal_code(code) -> bool:
    """Whether a postal code belongs to the Estado de México (50000 to 57999)."""
    try:
        cleaned = clean_postal_code(code)
    except ValueError:
        return False
    low, high = EDOMEX_POSTAL_RANGE
    return cleaned is not None and low <= int(cleaned) <= high


# --------------------------------------------------------------------------------------------
# Teléfono
# --------------------------------------------------------------------------------------------

_PHONE_CHARS_RE = re.compile(r"\+?[0-9\s().\-]+")
# Areas whose lada has two digits: Ciudad de México (55, 56), Guadalajara (33), Monterrey (81).
_TWO_DIGIT_AREAS = frozenset({"33", "55", "56", "81"})


def clean_phone(value) -> str | None:
    """A Mexican number as its 10 digits, e.g. "7221234567".

    Spaces, dashes, dots and parentheses are ignored, and so is one leading prefix:
    +52 or 52 (with or without the old mobile 1 after it), 01, 044 or 045.
    """
    text = _prep(value)
    if not text:
        return None
    if not _PHONE_CHARS_RE.fullmatch(text) or not text.isascii():
        raise ValueError(_l(
            "Escribe un solo teléfono, solo con números (se permiten espacios, guiones y "
            "paréntesis). Ejemplo: 722 123 4567."))
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+"):
        if not digits.startswith("52"):
            raise ValueError(_l(
                "Solo se aceptan teléfonos de México: si pones lada internacional, "
                "debe ser +52. Ejemplo: +52 722 123 4567."))
        digits = digits[2:]
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
    elif len(digits) == 12 and digits[:2] in {"52", "01"}:
        digits = digits[2:]
    elif len(digits) == 13 and digits[:3] in {"521", "044", "045"}:
        digits = digits[3:]
    if len(digits) != 10:
        raise ValueError(_l(
            "El teléfono tiene 10 dígitos contando la lada (sin +52); escribiste %(count)d. "
            "Ejemplo: 722 123 4567.", count=len(digits)))
    if digits[0] in "01":
        raise ValueError(_l(
            "Los teléfonos de México no empiezan con 0 ni con 1: escribe los 10 dígitos "
            "desde la lada. Ejemplo: 722 123 4567."))
    return digits


def format_phone(digits: str | None) -> str:
    """10 digits for reading: "55 1234 5678" for two-digit ladas, "722 123 4567" otherwise.

    Anything that is not 10 digits comes back as it was ("" for None).
    """
    if not digits:
        return ""
    only = re.sub(r"[^0-9]", "", digits)
    if len(only) != 10:
        return digits
    if only[:2] in _TWO_DIGIT_AREAS:
        return f"{only[:2]} {only[2:6]} {only[6:]}"
    return f"{only[:3]} {only[3:6]} {only[6:]}"


# --------------------------------------------------------------------------------------------
# Correo electrónico
# --------------------------------------------------------------------------------------------

EMAIL_MAX_LENGTH = 254


@lru_cache(maxsize=65536)
def clean_email(value) -> str | None:
    """A syntactically valid address in lower case (no DNS look-up). Remembered: a padrón
    import checks each address in its dry run and again as it applies (a tenth of its time
    at 50,000 rows), and the answer depends on the text alone."""
    text = _prep(value)
    if not text:
        return None
    if "@" not in text:
        raise ValueError(_l(
            "Al correo le falta la arroba (@). Ejemplo: contacto@miosc.org.mx."))
    if len(text) > EMAIL_MAX_LENGTH:
        raise ValueError(_l("El correo no puede tener más de %(n)d caracteres.",
                            n=EMAIL_MAX_LENGTH))
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(_l(
            "Escribe un correo electrónico válido, sin espacios y con un dominio completo. "
            "Ejemplo: contacto@miosc.org.mx.")) from None
    return result.normalized.lower()


# --------------------------------------------------------------------------------------------
# Sitio web
# --------------------------------------------------------------------------------------------

URL_MAX_LENGTH = 250
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_LABEL_RE = re.compile(r"(?!-)[a-z0-9\-]{1,63}(?<!-)")
_NON_WEB_SCHEMES = frozenset({"data", "file", "ftp", "javascript", "mailto", "sftp", "sms", "tel",
                              "vbscript"})


def _url_has_bad_characters(text: str) -> bool:
    return "\\" in text or any(
        char.isspace() or unicodedata.category(char) in {"Cc", "Cf"} for char in text)


def _with_scheme(text: str) -> str:
    """Add https:// when no scheme was written; refuse any scheme but http and https."""
    refused = _l("Solo se aceptan direcciones web que empiezan con http:// o https://, "
                 "por ejemplo https://miosc.org.mx.")
    if text.startswith("//"):
        return "https:" + text
    if "://" in text:
        scheme = text.split("://", 1)[0]
        if scheme.lower() not in {"http", "https"}:
            raise ValueError(refused)
        return text
    match = _SCHEME_RE.match(text)
    if match:
        scheme, rest = match.group(1), text[match.end():]
        if scheme.lower() in {"http", "https"}:  # "https:/miosc.org", "http:miosc.org"
            return f"{scheme}://{rest.lstrip('/')}"
        host_and_port = "." in scheme or rest[:1].isdigit()  # "miosc.org:8080/..."
        credentials = "@" in rest and scheme.lower() not in _NON_WEB_SCHEMES  # "usuario:clave@"
        if not host_and_port and not credentials:
            raise ValueError(refused)
    return "https://" + text


def _check_host(host: str) -> str:
    """A public domain name with a dot, in lower case and without a trailing dot."""
    host = host.rstrip(".")
    example = "https://miosc.org.mx"
    if not host:
        raise ValueError(_l("Falta el dominio en la dirección web. Ejemplo: %(example)s.",
                            example=example))
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise ValueError(_l("Escribe el nombre del dominio, no una dirección IP. "
                            "Ejemplo: %(example)s.", example=example))
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    labels = ascii_host.split(".")
    if ascii_host and len(labels) < 2:
        raise ValueError(_l("El dominio de la dirección web debe llevar un punto, "
                            "como miosc.org.mx. Ejemplo: %(example)s.", example=example))
    tld = labels[-1]
    if (not ascii_host or not all(_LABEL_RE.fullmatch(label) for label in labels)
            or not (tld.isalpha() or tld.startswith("xn--"))):
        raise ValueError(_l("El dominio de la dirección web no es válido. "
                            "Ejemplo: %(example)s.", example=example))
    return host


def _normalize_url(text: str, max_len: int) -> str:
    if _url_has_bad_characters(text):
        raise ValueError(_l("La dirección web no puede tener espacios ni caracteres "
                            "especiales como \\. Ejemplo: https://miosc.org.mx."))
    parts = urlsplit(_with_scheme(text))
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise ValueError(_l("Solo se aceptan direcciones web que empiezan con http:// o "
                            "https://, por ejemplo https://miosc.org.mx."))
    if "@" in parts.netloc:
        raise ValueError(_l("La dirección web no puede llevar usuario ni contraseña "
                            "(nada antes de @). Ejemplo: https://miosc.org.mx."))
    try:
        port = parts.port
    except ValueError:
        raise ValueError(_l("El puerto de la dirección web no es válido. "
                            "Ejemplo: https://miosc.org.mx.")) from None
    host = _check_host(parts.hostname or "")
    netloc = host if port is None else f"{host}:{port}"
    url = urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))
    if len(url) > max_len:
        raise ValueError(_l("La dirección web no puede tener más de %(n)d caracteres.",
                            n=max_len))
    return url


def clean_url(value, *, max_len: int = URL_MAX_LENGTH) -> str | None:
    """An http(s) address; https:// is added when the scheme is missing.

    The scheme and host come back in lower case; path, query and fragment as written.
    """
    text = _prep(value)
    if not text:
        return None
    return _normalize_url(text, max_len)


# --------------------------------------------------------------------------------------------
# Redes sociales
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Network:
    label: str
    domains: tuple[str, ...]
    handle: re.Pattern
    profile_url: str  # format string for a bare handle
    example: str


_NETWORKS: dict[str, _Network] = {
    "facebook": _Network("Facebook", ("facebook.com", "fb.com", "fb.me"),
                         re.compile(r"[A-Za-z0-9.\-]{5,80}"),
                         "https://www.facebook.com/{}", "https://www.facebook.com/miosc"),
    "instagram": _Network("Instagram", ("instagram.com", "instagr.am"),
                          re.compile(r"[A-Za-z0-9._]{1,30}"),
                          "https://www.instagram.com/{}", "https://www.instagram.com/miosc"),
    "x": _Network("X (Twitter)", ("x.com", "twitter.com"),
                  re.compile(r"[A-Za-z0-9_]{1,15}"),
                  "https://x.com/{}", "https://x.com/miosc"),
    "youtube": _Network("YouTube", ("youtube.com", "youtu.be"),
                        re.compile(r"[A-Za-z0-9._\-]{3,30}"),
                        "https://www.youtube.com/@{}", "https://www.youtube.com/@miosc"),
    "tiktok": _Network("TikTok", ("tiktok.com",),
                       re.compile(r"[A-Za-z0-9._]{2,24}"),
                       "https://www.tiktok.com/@{}", "https://www.tiktok.com/@miosc"),
    "linkedin": _Network("LinkedIn", ("linkedin.com", "lnkd.in"),
                         re.compile(r"[A-Za-z0-9\-]{2,100}"),
                         "https://www.linkedin.com/company/{}",
                         "https://www.linkedin.com/company/miosc"),
}

SOCIAL_NETWORKS: tuple[str, ...] = tuple(_NETWORKS)
SOCIAL_NETWORK_LABELS: dict[str, str] = {key: net.label for key, net in _NETWORKS.items()}
_ALL_SOCIAL_DOMAINS = tuple(domain for net in _NETWORKS.values() for domain in net.domains)


def _handle_rule(key: str):
    return {
        "facebook": _l("de 5 a 80 letras sin acentos, números, puntos o guiones"),
        "instagram": _l("hasta 30 letras sin acentos, números, puntos o guiones bajos"),
        "x": _l("hasta 15 letras sin acentos, números o guiones bajos"),
        "youtube": _l("de 3 a 30 letras sin acentos, números, puntos, guiones o guiones bajos"),
        "tiktok": _l("de 2 a 24 letras sin acentos, números, puntos o guiones bajos"),
        "linkedin": _l("de 2 a 100 letras sin acentos, números o guiones"),
    }[key]


class SocialLinksError(ValueError):
    """One or more social links are wrong; ``errors`` maps each network key to its message."""

    def __init__(self, errors: dict):
        super().__init__(_l("Revisa las redes sociales marcadas."))
        self.errors = dict(errors)


def _on_domains(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def _looks_like_url(text: str) -> bool:
    if text.startswith("@"):
        return False
    if "/" in text or ":" in text:
        return True
    lowered = text.lower()
    return lowered.startswith("www.") or _on_domains(lowered, _ALL_SOCIAL_DOMAINS)


def _clean_social_link(key: str, value) -> str | None:
    network = _NETWORKS[key]
    text = _prep(value)
    if not text:
        return None
    if _looks_like_url(text):
        parts = urlsplit(_normalize_url(text, URL_MAX_LENGTH))
        host = parts.hostname or ""
        if not _on_domains(host, network.domains):
            raise ValueError(_l(
                "Esa dirección no es de %(network)s. Pega la dirección de la página de tu "
                "organización, como %(example)s, o solo el nombre de usuario.",
                network=network.label, example=network.example))
        if not parts.path.strip("/") and not parts.query:
            raise ValueError(_l(
                "Falta el nombre de la página o cuenta después del dominio, como %(example)s.",
                example=network.example))
        netloc = host if parts.port is None else f"{host}:{parts.port}"
        return urlunsplit(("https", netloc, parts.path, parts.query, ""))
    handle = text[1:].strip() if text.startswith("@") else text
    if not network.handle.fullmatch(handle):
        raise ValueError(_l(
            "El nombre de usuario de %(network)s lleva %(rule)s. También puedes pegar la "
            "dirección completa, como %(example)s.",
            network=network.label, rule=_handle_rule(key), example=network.example))
    return network.profile_url.format(handle)


def clean_social_links(value: Mapping | None) -> dict[str, str]:
    """Normal URLs for the networks that were filled in, in ``SOCIAL_NETWORKS`` order.

    Each value is a full address on that network's domain or a bare handle ("@miosc" or
    "miosc"), which becomes the profile URL. Raises ``SocialLinksError`` with every problem.
    """
    value = value or {}
    errors: dict = {}
    links: dict[str, str] = {}
    for key in value:
        if key not in _NETWORKS:
            errors[key] = _l("Red social no reconocida.")
    for key in SOCIAL_NETWORKS:
        try:
            link = _clean_social_link(key, value.get(key))
        except ValueError as exc:
            errors[key] = exc.args[0]
            continue
        if link:
            links[key] = link
    if errors:
        raise SocialLinksError(errors)
    return links


# --------------------------------------------------------------------------------------------
# Fechas
# --------------------------------------------------------------------------------------------

CONSTITUTION_EARLIEST = date(1900, 1, 1)


def local_today() -> date:
    """Today's date in Mexico City, where the OSCs live, not on the server's clock."""
    return datetime.now(LOCAL_TZ).date()


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _prep(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_l("Escribe una fecha real como DD/MM/AAAA, por ejemplo 10/03/2015."))


def clean_date_not_future(value, *, earliest: date = CONSTITUTION_EARLIEST,
                          today: date | None = None) -> date | None:
    """A date between ``earliest`` and today (Mexico City), both included.

    Accepts a ``date``, a ``datetime`` (its date is kept) or the text "AAAA-MM-DD" or
    "DD/MM/AAAA"; ``today`` is there for tests.
    """
    day = _as_date(value)
    if day is None:
        return None
    today = today or local_today()
    if day > today:
        raise ValueError(_l("La fecha no puede ser posterior a hoy (%(today)s).",
                            today=today.strftime("%d/%m/%Y")))
    if day < earliest:
        raise ValueError(_l("La fecha no puede ser anterior al %(earliest)s.",
                            earliest=earliest.strftime("%d/%m/%Y")))
    return day


def clean_constitution_date(value, *, today: date | None = None) -> date | None:
    """The date an OSC was constituted: from 1 January 1900 to today."""
    return clean_date_not_future(value, earliest=CONSTITUTION_EARLIEST, today=today)


# --------------------------------------------------------------------------------------------
# Texto libre de una línea
# --------------------------------------------------------------------------------------------

_INVISIBLE_RE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x9f\u200b\ufeff]")
_WHITESPACE_RE = re.compile(r"\s+")


def clean_text(value, max_len: int, min_len: int = 0) -> str | None:
    """Text with every run of white space made one space and stripped, within the limits."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value))
    text = _WHITESPACE_RE.sub(" ", _INVISIBLE_RE.sub("", text)).strip()
    if not text:
        return None
    if len(text) < min_len:
        raise ValueError(_l("Escribe al menos %(min)d caracteres; ahora hay %(count)d.",
                            min=min_len, count=len(text)))
    if len(text) > max_len:
        raise ValueError(_l("Escribe como máximo %(max)d caracteres; ahora hay %(count)d.",
                            max=max_len, count=len(text)))
    return text
