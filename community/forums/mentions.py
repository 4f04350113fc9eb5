"""@mentions in a post's HTML: a handle that names someone becomes a mark.

A person's handle becomes ``<span class="mention">@handle</span>`` (their profile is not
public, so there is nothing to link to); a validated OSC's becomes a link to its public
profile, ``<a class="mention" href="/osc/<slug>">@slug</a>``.

This runs on the HTML :func:`community.core.sanitize.render_markdown` already cleaned, and it
never rewrites markup with a pattern: the HTML is parsed (bleach's html5lib parser, as its
linkifier does), only text nodes outside links, ``code`` and ``pre`` get marks, and the marks
are new elements whose text is the handle and whose attributes are fixed (the ``href`` is
built from a slug that matched the handle pattern, ``[a-z0-9-]``). Nothing the person wrote
becomes markup. (A first pass over the whole fragment only gathers candidate handles, to look
them all up in two queries.)
"""

import re

from bleach import html5lib_shim
from bleach.linkifier import LinkifyFilter
from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from community.forums.notices import MENTION, handle_of, person_ids
from community.profiles.models import Organization

# The handle of notices.MENTION, in any case (notices lower-cases the text before matching).
HANDLE = re.compile(MENTION.pattern, re.IGNORECASE)
SKIP_TAGS = frozenset({"a", "code", "pre"})

_parser = html5lib_shim.BleachHTMLParser(tags=frozenset(html5lib_shim.HTML_TAGS), strip=False,
                                         consume_entities=False,
                                         namespaceHTMLElements=False)
_walker = html5lib_shim.getTreeWalker("etree")
_serializer = html5lib_shim.BleachHTMLSerializer(
    quote_attr_values="always", omit_optional_tags=False, resolve_entities=False,
    sanitize=False, alphabetical_attributes=False)


def targets(handles: set[str]) -> dict[str, str | None]:
    """``{handle: href}`` for the handles that name someone: None for a person (no link), the
    profile path for a validated OSC. Unknown handles are left out."""
    found: dict[str, str | None] = {}
    ids = person_ids(handles)
    if ids:
        for user in db.session.scalars(select(User).where(User.id.in_(ids),
                                                          User.active.is_(True))):
            if handle_of(user) in handles:
                found[handle_of(user)] = None
    rest = handles - found.keys()
    if rest:
        for org in db.session.scalars(select(Organization).where(
                Organization.slug.in_(rest), Organization.status == "validated")):
            found[org.slug] = f"/osc/{org.slug}"
    return found


class _MentionFilter(LinkifyFilter):
    """A token filter in the manner of bleach's linkifier, whose entity handling it reuses:
    the parser keeps entities as text (``&lt;``), and the serializer would escape their ``&``
    again, so every text token goes through ``extract_entities`` as in ``LinkifyFilter``."""

    def __init__(self, source, found: dict[str, str | None]):
        html5lib_shim.Filter.__init__(self, source)
        self.found = found

    def __iter__(self):
        skipping = 0
        for token in html5lib_shim.Filter.__iter__(self):
            kind = token["type"]
            if kind in ("StartTag", "EndTag") and token["name"] in SKIP_TAGS:
                skipping = skipping + 1 if kind == "StartTag" else max(skipping - 1, 0)
                yield token
            elif kind == "Characters":
                pieces = self._split(token["data"]) if not skipping else [token]
                for piece in pieces:
                    if piece["type"] == "Characters":
                        yield from self.extract_entities(piece)
                    else:
                        yield piece
            else:
                yield token

    def _split(self, text: str):
        if "@" not in text:
            yield {"type": "Characters", "data": text}
            return
        last = 0
        for match in HANDLE.finditer(text):
            handle = match.group(1).lower()
            if handle not in self.found:
                continue
            if match.start() > last:
                yield {"type": "Characters", "data": text[last:match.start()]}
            href = self.found[handle]
            name = "span" if href is None else "a"
            attrs = {(None, "class"): "mention"}
            if href is not None:
                attrs[(None, "href")] = href
            yield {"type": "StartTag", "name": name, "data": attrs}
            yield {"type": "Characters", "data": match.group(0)}
            yield {"type": "EndTag", "name": name}
            last = match.end()
        if last < len(text):
            yield {"type": "Characters", "data": text[last:]}


def link_mentions(html: str) -> str:
    """Mark the @handles of sanitized HTML that name a person or a validated OSC."""
    if "@" not in html:
        return html
    handles = {h.lower() for h in HANDLE.findall(html)}
    found = targets(handles) if handles else {}
    if not found:
        return html
    dom = _parser.parseFragment(html)
    return _serializer.render(_MentionFilter(_walker(dom), found))
