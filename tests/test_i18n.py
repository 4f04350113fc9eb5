"""Every interface string is translatable and the English catalogue covers all of them."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "community" / "translations"
METHODS = [("community/**.py", "python"), ("templates/**.html", "jinja2"),
           ("templates/**.txt", "jinja2")]


def _source_messages() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    messages = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), METHODS, keywords=keywords, options_map={"templates/**": {}}
    ):
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def _catalog(locale: str, kind: str = "po"):
    path = TRANSLATIONS / locale / "LC_MESSAGES" / f"messages.{kind}"
    with open(path, "rb") as handle:
        return read_po(handle) if kind == "po" else read_mo(handle)


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def _has_text(message) -> bool:
    strings = message.string if isinstance(message.string, list | tuple) else [message.string]
    return bool(message.id) and all(strings) and _key(message.string) != _key(message.id)


def test_english_catalog_translates_every_string():
    catalog = _catalog("en")
    missing = sorted(m for m in _source_messages()
                     if not catalog.get(m) or not catalog[m].string or catalog[m].fuzzy)
    assert missing == [], f"run `make translations` and translate: {missing[:20]}"


def test_compiled_catalogs_match_sources():
    for locale in ("en", "es_MX"):
        po, mo = _catalog(locale), _catalog(locale, "mo")
        translated = {_key(m.id): _key(m.string) for m in po if _has_text(m) and not m.fuzzy}
        compiled = {_key(m.id): _key(m.string) for m in mo if _has_text(m)}
        assert compiled == translated, f"{locale}: run `make translations` to compile"


def test_english_page(client):
    body = client.get("/cuenta/entrar", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="en"' in body and "Sign in" in body and "Email" in body


def test_spanish_is_the_default(client):
    body = client.get("/cuenta/entrar").get_data(as_text=True)
    assert 'lang="es-MX"' in body and "Correo electrónico" in body


def test_extraction_finds_strings():
    assert "Crear cuenta" in _source_messages()


def test_templates_follow_a_forced_locale_within_a_request(app):
    """Templates keep the request's translations between calls (a page makes hundreds), but
    mail rendered in its recipient's language (``force_locale``) and a language changed
    mid-request (``refresh``) are still seen at once."""
    from flask import render_template_string, session
    from flask_babel import force_locale, refresh

    page = "{{ _('Correo electrónico') }}"
    with app.test_request_context("/"):
        assert render_template_string(page) == "Correo electrónico"
        with force_locale("en"):
            assert render_template_string(page) == "Email"
        assert render_template_string(page) == "Correo electrónico"
        session["language"] = "en"
        refresh()
        assert render_template_string(page) == "Email"


def test_remembered_date_filters_write_what_flask_babel_writes(app):
    """The templates' date filters are remembered by their inputs (community.core.i18n):
    in each language, for dates, datetimes with and without a zone (UTC), across the
    daylight-saving changes Mexico City had, they write what Flask-Babel's own filters
    write, and a change of language mid-request is seen."""
    from datetime import UTC, date, datetime, timedelta, timezone

    import flask_babel
    from flask import render_template_string, session
    from flask_babel import force_locale, refresh

    moments = [datetime(2022, 4, 3, 7, 59) + timedelta(hours=h) for h in range(0, 4)]
    moments += [datetime(2022, 10, 30, 5, 30), datetime(2026, 12, 31, 23, 59, 59),
                datetime(2026, 1, 1, 5, 59, tzinfo=UTC),
                datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=-6)))]
    days = [date(2026, 2, 28), date(2024, 2, 29)]
    named = [None, "short", "medium", "long", "full"]
    patterns = {"dateformat": ["MMM", "yMMMM", "EEEE d 'de' MMMM"], "timeformat": ["HH:mm"],
                "datetimeformat": ["MMM", "d/M/y H:mm"]}
    filters = {"dateformat": flask_babel.format_date, "timeformat": flask_babel.format_time,
               "datetimeformat": flask_babel.format_datetime}
    page = "{{ value|%s(format) }}"
    with app.test_request_context("/"):
        for language in ("es_MX", "en"):
            with force_locale(language):
                for name, babel_filter in filters.items():
                    values = moments + (days if name == "dateformat" else [])
                    for value in values:
                        for format in named + patterns[name]:
                            expected = babel_filter(value, format)
                            for _twice in range(2):
                                assert render_template_string(
                                    page % name, value=value, format=format) == expected, (
                                    language, name, value, format)
        when = datetime(2026, 12, 14, 17, 0)
        assert render_template_string("{{ when|dateformat('full') }}", when=when) == \
            "lunes, 14 de diciembre de 2026"
        session["language"] = "en"
        refresh()
        assert render_template_string("{{ when|dateformat('full') }}", when=when) == \
            "Monday, December 14, 2026"
