"""Typo tolerance: the bit-vector distance is Whoosh's, and the lexicon finds what a full
scan of the words with that distance finds."""

import random

import pytest
from whoosh.support.levenshtein import damerau_levenshtein

from community.search.fuzzy import Lexicon, distances_from, spellings

SPANISH = ("voluntarios", "voluntarias", "voluntariado", "voluntaryos", "biblioteca",
           "biblioteka", "toluca", "toluka", "tolcua", "nezahualcoyotl", "nezahualcoyot",
           "capacitacion", "capasitasion", "niñas", "ninas", "años", "anos", "ecatepec",
           "ecatepek", "a", "ab", "ba", "", "ca", "abc", "acb", "bca")


def random_words(rng, count, alphabet="abc", longest=10):
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))
            for _ in range(count)]


def test_the_distance_is_whooshs_damerau_levenshtein():
    """A three-letter alphabet makes transpositions, repeats and overlaps common."""
    rng = random.Random(2026)
    words = random_words(rng, 300) + list(SPANISH)
    for a in words:
        distance_to = distances_from(a)
        for b in rng.sample(words, 40) + list(SPANISH):
            assert distance_to(b) == damerau_levenshtein(a, b), (a, b)


@pytest.mark.parametrize("maxdist", [1, 2])
def test_near_finds_what_a_full_scan_finds(maxdist):
    rng = random.Random(maxdist)
    words = sorted(set(random_words(rng, 3000, "aeioulmnrst", 9)) | set(SPANISH))
    lexicon = Lexicon(words)
    for text in rng.sample(words, 150) + ["toluka", "voluntaryos", "biblioteka"]:
        if not text:
            continue
        expected = sorted(w for w in words if w and w[0] == text[0]
                          and damerau_levenshtein(text, w) <= maxdist)
        assert sorted(lexicon.near(text, maxdist)) == expected, text


def test_spellings_try_the_first_letters_spanish_writers_confuse():
    assert spellings("umanos") == [("umanos", 0), ("humanos", 1)]
    assert spellings("hospital")[1] == ("ospital", 1)
    assert ("becas", 1) in spellings("vecas") and ("vecas", 1) in spellings("becas")
    assert ("centro", 1) in spellings("sentro") and ("yuvia", 1) in spellings("lluvia")
    assert spellings("toluka") == [("toluka", 0)] and spellings("") == []


def test_a_confused_first_letter_is_found_through_the_lexicon():
    lexicon = Lexicon(["humanos", "humano", "becas", "centro", "umbral"])

    def near(text, maxdist):
        return sorted({w for spelling, edits in spellings(text) if edits <= maxdist
                       for w in lexicon.near(spelling, maxdist - edits)})

    assert near("umanos", 1) == ["humanos"]
    assert near("umanos", 2) == ["humano", "humanos"]
    assert near("vecas", 1) == ["becas"] and near("sentro", 1) == ["centro"]
