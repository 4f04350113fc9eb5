"""The library in the platform's search: each published resource, with the text of its pages.

Only published resources have documents (``access.status_of``): a draft never, and a
withdrawn one leaves the index at the drain that follows its commit.

A document's body is the resource's description, creators (names and affiliations),
subjects and series, then the extracted text of its pages, each page preceded by a form
feed ("\\f"), so that the number of form feeds before a position *is* its page number in
the PDF. A part (an article, a chapter) reads pages ``first_page``..``last_page`` of its
parent's current file and starts with ``first_page - 1`` more form feeds, so its page
numbers are the issue's. A resource with parts (an issue) carries only the pages no part
covers (the front matter; a draft part's pages stay with the issue until it is published)
and its table of contents (its published parts' titles and authors): a phrase inside an
article finds the article, not the issue as well. The page text
is cut at ``MAX_INDEXED_CHARS`` per document.

Restricted resources (``access.is_restricted``) have two documents: one with the metadata
only for everyone outside (``access.OUTSIDERS_LABEL``) and one with the text for its readers
(``access.READERS_LABEL``); ``access.search_labels`` gives each person exactly one of those
labels (``registry.register_audience``), so each person finds the resource once, and no page
text ever reaches someone who may not read it.

Snippets (:func:`resource_snippet`): the default snippet maker only looks at a body's first
32,000 characters; here the words of the query are found over the whole body, in one pass,
and the passage is cut from the page that holds most of them (the earliest such page), whose
number comes with the hit.
"""


from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from community.extensions import db
from community.library import access
from community.library.models import Creator, Resource, ResourceFile, ResourcePage
from community.search.registry import SearchKind, register, register_audience
from community.search.snippets import highlight_window, make_snippet, matched_words

MAX_INDEXED_CHARS = 300_000  # of page text, per document
PAGE_BREAK = "\f"
# A change to these on an issue changes what its parts' documents say or who sees them.
PARENT_RULES = ("status", "access", "current_file_id", "series_id", "areas", "subjects",
                "withdrawn_note")


# --- documents -----------------------------------------------------------------------------


def _clean(text: str | None) -> str:
    return (text or "").replace(PAGE_BREAK, " ")


def _creators(resource: Resource) -> str:
    return "; ".join(", ".join(filter(None, [c.name, c.affiliation]))
                     for c in resource.creators)


def _metadata(resource: Resource, parts: list[Resource]) -> str:
    whole = access.effective(resource)
    subjects = resource.subjects or (whole.subjects if whole is not resource else [])
    series = resource.series or (whole.series if whole is not resource else None)
    lines = [resource.description, _creators(resource),
             " ".join(subject.name for subject in subjects),
             series.title if series is not None else ""]
    # An issue's table of contents: its parts' titles and authors.
    lines += [". ".join(filter(None, [part.title, _creators(part)])) for part in parts]
    return _clean("\n".join(line for line in lines if line))


def _pages(file_id: int | None, first: int | None = None, last: int | None = None,
           skip: list[tuple[int, int]] = ()) -> str:
    """The text of a file's pages ``first``..``last``, each after as many form feeds as
    make its number (pages in ``skip`` left empty), at most MAX_INDEXED_CHARS of text."""
    if file_id is None:
        return ""
    stmt = select(ResourcePage.number, ResourcePage.text).where(ResourcePage.file_id == file_id)
    if first is not None:
        stmt = stmt.where(ResourcePage.number >= first)
    if last is not None:
        stmt = stmt.where(ResourcePage.number <= last)
    out: list[str] = []
    at = used = 0
    for number, text in db.session.execute(stmt.order_by(ResourcePage.number)):
        if number <= at or any(low <= number <= high for low, high in skip):
            continue
        text = _clean(text)[: MAX_INDEXED_CHARS - used]
        out.append(PAGE_BREAK * (number - at))
        out.append(text)
        at, used = number, used + len(text)
        if used >= MAX_INDEXED_CHARS:
            break
    return "".join(out)


def _published_parts(resource: Resource) -> list[Resource]:
    if resource.parent_id is not None:
        return []
    return [part for part in resource.parts if access.status_of(part) == "published"]


