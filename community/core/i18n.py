"""Translated text stays text: in HTML, a lazy translation is escaped like any other string.

Flask-Babel's ``LazyString.__html__`` returns the formatted string as is, so Jinja (and
WTForms, Markup, the session's flash serializer) treat ``_l("Motivo: %(reason)s",
reason=...)`` as safe markup and a person's name, a suspension reason or a topic title put
into it reached the page unescaped. Our messages hold no markup, so the whole translated text
is escaped when it meets HTML; ``str()`` stays the plain text that mail, PDFs and iCalendar
need. Installed once, when ``community`` is imported, for every lazy string of the process
(ours, Flask-Login's ``login_message``, any library's).
"""

from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape


def _escaped_html(self: LazyString) -> Markup:
    return escape(str(self))


def install() -> None:
    LazyString.__html__ = _escaped_html


install()
