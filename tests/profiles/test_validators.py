"""Profile field validators: pure functions, no application or database needed."""

from datetime import date, datetime

import pytest

from community.profiles.validators import (
    CLUNI_EXAMPLE,
    RFC_EXAMPLE,
    SOCIAL_NETWORKS,
    URL_MAX_LENGTH,
    RFCCheckDigitError,
    SocialLinksError,
    clean_cluni,
    clean_constitution_date,
    clean_date_not_future,
    clean_email,
    clean_phone,
    clean_postal_code,
    clean_rfc,
    clean_social_links,
    clean_text,
    clean_url,
    format_phone,
    is_edomex_postal_code,
    rfc_check_digit,
)


def _message(excinfo) -> str:
    return str(excinfo.value.args[0])


# --------------------------------------------------------------------------------------------
# RFC
# --------------------------------------------------------------------------------------------
#
# Real RFCs. The persona-moral ones come from python-stdnum's list of numbers "found online"
# with valid check digits (tests/test_mx_rfc.doctest) and from widely published RFCs of public
# bodies (CFE, PEMEX, Telmex, SAT, IMSS).
#
# Worked by hand, CFE370814QI0 (Comisión Federal de Electricidad). A 12-character RFC gets one
# space in front; each of the first 12 characters takes its value in
# "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ" and a weight from 13 down to 2:
#     ' ' 37×13 = 481    'C' 12×12 = 144    'F' 15×11 = 165    'E' 14×10 = 140
#     '3'  3×9  =  27    '7'  7×8  =  56    '0'  0×7  =   0    '8'  8×6  =  48
#     '1'  1×5  =   5    '4'  4×4  =  16    'Q' 27×3  =  81    'I' 18×2  =  36
#     sum = 1199 = 11 × 109, so r = 0 and the check digit is '0'.                    ✔
# The same by hand for two more (only the sums shown):
#     MUÑ110218LJ6: 481+264+341+380+9+8+0+12+5+32+63+38 = 1633; 1633 mod 11 = 5;
#                   11 − 5 = 6                                                        ✔
#     &JE040614N51: 481+288+209+140+0+32+0+36+5+16+69+10 = 1286; 1286 mod 11 = 10;
#                   11 − 10 = 1                                                       ✔
# And a 13-character persona física with no padding:
#     GODE561231GR8: 208+300+143+140+45+48+7+12+15+4+48+56 = 1026; 1026 mod 11 = 3;
#                    11 − 3 = 8                                                       ✔

REAL_MORAL_RFCS = [
    "CFE370814QI0",  # Comisión Federal de Electricidad
    "PME380607P35",  # Petróleos Mexicanos
    "TME840315KT6",  # Teléfonos de México
    "SAT970701NN3",  # Servicio de Administración Tributaria
    "IMS421231I45",  # Instituto Mexicano del Seguro Social
    "MUÑ110218LJ6",  # Ñ among the letters
    "&JE040614N51",  # & first
    "AA&0607148I0",  # & last
    "&&&030828PX7",
    "B&D9605298Y3",
    "AHO120203E8A",  # check digit 'A'
    "CGB000229SW0",  # 29 February 2000
    "MAB9307148T4",
]


@pytest.mark.parametrize("rfc", REAL_MORAL_RFCS)
def test_check_digit_of_real_moral_rfcs(rfc):
    assert rfc_check_digit(rfc[:-1]) == rfc[-1]
    assert clean_rfc(rfc) == rfc


@pytest.mark.parametrize("rfc", ["GODE561231GR8", "AAAA791128D63", "XEXX010101000"])
def test_check_digit_of_thirteen_character_rfcs(rfc):
    assert rfc_check_digit(rfc[:-1]) == rfc[-1]


def test_generic_public_rfc_is_a_fixed_string_not_a_computed_one():
    # SAT's "público en general" RFC does not follow the algorithm; XEXX010101000 happens to.
    assert rfc_check_digit("XAXX01010100") == "4"


def test_check_digit_examples_in_messages_are_valid():
    assert clean_rfc(RFC_EXAMPLE) == RFC_EXAMPLE


@pytest.mark.parametrize("body", ["ABC0102031", "ABCDE0102031A", "ABC01020X1A", "", "ABC-010203AB"])
def test_check_digit_refuses_a_malformed_body(body):
    with pytest.raises(ValueError):
        rfc_check_digit(body)


