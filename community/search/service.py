"""The query service: what ``/buscar`` and the directory's text filter ask the index.

People's text never reaches Whoosh's query parser. The words are pulled out with the
index's own analyzers and the query is built from ``Term`` objects, so quotes, colons,
parentheses, "AND"/"OR"/"NOT", stars and the like are only punctuation: any string gives
results or nothing, never an exception.

For each word the query asks for every stem the Spanish analyzer gives it, in the title, the
body and the place; the words are joined with AND, and when fewer than ``MIN_AND_HITS``
documents have them all, with OR (``SearchResults.broadened`` says so), ranked by how many
of the words a document has, then by score.
A word that is in no document is looked up with a fuzzy term on the ``words`` field
(typo tolerance) and, when the corrected query has results, offered as
"¿Quisiste decir …?" (``SearchResults.suggestion``).

Everything is filtered by what the person may see (:func:`visibility_for`): the hits and
the facet counts. Each facet is counted without its own filter, so a person can switch from
one municipality to another without first removing the filter.

Speed, in pure Python: the set of matching documents (for the total, the AND/OR choice and
the facets) is computed with set operations over each term's postings, read a block at a
time; facet values are read once per index segment and counted with ``Counter``; Whoosh
scores only for the page (``limit=page*per_page``, which lets it skip blocks; for an OR,
only the documents of the word-count levels the page reaches) and only the page's hits are
highlighted. Whoosh's own ``groupedby`` facets cost a Python call per matching document
and facet: several times as much on a large index.

A Whoosh searcher is not safe for two threads at once (its segment readers seek and read a
shared file object), so the service keeps a small pool of searchers: one per process when
requests come one at a time, one per concurrent request otherwise. Each is kept open across
requests and replaced only when the index changed (a commit, or a reindex swapping in a new
folder, which changes ``index_generation()``).
"""

from __future__ import annotations

import logging
import math
import os
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain

from markupsafe import Markup, escape
from whoosh import highlight
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.mcore import ListMatcher, NullMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, FuzzyTerm, Or, Query, Term
from whoosh.reading import TermNotFound
from whoosh.support.levenshtein import distance

from community.search.analysis import folding_analyzer, spanish_analyzer

log = logging.getLogger(__name__)

MAX_CHARS = 200  # of the query, after cleaning
MAX_WORDS = 12
MIN_AND_HITS = 3  # fewer documents with every word: show those with any word
MAX_PER_PAGE = 100
MAX_IDS = 5000
FUZZY_MIN_LEN = 4  # shorter words are never fuzzy ("ong", "dif" ...)
FUZZY_MAX_LEN = 24  # longer "words" are not words; a long automaton is costly
FUZZY_BOOST = 0.5  # a guessed word counts less than a typed one
MAX_IDLE_SEARCHERS = 8
SNIPPET_CHARS = 200
TEXT_FIELDS = ("title", "body", "place")
SPELLING_FIELD = "words"
# facet name (the URL parameter) -> index field
FACET_FIELDS = {"kind": "kind", "municipality": "municipality", "area": "areas", "year": "year"}
FACETS = tuple(FACET_FIELDS)


def visibility_for(user) -> set[str]:
    """The ``visibility`` labels ``user`` may see; every query is filtered by them.

    The single place later modules extend (e.g. ``"members:<organization id>"`` for the
    members of an organization). Anonymous visitors and signed-in people see "public".
    """
    return {"public"}


# -- results -------------------------------------------------------------------------------


@dataclass
class Hit:
    id: str  # "<kind>:<object id>"
    kind: str
    object_id: int | None
    title: str
    url: str
    snippet: Markup  # escaped text, the matched words in <mark>
    municipality: str | None  # INEGI code
    areas: list[str]  # LFFAROC fractions
    year: str | None
    score: float = 0.0


@dataclass
class SearchResults:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    per_page: int = 20
    # facet name -> [(value, count)], most frequent first; each counted without its own filter
    facets: dict[str, list[tuple[str, int]]] = field(
        default_factory=lambda: {name: [] for name in FACETS})
    suggestion: str | None = None  # the corrected query, for "¿Quisiste decir …?"
    available: bool = True  # False: the index is missing or being rebuilt
    fuzzy_used: bool = False  # the query included typo-tolerant terms
    broadened: bool = False  # too few documents had every word: these have any of them
    query: str = ""  # the query as it was understood (cleaned and cut)