def _page_text(resource: Resource) -> str:
    if resource.parent_id is not None:
        parent = resource.parent
        if parent is None or resource.first_page is None:
            return ""
        last = resource.last_page if resource.last_page is not None else resource.first_page
        return _pages(parent.current_file_id, resource.first_page, last)
    # A withdrawn part's pages are not found through its issue either; a draft part's
    # pages stay with the issue until the part is published.
    covered = [(part.first_page, part.last_page if part.last_page is not None
                else part.first_page) for part in resource.parts
               if part.first_page is not None and part.status != "draft"]
    return _pages(resource.current_file_id, skip=covered)


def resource_documents(resource: Resource) -> list[dict]:
    if access.status_of(resource) != "published":
        return []
    with force_locale("es_MX"):
        whole = access.effective(resource)
        parts = _published_parts(resource)
        metadata = _metadata(resource, parts)
        areas = resource.areas or (whole.areas if whole is not resource else [])
        document = {
            "title": resource.title,
            "municipality": "",
            "areas": ",".join(area.fraction for area in areas),
            "year": str(resource.issued.year) if resource.issued else "",
            "url": f"/biblioteca/{resource.slug}",
        }
        full = metadata + _page_text(resource)
        if not access.is_restricted(resource):
            return [{**document, "body": full, "visibility": "public"}]
        return [{**document, "body": metadata, "visibility": access.OUTSIDERS_LABEL},
                {**document, "body": full, "visibility": access.READERS_LABEL}]


def all_resources():
    stmt = select(Resource).where(Resource.status == "published")
    return db.session.scalars(stmt.execution_options(yield_per=100))


# --- what else re-indexes ------------------------------------------------------------------

_CACHE_KEY = "library_search_ids"


def _cache() -> dict:
    """Answers for this flush: 300 pages written at once ask once which resources they
    belong to (cleared after each flush, see ``_forget_cache``)."""
    return db.session.info.setdefault(_CACHE_KEY, {})


@event.listens_for(Session, "after_flush_postexec")
def _forget_cache(session: Session, _context) -> None:
    session.info.pop(_CACHE_KEY, None)


def _changed(row, *names: str) -> bool:
    state = sa_inspect(row)
    return any(state.attrs[name].history.has_changes() for name in names)


def _parts_of(resource_id: int | None) -> list[int]:
    if resource_id is None:
        return []
    key = ("parts", resource_id)
    cache = _cache()
    if key not in cache:
        cache[key] = list(db.session.scalars(
            select(Resource.id).where(Resource.parent_id == resource_id)))
    return cache[key]


def _with_parent(resource_id: int | None) -> list[int]:
    """The resource and, when it is a part, its issue (whose table of contents names it)."""
    if resource_id is None:
        return []
    key = ("parent", resource_id)
    cache = _cache()
    if key not in cache:
        parent = db.session.scalar(select(Resource.parent_id).where(Resource.id == resource_id))
        cache[key] = [resource_id] + ([parent] if parent is not None else [])
    return cache[key]


def _family(resource: Resource) -> list[int]:
    """A part changed: its issue (table of contents, front matter). An issue's status,
    access, file or description rules changed: its parts."""
    ids: list[int] = []
    history = sa_inspect(resource).attrs.parent_id.history
    ids += [i for i in (*history.deleted, resource.parent_id) if i is not None]
    if resource.id is not None and _changed(resource, *PARENT_RULES):
        ids += _parts_of(resource.id)
    return ids


def _creator_resources(creator: Creator) -> list[int]:
    return _with_parent(creator.resource_id)


def _file_resources(resource_id: int | None) -> list[int]:
    """A file's resource and, when the resource has parts, every part (they read its pages)."""
    return [] if resource_id is None else [resource_id, *_parts_of(resource_id)]


def _changed_file(row: ResourceFile) -> list[int]:
    state = sa_inspect(row)
    if not (state.pending or state.deleted or state.was_deleted
            or _changed(row, "text_status")):
        return []  # a claim, a counter: nothing the documents show
    return _file_resources(row.resource_id)


def _changed_page(page: ResourcePage) -> list[int]:
    key = ("file", page.file_id)
    cache = _cache()
    if key not in cache:
        resource_id = db.session.scalar(select(ResourceFile.resource_id)
                                         .where(ResourceFile.id == page.file_id))
        cache[key] = _file_resources(resource_id)
    return cache[key]