def test_check_digit_accepts_lower_case_body():
    assert rfc_check_digit("cfe370814qi") == "0"


@pytest.mark.parametrize(("raw", "expected"), [
    ("cfe370814qi0", "CFE370814QI0"),
    ("  CFE370814QI0  ", "CFE370814QI0"),
    ("CFE 370814 QI0", "CFE370814QI0"),
    ("CFE-370814-QI0", "CFE370814QI0"),
    ("cfe–370814–qi0", "CFE370814QI0"),  # en dashes pasted from a document
    ("muñ110218lj6", "MUÑ110218LJ6"),
    ("MUN\u0303110218LJ6", "MUÑ110218LJ6"),  # Ñ written as N + combining tilde
    ("&je 040614 n51", "&JE040614N51"),
    (RFC_EXAMPLE.lower(), RFC_EXAMPLE),
])
def test_clean_rfc_normalizes(raw, expected):
    assert clean_rfc(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", " - "])
def test_clean_rfc_empty_is_none(raw):
    assert clean_rfc(raw) is None


@pytest.mark.parametrize(("raw", "fragment"), [
    ("ABC01020AB9", "tiene 12 caracteres"),
    ("ABC0102031AB9X", "Escribiste 14"),
    ("GODE561231GR8", "persona física"),
    ("CFE370814.QI0", "solo puede tener letras"),
    ("CFÉ370814QI0", "solo puede tener letras"),
    ("C1E370814QI0", "3 primeros caracteres"),
    ("CFE37O814QI0", "fecha de constitución con 6 números"),
    ("CFE370814Ñ10", "homoclave"),
    ("CFE370814QIB", "número o la letra A"),
    ("ABC010230AB1", "(010230) no existe"),  # 30 February
    ("ABC011301AB1", "(011301) no existe"),  # month 13
    ("ABC010100AB1", "(010100) no existe"),  # day 0
])
def test_clean_rfc_refuses(raw, fragment):
    with pytest.raises(ValueError) as excinfo:
        clean_rfc(raw)
    assert fragment in _message(excinfo)
    assert not isinstance(excinfo.value, RFCCheckDigitError)


def test_clean_rfc_length_message_explains_the_shape():
    with pytest.raises(ValueError) as excinfo:
        clean_rfc("ABC0102")
    assert _message(excinfo) == (
        "El RFC de una persona moral tiene 12 caracteres: 3 letras, la fecha de constitución "
        f"(AAMMDD) y 3 de homoclave. Escribiste 7. Ejemplo: {RFC_EXAMPLE}.")


def test_clean_rfc_leap_day():
    leap = "ABC000229AB"  # 29 February 2000
    assert clean_rfc(leap + rfc_check_digit(leap)) == leap + rfc_check_digit(leap)
    not_leap = "ABC010229AB"  # 2001 had no 29 February
    with pytest.raises(ValueError, match="no existe"):
        clean_rfc(not_leap + rfc_check_digit(not_leap))


@pytest.mark.parametrize("rfc", REAL_MORAL_RFCS)
def test_clean_rfc_wrong_check_digit(rfc):
    wrong = next(d for d in "0123456789A" if d != rfc[-1])
    with pytest.raises(RFCCheckDigitError) as excinfo:
        clean_rfc(rfc[:-1] + wrong)
    assert _message(excinfo) == (
        "El dígito verificador del RFC no coincide; revisa el último carácter.")
    assert isinstance(excinfo.value, ValueError)


def test_clean_rfc_check_digit_can_be_skipped():
    assert clean_rfc("CFE370814QI1", verify_check_digit=False) == "CFE370814QI1"


# --------------------------------------------------------------------------------------------
# CLUNI
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    (CLUNI_EXAMPLE, CLUNI_EXAMPLE),
    ("abc0503101501a", "ABC0503101501A"),
    ("  ABC 050310 15 01 A ", "ABC0503101501A"),
    ("ABC-050310-15-01-A", "ABC0503101501A"),
    ("MUÑ0002290101Z", "MUÑ0002290101Z"),  # Ñ, leap day, state 01
    ("A&C99123132991", "A&C99123132991"),  # &, state 32, digit at the end
])
def test_clean_cluni_normalizes(raw, expected):
    assert clean_cluni(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_clean_cluni_empty_is_none(raw):
    assert clean_cluni(raw) is None


@pytest.mark.parametrize(("raw", "fragment"), [
    ("ABC050310150A", "Escribiste 13"),
    ("ABC05031015012A", "Escribiste 15"),
    ("AB10503101501A", "14 caracteres"),
    ("ABC05031015O1A", "14 caracteres"),
    ("ABC0503101501-", "14 caracteres"),  # the dash is removed: 13 left
    ("ABC0503101501Ñ", "14 caracteres"),
    ("ABC0502301501A", "(050230) no existe"),  # 30 February
    ("ABC0102291501A", "(010229) no existe"),
    ("ABC0503103301A", "escribiste 33"),
    ("ABC0503100001A", "escribiste 00"),
])
def test_clean_cluni_refuses(raw, fragment):
    with pytest.raises(ValueError) as excinfo:
        clean_cluni(raw)
    assert fragment in _message(excinfo)
    assert CLUNI_EXAMPLE in _message(excinfo)


# --------------------------------------------------------------------------------------------
# Código postal
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("50000", "50000"),
    (" 57999 ", "57999"),
    ("01000", "01000"),  # lowest in Mexico (Ciudad de México)
    ("99999", "99999"),
    ("06 600", "06600"),
    (52140, "52140"),
])
def test_clean_postal_code(raw, expected):
    assert clean_postal_code(raw) == expected


