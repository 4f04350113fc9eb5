"""The query service: what ``/buscar`` and the directory's text filter ask the index.

People's text never reaches Whoosh's query parser. The words are pulled out with the
index's own analyzers and the query is made of terms, so quotes, colons, parentheses,
"AND"/"OR"/"NOT", stars and the like are only punctuation: any string gives results or
nothing, never an exception.

For each word the query asks for every stem the Spanish analyzer gives it, in the title, the
body and the place; the words are joined with AND, and when fewer than ``MIN_AND_HITS``
documents have them all, with OR (``SearchResults.broadened`` says so), ranked by how many
of the words a document has, then by score.
A word that is in no document is looked up among the index's words within one or two
edits (typo tolerance, :mod:`community.search.fuzzy`) and, when the corrected query has
results, offered as "¿Quisiste decir …?" (``SearchResults.suggestion``).

Everything is filtered by what the person may see (:func:`visibility_for`): the hits and
the facet counts. Each facet is counted without its own filter, so a person can switch from
one municipality to another without first removing the filter.

Speed, in pure Python: each term's postings are read once per query, a block at a time,
and scored in one loop (:mod:`community.search.engine`, the same BM25F scores as Whoosh's
searcher, which walks a tree of matchers a document at a time); the matching documents
(for the total, the AND/OR choice and the facets) come from set operations over them. What
does not depend on the query is read once per searcher or per segment: each facet's value
per document (counted with ``Counter``), the documents of each filter value, the field
lengths, the lexicon for typos. Only the page's hits are highlighted
(:mod:`community.search.snippets`). Whoosh's own ``groupedby`` facets cost a Python call
per matching document and facet: several times as much on a large index.

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
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

from markupsafe import Markup
from whoosh.support.levenshtein import distance

from community.search.analysis import folding_analyzer, spanish_analyzer
from community.search.engine import (
    Scorer,
    SegmentCache,
    TermPostings,
    TermRef,
    leaf_postings,
)
from community.search.fuzzy import Lexicon, read_lexicon
from community.search.snippets import make_snippet

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


# -- the service ---------------------------------------------------------------------------

MAX_CACHED_FILTERS = 32
MAX_CACHED_VALUES = 1024  # facet values: kinds, ~125 municipalities, 18 areas, years


class _Slot:
    """A searcher leased to one caller at a time, with what it has learnt about its index
    (valid as long as the searcher, which is replaced when the index changes): the
    documents each filter lets through, and each facet field's value for every document."""

    def __init__(self, searcher, segments: SegmentCache):
        self.searcher = searcher
        self.scorer = Scorer(searcher.reader(), segments)
        self._segments = segments
        self._allowed: dict[tuple, set[int] | None] = {}
        self._value_docs: dict[tuple[str, str], set[int]] = {}
        self._values: dict[str, list] = {}

    def allowed(self, visible: frozenset[str], filters: dict[str, str]) -> set[int] | None:
        """The documents a person who sees ``visible`` may get through ``filters``
        (facet name -> value); None when that is every document."""
        key = (visible, tuple(sorted(filters.items())))
        if key not in self._allowed:
            if len(self._allowed) >= MAX_CACHED_FILTERS:
                self._allowed.clear()
            self._allowed[key] = self._allowed_docs(visible, filters)
        return self._allowed[key]

    def _allowed_docs(self, visible: frozenset[str], filters: dict[str, str]) -> set[int] | None:
        sets = [self.value_docs(FACET_FIELDS[name], value)
                for name, value in sorted(filters.items())]
        shown = set().union(*(self.value_docs("visibility", v) for v in sorted(visible)))
        if len(shown) < self.searcher.doc_count():
            sets.append(shown)
        if not sets:
            return None
        return set.intersection(*sorted(sets, key=len)) if len(sets) > 1 else sets[0]

    def value_docs(self, fieldname: str, value: str) -> set[int]:
        """The live documents with ``value`` in a facet or visibility field. These do not
        depend on the query, so each is read once per searcher (a field has few values)."""
        key = (fieldname, value)
        if key not in self._value_docs:
            if len(self._value_docs) >= MAX_CACHED_VALUES:
                self._value_docs.clear()
            self._value_docs[key] = self.scorer.read(TermRef(fieldname, value)).docs()
        return self._value_docs[key]

    def facet_values(self, name: str) -> list:
        """Document number -> the facet's value (a tuple of values for "area")."""
        if name not in self._values:
            fieldname, multi = FACET_FIELDS[name], name == "area"
            self._values[name] = self._segments.concatenated(
                self.searcher.reader(), f"values:{fieldname}",
                lambda leaf: _read_values(leaf, fieldname, multi))
        return self._values[name]

    def lexicons(self) -> list[Lexicon]:
        """Each segment's words of the spelling field, for typo tolerance."""
        return self._segments.per_segment(self.searcher.reader(), f"lexicon:{SPELLING_FIELD}",
                                          lambda leaf: read_lexicon(leaf, SPELLING_FIELD))

    def close(self) -> None:
        self._allowed.clear()
        self._value_docs.clear()
        self._values.clear()
        self.searcher.close()


