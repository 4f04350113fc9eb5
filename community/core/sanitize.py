"""The one allow-list for user-written text: Markdown is rendered once on save, then cleaned.

Templates mark only the output of :func:`render_markdown` as safe, so every path that stores
user text goes through here and nothing else is trusted.

Rendering runs inside a request (on save, and in the forum previews), so every step is linear
in the length of the text, whatever the text is (``bench/markdown_bench.py`` measures it):

- Markdown is parsed by markdown-it-py (CommonMark), whose parsers are built to stay linear
  on hostile input (long runs of ``[``, ``*``, ``<``, backticks, nested quotes and lists are
  CommonMark's "pathological" tests). Python-Markdown, used before, was quadratic or worse on
  several of them (4,000 ``[`` took 10 s).
- bleach's Cleaner applies the allow-list, as always.
- bleach's Linker finds bare URLs and e-mail addresses with the two patterns below instead of
  bleach's own, which backtrack: the e-mail one tries every position of a long word again
  (16,000 letters took 10 s; 100,000 hung a worker). Ours start only where a word starts and
  bound every repetition, so each position of the text is looked at a bounded number of
  times.
"""

import re
from functools import partial

import bleach
from bleach.linkifier import TLDS, LinkifyFilter
from markdown_it import MarkdownIt
from markupsafe import Markup

from community.core.errors import ValidationError
from community.core.inputs import MARKDOWN_MAX, text_length, too_long_message

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h2", "h3"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

_TLD = "|".join(TLDS)  # longest first where one is a prefix of another ("com" before "co")
_LABEL = r"[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?"  # one DNS label: at most 63 characters
_ATOM = r"-!#$%&'*+/=?^_`{}|~0-9A-Z"  # the characters of an address's local part

#: A bare e-mail address. It starts only where a run of address characters starts (never in
#: the middle of a word, never after ``//`` as in ``http://user@host``), and every repetition
#: is bounded (a local part of at most 64 characters in at most 16 dotted pieces, at most 8
#: labels before the top-level domain), so no position is tried more than a bounded number
#: of times. Same addresses as bleach's pattern for everything people write.
EMAIL_RE = re.compile(
    rf"""(?<![{_ATOM}.])(?<!//)
    (?=[{_ATOM}.]{{1,64}}@)                         # a local part of at most 64 characters
    [{_ATOM}]+(?:\.[{_ATOM}]+){{0,16}}
    @(?:{_LABEL}\.){{1,8}}(?:{_TLD})(?![A-Z0-9-])   # the domain, ending with a known TLD
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: A bare URL (``www.osc.org.mx``, ``https://osc.org.mx/a?b=c``) as bleach's ``URL_RE`` finds
#: them, for http and https only (the schemes the allow-list keeps), made linear the same
#: way: it starts only where a word starts (opening parentheses counted from the first one),
#: a label has at most 63 characters and a host at most 10 labels, ``user@`` and the port are
#: bounded, and the path is one greedy run with nothing after it.
URL_RE = re.compile(
    rf"""(?<!\()\(*                                  # opening parentheses (trimmed later)
    (?<![\w@.-])\b
    (?:https?:/{{0,3}}(?:(?:\w{{1,64}}:)?\w{{1,64}}@)?)?
    (?:[\w-]{{1,63}}\.){{1,10}}(?:{_TLD})(?::[0-9]{{1,5}})?(?!\.\w)\b
    (?:[/?][^\s{{}}|\\^`<>"]*)?                       # /path?query#fragment
    """,
    re.IGNORECASE | re.VERBOSE | re.UNICODE,
)


def _force_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = LINK_REL
    return attrs


# One pass: html5lib parses the HTML once, the allow-list filters it, then bleach's
# LinkifyFilter turns bare URLs and addresses in the remaining text into links (outside
# pre and code), and one serializer writes it (bleach's documented way to do both at once;
# cleaning and then linkifying parsed and wrote everything twice).
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_force_rel], skip_tags={"pre", "code"},
                     parse_email=True, url_re=URL_RE, email_re=EMAIL_RE)],
)

# CommonMark, with raw HTML passed on to the Cleaner, which keeps what the allow-list keeps,
# as before. Raw HTML is read tag by tag (inline), never as a block: a line that starts with
# a tag stays Markdown, so the text after ``<script>`` on its line is not left as raw text.
# The Cleaner is also the one judge of link schemes: markdown-it would leave
# [x](javascript:...) as literal text; it becomes a link whose href the allow-list drops.
_markdown = MarkdownIt("commonmark", {"html": True}).disable("html_block")
_markdown.validateLink = lambda url: True
_HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3"}


def _demote_headings(state) -> None:
    """Headings drop to h2/h3 because the page owns h1."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADINGS[token.tag]


_markdown.core.ruler.push("demote_headings", _demote_headings)


def clean_html(html: str) -> str:
    """Strip everything outside the allow-list and give every link a safe ``rel``."""
    return _cleaner.clean(html)


def render_markdown(text: str | None) -> Markup:
    """Markdown to sanitized HTML, for storing beside the text and showing as is.

    Text longer than :data:`~community.core.inputs.MARKDOWN_MAX` is refused with a
    ValidationError: each service checks its own (smaller or equal) limit first, next to its
    field; this is the floor under all of them.
    """
    if not text:
        return Markup("")
    if text_length(text) > MARKDOWN_MAX:
        raise ValidationError(too_long_message(MARKDOWN_MAX, text_length(text)))
    return Markup(markdown_to_html(text))  # noqa: S704 - cleaned by the allow-list


def markdown_to_html(text: str) -> str:
    """The pipeline itself, for any length: Markdown, the allow-list, links. Linear in the
    length of the text (``bench/markdown_bench.py``, ``tests/core/test_sanitize.py``)."""
    return clean_html(_markdown.render(text))


def plain_text(text: str | None) -> str:
    """Text with every tag removed, for titles, names and snippets."""
    return bleach.clean(text or "", tags=set(), strip=True)