@pytest.mark.parametrize(("raw", "fragment"), [
    ("5000", "5 números"),
    ("500000", "5 números"),
    ("5000a", "5 números"),
    ("50-000", "5 números"),
    ("٥٠٠٠٠", "5 números"),  # Arabic-Indic digits
    ("00999", "del 01000 al 99999"),
    ("00000", "del 01000 al 99999"),
])
def test_clean_postal_code_refuses(raw, fragment):
    with pytest.raises(ValueError) as excinfo:
        clean_postal_code(raw)
    assert fragment in _message(excinfo)


def test_clean_postal_code_empty_is_none():
    assert clean_postal_code(None) is None
    assert clean_postal_code("  ") is None


@pytest.mark.parametrize(("code", "inside"), [
    ("50000", True), ("57999", True), ("52140", True), (" 54000 ", True),
    ("49999", False), ("58000", False), ("06600", False), ("", False), (None, False),
    ("abc", False),
])
def test_is_edomex_postal_code(code, inside):
    assert is_edomex_postal_code(code) is inside


# --------------------------------------------------------------------------------------------
# Teléfono
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("7221234567", "7221234567"),
    ("722 123 4567", "7221234567"),
    ("722-123-45-67", "7221234567"),
    ("(722) 123 4567", "7221234567"),
    ("722.123.4567", "7221234567"),
    ("+52 722 123 4567", "7221234567"),
    ("+527221234567", "7221234567"),
    ("+52 (55) 1234-5678", "5512345678"),
    ("+52 1 55 1234 5678", "5512345678"),  # old mobile prefix
    ("52 722 123 4567", "7221234567"),
    ("01 722 123 4567", "7221234567"),
    ("01 (55) 1234 5678", "5512345678"),
    ("044 55 1234 5678", "5512345678"),
    ("045 722 123 4567", "7221234567"),
    ("5212345678", "5212345678"),  # ten digits that start with 52 are not a prefix
])
def test_clean_phone(raw, expected):
    assert clean_phone(raw) == expected


@pytest.mark.parametrize(("raw", "fragment"), [
    ("722 123 456", "escribiste 9"),
    ("722 123 45678", "escribiste 11"),
    ("+52 722 123 456", "escribiste 9"),
    ("52 722 123 456", "escribiste 11"),  # 11 digits: not 52 + 10, so nothing is removed
    ("1234567", "escribiste 7"),
    ("+1 555 123 4567", "+52"),
    ("722 123 4567 ext. 12", "un solo teléfono"),
    ("722 123 4567 / 722 765 4321", "un solo teléfono"),
    ("tel 7221234567", "un solo teléfono"),
    ("722+1234567", "un solo teléfono"),
    ("0722123456", "no empiezan con 0 ni con 1"),
    ("1722123456", "no empiezan con 0 ni con 1"),
])
def test_clean_phone_refuses(raw, fragment):
    with pytest.raises(ValueError) as excinfo:
        clean_phone(raw)
    assert fragment in _message(excinfo)


def test_clean_phone_empty_is_none():
    assert clean_phone(None) is None
    assert clean_phone("   ") is None