def _read_values(reader, fieldname: str, multi: bool) -> list:
    """Each document's value of a facet field, read from the field's postings."""
    empty = () if multi else None
    values: list = [empty] * reader.doc_count_all()
    if fieldname not in reader.schema:
        return values
    for btext in reader.lexicon(fieldname):
        value = btext.decode("utf-8") if isinstance(btext, bytes) else btext
        for docnum in _posting_docs(reader, fieldname, btext):
            values[docnum] = values[docnum] + (value,) if multi else value
    return values


def _posting_docs(reader, fieldname: str, text) -> set[int]:
    """The live documents of one segment holding a term."""
    return set(leaf_postings(reader, fieldname, text)[0])


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
        self._segments = SegmentCache()

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
                self._segments.clear()
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
            slot = _Slot(ix.searcher(), self._segments)
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
            stored = slot.searcher.stored_fields
            found = (stored(docnum).get("object_id")
                     for docnum, _score in plan.ranked(slot, limit))
            return list(dict.fromkeys(i for i in found if i is not None))

        return self._guarded(run, None)

    # internals

    def _search(self, slot, text, words, allowed, filters, page, per_page):
        plan = _plan(slot, words, slot.allowed(allowed, filters))
        total = len(plan.matched)
        pages = math.ceil(total / per_page)
        page = min(page, max(pages, 1))  # past the end: the last page

        facets = {}
        for name in FACETS:
            if name in filters:  # counted with every filter but its own
                others = {n: v for n, v in filters.items() if n != name}
                docs = _within(plan.docs, slot.allowed(allowed, others))
            else:
                docs = plan.matched
            facets[name] = _count(slot.facet_values(name), docs, multi=(name == "area"))

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


# -- matching and ranking ------------------------------------------------------------------


@dataclass
class _WordMatch:
    """One word of the query: the terms that find it, read once, and their documents."""

    word: Word
    exact: list[TermPostings]  # its stems in the text fields
    near: list[TermPostings]  # the index's words within its fuzzy distance, if made fuzzy
    docs: set[int] | dict[int, float]  # its documents (with their scores, when scored)

    def postings(self) -> list[TermPostings]:
        return self.exact + self.near


def _match_word(slot: _Slot, word: Word, fuzzy: bool, scored: bool) -> _WordMatch:
    """Any stem of the word in the title, body or place (or, if fuzzy, a near word).

    ``scored``: a query of one word ranks every document it finds, so its documents come
    as a dict of their scores, made in the same pass over the postings; with several
    words only the documents that have them all are scored, later (``_Plan.ranked``).
    """
    scorer = slot.scorer
    exact = [scorer.read(TermRef(name, stem)) for name in TEXT_FIELDS for stem in word.stems]
    near = []
    if fuzzy:
        near = [scorer.read(TermRef(SPELLING_FIELD, text, FUZZY_BOOST))
                for text in _near_words(slot, word)]
    exact, near = [p for p in exact if p.parts], [p for p in near if p.parts]
    if scored:
        scores: dict[int, float] = {}
        for postings in exact + near:
            scorer.add_scores(scores, postings)
        return _WordMatch(word, exact, near, scores)
    docs: set[int] = set()
    for postings in exact + near:
        docs |= postings.docs()
    return _WordMatch(word, exact, near, docs)


def _near_words(slot: _Slot, word: Word) -> list[str]:
    """The index's words within the word's fuzzy distance, sharing its first letter."""
    found: set[str] = set()
    for lexicon in slot.lexicons():
        found.update(lexicon.near(word.text, word.fuzzy_distance))
    return sorted(found)