# --- snippets ------------------------------------------------------------------------------

WINDOW_BEFORE = 150  # two passages of at most 200 characters come out of the window
WINDOW_AFTER = 350
MAX_CANDIDATES = 5000  # words starting like a stem without having it: then give up


def _heads(terms: frozenset[str]) -> frozenset[str]:
    """What each stem's words begin with: the stem but its last two letters, and at least
    three (of the word a stem in "z" comes from: "luz" from "luces"). The stemmers only
    ever rewrite a word's last letters ("potencia" -> "potent", "ecología" -> "ecolog"),
    so these are still every such word's beginning, and far fewer words to try than three
    letters find in a body of hundreds of pages ("con" for "congreso")."""
    heads = set()
    for term in terms:
        base = term[:-1] if term.endswith("z") and len(term) > 1 else term
        heads.add(base[:max(3, len(base) - 2)])
    return frozenset(heads)


def _matches(body: str, terms: frozenset[str]):
    """(start, stems) of the body's words that have one of the stems, in the body's order."""
    return matched_words(body, terms, limit=MAX_CANDIDATES, heads=_heads(terms))


def _best_match(body: str, terms: frozenset[str]) -> int | None:
    """Where the passage should start: the first matching word of the page that holds the
    most of the query's stems (the earliest such page), so a phrase leads to its own page
    rather than to the first page that has one of its words. The record before the first
    page counts only when no page matches. Stops at the first page that has them all."""
    first_break = body.find(PAGE_BREAK)
    best, best_score, in_record = None, 0, None
    page_end, page_first, page_terms = -1, None, set()
    for start, found in _matches(body, terms):
        if 0 <= start < first_break or first_break < 0:
            in_record = start if in_record is None else in_record
            continue
        if start > page_end:
            if len(page_terms) > best_score:
                best, best_score = page_first, len(page_terms)
            if best_score == len(terms):
                return best
            page_end = body.find(PAGE_BREAK, start)
            page_end = len(body) if page_end < 0 else page_end
            page_first, page_terms = start, set()
        page_terms |= found
    if len(page_terms) > best_score:
        best = page_first
    return best if best is not None else in_record


def resource_snippet(body: str, terms: frozenset[str]) -> tuple[Markup, int | None]:
    """The passage around the query's words on the page that holds most of them, and the
    page's number (None: the match is in the description, before the first page)."""
    body = body or ""
    at = _best_match(body, terms) if terms else None
    first_break = body.find(PAGE_BREAK)
    metadata = body if first_break < 0 else body[:first_break]
    if at is None:
        return make_snippet(metadata, terms), None
    low = body.rfind(PAGE_BREAK, 0, at) + 1
    high = body.find(PAGE_BREAK, at)
    high = len(body) if high < 0 else high
    page = body.count(PAGE_BREAK, 0, low) or None
    start, end = max(low, at - WINDOW_BEFORE), min(high, at + WINDOW_AFTER)
    if start > low:  # begin and end the window at a space, not inside a word
        space = body.find(" ", start, at)
        start = space + 1 if space >= 0 else start
    if end < high:
        space = body.rfind(" ", at, end)
        end = space if space > at else end
    html = highlight_window(body, terms, start, end)
    if not html:
        return make_snippet(metadata, terms), None
    return Markup(html), page  # noqa: S704 - highlight_window escaped every piece


# --- registration --------------------------------------------------------------------------

register(SearchKind(
    name="resource",
    model=Resource,
    documents=resource_documents,
    all_rows=all_resources,
    label=_l("Biblioteca"),
    related=((Resource, _family), (Creator, _creator_resources),
             (ResourceFile, _changed_file), (ResourcePage, _changed_page)),
    snippet=resource_snippet,
))

register_audience(access.search_labels)


def page_passage(text: str | None, q: str) -> Markup | None:
    """The passage of one page around the words of ``q``, marked as in a search hit (the
    resource's page opened from a hit: "Encontrado en la página N")."""
    from community.search.service import clean_query, query_words

    terms = frozenset(stem for word in query_words(clean_query(q)) for stem in word.stems)
    if not text or not terms:
        return None
    passage, page = resource_snippet(PAGE_BREAK + _clean(text), terms)
    return passage if page else None