@pytest.mark.parametrize(("digits", "shown"), [
    ("7221234567", "722 123 4567"),
    ("5512345678", "55 1234 5678"),
    ("5612345678", "56 1234 5678"),
    ("3312345678", "33 1234 5678"),
    ("8112345678", "81 1234 5678"),
    ("722 123 4567", "722 123 4567"),
    ("12345", "12345"),
    ("", ""),
    (None, ""),
])
def test_format_phone(digits, shown):
    assert format_phone(digits) == shown


def test_format_phone_of_cleaned_phone():
    assert format_phone(clean_phone("+52 (722) 123-4567")) == "722 123 4567"


# --------------------------------------------------------------------------------------------
# Correo electrónico
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("contacto@miosc.org.mx", "contacto@miosc.org.mx"),
    ("  Contacto@MiOSC.org.MX ", "contacto@miosc.org.mx"),
    ("ana.ruiz+osc@ejemplo.mx", "ana.ruiz+osc@ejemplo.mx"),
    ("Niños@Fundación.mx", "niños@fundación.mx"),
])
def test_clean_email(raw, expected):
    assert clean_email(raw) == expected


@pytest.mark.parametrize(("raw", "fragment"), [
    ("contacto", "arroba"),
    ("contacto.miosc.org.mx", "arroba"),
    ("contacto@", "correo electrónico válido"),
    ("contacto@miosc", "correo electrónico válido"),
    ("con tacto@miosc.org.mx", "correo electrónico válido"),
    ("a@@miosc.org.mx", "correo electrónico válido"),
    ("a" * 250 + "@miosc.org.mx", "254"),
])
def test_clean_email_refuses(raw, fragment):
    with pytest.raises(ValueError) as excinfo:
        clean_email(raw)
    assert fragment in _message(excinfo)


def test_clean_email_empty_is_none():
    assert clean_email(None) is None
    assert clean_email(" ") is None


# --------------------------------------------------------------------------------------------
# Sitio web
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("https://miosc.org.mx", "https://miosc.org.mx"),
    ("miosc.org.mx", "https://miosc.org.mx"),
    ("www.miosc.org.mx/quienes-somos", "https://www.miosc.org.mx/quienes-somos"),
    ("http://miosc.org.mx", "http://miosc.org.mx"),
    ("HTTPS://MiOSC.Org.MX/Nosotros?a=1#b", "https://miosc.org.mx/Nosotros?a=1#b"),
    ("//miosc.org.mx", "https://miosc.org.mx"),
    ("https:/miosc.org.mx", "https://miosc.org.mx"),
    ("miosc.org.mx:8080/inicio", "https://miosc.org.mx:8080/inicio"),
    ("https://miosc.org.mx.", "https://miosc.org.mx"),
    ("https://fundación-ñandú.mx", "https://fundación-ñandú.mx"),
])
def test_clean_url(raw, expected):
    assert clean_url(raw) == expected


@pytest.mark.parametrize(("raw", "fragment"), [
    ("javascript:alert(1)", "http:// o https://"),
    ("JavaScript:alert('https://x.mx')", "http:// o https://"),
    ("data:text/html;base64,PHNjcmlwdD4=", "http:// o https://"),
    ("ftp://archivos.miosc.org.mx", "http:// o https://"),
    ("mailto:contacto@miosc.org.mx", "http:// o https://"),
    ("java\tscript:alert(1)", "espacios"),
    ("https://miosc .org.mx", "espacios"),
    ("https://miosc.org.mx\\@malo.com", "espacios"),
    ("https://usuario:clave@miosc.org.mx", "usuario ni contraseña"),
    ("usuario:clave@miosc.org.mx", "usuario ni contraseña"),
    ("https://usuario@miosc.org.mx", "usuario ni contraseña"),
    ("https://miosc", "punto"),
    ("localhost:8080", "punto"),
    ("https://192.168.1.10/", "dirección IP"),
    ("https://[::1]/", "dirección IP"),
    ("https://-miosc.org.mx", "no es válido"),
    ("https://miosc..org.mx", "no es válido"),
    ("https://miosc.123", "no es válido"),
    ("https://miosc_org.mx", "no es válido"),
    ("https://", "Falta el dominio"),
    ("https://miosc.org.mx:99999/", "puerto"),
    ("https://miosc.org.mx/" + "a" * URL_MAX_LENGTH, f"más de {URL_MAX_LENGTH}"),
])
def test_clean_url_refuses(raw, fragment):
    with pytest.raises(ValueError) as excinfo:
        clean_url(raw)
    assert fragment in _message(excinfo)


