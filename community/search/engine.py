"""Matching and scoring the service's queries a term at a time, as arrays over the index.

Whoosh's ``searcher.search`` walks a tree of matchers one document at a time: for a word
in tens of thousands of documents that is several Python calls per document and per level
of the tree. The service's queries are only ever "any of these terms" per word, the words
ANDed or ORed, so here each term's postings are read once into NumPy arrays (document
numbers, weights), kept in a bounded cache between queries (a segment never changes, so
neither do its postings), and a query is a few array operations over one score array and
one true/false array per word, each as long as the index has documents: a word in 60,000
documents costs about a millisecond instead of the 15 to 25 ms of a loop in Python.

The score is Whoosh 2.7.4's default, BM25F (``B`` 0.75, ``K1`` 1.2): per term,
``idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average length))`` with
``idf = log(documents / (document frequency + 1)) + 1`` over the whole index, the field's
boost already in ``tf`` (it is stored in the postings' weights) and the length as the
index stores it (quantised to a byte); a document's score is the sum over the terms it has.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from math import log
from pickle import loads  # noqa: S403 - Whoosh's own block format, read as Whoosh reads it
from zlib import decompress

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

K1 = 1.2
B = 0.75
POSTINGS_CACHE_BYTES = 192 * 1024 * 1024  # 24 million postings (8 bytes each)
_NO_IDS = np.zeros(0, np.int32)
_NO_WEIGHTS = np.zeros(0, np.float32)


@dataclass(frozen=True)
class TermRef:
    """One term of a query: a field, its (analysed) text and how much it counts."""

    fieldname: str
    text: str
    boost: float = 1.0


def term_text(term) -> str:
    """A term as the index's lexicon gives it (bytes) made text, as queries name it."""
    return term.decode("utf-8", "replace") if isinstance(term, bytes) else term


# -- postings ------------------------------------------------------------------------------


def segment_postings(leaf, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
    """The (document numbers, weights) of a term in one segment, deleted documents included
    (a searcher's ``live`` array leaves those out: they change, the postings do not).

    Whoosh 2.7.4 (pinned) serves a segment's postings as a ``W3LeafMatcher`` whose blocks
    hold a pickled ``(id deltas, weights, values)`` tuple; it is read here block by block
    without the matcher's per-posting calls. Deleted documents come as a ``FilterMatcher``
    around it. Anything else (postings inlined in the term's entry) is read the public way.
    """
    try:
        matcher = leaf.postings(fieldname, text)
    except (TermNotFound, KeyError):
        return _NO_IDS, _NO_WEIGHTS
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if type(matcher) is W3LeafMatcher and not matcher._byteids:
        return _read_blocks(matcher)
    return _read_public(matcher)


def _read_blocks(matcher) -> tuple[np.ndarray, np.ndarray]:
    deltas: list[int] = []
    weights: list[float] = []
    sizes: list[int] = []
    postfile = matcher._postfile
    while matcher.is_active():
        data = postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        if matcher._compression:
            data = decompress(data)
        block_deltas, block_weights, _values = loads(data)  # noqa: S301 - the index
        deltas.extend(block_deltas)
        sizes.append(len(block_deltas))
        if block_weights is None:
            weights.extend([1.0] * len(block_deltas))
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * len(block_deltas))
        else:
            weights.extend(block_weights)
        matcher._next_block()
    if not deltas:
        return _NO_IDS, _NO_WEIGHTS
    # Each block starts from 0 (its first delta is its first id): a running sum over all
    # blocks, less the sum up to the end of the block before.
    running = np.cumsum(np.array(deltas, np.int64))
    ends = np.cumsum(sizes)
    before = np.concatenate([[0], running[ends[:-1] - 1]])
    ids = (running - np.repeat(before, sizes)).astype(np.int32)
    return ids, np.array(weights, np.float32)


def _read_public(matcher) -> tuple[np.ndarray, np.ndarray]:
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, np.int32), np.array(weights, np.float32)