# -- reading the query ---------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str  # folded, unstemmed: as in the `words` field
    stems: tuple[str, ...]  # as in title/body/place
    start: int  # span in the cleaned query, for the suggestion
    end: int

    @property
    def fuzzy_distance(self) -> int:
        """The edit distance tolerated for this word (0: never fuzzy)."""
        n = len(self.text)
        if n < FUZZY_MIN_LEN or n > FUZZY_MAX_LEN:
            return 0
        return 1 if n <= 7 else 2


_spanish = spanish_analyzer()
_folding = folding_analyzer()


def clean_query(q) -> str:
    """Normalised text, without control or format characters, at most MAX_CHARS long."""
    if q is None:
        return ""
    if not isinstance(q, str):
        q = str(q)
    q = q[: MAX_CHARS * 4]  # bound the work on absurd input before looking at it
    # Cc/Cf/Cs/Co/Cn: null bytes, bidi marks, lone surrogates (which cannot be encoded)...
    q = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in q)
    q = unicodedata.normalize("NFC", q)
    return " ".join(q.split())[:MAX_CHARS].strip()


def query_words(text: str) -> list[Word]:
    """The words of a cleaned query: folded, without stopwords, deduplicated, at most 12."""
    words: list[Word] = []
    seen: set[str] = set()
    for token in _folding(text, chars=True):
        if token.text in seen:
            continue
        seen.add(token.text)
        words.append(Word(token.text, (), token.startchar, token.endchar))
        if len(words) >= MAX_WORDS:
            break
    return [Word(w.text, _stems(w.text), w.start, w.end) for w in words]


def _stems(word: str) -> tuple[str, ...]:
    stems = tuple(dict.fromkeys(t.text for t in _spanish(word)))
    return stems or (word,)


def _clean_value(value) -> str | None:
    """A filter value from a URL: text, bounded, or None."""
    if value is None:
        return None
    value = "".join(ch for ch in str(value) if unicodedata.category(ch)[0] != "C").strip()
    return value[:64] or None


def _as_int(value, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


# -- snippets ------------------------------------------------------------------------------


class MarkFormatter(highlight.Formatter):
    """Escapes everything; only the matched words come back wrapped in <mark>."""

    between = " "  # each passage already marks its own cuts with "…"

    def _text(self, text):
        return str(escape(text))

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"

    def format_fragment(self, fragment, replace=False):
        # Keep the punctuation around a passage; mark where words were left out.
        text = fragment.text
        cut_before = any(ch.isalnum() for ch in text[: fragment.startchar])
        cut_after = any(ch.isalnum() for ch in text[fragment.endchar:])
        if not cut_before:
            fragment.startchar = 0
        if not cut_after:
            fragment.endchar = len(text)
        out = super().format_fragment(fragment, replace=replace)
        return ("…" if cut_before else "") + out + ("…" if cut_after else "")


_formatter = MarkFormatter()


def _fragmenter():
    return highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)


def make_snippet(body: str, terms: frozenset[str], analyzer) -> Markup:
    """The body's best two passages with the matched stems in <mark>; else its beginning."""
    body = body or ""
    if terms:
        html = highlight.highlight(body, terms, analyzer, _fragmenter(), _formatter, top=2)
        if html:
            return Markup(html.strip())  # noqa: S704 - MarkFormatter escaped every piece
    text = " ".join(body[: SNIPPET_CHARS * 2].split())
    if len(text) > SNIPPET_CHARS:
        return escape(text[:SNIPPET_CHARS].rstrip()) + Markup("…")
    return escape(text)


# -- the service ---------------------------------------------------------------------------

# An allow-set that lets nothing through: Whoosh treats an empty set as "no filter".
# (Whoosh wants a `set`, not a frozenset; none of these sets is ever changed.)
_NOTHING = {-1}
MAX_CACHED_FILTERS = 32