def test_clean_url_length_counts_the_added_scheme():
    bare = "miosc.org.mx/" + "a" * (URL_MAX_LENGTH - len("https://miosc.org.mx/"))
    assert len(clean_url(bare)) == URL_MAX_LENGTH
    with pytest.raises(ValueError):
        clean_url(bare + "a")


def test_clean_url_empty_is_none():
    assert clean_url(None) is None
    assert clean_url("  ") is None


# --------------------------------------------------------------------------------------------
# Redes sociales
# --------------------------------------------------------------------------------------------


def test_social_links_networks():
    assert SOCIAL_NETWORKS == ("facebook", "instagram", "x", "youtube", "tiktok", "linkedin")


@pytest.mark.parametrize(("network", "raw", "expected"), [
    ("facebook", "https://www.facebook.com/miosc", "https://www.facebook.com/miosc"),
    ("facebook", "facebook.com/miosc", "https://facebook.com/miosc"),
    ("facebook", "http://m.facebook.com/miosc", "https://m.facebook.com/miosc"),
    ("facebook", "fb.com/miosc", "https://fb.com/miosc"),
    ("facebook", "https://www.facebook.com/profile.php?id=1000123",
     "https://www.facebook.com/profile.php?id=1000123"),
    ("facebook", "@fundacion.miosc", "https://www.facebook.com/fundacion.miosc"),
    ("facebook", "fundacion.miosc", "https://www.facebook.com/fundacion.miosc"),
    ("instagram", "@mi.osc_", "https://www.instagram.com/mi.osc_"),
    ("instagram", "mi.osc", "https://www.instagram.com/mi.osc"),
    ("instagram", "instagram.com/miosc/", "https://instagram.com/miosc/"),
    ("x", "@miosc", "https://x.com/miosc"),
    ("x", " @ miosc ", "https://x.com/miosc"),
    ("x", "https://twitter.com/miosc", "https://twitter.com/miosc"),
    ("x", "x.com/miosc", "https://x.com/miosc"),
    ("youtube", "@MiOSC", "https://www.youtube.com/@MiOSC"),
    ("youtube", "https://www.youtube.com/channel/UC123abc", "https://www.youtube.com/channel/UC123abc"),
    ("youtube", "youtu.be/abc123", "https://youtu.be/abc123"),
    ("tiktok", "@miosc", "https://www.tiktok.com/@miosc"),
    ("tiktok", "https://www.tiktok.com/@miosc#videos", "https://www.tiktok.com/@miosc"),
    ("linkedin", "fundacion-miosc", "https://www.linkedin.com/company/fundacion-miosc"),
    ("linkedin", "https://mx.linkedin.com/company/miosc", "https://mx.linkedin.com/company/miosc"),
])
def test_clean_social_links_accepts(network, raw, expected):
    assert clean_social_links({network: raw}) == {network: expected}


def test_clean_social_links_keeps_only_filled_networks_in_order():
    links = clean_social_links({"tiktok": "@miosc", "facebook": "", "x": None,
                                "instagram": "  ", "linkedin": "miosc"})
    assert list(links) == ["tiktok", "linkedin"]


@pytest.mark.parametrize("raw", [None, {}])
def test_clean_social_links_empty(raw):
    assert clean_social_links(raw) == {}


@pytest.mark.parametrize(("network", "raw", "fragment"), [
    ("facebook", "https://miosc.org.mx/facebook", "no es de Facebook"),
    ("facebook", "https://notfacebook.com/miosc", "no es de Facebook"),
    ("facebook", "https://facebook.com.malo.mx/miosc", "no es de Facebook"),
    ("facebook", "https://www.instagram.com/miosc", "no es de Facebook"),
    ("facebook", "facebook.com", "Falta el nombre de la página"),
    ("facebook", "https://www.facebook.com/", "Falta el nombre de la página"),
    ("facebook", "@osc", "de 5 a 80"),
    ("instagram", "@mi osc", "hasta 30"),
    ("instagram", "@" + "a" * 31, "hasta 30"),
    ("x", "@nombre-con-guion", "hasta 15"),
    ("x", "@un_nombre_muy_largo", "hasta 15"),
    ("x", "@", "hasta 15"),
    ("youtube", "@ab", "de 3 a 30"),
    ("tiktok", "@niño", "de 2 a 24"),
    ("linkedin", "mi.osc", "de 2 a 100"),
    ("x", "javascript:alert(1)", "http:// o https://"),
    ("instagram", "https://usuario@instagram.com/miosc", "usuario ni contraseña"),
])
def test_clean_social_links_refuses(network, raw, fragment):
    with pytest.raises(SocialLinksError) as excinfo:
        clean_social_links({network: raw})
    assert list(excinfo.value.errors) == [network]
    assert fragment in str(excinfo.value.errors[network])


