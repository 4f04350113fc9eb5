"""The one allow-list for user-written text: Markdown is rendered once on save, then cleaned.

Templates mark only the output of :func:`render_markdown` as safe, so every path that stores
user text goes through here and nothing else is trusted.
"""

import bleach
import markdown
from bleach.linkifier import Linker
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h2", "h3"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def _force_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = LINK_REL
    return attrs


_linker = Linker(callbacks=[_force_rel], skip_tags={"pre", "code"}, parse_email=True)


def clean_html(html: str) -> str:
    """Strip everything outside the allow-list and give every link a safe ``rel``."""
    return _linker.linkify(_cleaner.clean(html))


def render_markdown(text: str | None) -> Markup:
    """Markdown to sanitized HTML; headings drop to h2/h3 because the page owns h1."""
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    for level in ("4", "5", "6"):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return Markup(clean_html(html))  # noqa: S704 - cleaned by the allow-list above


def plain_text(text: str | None) -> str:
    """Text with every tag removed, for titles, names and snippets."""
    return bleach.clean(text or "", tags=set(), strip=True)