class _Slot:
    """A searcher leased to one caller at a time, with what it has learnt about its index
    (valid as long as the searcher, which is replaced when the index changes): the
    documents each filter lets through, and each facet field's value for every document."""

    def __init__(self, searcher, segment_values: _SegmentValues):
        self.searcher = searcher
        self._segment_values = segment_values
        self._allowed: dict[Query, set[int] | None] = {}
        self._values: dict[str, list] = {}

    def allowed(self, filter_q: Query) -> set[int] | None:
        """The documents ``filter_q`` lets through; None when that is every document."""
        if filter_q not in self._allowed:
            if len(self._allowed) >= MAX_CACHED_FILTERS:
                self._allowed.clear()
            docs = self.docs(filter_q)
            if len(docs) >= self.searcher.doc_count():
                self._allowed[filter_q] = None
            else:
                self._allowed[filter_q] = docs or _NOTHING
        return self._allowed[filter_q]

    def docs(self, query: Query) -> set[int]:
        """Every document matching ``query`` (unscored: much cheaper than a search)."""
        docs: set[int] = set()
        for leaf, offset in self.searcher.reader().leaf_readers():
            found = _leaf_docs(leaf, query)
            docs.update((d + offset for d in found) if offset else found)
        return docs

    def matching(self, query: Query, filter_q: Query) -> set[int]:
        docs, allowed = self.docs(query), self.allowed(filter_q)
        return docs if allowed is None else docs & allowed

    def top(self, query: Query, filter_q: Query, limit: int):
        """The best ``limit`` documents, scored (Whoosh skips blocks that cannot make it)."""
        return self.searcher.search(query, filter=self.allowed(filter_q), limit=limit,
                                    terms=False)

    def facet_values(self, name: str) -> list:
        """Document number -> the facet's value (a tuple of values for "area")."""
        if name not in self._values:
            self._values[name] = self._segment_values.for_reader(
                self.searcher.reader(), FACET_FIELDS[name], multi=(name == "area"))
        return self._values[name]

    def close(self) -> None:
        self._allowed.clear()
        self._values.clear()
        self.searcher.close()