class PostingsCache:
    """Decoded postings by (segment, field, term), the least recently used dropped first
    beyond ``max_bytes``. Shared by a process's searchers: reading a common word's postings
    (60,000 of them: about 8 ms of unpickling) is then paid once, not on every query."""

    def __init__(self, max_bytes: int = POSTINGS_CACHE_BYTES):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0

    def resize(self, max_bytes: int) -> None:
        """A new limit (the app's ``SEARCH_POSTINGS_CACHE_MB``); the oldest go beyond it."""
        with self._lock:
            self.max_bytes = max_bytes
            self._evict_locked()

    def get(self, leaf, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        segment = getattr(leaf, "segment", lambda: None)()
        if segment is None:  # not a stored segment: nothing stable to key it by
            return segment_postings(leaf, fieldname, text)
        key = (segment.segment_id(), fieldname, text)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        found = segment_postings(leaf, fieldname, text)
        for array in found:  # shared by every thread's queries: nobody may write to them
            array.flags.writeable = False
        size = found[0].nbytes + found[1].nbytes
        with self._lock:
            if key not in self._entries and size <= self.max_bytes:
                self._entries[key] = found
                self.bytes += size
                self._evict_locked()
        return found

    def _evict_locked(self) -> None:
        """Drops the least recently used until the cache fits ``max_bytes``."""
        while self.bytes > self.max_bytes:
            _key, (ids, weights) = self._entries.popitem(last=False)
            self.bytes -= ids.nbytes + weights.nbytes


# -- what is read once per segment ---------------------------------------------------------


class SegmentCache:
    """What is read once per segment and kept while the segment is in the index (a segment
    never changes; a commit adds a small one): facet values, field lengths, the lexicon.
    Shared by the service's searchers; after a merge the merged-away segments' entries are
    dropped."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], object] = {}

    def clear(self) -> None:
        with self._lock:
            self._cache = {}

    def per_segment(self, reader, kind: str, read) -> list:
        """``read(leaf)`` for each segment of ``reader`` in document-number order, from the
        cache when the segment was read before."""
        parts = []
        live: set[tuple[str, str]] = set()
        with self._lock:  # the first search after a start or a merge reads, the rest copy
            for leaf, _offset in reader.leaf_readers():
                segment = getattr(leaf, "segment", lambda: None)()
                if segment is None:  # not a stored segment (an empty index)
                    parts.append(read(leaf))
                    continue
                key = (segment.segment_id(), kind)
                if key not in self._cache:
                    self._cache[key] = read(leaf)
                live.add(key)
                parts.append(self._cache[key])
            for key in [k for k in self._cache if k[1] == kind and k not in live]:
                del self._cache[key]  # merged away
        return parts


def _length_bytes(leaf, fieldname: str) -> np.ndarray:
    """Each document's length in the field, as the byte the index stores it as."""
    count = leaf.doc_count_all()
    perdoc = getattr(leaf, "_perdoc", None)
    column = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return np.zeros(count, np.uint8)
    if getattr(column, "_fixedlen", None) == 1 and hasattr(column, "_dbfile"):
        stored = column._dbfile.get(column._basepos, column._count)
        stored = stored[:count] + bytes(max(0, count - len(stored)))
        return np.frombuffer(stored, np.uint8).copy()
    return np.array([length_to_byte(leaf.doc_field_length(d, fieldname, 0) or 0)
                     for d in range(count)], np.uint8)


def _live(leaf) -> np.ndarray:
    """True for each document of the segment that is not deleted."""
    count = leaf.doc_count_all()
    live = np.ones(count, np.bool_)
    if leaf.has_deletions():
        segment = getattr(leaf, "segment", lambda: None)()
        if segment is not None:
            deleted = list(segment.deleted_docs())
        else:
            deleted = [d for d in range(count) if leaf.is_deleted(d)]
        live[np.array(deleted, np.int64)] = False
    return live


# -- scoring -------------------------------------------------------------------------------


@dataclass
class TermPostings:
    """One term's postings over the whole index: (document number offset of the segment,
    the segment's document numbers, their weights) per segment that has the term."""

    term: TermRef
    parts: list[tuple[int, np.ndarray, np.ndarray]]

    def mark(self, mask: np.ndarray) -> None:
        """Sets ``mask`` true for the term's documents."""
        for offset, ids, _weights in self.parts:
            mask[ids + offset if offset else ids] = True

    def mask(self, size: int) -> np.ndarray:
        found = np.zeros(size, np.bool_)
        self.mark(found)
        return found


class Scorer:
    """Reads and scores terms over one reader (the whole index, every segment) for one
    searcher. ``live`` is true for each document that is not deleted."""

    def __init__(self, reader, segments: SegmentCache, postings: PostingsCache | None = None):
        self.reader = reader
        self._segments = segments
        self._postings = postings if postings is not None else PostingsCache()
        self._leaves = list(reader.leaf_readers())
        self.doc_count = reader.doc_count_all()
        self.live = concatenate([_live(leaf) for leaf, _offset in self._leaves],
                                 self.doc_count, np.bool_, fill=True)
        self._norms: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._idf: dict[tuple[str, str], float] = {}

    def norm(self, fieldname: str) -> tuple[np.ndarray, np.ndarray]:
        """The field's lengths and, per length byte, ``K1 * (1 - B + B * length / avg)``."""
        if fieldname not in self._norms:
            parts = self._segments.per_segment(
                self.reader, f"length:{fieldname}", lambda leaf: _length_bytes(leaf, fieldname))
            lengths = concatenate(parts, self.doc_count, np.uint8)
            average = (self.reader.field_length(fieldname) / (self.doc_count or 1)) or 1
            table = np.array([K1 * ((1 - B) + B * byte_to_length(b) / average)
                              for b in range(256)], np.float64)
            self._norms[fieldname] = (lengths, table)
        return self._norms[fieldname]

    def idf(self, fieldname: str, text: str) -> float:
        key = (fieldname, text)
        if key not in self._idf:
            frequency = self.reader.doc_frequency(fieldname, text)
            self._idf[key] = log(self.doc_count / (frequency + 1)) + 1
        return self._idf[key]

    def read(self, term: TermRef) -> TermPostings:
        """The term's postings in every segment (decoded once per process, see
        :class:`PostingsCache`)."""
        parts = []
        for leaf, offset in self._leaves:
            if (term.fieldname, term.text) in leaf:
                ids, weights = self._postings.get(leaf, term.fieldname, term.text)
                if len(ids):
                    parts.append((offset, ids, weights))
        return TermPostings(term, parts)

    def add_scores(self, scores: np.ndarray, postings: TermPostings) -> None:
        """Adds the term's score to ``scores`` (one per document) for each document that
        has it."""
        term = postings.term
        lengths, norm = self.norm(term.fieldname)
        factor = self.idf(term.fieldname, term.text) * (K1 + 1) * term.boost
        for offset, ids, weights in postings.parts:
            docs = ids + offset if offset else ids
            tf = weights.astype(np.float64)
            # A term's documents are distinct: plain fancy-index addition is exact.
            scores[docs] += factor * tf / (tf + norm[lengths[docs]])


def concatenate(parts: list, size: int, dtype, fill=0) -> np.ndarray:
    """The segments' arrays end to end, padded (or cut) to ``size``."""
    joined = np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)
    if len(joined) < size:
        joined = np.concatenate([joined, np.full(size - len(joined), fill, dtype)])
    return joined[:size]


def top(candidates: np.ndarray, keys: np.ndarray, limit: int) -> np.ndarray:
    """The positions of the ``limit`` largest ``keys``, largest first, ties by the lower
    ``candidates`` (document numbers, ascending): the same order every time."""
    if limit <= 0 or not len(keys):
        return np.zeros(0, np.int64)
    if len(keys) > limit:
        kth = np.partition(keys, len(keys) - limit)[len(keys) - limit]
        above = np.flatnonzero(keys > kth)
        tied = np.flatnonzero(keys == kth)[: limit - len(above)]
        chosen = np.concatenate([above, tied])
    else:
        chosen = np.arange(len(keys))
    order = np.lexsort((candidates[chosen], -keys[chosen]))
    return chosen[order]
