"""The query service: what ``/buscar`` and the directory's text filter ask the index.

People's text never reaches Whoosh's query parser. The words are pulled out with the
index's own analyzers and the query is made of terms, so quotes, colons, parentheses,
"AND"/"OR"/"NOT", stars and the like are only punctuation: any string gives results or
nothing, never an exception.

For each word the query asks for every stem the Spanish analyzer gives it, in the title, the
body and the place; the words are joined with AND, and when fewer than ``MIN_AND_HITS``
documents have them all, with OR (``SearchResults.broadened`` says so), ranked by how much
of the query a document has (its words' weights summed, a rarer word weighing more: "apoyo
a mujeres en ecatepec" puts "mujeres" + "ecatepec" before "apoyo" + "ecatepec"), then by
score.
A word that is in no document is looked up among the index's words within one or two
edits (typo tolerance, :mod:`community.search.fuzzy`) and, when the corrected query has
results, offered as "¿Quisiste decir …?" (``SearchResults.suggestion``).

Everything is filtered by what the person may see (:func:`visibility_for`): the hits and
the facet counts. Each facet is counted without its own filter, so a person can switch from
one municipality to another without first removing the filter.

Speed: each term's postings are decoded once per process into NumPy arrays and kept in a
bounded cache (:mod:`community.search.engine`); a query is array work over them: one
true/false array per word (AND/OR are element-wise), one score array (the same BM25F scores
as Whoosh's searcher, which walks a tree of matchers a document at a time), the facets
counted with ``bincount`` over per-document value codes, the best hits picked with a
partial sort. What does not depend on the query is read once per searcher or per segment:
each facet's value per document, the field lengths, the lexicon for typos. Only the page's
hits are highlighted (:mod:`community.search.snippets`).

A Whoosh searcher is not safe for two threads at once (its segment readers seek and read a
shared file object), so the service keeps a small pool of searchers: one per process when
requests come one at a time, one per concurrent request otherwise. Each is kept open across
requests and replaced only when the index changed (a commit, or a reindex swapping in a new
folder, which changes ``index_generation()``).
"""

from __future__ import annotations

import heapq
import logging
import math
import os
import threading
import time
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from markupsafe import Markup

from community.search import registry
from community.search.analysis import folding_analyzer, spanish_analyzer
from community.search.engine import (
    PostingsCache,
    Scorer,
    SegmentCache,
    TermPostings,
    TermRef,
    concatenate,
    segment_postings,
    term_text,
    top,
)
from community.search.fuzzy import Lexicon, distances_from, read_lexicon, spellings
from community.search.snippets import STEMS_KEPT, make_snippet, remember_stems

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
TEXT_FIELDS = ("title", "body", "place")
PLACE_FIELD = "place"
SPELLING_FIELD = "words"
# facet name (the URL parameter) -> index field
FACET_FIELDS = {"kind": "kind", "municipality": "municipality", "area": "areas", "year": "year"}
FACETS = tuple(FACET_FIELDS)
MULTI_VALUED = frozenset({"areas", "visibility"})


def visibility_for(user) -> set[str]:
    """The ``visibility`` labels ``user`` may see; every query is filtered by them.

    Everyone sees "public"; modules add labels through ``registry.register_audience``
    (the library: its readers of restricted resources, or everyone else). Called once per
    query, never per hit. ``user`` may be None or anonymous.
    """
    return {"public"} | registry.audiences(user)


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
    page: int | None = None  # the page of the file the snippet is from (library resources)


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


# -- the service ---------------------------------------------------------------------------

MAX_CACHED_FILTERS = 16  # true/false arrays of the allowed documents, per searcher