class _SegmentValues:
    """Each segment's facet values, read once from its postings and kept while the segment
    is in the index: a segment never changes, and a commit adds a small one, so after a
    write only the new segment is read (deleted documents simply never match)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], list] = {}

    def clear(self) -> None:
        with self._lock:
            self._cache = {}

    def for_reader(self, reader, fieldname: str, multi: bool) -> list:
        """Document number -> value for the whole reader (its segments end to end)."""
        values: list = []
        live: set[tuple[str, str]] = set()
        with self._lock:  # the first search after a start or a merge reads, the rest copy
            for leaf, _offset in reader.leaf_readers():  # in document-number order
                segment = getattr(leaf, "segment", lambda: None)()
                if segment is None:  # not a stored segment (an empty index)
                    values.extend(_read_values(leaf, fieldname, multi))
                    continue
                key = (segment.segment_id(), fieldname)
                if key not in self._cache:
                    self._cache[key] = _read_values(leaf, fieldname, multi)
                live.add(key)
                values.extend(self._cache[key])
            for key in [k for k in self._cache if k[1] == fieldname and k not in live]:
                del self._cache[key]  # merged away
        return values


def _read_values(reader, fieldname: str, multi: bool) -> list:
    empty = () if multi else None
    values: list = [empty] * reader.doc_count_all()
    if fieldname not in reader.schema:
        return values
    for btext in reader.lexicon(fieldname):
        value = btext.decode("utf-8") if isinstance(btext, bytes) else btext
        for docnum in _posting_docs(reader, fieldname, btext):
            values[docnum] = values[docnum] + (value,) if multi else value
    return values


def _leaf_docs(reader, query: Query) -> set[int]:
    """The documents of one segment matching a query made of Term, FuzzyTerm, And and Or
    (the only kinds this module builds), with set operations instead of Whoosh's
    document-at-a-time matchers, which cost a Python call per document and per level."""
    if isinstance(query, Term):
        return _posting_docs(reader, query.fieldname, query.text)
    if isinstance(query, FuzzyTerm):
        docs: set[int] = set()
        for fieldname, text in query.expanded_terms(reader):
            docs |= _posting_docs(reader, fieldname, text)
        return docs
    if isinstance(query, Or):
        docs = set()
        for sub in query.subqueries:
            docs |= _leaf_docs(reader, sub)
        return docs
    if isinstance(query, And):
        found: set[int] | None = None
        for sub in query.subqueries:
            docs = _leaf_docs(reader, sub)
            found = docs if found is None else found & docs
            if not found:
                return set()
        return found or set()
    raise TypeError(f"not a query this module builds: {query!r}")


def _posting_docs(reader, fieldname: str, text) -> set[int]:
    """The live documents of one segment holding a term, read a block at a time.

    Whoosh 2.7.4 (pinned) serves a segment's postings as a ``W3LeafMatcher`` whose blocks
    hold their ids in ``_ids`` (loaded by ``_read_ids``), wrapped in a ``FilterMatcher``
    when the segment has deleted documents; anything else is read the slow, public way.
    """
    try:
        matcher = reader.postings(fieldname, text)
    except (TermNotFound, KeyError):
        return set()
    deleted: frozenset[int] | set[int] = frozenset()
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        deleted, matcher = matcher._ids, matcher.child
    if type(matcher) is not W3LeafMatcher or matcher._byteids:
        return set(matcher.all_ids()) - deleted
    docs: set[int] = set()
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        docs.update(matcher._ids[matcher._i:])
        matcher._next_block()
    return docs - deleted if deleted else docs


def _count(values: list, docs, multi: bool) -> list[tuple[str, int]]:
    if multi:
        counts = Counter(chain.from_iterable(map(values.__getitem__, docs)))
    else:
        counts = Counter(map(values.__getitem__, docs))
    counts.pop(None, None)
    counts.pop("", None)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


class SearchService:
    """Queries one index. ``index_provider()`` returns a Whoosh index or None (missing,
    being rebuilt); ``generation()`` returns a string that changes when a different index
    folder is swapped in (so open searchers are replaced)."""

    def __init__(self, index_provider: Callable[[], object | None],
                 generation: Callable[[], str] | None = None):
        self._provider = index_provider
        self._generation = generation or (lambda: "")
        self._lock = threading.Lock()
        self._ix = None
        self._gen: str | None = None
        self._epoch = 0  # bumped whenever the pooled searchers are retired
        self._idle: list[_Slot] = []
        self._pid = os.getpid()
        self._segment_values = _SegmentValues()

    # searchers

    def close(self) -> None:
        """Closes the idle searchers and forgets the index (the next search reopens it)."""
        with self._lock:
            stale = self._retire_locked()
            self._ix = None
        _close_all(stale)

    def _retire_locked(self) -> list[_Slot]:
        self._epoch += 1
        stale, self._idle = self._idle, []
        return stale

    def _acquire(self) -> tuple[_Slot | None, int]:
        """A searcher for this caller's exclusive use, up to date, or None."""
        generation = self._generation()
        stale: list[_Slot] = []
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's files are not ours to use
                self._pid, self._idle, self._ix = os.getpid(), [], None
                self._epoch += 1
            if self._ix is None or generation != self._gen:
                stale = self._retire_locked()
                self._segment_values.clear()
                self._ix = self._provider()
                self._gen = generation
            ix, epoch = self._ix, self._epoch
            slot = self._idle.pop() if self._idle else None
        _close_all(stale)
        if ix is None:
            return None, 0
        if slot is not None and not slot.searcher.up_to_date():
            # A commit since: every pooled searcher is as old as this one.
            stale = [slot]
            slot = None
            with self._lock:
                if self._epoch == epoch:
                    stale += self._retire_locked()
                epoch = self._epoch
            _close_all(stale)
        if slot is None:
            slot = _Slot(ix.searcher(), self._segment_values)
        return slot, epoch

    def _release(self, slot: _Slot, epoch: int, *, broken: bool = False) -> None:
        with self._lock:
            keep = (not broken and epoch == self._epoch and self._pid == os.getpid()
                    and len(self._idle) < MAX_IDLE_SEARCHERS)
            if keep:
                self._idle.append(slot)
        if not keep:
            _close_all([slot])

    @contextmanager
    def _searcher(self) -> Iterator[_Slot | None]:
        slot, epoch = self._acquire()
        if slot is None:
            yield None
            return
        broken = False
        try:
            yield slot
        except BaseException:
            broken = True
            raise
        finally:
            self._release(slot, epoch, broken=broken)

    def _guarded(self, run: Callable, fallback):
        """Runs ``run(slot)``; no index -> fallback. An error in the index (e.g. a folder
        swapped mid-read) is retried once on fresh searchers, then logged."""
        for attempt in (1, 2):
            try:
                with self._searcher() as slot:
                    if slot is None:
                        return fallback
                    return run(slot)
            except Exception:
                self.close()
                if attempt == 2:
                    log.exception("search failed")
        return fallback

    # queries

    def search(self, q, *, user=None, kind=None, municipality=None, area=None, year=None,
               page=1, per_page=20) -> SearchResults:
        """One page of results for ``q``, with facets; never raises (see the module doc)."""
        text = clean_query(q)
        per_page = _as_int(per_page, 20, 1, MAX_PER_PAGE)
        page = _as_int(page, 1, 1, 10_000)
        filters = {name: _clean_value(value) for name, value in
                   (("kind", kind), ("municipality", municipality), ("area", area),
                    ("year", year))}
        filters = {name: value for name, value in filters.items() if value}
        words = query_words(text)
        allowed = visibility_for(user)
        if not words or not allowed:
            return SearchResults(page=1, per_page=per_page, query=text)

        def run(slot):
            return self._search(slot, text, words, allowed, filters, page, per_page)

        return self._guarded(run, SearchResults(page=1, per_page=per_page, available=False,
                                                query=text))

    def ids_for(self, q, kind: str, *, user=None, limit: int = MAX_IDS) -> list[int] | None:
        """The object ids of ``kind`` matching ``q``, best first (at most ``limit``), for a
        listing's text filter. ``[]``: nothing matches; None: the index is unavailable (the
        caller may fall back to a plain database filter)."""
        words = query_words(clean_query(q))
        allowed = visibility_for(user)
        kind_value = _clean_value(kind)
        if not words or not allowed:
            return []
        filters = {"kind": kind_value} if kind_value else {}
        limit = _as_int(limit, MAX_IDS, 1, MAX_IDS)

        def run(slot):
            filter_q = _filter(allowed, filters)
            plan = self._plan(slot, words, filter_q)
            if not plan.total:
                return []
            stored = slot.searcher.stored_fields
            found = (stored(docnum).get("object_id")
                     for docnum, _score in plan.ranked(slot, filter_q, limit))
            return list(dict.fromkeys(i for i in found if i is not None))

        return self._guarded(run, None)

    # internals

    def _search(self, slot, text, words, allowed, filters, page, per_page):
        filter_q = _filter(allowed, filters)
        plan = self._plan(slot, words, filter_q)
        total = len(plan.matched)
        pages = math.ceil(total / per_page)
        page = min(page, max(pages, 1))  # past the end: the last page

        facets = {}
        for name in FACETS:
            if name in filters:  # counted with every filter but its own
                others = {n: v for n, v in filters.items() if n != name}
                docs = _within(plan.docs, slot.allowed(_filter(allowed, others)))
            else:
                docs = plan.matched
            facets[name] = _count(slot.facet_values(name), docs, multi=(name == "area"))

        hits = []
        if total:
            start = (page - 1) * per_page
            ranked = plan.ranked(slot, filter_q, page * per_page)[start:start + per_page]
            searcher = slot.searcher
            terms = _highlight_terms(plan.query, searcher.reader())
            analyzer = searcher.schema["body"].analyzer
            hits = [_hit(searcher.stored_fields(docnum), score, terms, analyzer)
                    for docnum, score in ranked]

        suggestion = self._suggestion(slot, text, words, plan, filter_q)
        return SearchResults(hits=hits, total=total, page=page, pages=pages, per_page=per_page,
                             facets=facets, suggestion=suggestion,
                             fuzzy_used=bool(plan.fuzzy_terms),
                             broadened=plan.broadened, query=text)

    def _plan(self, slot, words, filter_q) -> _Plan:
        """The query for ``words``: AND, then OR when AND finds too little; words in no
        document fuzzy from the start; every word fuzzy when all that found nothing."""
        reader = slot.searcher.reader()
        missing = frozenset(w.text for w in words if not _has_exact(reader, w))
        fuzzy = frozenset(w.text for w in words if w.text in missing and w.fuzzy_distance)

        def attempt(fuzzy_words) -> _Plan:
            fuzzy_terms = {w.text: _Fuzzy(SPELLING_FIELD, w.text, boost=FUZZY_BOOST,
                                          maxdist=w.fuzzy_distance, prefixlength=1)
                           for w in words if w.text in fuzzy_words}
            parts = [_word_query(w, fuzzy_terms.get(w.text)) for w in words]
            if len(parts) == 1:
                docs = slot.docs(parts[0])
                return _Plan(parts[0], docs, _within(docs, slot.allowed(filter_q)),
                             fuzzy_terms, False, missing)
            per_word = [slot.docs(part) for part in parts]
            docs = set.intersection(*per_word)
            plan = _Plan(And(parts), docs, _within(docs, slot.allowed(filter_q)),
                         fuzzy_terms, False, missing)
            if plan.total < MIN_AND_HITS:
                docs = set.union(*per_word)
                broader = _Plan(Or(parts), docs, _within(docs, slot.allowed(filter_q)),
                                fuzzy_terms, True, missing, per_word)
                if broader.total > plan.total:
                    plan = broader
            return plan

        plan = attempt(fuzzy)
        everything = frozenset(w.text for w in words if w.fuzzy_distance)
        if not plan.total and everything - fuzzy:
            plan = attempt(everything)
        return plan

    def _suggestion(self, slot, text, words, plan: _Plan, filter_q) -> str | None:
        """The query with each word that is in no document replaced by the nearest word of
        the index, when that query has results.

        What the ``words`` field's corrector (``searcher.corrector``) would say: the
        nearest word within the fuzzy distance, the most frequent among equals; but taken
        from the fuzzy term's expansion, already read, rather than reading the lexicon again.
        """
        reader = slot.searcher.reader()
        replaced: dict[str, str] = {}
        for word in words:
            fuzzy = plan.fuzzy_terms.get(word.text)
            if word.text not in plan.missing or fuzzy is None:
                continue
            found = fuzzy.expansions() - {word.text}
            if found:
                replaced[word.text] = min(found, key=lambda c: (
                    distance(word.text, c), -reader.frequency(SPELLING_FIELD, c), c))
        if not replaced:
            return None
        corrected = [replaced.get(w.text, w.text) for w in words]
        parts = [_word_query(Word(c, _stems(c), 0, 0), None) for c in corrected]
        candidate = Or(parts) if len(parts) > 1 else parts[0]
        if not slot.matching(candidate, filter_q):
            return None
        out, last = [], 0
        for word in words:
            if word.text in replaced:
                out.append(text[last:word.start])
                out.append(_same_case(text[word.start:word.end], replaced[word.text]))
                last = word.end
        out.append(text[last:])
        return "".join(out)


