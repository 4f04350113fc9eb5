"""The library's controlled values and their names: what a stored code means to a person.

Every part that shows or checks a code asks here (the services when they clean a record, the
pages, the JSON API, OAI-PMH), so a kind, a licence or a language is spelled once. Names are
lazy translations: they render in the visitor's language when they are turned into text.
"""

from flask_babel import lazy_gettext as _l

#: dc:type of a resource, by stored code.
KINDS = {
    "issue": _l("Número de revista"),
    "article": _l("Artículo"),
    "manual": _l("Manual"),
    "chapter": _l("Capítulo"),
    "guide": _l("Guía"),
    "presentation": _l("Presentación"),
    "normative": _l("Documento normativo"),
}

#: dc:rights: (name, URL of the licence's deed or None) by stored code.
RIGHTS = {
    "cc-by-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "cc-by-sa-4.0": ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "cc-by-nc-4.0": ("CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/"),
    "cc-by-nc-sa-4.0": ("CC BY-NC-SA 4.0",
                        "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    "cc-by-nc-nd-4.0": ("CC BY-NC-ND 4.0",
                        "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    "all-rights-reserved": (_l("Todos los derechos reservados"), None),
}

#: The format of a magazine issue (an issue may exist in print and as a digital edition).
FORMATS = {
    "print": _l("Impresa"),
    "digital": _l("Digital"),
}

#: dc:language: ISO 639 codes (639-1 where one exists, else 639-3) and their names.
LANGUAGES = {
    "es": _l("Español"),
    "en": _l("Inglés"),
    "nah": _l("Náhuatl"),
    "oto": _l("Otomí"),
    "maz": _l("Mazahua"),
}


def kind_label(code: str | None) -> str:
    """The name of a kind; the code itself for a value this list does not know."""
    return str(KINDS.get(code or "", code or ""))


def rights_of(code: str | None) -> tuple[str, str | None]:
    """(name, URL) of a licence; the code and no URL for a value this list does not know."""
    label, url = RIGHTS.get(code or "", (code or "", None))
    return str(label), url


def format_label(code: str | None) -> str:
    return str(FORMATS.get(code or "", code or ""))


def language_label(code: str | None) -> str:
    return str(LANGUAGES.get(code or "", code or ""))