@dataclass
class Column:
    """A facet (or visibility) field's values over the whole index: ``values[code]``;
    ``codes`` holds one code per document (-1: none) when ``docs`` is None, otherwise one
    per (document, value) pair, ``docs`` holding the pairs' documents (several values per
    document, as the activity areas)."""

    values: list[str]
    codes: np.ndarray
    docs: np.ndarray | None
    size: int

    def __post_init__(self):
        self._code = {value: code for code, value in enumerate(self.values)}

    def having(self, values) -> np.ndarray:
        """True for each document with any of ``values``."""
        codes = [self._code[v] for v in values if v in self._code]
        if self.docs is None:
            return np.isin(self.codes, codes)
        found = np.zeros(self.size, np.bool_)
        found[self.docs[np.isin(self.codes, codes)]] = True
        return found

    def count(self, docs: np.ndarray) -> list[tuple[str, int]]:
        """(value, how many of ``docs`` have it), most frequent first, empty values left out."""
        if self.docs is None:
            counts = np.bincount(self.codes[docs] + 1, minlength=len(self.values) + 1)[1:]
        else:
            counts = np.bincount(self.codes[docs[self.docs]], minlength=len(self.values))
        found = [(self.values[code], int(counts[code])) for code in np.flatnonzero(counts)]
        return sorted(((v, n) for v, n in found if v), key=lambda item: (-item[1], item[0]))


