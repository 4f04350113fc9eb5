"""core.inputs and core.pagination: the one id parser, the one page parser, the one URL
converter and the one length check, each on the values that broke them before (an integer
SQLite cannot store, '²' which passes ``str.isdigit()`` and breaks ``int()``, '١٢' which
``int()`` reads as 12)."""

import pytest
from flask import Flask
from werkzeug.exceptions import NotFound
from wtforms import Form, StringField

from community.core.errors import ValidationError
from community.core.inputs import (
    DB_INT_MAX,
    IdConverter,
    MaxLength,
    as_id,
    check_length,
    parse_id,
    text_length,
)
from community.core.pagination import MAX_PAGE, page_arg, parse_page

BAD_IDS = ["0", "-1", "+1", "1.0", "1e3", " ", "abc", "²", "١٢", "１２", str(2**63),
           str(10**30), "9" * 5000, None, True, 0, -5, 2**63, 1.5, [], {}]


@pytest.mark.parametrize("raw", BAD_IDS)
def test_as_id_refuses_what_cannot_name_a_row(raw):
    assert as_id(raw) is None


@pytest.mark.parametrize(("raw", "number"), [("1", 1), (" 42 ", 42), ("007", 7), (12, 12),
                                              (str(DB_INT_MAX), DB_INT_MAX)])
def test_as_id_reads_ascii_ids(raw, number):
    assert as_id(raw) == number


def test_parse_id_is_a_field_error_in_spanish():
    assert parse_id("", "organization") is None and parse_id(None, "to") is None
    assert parse_id("15", "organization") == 15
    for raw in ("²", str(2**64), "0", "x"):
        with pytest.raises(ValidationError) as refused:
            parse_id(raw, "organization")
        assert str(refused.value.errors["organization"]) == "Elige una opción de la lista."
    with pytest.raises(ValidationError) as refused:
        parse_id("١٢", "category", "Elige una categoría de la lista.")
    assert refused.value.errors == {"category": "Elige una categoría de la lista."}


@pytest.mark.parametrize(("raw", "page"), [
    (None, 1), ("", 1), ("abc", 1), ("-5", 1), ("0", 1), ("²", 1), ("١٢", 1), ("1.5", 1),
    ("3", 3), (" 4 ", 4), (7, 7), (str(2**63), MAX_PAGE), (str(2**63 - 1), MAX_PAGE),
    (str(10**30), MAX_PAGE), ("9" * 5000, MAX_PAGE), ("0" * 30 + "5", 5), (2**70, MAX_PAGE)])
def test_parse_page_clamps(raw, page):
    assert parse_page(raw) == page


def test_page_arg_with_no_default_means_the_last_page():
    assert page_arg({}, default=None) is None and page_arg({"page": "x"}, default=None) is None
    assert page_arg({"page": "2"}, default=None) == 2


def test_the_id_converter_is_ascii_and_bounded():
    app = Flask(__name__)
    app.url_map.converters["int"] = IdConverter
    app.add_url_rule("/t/<int:item>", "item", lambda item: str(item))
    app.add_url_rule("/m/<int:year>/<int(min=1, max=12):month>", "month",
                     lambda year, month: f"{year}-{month}")
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/t/12") == ("item", {"item": 12})
    assert adapter.match(f"/t/{DB_INT_MAX}") == ("item", {"item": DB_INT_MAX})
    for bad in ("0", "-1", str(2**63), str(2**64), str(10**30), "²", "١٢", "１２"):
        with pytest.raises(NotFound):
            adapter.match(f"/t/{bad}")
    assert adapter.match("/m/2026/12")[1] == {"year": 2026, "month": 12}
    with pytest.raises(NotFound):
        adapter.match("/m/2026/13")


def test_check_length_counts_a_line_break_once():
    assert text_length("a\r\nb") == 3
    assert check_length("a\r\n" * 5, 10, "body") == "a\r\n" * 5
    with pytest.raises(ValidationError) as refused:
        check_length("x" * 11, 10, "body")
    assert str(refused.value.errors["body"]) == ("Escribe como máximo 10 caracteres; ahora "
                                                 "hay 11.")
    assert check_length(None, 10) == ""


def test_max_length_validator_shows_the_limit_and_the_same_message(app):
    class TextForm(Form):
        body = StringField(validators=[MaxLength(5)])

    form = TextForm(data={"body": "abcdef"})
    assert not form.validate()
    assert form.body.errors == ["Escribe como máximo 5 caracteres; ahora hay 6."]
    assert 'maxlength="5"' in form.body()
    assert TextForm(data={"body": "ab\r\nc"}).validate()

