"""Bounds on what people send: the length of the text they write, ids typed into forms, ids
in URLs.

One place for each bound, so that the HTML forms, the services (which the JSON API, the CLI
and the tests call too) and the URL map agree, and bad input is a Spanish message next to its
field (HTTP 422) or a 404, never a 500: an integer SQLite cannot store raises OverflowError,
and ``str.isdigit()`` accepts '²', which ``int()`` refuses.
"""

import re

from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms.validators import ValidationError as FieldError

from community.core.errors import ValidationError

#: The largest id a row can have: our primary keys are PostgreSQL ``integer`` columns (SQLite
#: stores more, but the same id must mean the same thing on both databases).
DB_INT_MAX = 2**31 - 1

# --- text lengths -------------------------------------------------------------------------

# The longest text of each kind, in characters. Forms show the limit (``maxlength``) and
# check it, services check it again (the API and the CLI have no form), and
# ``sanitize.render_markdown`` refuses anything longer than MARKDOWN_MAX.
POST_MAX = 20_000          # a forum post, a private message
DESCRIPTION_MAX = 20_000   # an event's description
PROFILE_TEXT_MAX = 5_000   # an OSC's mission and social object
REASON_MAX = 2_000         # why staff decided something (rejection, cancellation, suspension)
MARKDOWN_MAX = max(POST_MAX, DESCRIPTION_MAX, PROFILE_TEXT_MAX)


def text_length(text: str) -> int:
    """Characters as the person sees them: a line break is one, whether the browser sent
    ``\\r\\n`` or ``\\n`` (a textarea's ``maxlength`` counts it as one)."""
    return len(text) - text.count("\r\n")


def too_long_message(max_len: int, count: int):
    return _l("Escribe como máximo %(max)d caracteres; ahora hay %(count)d.", max=max_len,
              count=count)


def check_length(value, max_len: int, field: str = "__all__") -> str:
    """The text (``''`` for None), or a ValidationError on ``field`` when it is too long."""
    text = "" if value is None else str(value)
    count = text_length(text)
    if count > max_len:
        raise ValidationError({field: too_long_message(max_len, count)})
    return text


class MaxLength:
    """WTForms validator: the same limit and message as :func:`check_length`, and the
    ``maxlength`` attribute on the field (WTForms renders the flag)."""

    def __init__(self, max_len: int) -> None:
        self.max_len = max_len
        self.field_flags = {"maxlength": max_len}

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and text_length(field.data) > self.max_len:
            raise FieldError(str(too_long_message(self.max_len, text_length(field.data))))


# --- ids ----------------------------------------------------------------------------------

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def as_id(raw) -> int | None:
    """The id in ``raw`` (an int, or text of ASCII digits) when it can name a row
    (1 to DB_INT_MAX), else None. Never raises."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, str) and _ASCII_DIGITS.fullmatch(raw.strip()):
        number = int(raw.strip())
    else:
        return None
    return number if 1 <= number <= DB_INT_MAX else None


def parse_id(raw, field: str, message=None) -> int | None:
    """An id from a form field: None when empty, the id when it is one, else a
    ValidationError on ``field`` (Spanish, next to the field; HTTP 422)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    number = as_id(raw)
    if number is None:
        raise ValidationError({field: message or _l("Elige una opción de la lista.")})
    return number


class IdConverter(IntegerConverter):
    """The app's ``<int:...>`` converter: ASCII digits only (``\\d`` would take '١٢'), and
    only numbers the database can hold (1 to DB_INT_MAX unless the rule says otherwise), so
    ``/foros/t/9223372036854775808`` is a 404 and not an OverflowError."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1,
                 max: int | None = DB_INT_MAX, signed: bool = False) -> None:
        low, high = (-DB_INT_MAX if signed else 0), DB_INT_MAX
        super().__init__(map, fixed_digits=fixed_digits, signed=signed,
                         min=low if min is None else _within(min, low, high),
                         max=high if max is None else _within(max, low, high))


def _within(value: int, low: int, high: int) -> int:
    return low if value < low else high if value > high else value