def _read_pairs(leaf, fieldname: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """One segment's (values, documents, codes) of a facet field, from its postings."""
    values: list[str] = []
    docs, codes = [], []
    if fieldname in leaf.schema:
        for btext in leaf.lexicon(fieldname):
            ids, _weights = segment_postings(leaf, fieldname, btext)
            codes.append(np.full(len(ids), len(values), np.int32))
            docs.append(ids)
            values.append(term_text(btext))
    if not values:
        return values, np.zeros(0, np.int32), np.zeros(0, np.int32)
    return values, np.concatenate(docs), np.concatenate(codes)


def _read_object_ids(leaf) -> np.ndarray:
    """One segment's object ids, from the terms of the unique ``id`` field
    ("<kind>:<object id>[:<part>]"): a term's entry holds its document's number, which is
    far cheaper than reading every document's stored fields (at 5,000 ranked hits, 60 to
    150 ms a listing)."""
    ids = np.full(leaf.doc_count_all(), -1, np.int64)
    if "id" not in leaf.schema:
        return ids
    for btext, info in leaf.iter_field("id"):
        text = term_text(btext)
        try:
            object_id = int(text.split(":")[1])
        except (IndexError, ValueError):
            continue
        if info.doc_frequency() == 1:
            ids[info.min_id()] = object_id
        else:  # the same id twice in one segment: an update, the old one deleted
            ids[segment_postings(leaf, "id", btext)[0]] = object_id
    return ids


def _sorted_terms(leaf, fieldname: str) -> list[str]:
    if fieldname not in leaf.schema:
        return []
    return sorted(term_text(text) for text in leaf.lexicon(fieldname))


def _column(reader, parts: list, multi: bool) -> Column:
    """The segments' pairs as one column over the reader's documents."""
    size = reader.doc_count_all()
    values = sorted({value for part_values, _docs, _codes in parts for value in part_values})
    code_of = {value: code for code, value in enumerate(values)}
    all_docs, all_codes = [np.zeros(0, np.int32)], [np.zeros(0, np.int32)]
    for (part_values, docs, codes), (_leaf, offset) in zip(
            parts, reader.leaf_readers(), strict=True):
        remap = np.array([code_of[v] for v in part_values] or [0], np.int32)
        all_docs.append(docs + offset)
        all_codes.append(remap[codes])
    docs, codes = np.concatenate(all_docs), np.concatenate(all_codes)
    if multi:
        return Column(values, codes, docs, size)
    dense = np.full(size, -1, np.int32)
    dense[docs] = codes
    return Column(values, dense, None, size)


class _Slot:
    """A searcher leased to one caller at a time, with what it has learnt about its index
    (valid as long as the searcher, which is replaced when the index changes): the facet
    and visibility columns and the documents recent filters let through."""

    def __init__(self, searcher, segments: SegmentCache, postings: PostingsCache):
        self.searcher = searcher
        self.scorer = Scorer(searcher.reader(), segments, postings)
        self._segments = segments
        self._columns: dict[str, Column] = {}
        self._allowed: dict[tuple, np.ndarray] = {}
        self._objects: np.ndarray | None = None

    @property
    def size(self) -> int:
        return self.scorer.doc_count

    def allowed(self, visible: frozenset[str], filters: dict[str, str]) -> np.ndarray:
        """True for each live document a person who sees ``visible`` may get through
        ``filters`` (facet name -> value)."""
        key = (visible, tuple(sorted(filters.items())))
        if key not in self._allowed:
            if len(self._allowed) >= MAX_CACHED_FILTERS:
                self._allowed.clear()
            allowed = self.scorer.live & self.column("visibility").having(visible)
            for name, value in filters.items():
                allowed &= self.column(FACET_FIELDS[name]).having([value])
            self._allowed[key] = allowed
        return self._allowed[key]

    def column(self, fieldname: str) -> Column:
        """A facet or visibility field's values for every document. They do not depend on
        the query: each segment's are read once (:class:`SegmentCache`)."""
        if fieldname not in self._columns:
            reader = self.searcher.reader()
            parts = self._segments.per_segment(reader, f"values:{fieldname}",
                                               lambda leaf: _read_pairs(leaf, fieldname))
            self._columns[fieldname] = _column(reader, parts, fieldname in MULTI_VALUED)
        return self._columns[fieldname]

    def lexicons(self) -> list[Lexicon]:
        """Each segment's words of the spelling field, for typo tolerance."""
        return self._segments.per_segment(self.searcher.reader(), f"lexicon:{SPELLING_FIELD}",
                                          lambda leaf: read_lexicon(leaf, SPELLING_FIELD))

    def object_ids(self) -> np.ndarray:
        """Each document's object id (-1: none), for listings that page their own rows."""
        if self._objects is None:
            parts = self._segments.per_segment(self.searcher.reader(), "objects",
                                               _read_object_ids)
            self._objects = concatenate(parts, self.size, np.int64, fill=-1)
        return self._objects

    def place_names(self) -> list[list[str]]:
        """Each segment's terms of the place field, sorted (a few hundred at most)."""
        return self._segments.per_segment(self.searcher.reader(), f"terms:{PLACE_FIELD}",
                                          lambda leaf: _sorted_terms(leaf, PLACE_FIELD))

    def close(self) -> None:
        self._allowed.clear()
        self._columns.clear()
        self.searcher.close()


class SearchService:
    """Queries one index. ``index_provider()`` returns a Whoosh index or None (missing,
    being rebuilt); ``generation()`` returns a string that changes when a different index
    folder is swapped in (so open searchers are replaced)."""

    def __init__(self, index_provider: Callable[[], object | None],
                 generation: Callable[[], str] | None = None,
                 on_open: Callable[[SearchService], None] | None = None):
        self._provider = index_provider
        self._generation = generation or (lambda: "")
        self._on_open = on_open  # called when an index (generation) is opened
        self._lock = threading.Lock()
        self._ix = None
        self._gen: str | None = None
        self._epoch = 0  # bumped whenever the pooled searchers are retired
        self._idle: list[_Slot] = []
        self._pid = os.getpid()
        self._segments = SegmentCache()
        self._postings = PostingsCache()

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
            opened = self._ix is None or generation != self._gen
            if opened:
                stale = self._retire_locked()
                self._segments.clear()
                self._postings.clear()
                self._ix = self._provider()
                self._gen = generation
            ix, epoch = self._ix, self._epoch
            slot = self._idle.pop() if self._idle else None
        _close_all(stale)
        if ix is None:
            return None, 0
        if opened and self._on_open is not None:
            self._on_open(self)
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
            slot = _Slot(ix.searcher(), self._segments, self._postings)
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

    def resize_postings(self, max_bytes: int) -> None:
        """The most decoded postings this process keeps (``SEARCH_POSTINGS_CACHE_MB``)."""
        self._postings.resize(max_bytes)

    def warm(self, postings_bytes: int | None = None) -> bool:
        """Reads now what queries on this index would otherwise read on first use: the
        typo lexicon, the facet and visibility columns, the field lengths, the stems of
        the commonest words, and the postings of the most common terms (up to
        ``postings_bytes``, by default three quarters of the postings cache, the rest
        left to the terms queries ask for). Each is kept per segment, so only the first
        opening of an index (a start, a reindex) pays it, in the thread that calls this.
        False: no index to warm."""
        budget = self._postings.max_bytes * 3 // 4 if postings_bytes is None else postings_bytes

        def run(slot):
            slot.lexicons()
            slot.place_names()
            slot.object_ids()
            for fieldname in (*FACET_FIELDS.values(), "visibility"):
                slot.column(fieldname)
            for fieldname in (*TEXT_FIELDS, SPELLING_FIELD):
                slot.scorer.norm(fieldname)
            _preload_common_postings(slot, self._postings, budget)
            remember_stems(_common_words(slot, STEMS_KEPT // 4))
            return True

        return self._guarded(run, False)

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
        allowed = frozenset(visibility_for(user))
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
        allowed = frozenset(visibility_for(user))
        kind_value = _clean_value(kind)
        if not words or not allowed:
            return []
        filters = {"kind": kind_value} if kind_value else {}
        limit = _as_int(limit, MAX_IDS, 1, MAX_IDS)

        def run(slot):
            plan = _plan(slot, words, slot.allowed(allowed, filters))
            if not plan.total:
                return []
            objects = slot.object_ids()
            found = (int(objects[docnum]) for docnum, _score in plan.ranked(slot, limit))
            return list(dict.fromkeys(i for i in found if i >= 0))

        return self._guarded(run, None)

    def hits_for(self, q, kind: str, object_ids, *, user=None) -> dict[int, Hit]:
        """The hit (snippet, page found on) of each of ``object_ids`` that matches ``q``.

        A listing ranked by :meth:`ids_for` shows one page of its matches: only those need
        a snippet, and a snippet is most of a hit's cost (a library page's snippet reads
        the text of a long document). ``object_ids`` beyond a page's most are ignored.
        """
        words = query_words(clean_query(q))
        allowed = frozenset(visibility_for(user))
        kind_value = _clean_value(kind)
        wanted = list(dict.fromkeys(_as_int(i, -1, -1, 2**62) for i in object_ids))
        wanted = [i for i in wanted if i >= 0][:MAX_PER_PAGE]
        if not words or not allowed or not kind_value or not wanted:
            return {}

        def run(slot):
            plan = _plan(slot, words, slot.allowed(allowed, {"kind": kind_value}))
            objects = slot.object_ids()
            docnums = np.flatnonzero(plan.matched & np.isin(objects, wanted))
            if not len(docnums):
                return {}
            scores = plan.scores(slot)
            terms = plan.highlight_terms()
            hits: dict[int, Hit] = {}
            for docnum in docnums[np.argsort(-scores[docnums], kind="stable")]:
                object_id = int(objects[docnum])
                if object_id not in hits:  # a resource's best document, as search ranks
                    hits[object_id] = _hit(slot.searcher.stored_fields(int(docnum)),
                                           float(scores[docnum]), terms)
            return hits

        return self._guarded(run, {})

    # internals

    def _search(self, slot, text, words, allowed, filters, page, per_page):
        plan = _plan(slot, words, slot.allowed(allowed, filters))
        total = plan.total
        pages = math.ceil(total / per_page)
        page = min(page, max(pages, 1))  # past the end: the last page

        facets = {}
        for name in FACETS:
            if name in filters:  # counted with every filter but its own
                others = {n: v for n, v in filters.items() if n != name}
                docs = plan.docs & slot.allowed(allowed, others)
            else:
                docs = plan.matched
            facets[name] = slot.column(FACET_FIELDS[name]).count(docs)

        hits = []
        if total:
            start = (page - 1) * per_page
            ranked = plan.ranked(slot, page * per_page)[start:start + per_page]
            searcher = slot.searcher
            terms = plan.highlight_terms()
            hits = [_hit(searcher.stored_fields(docnum), score, terms)
                    for docnum, score in ranked]

        suggestion = _suggestion(slot, text, plan)
        return SearchResults(hits=hits, total=total, page=page, pages=pages, per_page=per_page,
                             facets=facets, suggestion=suggestion,
                             fuzzy_used=bool(plan.fuzzy_words),
                             broadened=plan.broadened, query=text)


PRELOAD_MIN_SHARE = 0.005  # a term in fewer documents is cheap enough to read on demand


def _preload_common_postings(slot: _Slot, cache: PostingsCache, budget: int) -> None:
    """Reads into ``cache`` the postings of the text fields' commonest terms, commonest
    first, until ``budget`` bytes: those a query would otherwise spend the most on."""
    leaves = [leaf for leaf, _offset in slot.searcher.reader().leaf_readers()]
    least = max(2, int(slot.size * PRELOAD_MIN_SHARE))
    common = []
    for number, leaf in enumerate(leaves):
        for fieldname in (*TEXT_FIELDS, SPELLING_FIELD):
            if fieldname not in leaf.schema:
                continue
            for btext, info in leaf.iter_field(fieldname):
                if info.doc_frequency() >= least:
                    common.append((info.doc_frequency(), number, fieldname, btext))
    chosen, used = [], 0
    for frequency, number, fieldname, btext in sorted(common, reverse=True):
        used += frequency * 8  # a document number and a weight, 4 bytes each
        if used > budget:
            break
        chosen.append((number, fieldname, btext))
    for number, fieldname, btext in reversed(chosen):  # the commonest last: dropped last
        cache.get(leaves[number], fieldname, term_text(btext))


def _common_words(slot: _Slot, most: int) -> list[str]:
    """The index's ``most`` commonest words as written (folded), commonest first: the words
    a snippet will meet most, whose stems are worth knowing before the first query."""
    counts: dict[bytes, int] = {}
    for leaf, _offset in slot.searcher.reader().leaf_readers():
        if SPELLING_FIELD in leaf.schema:
            for btext, info in leaf.iter_field(SPELLING_FIELD):
                counts[btext] = counts.get(btext, 0) + info.doc_frequency()
    commonest = heapq.nlargest(most, counts.items(), key=lambda item: item[1])
    return [term_text(btext) for btext, _count in commonest]


# -- matching and ranking ------------------------------------------------------------------


@dataclass
class _WordMatch:
    """One word of the query: the terms that find it, read once, and its documents."""

    word: Word
    exact: list[TermPostings]  # its stems in the text fields
    near: list[TermPostings]  # the index's words within its fuzzy distance, if made fuzzy
    docs: np.ndarray  # true for each live document that has it
    places: list[TermPostings] = field(default_factory=list)  # place names it begins

    def postings(self) -> list[TermPostings]:
        return self.exact + self.near + self.places


def _match_word(slot: _Slot, word: Word, fuzzy: bool, missing: bool = False) -> _WordMatch:
    """Any stem of the word in the title, body or place (or, if fuzzy, a near word; if in
    no document, a place name it begins: "Neza" for Nezahualcóyotl)."""
    scorer = slot.scorer
    exact = [scorer.read(TermRef(name, stem)) for name in TEXT_FIELDS for stem in word.stems]
    near, places = [], []
    if fuzzy:
        near = [scorer.read(TermRef(SPELLING_FIELD, text, FUZZY_BOOST))
                for text in _near_words(slot, word)]
    if missing:
        places = [scorer.read(TermRef(PLACE_FIELD, text, FUZZY_BOOST))
                  for text in _places_beginning(slot, word)]
    exact, near = [p for p in exact if p.parts], [p for p in near if p.parts]
    places = [p for p in places if p.parts]
    docs = np.zeros(slot.size, np.bool_)
    for postings in exact + near + places:
        postings.mark(docs)
    return _WordMatch(word, exact, near, docs & scorer.live, places)


def _places_beginning(slot: _Slot, word: Word) -> list[str]:
    """The place names (as the place field holds them) that begin with the word, when it
    is long enough to say something: people shorten long municipality names."""
    if len(word.text) < FUZZY_MIN_LEN:
        return []
    found: set[str] = set()
    for names in slot.place_names():
        at = bisect_left(names, word.text)
        while at < len(names) and names[at].startswith(word.text):
            found.add(names[at])
            at += 1
    found.discard(word.text)
    return sorted(found)


def _near_words(slot: _Slot, word: Word) -> list[str]:
    """The index's words within the word's fuzzy distance: sharing its first letter, or
    one that sounds the same (:func:`~community.search.fuzzy.spellings`, one edit)."""
    found: set[str] = set()
    for spelling, edits in spellings(word.text):
        if edits <= word.fuzzy_distance:
            for lexicon in slot.lexicons():
                found.update(lexicon.near(spelling, word.fuzzy_distance - edits))
    return sorted(found)


def _plan(slot: _Slot, words: list[Word], allowed: np.ndarray) -> _Plan:
    """The documents for ``words``: AND, then OR when AND finds too little; words in no
    document fuzzy from the start; every word fuzzy when all that found no document."""
    reader = slot.searcher.reader()
    missing = frozenset(w.text for w in words if not _has_exact(reader, w))
    fuzzy = frozenset(w.text for w in words if w.text in missing and w.fuzzy_distance)
    matched: dict[tuple[str, bool], _WordMatch] = {}

    def match(word: Word, fuzzy_words: frozenset[str]) -> _WordMatch:
        key = (word.text, word.text in fuzzy_words)
        if key not in matched:
            matched[key] = _match_word(slot, word, key[1], word.text in missing)
        return matched[key]

    def attempt(fuzzy_words: frozenset[str]) -> _Plan:
        matches = [match(w, fuzzy_words) for w in words]
        per_word = [m.docs for m in matches]
        docs = np.logical_and.reduce(per_word)
        plan = _Plan(matches, docs, docs & allowed, fuzzy_words, False, missing, allowed)
        if len(matches) > 1 and plan.total < MIN_AND_HITS:
            docs = np.logical_or.reduce(per_word)
            broader = _Plan(matches, docs, docs & allowed, fuzzy_words, True, missing,
                            allowed)
            if broader.total > plan.total:
                plan = broader
        return plan

    plan = attempt(fuzzy)
    everything = frozenset(w.text for w in words if w.fuzzy_distance)
    if not plan.docs.any() and everything - fuzzy:  # (found, but filtered out: not a typo)
        plan = attempt(everything)
    return plan


def _suggestion(slot: _Slot, text: str, plan: _Plan) -> str | None:
    """The query with each word that is in no document replaced by the nearest word of
    the index, when that query has results.

    What the ``words`` field's corrector (``searcher.corrector``) would say: the nearest
    word within the fuzzy distance, the most frequent among equals; but taken from the
    fuzzy expansion, already read, rather than reading the lexicon again.
    """
    reader = slot.searcher.reader()
    replaced: dict[str, str] = {}
    for m in plan.matches:
        word = m.word.text
        found = {p.term.text for p in m.near} - {word}
        if word in plan.missing and found:
            distance_to = distances_from(word)
            replaced[word] = min(found, key=lambda c, d=distance_to: (
                d(c), -reader.frequency(SPELLING_FIELD, c), c))
    if not replaced or not _corrected_has_results(slot, plan, replaced):
        return None
    out, last = [], 0
    for m in plan.matches:
        if m.word.text in replaced:
            out.append(text[last:m.word.start])
            out.append(_same_case(text[m.word.start:m.word.end], replaced[m.word.text]))
            last = m.word.end
    out.append(text[last:])
    return "".join(out)


def _corrected_has_results(slot: _Slot, plan: _Plan, replaced: dict[str, str]) -> bool:
    """Whether a document the person may see has any word of the corrected query.

    The words left alone and the replacements' own postings (already read: a document
    with the word has its stems) answer most of the time; only when they say no are the
    replacements' stems read.
    """
    allowed = plan.allowed
    for m in plan.matches:
        if m.word.text in replaced:
            terms = [p for p in m.near if p.term.text == replaced[m.word.text]]
        else:
            terms = m.exact
        if any(_any_allowed(postings, allowed) for postings in terms):
            return True
    return any(_any_allowed(slot.scorer.read(TermRef(name, stem)), allowed)
               for correction in replaced.values()
               for name in TEXT_FIELDS for stem in _stems(correction))


def _any_allowed(postings: TermPostings, allowed: np.ndarray) -> bool:
    return any(allowed[ids + offset if offset else ids].any()
               for offset, ids, _weights in postings.parts)


@dataclass
class _Plan:
    matches: list[_WordMatch]
    docs: np.ndarray  # true for each live document matching the query
    matched: np.ndarray  # ...and the filters: the results
    fuzzy_words: frozenset[str]  # the words made fuzzy
    broadened: bool  # the words ORed: too few documents had them all
    missing: frozenset[str]  # words in no document
    allowed: np.ndarray  # what the filters let through
    total: int = field(init=False)

    def __post_init__(self):
        self.total = int(np.count_nonzero(self.matched))

    def highlight_terms(self) -> frozenset[str]:
        """The stems to mark in a body: the words' own, and those of their near words."""
        terms = {stem for m in self.matches for stem in m.word.stems}
        terms.update(stem for m in self.matches for p in m.near for stem in _stems(p.term.text))
        terms.update(p.term.text for m in self.matches for p in m.places)
        return frozenset(terms)

    def coordination(self, size: int) -> np.ndarray:
        """Per document, how much of the query it has: the sum of its words' weights, a
        word weighing more the fewer documents have it (its idf, rounded to a tenth so that
        near-equal sums tie and the score decides)."""
        coord = np.zeros(size, np.float64)
        for m in self.matches:
            having = int(np.count_nonzero(m.docs))
            coord += m.docs * round(math.log(size / (having + 1)) + 1, 1)
        return np.round(coord, 1)

    def scores(self, slot: _Slot) -> np.ndarray:
        """Each document's BM25F score for the query's terms (0 where it has none)."""
        scores = np.zeros(slot.size, np.float64)
        for m in self.matches:
            for postings in m.postings():
                slot.scorer.add_scores(scores, postings)
        return scores

    def ranked(self, slot: _Slot, limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` (document number, score) pairs, best first.

        By score; but when the words were ORed, first by how much of the query a document
        has (:meth:`coordination`), then by score: the documents with all your words first.
        Equal keys go by document number, so pages never overlap.
        """
        candidates = np.flatnonzero(self.matched)
        if not len(candidates):
            return []
        scores = self.scores(slot)
        keys = scores[candidates]
        if self.broadened:
            coord = self.coordination(slot.size)[candidates]
            keys = coord * (float(keys.max()) + 1.0) + keys
        best = candidates[top(candidates, keys, limit)]
        return [(int(d), float(scores[d])) for d in best]


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


def _hit(stored: dict, score: float, terms: frozenset[str]) -> Hit:
    areas = [a.strip() for a in (stored.get("areas") or "").split(",") if a.strip()]
    kind = registry.kinds().get(stored.get("kind", ""))
    body = stored.get("body", "")
    if kind is not None and kind.snippet is not None:
        snippet, page = kind.snippet(body, terms)
    else:
        snippet, page = make_snippet(body, terms), None
    return Hit(
        id=stored.get("id", ""),
        kind=stored.get("kind", ""),
        object_id=stored.get("object_id"),
        title=stored.get("title", ""),
        url=stored.get("url", ""),
        snippet=snippet,
        municipality=stored.get("municipality") or None,
        areas=areas,
        year=stored.get("year") or None,
        score=score or 0.0,
        page=page,
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


def _warm_in_background(opened: SearchService) -> None:
    """A new index (a start, a reindex swapped in) is warmed by a thread of its own, so the
    first person to search does not wait for it (the app's ``SEARCH_WARM``)."""
    from flask import current_app

    if not current_app.config.get("SEARCH_WARM"):
        return
    app = current_app._get_current_object()

    def warm():
        with app.app_context():
            seconds = time.perf_counter()
            if opened.warm():
                log.info("search: index warmed in %.1f s", time.perf_counter() - seconds)

    threading.Thread(target=warm, name="search-warm", daemon=True).start()


service = SearchService(_open_index, _index_generation, _warm_in_background)


def search(q, **kwargs) -> SearchResults:
    """``service.search``: see :meth:`SearchService.search`."""
    return service.search(q, **kwargs)


def ids_for(q, kind: str, **kwargs) -> list[int] | None:
    """``service.ids_for``: see :meth:`SearchService.ids_for`."""
    return service.ids_for(q, kind, **kwargs)


def hits_for(q, kind: str, object_ids, **kwargs) -> dict[int, Hit]:
    """``service.hits_for``: see :meth:`SearchService.hits_for`."""
    return service.hits_for(q, kind, object_ids, **kwargs)