class _Only(Query):
    """Matches the given documents and scores nothing: ANDed with a costly query, Whoosh
    then only advances that query's matchers to these documents."""

    def __init__(self, reader, docs: set[int]):
        self._local: dict[int, list[int]] = {}  # id(segment reader) -> its document numbers
        leaves = list(reader.leaf_readers())
        for n, (leaf, offset) in enumerate(leaves):
            end = leaves[n + 1][1] if n + 1 < len(leaves) else offset + leaf.doc_count_all()
            self._local[id(leaf)] = sorted(d - offset for d in docs if offset <= d < end)

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def is_leaf(self):
        return True

    def estimate_size(self, ixreader):
        return sum(len(ids) for ids in self._local.values())

    def matcher(self, searcher, context=None):
        ids = self._local.get(id(searcher.reader()))
        if not ids:
            return NullMatcher()
        return ListMatcher(ids, all_weights=0.0)


class _Fuzzy(FuzzyTerm):
    """A FuzzyTerm that reads the lexicon once per segment: the set of documents, the
    scored search, the highlighting and the suggestion share one expansion (a long word's
    costs several milliseconds)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._expanded: dict[int, list] = {}  # id(reader) -> words; lives for one search

    def _btexts(self, ixreader):
        key = id(ixreader)
        if key not in self._expanded:
            self._expanded[key] = list(super()._btexts(ixreader))
        return self._expanded[key]

    def expansions(self) -> set[str]:
        """The words this term matched, in every segment searched so far."""
        return {text.decode("utf-8", "replace") if isinstance(text, bytes) else text
                for texts in self._expanded.values() for text in texts}


@dataclass(frozen=True)
class _Plan:
    query: Query
    docs: set[int]  # matching the query
    matched: set[int]  # ...and the filters: the results
    fuzzy_terms: dict[str, _Fuzzy]  # word -> its fuzzy term, for the words made fuzzy
    broadened: bool
    missing: frozenset[str]  # words in no document
    per_word: list[set[int]] | None = None  # each word's documents, when broadened

    @property
    def total(self) -> int:
        return len(self.matched)

    def ranked(self, slot: _Slot, filter_q: Query, limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` (document number, score) pairs, best first.

        By score; but when the words were ORed, first by how many of the words a document
        has, then by score: the documents with all your words, then most of them... An OR of
        common words can match most of the index, and Whoosh scores each match through a
        tree of matchers (half a second for twelve words over 50,000 documents); ranked
        this way, only the documents of the levels the page reaches need a score.
        """
        if not self.broadened or self.per_word is None:
            results = slot.top(self.query, filter_q, limit)
            return [(docnum, score) for score, docnum in results.top_n]
        coord = Counter(chain.from_iterable(words & self.matched for words in self.per_word))
        taken, threshold = 0, 1
        for level, count in sorted(Counter(coord.values()).items(), reverse=True):
            taken += count
            threshold = level
            if taken >= limit:
                break
        chosen = {doc for doc, n in coord.items() if n >= threshold}
        query = self.query
        if len(chosen) < len(self.matched):
            query = And([query, _Only(slot.searcher.reader(), chosen)])
        results = slot.top(query, filter_q, max(len(chosen), 1))
        best = sorted(results.top_n, key=lambda item: (-coord[item[1]], -item[0], item[1]))
        return [(docnum, score) for score, docnum in best[:limit]]


