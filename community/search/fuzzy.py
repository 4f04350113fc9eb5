"""Typo tolerance: the index's words within a small edit distance of a typed word.

Whoosh finds them by walking a Levenshtein automaton through the field's term list on disk:
a seek and a Python-level automaton step per jump, 10 to 80 ms for a long word at 250,000
documents (more than everything else a query does). Here each segment's words are read
once (a segment never changes) into buckets by first letter and length, each word with the
set of its letters as bits; a word can only be within ``maxdist`` edits if it has the same
first letter (the fuzzy prefix), a length within ``maxdist`` and at most ``maxdist``
letters the other lacks (each edit brings in or takes away at most one letter), which
leaves a few hundred candidates for the real Damerau-Levenshtein distance, computed with a
bit-vector algorithm (:func:`distances_from`) rather than a table of Python integers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from community.search.engine import term_text


def letters(word: str) -> int:
    """The set of the word's characters as bits (characters may share a bit: then the
    filter only lets more through, never fewer)."""
    mask = 0
    for ch in word:
        mask |= 1 << (ord(ch) % 61)
    return mask


class Lexicon:
    """One segment's words of a field, by (first letter, length); each bucket's letter
    sets in one array, so the letter filter runs over a bucket at once (a bucket of a
    large index holds thousands of words: a Python loop over them was most of a typo's
    cost)."""

    def __init__(self, words):
        buckets: dict[tuple[str, int], tuple[list[int], list[str]]] = {}
        for word in words:
            if not word:
                continue
            masks, texts = buckets.setdefault((word[0], len(word)), ([], []))
            masks.append(letters(word))
            texts.append(word)
        self._buckets: dict[tuple[str, int], tuple[np.ndarray, list[str]]] = {
            key: (np.array(masks, dtype=np.uint64), texts)
            for key, (masks, texts) in buckets.items()}

    def __len__(self) -> int:
        return sum(len(texts) for _masks, texts in self._buckets.values())

    def near(self, text: str, maxdist: int) -> list[str]:
        """The words within ``maxdist`` Damerau-Levenshtein edits of ``text`` that start
        with its first letter (``text`` itself included, if it is a word here)."""
        if not text:
            return []
        wanted = np.uint64(letters(text))
        distance_to = distances_from(text)
        found = []
        for length in range(len(text) - maxdist, len(text) + maxdist + 1):
            bucket = self._buckets.get((text[0], length))
            if bucket is None:
                continue
            masks, texts = bucket
            close = ((np.bitwise_count(masks & ~wanted) <= maxdist)
                     & (np.bitwise_count(wanted & ~masks) <= maxdist))
            found += [texts[i] for i in np.flatnonzero(close).tolist()
                      if distance_to(texts[i]) <= maxdist]
        return found


# First letters Spanish writers confuse (they sound the same), each costing one edit: the
# silent h ("umanos" for "humanos"), b/v, c/s/z, g/j, c/k/q, y/ll.
_SAME_SOUND = {"b": ("v",), "v": ("b",), "c": ("s", "z", "k"), "s": ("c", "z"),
               "z": ("s", "c"), "g": ("j",), "j": ("g",), "k": ("c", "q"), "q": ("k", "c"),
               "y": ("ll",)}


def spellings(text: str) -> list[tuple[str, int]]:
    """(a spelling of ``text``, the edits it took): the word itself, and the same word with
    a first letter Spanish writers confuse for it. The lexicon keeps the first letter, so
    without these a typo there ("umanos") is never found."""
    if not text:
        return []
    found = [(text, 0)]
    if text[0] in "aeiou":
        found.append(("h" + text, 1))
    elif text[0] == "h" and len(text) > 1:
        found.append((text[1:], 1))
    if text.startswith("ll"):
        found.append(("y" + text[2:], 1))
    found += [(other + text[1:], 1) for other in _SAME_SOUND.get(text[0], ())]
    return found


def distances_from(text: str) -> Callable[[str], int]:
    """A function giving the Damerau-Levenshtein distance from ``text`` to a word, as
    ``whoosh.support.levenshtein.damerau_levenshtein`` computes it (adjacent
    transpositions, no substring edited twice: the "optimal string alignment" distance).

    Hyyrö's bit-vector algorithm (2002, with the transposition term of his 2003 paper):
    one column of the distance table is a pair of bit sets over ``text``'s positions (where
    the value goes up, where it goes down) and each letter of the word updates it with a
    few integer operations, so a word costs a few microseconds instead of a loop per cell.
    """
    if not text:
        return len
    positions: dict[str, int] = {}
    for i, ch in enumerate(text):
        positions[ch] = positions.get(ch, 0) | (1 << i)
    full = (1 << len(text)) - 1
    last = 1 << (len(text) - 1)

    def distance_to(word: str) -> int:
        up, down, diagonal, previous, dist = full, 0, 0, 0, len(text)
        for ch in word:
            match = positions.get(ch, 0)
            swapped = ((~diagonal & match) << 1) & previous
            diagonal = ((((match & up) + up) ^ up) | match | down | swapped) & full
            rises = (down | ~(diagonal | up)) & full
            falls = diagonal & up
            if rises & last:
                dist += 1
            elif falls & last:
                dist -= 1
            rises = ((rises << 1) | 1) & full
            falls = (falls << 1) & full
            up = (falls | ~(diagonal | rises)) & full
            down = rises & diagonal
            previous = match
        return dist

    return distance_to


def read_lexicon(leaf, fieldname: str) -> Lexicon:
    """A segment's words of ``fieldname`` (text, not bytes)."""
    if fieldname not in leaf.schema:
        return Lexicon(())
    return Lexicon(term_text(text) for text in leaf.lexicon(fieldname))