def test_clean_social_links_reports_every_network():
    with pytest.raises(SocialLinksError) as excinfo:
        clean_social_links({"facebook": "https://miosc.org.mx", "x": "@miosc",
                            "youtube": "@a", "myspace": "miosc"})
    errors = excinfo.value.errors
    assert set(errors) == {"facebook", "youtube", "myspace"}
    assert str(errors["myspace"]) == "Red social no reconocida."
    assert isinstance(excinfo.value, ValueError)


# --------------------------------------------------------------------------------------------
# Fechas
# --------------------------------------------------------------------------------------------

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(("raw", "expected"), [
    (date(2015, 3, 10), date(2015, 3, 10)),
    (datetime(2015, 3, 10, 18, 30), date(2015, 3, 10)),
    ("2015-03-10", date(2015, 3, 10)),
    ("10/03/2015", date(2015, 3, 10)),
    (" 29/02/2024 ", date(2024, 2, 29)),
    (TODAY, TODAY),
    (date(1900, 1, 1), date(1900, 1, 1)),
    (None, None),
    ("", None),
])
def test_clean_date_not_future(raw, expected):
    assert clean_date_not_future(raw, today=TODAY) == expected


@pytest.mark.parametrize(("raw", "fragment"), [
    (date(2026, 3, 16), "posterior a hoy (15/03/2026)"),
    (date(1899, 12, 31), "anterior al 01/01/1900"),
    ("30/02/2015", "DD/MM/AAAA"),
    ("2015-02-30", "DD/MM/AAAA"),
    ("marzo de 2015", "DD/MM/AAAA"),
])
def test_clean_date_not_future_refuses(raw, fragment):
    with pytest.raises(ValueError) as excinfo:
        clean_date_not_future(raw, today=TODAY)
    assert fragment in _message(excinfo)


def test_clean_date_not_future_custom_earliest():
    with pytest.raises(ValueError, match="anterior al 01/01/2000"):
        clean_date_not_future(date(1999, 12, 31), earliest=date(2000, 1, 1), today=TODAY)


def test_clean_date_not_future_uses_mexico_city_today():
    assert clean_date_not_future(date(2001, 1, 1)) == date(2001, 1, 1)
    with pytest.raises(ValueError):
        clean_date_not_future(date(9999, 1, 1))


def test_clean_constitution_date():
    assert clean_constitution_date("03/02/2001", today=TODAY) == date(2001, 2, 3)
    with pytest.raises(ValueError, match="1900"):
        clean_constitution_date(date(1850, 5, 1), today=TODAY)


# --------------------------------------------------------------------------------------------
# Texto
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("  Fundación   Ñandú \n A.C.  ", "Fundación Ñandú A.C."),
    ("Casa\tHogar\r\nde la Niña", "Casa Hogar de la Niña"),
    ("Sin\u200b espacios\u00a0raros", "Sin espacios raros"),
    ("Cafe\u0301", "Café"),  # composed form
    ("abc", "abc"),
    ("", None),
    ("   \n\t ", None),
    (None, None),
])
def test_clean_text(raw, expected):
    assert clean_text(raw, 40) == expected


def test_clean_text_limits():
    assert clean_text("a" * 10, max_len=10, min_len=10) == "a" * 10
    with pytest.raises(ValueError) as excinfo:
        clean_text("a" * 11, 10)
    assert _message(excinfo) == "Escribe como máximo 10 caracteres; ahora hay 11."
    with pytest.raises(ValueError) as excinfo:
        clean_text(" ab  c ", 10, min_len=5)
    assert _message(excinfo) == "Escribe al menos 5 caracteres; ahora hay 4."


def test_clean_text_counts_after_collapsing_whitespace():
    assert clean_text("a" + " " * 50 + "b", 3) == "a b"
