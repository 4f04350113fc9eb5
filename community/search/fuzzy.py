"""Typo tolerance: the index's words within a small edit distance of a typed word.

Whoosh finds them by walking a Levenshtein automaton through the field's term list on disk:
a seek and a Python-level automaton step per jump, 10 to 80 ms for a long word at 250,000
documents (more than everything else a query does). Here each segment's words are read
once (a segment never changes) into buckets by first letter and length, each word with the
set of its letters as bits; a word can only be within ``maxdist`` edits if it has the same
first letter (the fuzzy prefix), a length within ``maxdist`` and at most ``maxdist``
letters the other lacks (each edit brings in or takes away at most one letter), which
leaves a handful of candidates for the real Damerau-Levenshtein distance.
"""

from __future__ import annotations

from whoosh.support.levenshtein import damerau_levenshtein


def letters(word: str) -> int:
    """The set of the word's characters as bits (characters may share a bit: then the
    filter only lets more through, never fewer)."""
    mask = 0
    for ch in word:
        mask |= 1 << (ord(ch) % 61)
    return mask


class Lexicon:
    """One segment's words of a field, by (first letter, length)."""

    def __init__(self, words):
        self._buckets: dict[tuple[str, int], tuple[list[int], list[str]]] = {}
        for word in words:
            if not word:
                continue
            masks, texts = self._buckets.setdefault((word[0], len(word)), ([], []))
            masks.append(letters(word))
            texts.append(word)

    def __len__(self) -> int:
        return sum(len(texts) for _masks, texts in self._buckets.values())

    def near(self, text: str, maxdist: int) -> list[str]:
        """The words within ``maxdist`` Damerau-Levenshtein edits of ``text`` that start
        with its first letter (``text`` itself included, if it is a word here)."""
        if not text:
            return []
        wanted = letters(text)
        found = []
        for length in range(len(text) - maxdist, len(text) + maxdist + 1):
            masks, texts = self._buckets.get((text[0], length), ((), ()))
            for mask, word in zip(masks, texts, strict=True):
                if ((mask & ~wanted).bit_count() <= maxdist
                        and (wanted & ~mask).bit_count() <= maxdist
                        and damerau_levenshtein(text, word, maxdist) <= maxdist):
                    found.append(word)
        return found


def read_lexicon(leaf, fieldname: str) -> Lexicon:
    """A segment's words of ``fieldname`` (text, not bytes)."""
    if fieldname not in leaf.schema:
        return Lexicon(())
    return Lexicon(text.decode("utf-8", "replace") if isinstance(text, bytes) else text
                   for text in leaf.lexicon(fieldname))