def _within(docs: set[int], allowed: set[int] | None) -> set[int]:
    return docs if allowed is None else docs & allowed


def _close_all(searchers) -> None:
    for searcher in searchers:
        try:
            searcher.close()
        except Exception:  # already closed, files gone: nothing left to release
            log.debug("closing a searcher failed", exc_info=True)


def _has_exact(reader, word: Word) -> bool:
    if (SPELLING_FIELD, word.text) in reader:
        return True
    return any((name, stem) in reader for name in TEXT_FIELDS for stem in word.stems)


def _word_query(word: Word, fuzzy: FuzzyTerm | None) -> Query:
    """Any stem of the word in the title, body or place (or, if given, the fuzzy term)."""
    terms: list[Query] = [Term(name, stem) for name in TEXT_FIELDS for stem in word.stems]
    if fuzzy is not None:
        terms.append(fuzzy)
    return Or(terms)


def _filter(allowed: set[str], filters: dict[str, str]) -> Query:
    parts: list[Query] = [Or([Term("visibility", v) for v in sorted(allowed)])]
    parts += [Term(FACET_FIELDS[name], value) for name, value in sorted(filters.items())]
    return And(parts) if len(parts) > 1 else parts[0]


def _highlight_terms(query: Query, reader) -> frozenset[str]:
    """The stems to mark in a body: the query's own, and those of its fuzzy expansions.

    (Not ``Query.existing_terms(fieldname=...)``: in Whoosh 2.7.4 its loop overwrites the
    field name it filters on, so it misses terms of every field but the first.)
    """
    terms: set[str] = set()
    for leaf in query.leaves():
        if isinstance(leaf, _Fuzzy):
            for text in leaf.expansions():
                terms.update(_stems(text))
        elif isinstance(leaf, FuzzyTerm):
            for _name, text in leaf.expanded_terms(reader):
                if isinstance(text, bytes):
                    text = text.decode("utf-8", "replace")
                terms.update(_stems(text))
        elif isinstance(leaf, Term) and leaf.field() in TEXT_FIELDS:
            terms.add(leaf.text)
    return frozenset(terms)


