"""Translated text stays text: in HTML, a lazy translation is escaped like any other string.

Flask-Babel's ``LazyString.__html__`` returns the formatted string as is, so Jinja (and
WTForms, Markup, the session's flash serializer) treat ``_l("Motivo: %(reason)s",
reason=...)`` as safe markup and a person's name, a suspension reason or a topic title put
into it reached the page unescaped. Our messages hold no markup, so the whole translated text
is escaped when it meets HTML; ``str()`` stays the plain text that mail, PDFs and iCalendar
need. Installed once, when ``community`` is imported, for every lazy string of the process
(ours, Flask-Login's ``login_message``, any library's).
"""

from datetime import UTC, date, datetime, time
from functools import lru_cache

import flask_babel
from babel import dates as babel_dates
from flask import Flask
from flask.globals import _cv_app
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape


def _escaped_html(self: LazyString) -> Markup:
    return escape(str(self))


def install() -> None:
    LazyString.__html__ = _escaped_html


install()


def current_translations():
    """The translations of this context's locale, remembered beside Flask-Babel's own locale.

    A page calls gettext hundreds of times; Flask-Babel resolves each call through ``g``
    and its locale from scratch (about a tenth of a signed-in page's time). The answer is
    kept with the locale object it was made for, so ``force_locale`` (mail in the
    recipient's language) and ``refresh`` (a changed language), which replace that object,
    are seen at the next call.
    """
    ctx = _cv_app.get(None)
    state = vars(ctx.g).get("_flask_babel") if ctx is not None else None
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        return get_translations()
    kept = vars(state).get("osc_translations")
    if kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    state.osc_translations = (locale, translations)
    return translations


def install_template_gettext(app: Flask) -> None:
    """Flask-Babel's template callables, resolved through :func:`current_translations`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: current_translations().ugettext(text),
        ngettext=lambda one, many, n: current_translations().ungettext(one, many, n),
        pgettext=lambda context, text: current_translations().upgettext(context, text),
        npgettext=lambda context, one, many, n: current_translations().unpgettext(
            context, one, many, n),
        newstyle=True)


# --- dates in templates -------------------------------------------------------------------

FORMATTED_KEPT = 8192  # formatted dates remembered per process (a few hundred kB)
_FORMATTERS = {"date": babel_dates.format_date, "time": babel_dates.format_time,
               "datetime": babel_dates.format_datetime}


@lru_cache(maxsize=FORMATTED_KEPT)
def _formatted(kind: str, value, value_type: type, pattern: str, locale: str,
               tzinfo) -> str:
    """What Flask-Babel's ``format_<kind>`` gives for ``value`` in ``locale`` and the
    reader's zone ``tzinfo``: the same steps (a datetime without a zone is UTC; a date is
    written in the reader's zone; a time or datetime is given the zone to convert to)."""
    if kind == "date":
        if value_type is datetime:
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value
            value = value.astimezone(tzinfo)
            normalize = getattr(tzinfo, "normalize", None)  # pytz's zones
            value = normalize(value) if normalize else value
        return babel_dates.format_date(value, pattern, locale=locale)
    return _FORMATTERS[kind](value, pattern, locale=locale, tzinfo=tzinfo)


def _remembered_filter(kind: str, babel_filter):
    """A template filter giving what ``babel_filter`` gives, remembered by its inputs: the
    calendar formats the same few hundred dates on every visit, at about 50 microseconds
    each in Babel (a tenth of a signed-in /eventos)."""

    def remembered(value=None, format=None, rebase=True):
        if value is None or not rebase or not isinstance(value, date | time):
            return babel_filter(value, format, rebase)
        pattern = flask_babel._get_format(kind, format)
        return _formatted(kind, value, type(value), pattern, str(flask_babel.get_locale()),
                          flask_babel.get_timezone())

    return remembered


def install_date_filters(app: Flask) -> None:
    """Flask-Babel's ``dateformat``, ``timeformat`` and ``datetimeformat``, remembered."""
    for name, kind, babel_filter in (("dateformat", "date", flask_babel.format_date),
                                     ("timeformat", "time", flask_babel.format_time),
                                     ("datetimeformat", "datetime", flask_babel.format_datetime)):
        app.jinja_env.filters[name] = _remembered_filter(kind, babel_filter)