def _plan(slot: _Slot, words: list[Word], allowed: set[int] | None) -> _Plan:
    """The documents for ``words``: AND, then OR when AND finds too little; words in no
    document fuzzy from the start; every word fuzzy when all that found no document."""
    reader = slot.searcher.reader()
    missing = frozenset(w.text for w in words if not _has_exact(reader, w))
    fuzzy = frozenset(w.text for w in words if w.text in missing and w.fuzzy_distance)
    matched: dict[tuple[str, bool], _WordMatch] = {}

    def match(word: Word, fuzzy_words: frozenset[str]) -> _WordMatch:
        key = (word.text, word.text in fuzzy_words)
        if key not in matched:
            matched[key] = _match_word(slot, word, key[1], scored=len(words) == 1)
        return matched[key]

    def attempt(fuzzy_words: frozenset[str]) -> _Plan:
        matches = [match(w, fuzzy_words) for w in words]
        per_word = [m.docs for m in matches]
        docs = per_word[0] if len(per_word) == 1 else set.intersection(
            *sorted(per_word, key=len))
        plan = _Plan(matches, docs, _within(docs, allowed), fuzzy_words, False, missing,
                     allowed)
        if len(matches) > 1 and plan.total < MIN_AND_HITS:
            docs = set().union(*per_word)
            broader = _Plan(matches, docs, _within(docs, allowed), fuzzy_words, True, missing,
                            allowed)
            if broader.total > plan.total:
                plan = broader
        return plan

    plan = attempt(fuzzy)
    everything = frozenset(w.text for w in words if w.fuzzy_distance)
    if not plan.docs and everything - fuzzy:  # (found, but filtered out: not a typo)
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
            replaced[word] = min(found, key=lambda c, w=word: (
                distance(w, c), -reader.frequency(SPELLING_FIELD, c), c))
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
            sets = [p.docs() for p in m.near if p.term.text == replaced[m.word.text]]
        else:
            sets = [p.docs() for p in m.exact]
        if any(_within(docs, allowed) for docs in sets):
            return True
    for correction in replaced.values():
        for name in TEXT_FIELDS:
            for stem in _stems(correction):
                if _within(slot.scorer.read(TermRef(name, stem)).docs(), allowed):
                    return True
    return False


@dataclass
class _Plan:
    matches: list[_WordMatch]
    docs: set[int]  # matching the query
    matched: set[int]  # ...and the filters: the results
    fuzzy_words: frozenset[str]  # the words made fuzzy
    broadened: bool  # the words ORed: too few documents had them all
    missing: frozenset[str]  # words in no document
    allowed: set[int] | None  # what the filters let through (None: everything)

    @property
    def total(self) -> int:
        return len(self.matched)

    def highlight_terms(self) -> frozenset[str]:
        """The stems to mark in a body: the words' own, and those of their near words."""
        terms = {stem for m in self.matches for stem in m.word.stems}
        terms.update(stem for m in self.matches for p in m.near for stem in _stems(p.term.text))
        return frozenset(terms)

    def ranked(self, slot: _Slot, limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` (document number, score) pairs, best first.

        By score; but when the words were ORed, first by how many of the words a document
        has, then by score: the documents with all your words, then most of them... An OR
        of common words can match most of the index; ranked this way only the documents of
        the levels the page reaches are scored.
        """
        if not self.matched:
            return []
        coord: Counter | None = None
        candidates = self.matched
        if self.broadened:
            coord = Counter(chain.from_iterable(m.docs & self.matched for m in self.matches))
            candidates = _top_levels(coord, limit)
        if isinstance(self.docs, dict):  # one word, scored as it was read
            scores = self.docs
            if candidates is scores:
                return heapq.nlargest(limit, scores.items(), key=itemgetter(1))
            best = heapq.nlargest(limit, candidates, key=scores.__getitem__)
            return [(d, scores[d]) for d in best]
        only = candidates
        scores = {}
        for m in self.matches:
            for postings in m.postings():
                slot.scorer.add_scores(scores, postings, only)
        if coord is None:
            best = heapq.nlargest(limit, scores.items(), key=itemgetter(1))
            return best
        ranked = heapq.nlargest(limit, candidates, key=lambda d: (coord[d], scores[d], -d))
        return [(d, scores[d]) for d in ranked]


def _top_levels(coord: Counter, limit: int) -> set[int]:
    """The documents with the most words, level by level, until ``limit`` are taken."""
    taken, threshold = 0, 1
    for level, count in sorted(Counter(coord.values()).items(), reverse=True):
        taken += count
        threshold = level
        if taken >= limit:
            break
    return {doc for doc, n in coord.items() if n >= threshold}


def _within(docs, allowed: set[int] | None):
    """The documents of ``docs`` (a set, or a dict of scores) that ``allowed`` lets through."""
    if allowed is None:
        return docs
    return docs.keys() & allowed if isinstance(docs, dict) else docs & allowed


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
    return Hit(
        id=stored.get("id", ""),
        kind=stored.get("kind", ""),
        object_id=stored.get("object_id"),
        title=stored.get("title", ""),
        url=stored.get("url", ""),
        snippet=make_snippet(stored.get("body", ""), terms),
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
