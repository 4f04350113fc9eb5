"""Matching and scoring the service's queries a term at a time, over the index's segments.

Whoosh's ``searcher.search`` walks a tree of matchers one document at a time: for a word
in tens of thousands of documents that is several Python calls per document and per level
of the tree (most of a query's time at 250,000 documents). The service's queries are only
ever "any of these terms" per word, the words ANDed or ORed, so here each term's postings
are read a block at a time and scored in one loop, and the words are combined with set
and dict operations.

The score is Whoosh 2.7.4's default, BM25F (``B`` 0.75, ``K1`` 1.2): per term,
``idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average length))`` with
``idf = log(documents / (document frequency + 1)) + 1`` over the whole index, the field's
boost already in ``tf`` (it is stored in the postings' weights) and the length as the
index stores it (quantised to a byte); a document's score is the sum over the terms it has.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate, repeat
from math import log
from pickle import loads  # noqa: S403 - Whoosh's own block format, read as Whoosh reads it
from zlib import decompress

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

K1 = 1.2
B = 0.75
FEW = 32  # documents to score, against postings: below 1/FEW of them, look them up


@dataclass(frozen=True)
class TermRef:
    """One term of a query: a field, its (analysed) text and how much it counts."""

    fieldname: str
    text: str
    boost: float = 1.0


# -- postings ------------------------------------------------------------------------------


def leaf_postings(leaf, fieldname: str, text) -> tuple[list[int], list[float]]:
    """The (document numbers, weights) of a term in one segment, live documents only.

    Whoosh 2.7.4 (pinned) serves a segment's postings as a ``W3LeafMatcher`` whose blocks
    hold a pickled ``(id deltas, weights, values)`` tuple; it is read here block by block
    without the matcher's per-posting calls. Deleted documents come as a ``FilterMatcher``
    around it. Anything else (postings inlined in the term's entry) is read the public way.
    """
    try:
        matcher = leaf.postings(fieldname, text)
    except (TermNotFound, KeyError):
        return [], []
    deleted: frozenset[int] | set[int] = frozenset()
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        deleted, matcher = matcher._ids, matcher.child
    if type(matcher) is W3LeafMatcher and not matcher._byteids:
        ids, weights = _read_blocks(matcher)
    else:
        ids, weights = _read_public(matcher)
    if deleted:
        pairs = [(d, w) for d, w in zip(ids, weights, strict=True) if d not in deleted]
        ids = [d for d, _w in pairs]
        weights = [w for _d, w in pairs]
    return ids, weights


def _read_blocks(matcher) -> tuple[list[int], list[float]]:
    ids: list[int] = []
    weights: list[float] = []
    postfile = matcher._postfile
    while matcher.is_active():
        data = postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        if matcher._compression:
            data = decompress(data)
        deltas, block_weights, _values = loads(data)  # noqa: S301 - the index, not input
        ids.extend(accumulate(deltas))
        if block_weights is None:
            weights.extend(repeat(1.0, len(deltas)))
        elif isinstance(block_weights, float):
            weights.extend(repeat(block_weights, len(deltas)))
        else:
            weights.extend(block_weights)
        matcher._next_block()
    return ids, weights


def _read_public(matcher) -> tuple[list[int], list[float]]:
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


# -- the index's statistics ----------------------------------------------------------------


class SegmentCache:
    """What is read once per segment and kept while the segment is in the index (a segment
    never changes; a commit adds a small one): facet values and field lengths. Shared by
    the service's searchers; after a merge the merged-away segments' entries are dropped."""

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

    def concatenated(self, reader, kind: str, read) -> list | bytes:
        """The segments' ``read(leaf)`` end to end: one value per document of ``reader``."""
        parts = self.per_segment(reader, kind, read)
        if parts and isinstance(parts[0], bytes):
            return b"".join(parts)
        return [value for part in parts for value in part]


def _length_bytes(leaf, fieldname: str) -> bytes:
    """Each document's length in the field, as the byte the index stores it as."""
    count = leaf.doc_count_all()
    perdoc = getattr(leaf, "_perdoc", None)
    column = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return bytes(count)
    if getattr(column, "_fixedlen", None) == 1 and hasattr(column, "_dbfile"):
        stored = column._dbfile.get(column._basepos, column._count)
        return stored[:count] + bytes(max(0, count - len(stored)))
    return bytes(length_to_byte(leaf.doc_field_length(d, fieldname, 0) or 0)
                 for d in range(count))


class Scorer:
    """Scores terms over one reader (the whole index, every segment) for one searcher."""

    def __init__(self, reader, segments: SegmentCache):
        self.reader = reader
        self._segments = segments
        self._leaves = list(reader.leaf_readers())
        self._doc_count = reader.doc_count_all()
        self._norms: dict[str, tuple[bytes, list[float]]] = {}
        self._idf: dict[tuple[str, str], float] = {}

    def _norm(self, fieldname: str) -> tuple[bytes, list[float]]:
        """The field's lengths and, per length byte, ``K1 * (1 - B + B * length / avg)``."""
        if fieldname not in self._norms:
            lengths = self._segments.concatenated(
                self.reader, f"length:{fieldname}", lambda leaf: _length_bytes(leaf, fieldname))
            average = (self.reader.field_length(fieldname) / (self._doc_count or 1)) or 1
            table = [K1 * ((1 - B) + B * byte_to_length(b) / average) for b in range(256)]
            self._norms[fieldname] = (lengths, table)
        return self._norms[fieldname]

    def idf(self, fieldname: str, text: str) -> float:
        key = (fieldname, text)
        if key not in self._idf:
            frequency = self.reader.doc_frequency(fieldname, text)
            self._idf[key] = log(self._doc_count / (frequency + 1)) + 1
        return self._idf[key]

    def read(self, term: TermRef) -> TermPostings:
        """The term's postings in every segment, read once for the query's every use."""
        parts = []
        for leaf, offset in self._leaves:
            if (term.fieldname, term.text) in leaf:
                ids, weights = leaf_postings(leaf, term.fieldname, term.text)
                if ids:
                    parts.append((offset, ids, weights))
        return TermPostings(term, parts)

    def add_scores(self, scores: dict[int, float], postings: TermPostings,
                   only: set[int] | None = None) -> None:
        """Adds the term's score to ``scores`` for each document that has it (of ``only``,
        when given)."""
        term = postings.term
        lengths, norm = self._norm(term.fieldname)
        factor = self.idf(term.fieldname, term.text) * (K1 + 1) * term.boost
        get = scores.get
        for offset, ids, weights in postings.parts:
            if only is not None and len(only) * FEW < len(ids):
                # A few documents in long postings: look each one up (they are sorted).
                for d in only:
                    i = bisect_left(ids, d - offset)
                    if i < len(ids) and ids[i] == d - offset:
                        w = weights[i]
                        scores[d] = get(d, 0.0) + factor * w / (w + norm[lengths[d]])
                continue
            if offset:
                ids = [d + offset for d in ids]
            if only is None:
                for d, w in zip(ids, weights, strict=True):
                    scores[d] = get(d, 0.0) + factor * w / (w + norm[lengths[d]])
            else:
                for d, w in zip(ids, weights, strict=True):
                    if d in only:
                        scores[d] = get(d, 0.0) + factor * w / (w + norm[lengths[d]])


@dataclass
class TermPostings:
    """One term's postings over the whole index: (document number offset of the segment,
    the segment's document numbers, their weights) per segment that has the term."""

    term: TermRef
    parts: list[tuple[int, list[int], list[float]]]

    def docs(self) -> set[int]:
        found: set[int] = set()
        for offset, ids, _weights in self.parts:
            found.update((d + offset for d in ids) if offset else ids)
        return found