def _hit(stored: dict, score: float, terms, analyzer) -> Hit:
    areas = [a.strip() for a in (stored.get("areas") or "").split(",") if a.strip()]
    return Hit(
        id=stored.get("id", ""),
        kind=stored.get("kind", ""),
        object_id=stored.get("object_id"),
        title=stored.get("title", ""),
        url=stored.get("url", ""),
        snippet=make_snippet(stored.get("body", ""), terms, analyzer),
        municipality=stored.get("municipality") or None,
        areas=areas,
        year=stored.get("year") or None,
        score=score or 0.0,
    )


def _same_case(typed: str, word: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# -- the process's service -------------------------------------------------------------------


def _open_index():
    from community.search import index  # written alongside; imported when first needed

    return index.open_index()


def _index_generation() -> str:
    """The folder in use; with its path, so two apps (tests) never share a searcher."""
    from community.search import index

    return f"{index.index_path()}|{index.index_generation()}"


service = SearchService(_open_index, _index_generation)


def search(q, **kwargs) -> SearchResults:
    """``service.search``: see :meth:`SearchService.search`."""
    return service.search(q, **kwargs)


def ids_for(q, kind: str, **kwargs) -> list[int] | None:
    """``service.ids_for``: see :meth:`SearchService.ids_for`."""
    return service.ids_for(q, kind, **kwargs)
