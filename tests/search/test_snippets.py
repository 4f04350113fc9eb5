"""The snippet maker gives what Whoosh's highlighter gives, for less work.

The reference is Whoosh's own highlighter with an analyzer that makes each word one
token, matched when any of its Spanish stems is a query term (the snippet maker's one
intended difference from highlighting with the index's analyzer: see its module).
"""

import random

import pytest
from whoosh import highlight
from whoosh.analysis import CharsetFilter, Filter, LowercaseFilter, RegexTokenizer
from whoosh.support.charset import accent_map

from community.search.analysis import fold, light_stem, snowball_stem, spanish_analyzer
from community.search.snippets import (
    SNIPPET_CHARS,
    SURROUND,
    MarkFormatter,
    _best,
    _formatter,
    _fragments,
    _tokens,
    highlighted,
)

BODIES = [
    "Apoyo a mujeres víctimas de violencia en Ecatepec: acompañamiento psicológico, "
    "asesoría jurídica y talleres de autonomía económica.",
    "<script>alert('x')</script> Murales & <b>arte</b> urbano con jóvenes.",
    "Reforestación del Nevado y educación ambiental con escuelas; cuidado del medio "
    "ambiente y del agua.",
    "",
    "ague algue argue: palabras que rompen al lematizador. Luces y luz, niñas y niños.",
    "Capacitación... y capacitaciones!! ¿Capacitacion? CAPACITACIÓN; capacitar.",
    # "İ" lowers to two characters: the folded text is longer than the text.
    "Talleres en İSTANBUL e İzmir para mujeres; capacitación y agua para niñas.",
]
WORDS = ("mujer", "mujeres", "violencia", "talleres", "capacitación", "agua", "medio",
         "ambiente", "luz", "niñas", "la", "de", "y", "jurídica", "murales", "arte",
         "reforestación", "escuelas", "nevado", "ecatepec", "económica", "ague")


def fragmenter():
    return highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=SURROUND)


class OneTokenPerWord(Filter):
    def __init__(self, terms):
        self.terms = terms

    def __call__(self, tokens):
        for token in tokens:
            stems = {snowball_stem(token.text), light_stem(token.text)}
            token.text = min(stems & self.terms or stems)
            yield token


def reference(terms):
    return (RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map)
            | OneTokenPerWord(terms))


def whoosh_highlight(text, terms):
    return highlight.highlight(text, terms, reference(terms), fragmenter(), MarkFormatter(),
                               top=2)


def whoosh_fragments(text, terms):
    tokens = reference(terms)(text, chars=True, mode="query", removestops=False)
    tokens = highlight.set_matched_filter(tokens, terms)
    return fragmenter().fragment_tokens(text, tokens)


def described(fragments):
    return [(f.startchar, f.endchar, [(t.text, t.startchar, t.endchar) for t in f.matches])
            for f in fragments]


def stems(words):
    return frozenset(t.text for w in words for t in spanish_analyzer()(w))


def long_bodies():
    rng = random.Random(4)
    for _ in range(30):
        words = [rng.choice(WORDS + ("organización", "comunidad", "apoyo", "Toluca", "2024"))
                 for _ in range(rng.randint(20, 160))]
        yield " ".join(w + rng.choice(("", "", "", ",", ".", "!", "...", ";")) for w in words)


QUERIES = [("mujeres",), ("capacitaciones", "agua"), ("luz", "ague"), ("nada",),
           ("violencia", "talleres", "medio", "niñas"), ("murales", "arte"),
           ("reforestacion", "escuelas")]


@pytest.mark.parametrize("body", BODIES + list(long_bodies()))
@pytest.mark.parametrize("words", QUERIES)
def test_same_passages_as_whoosh_s_fragmenter(body, words):
    terms = stems(words)
    tokens = _tokens(body, terms)
    mine = described(_fragments(body, tokens)) if tokens is not None else []
    theirs = [f for f in described(whoosh_fragments(body, terms)) if f[2]]
    assert [f for f in mine if f[2]] == theirs


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("words", QUERIES)
def test_same_snippet_as_whoosh(body, words):
    """(Where no two passages score the same: Whoosh breaks those ties at random.)"""
    terms = stems(words)
    assert highlighted(body, terms) == whoosh_highlight(body, terms)


TRICKY = ("paciencia", "potencias", "luces", "iones", "capacitaciones", "logías", "ecología",
          "niñas", "güeros", "ñoños", "ácidos", "árboles", "organizaciones", "yendo",
          "huyendo", "reforestación", "educación", "constitución", "adolescencia",
          "mujeres", "jóvenes", "indígenas", "ayuntamientos", "diciéndoselo", "comunitarias")


@pytest.mark.parametrize("word", TRICKY + tuple(w for body in BODIES for w in body.split()))
def test_stems_keep_the_first_two_letters_of_longer_words(word):
    """What lets the snippet maker stem only the words that start like a query stem."""
    folded = fold("".join(ch for ch in word if ch.isalnum()))
    if len(folded) >= 5:
        assert {snowball_stem(folded)[:2], light_stem(folded)[:2]} == {folded[:2]}


def every_word_highlight(text, terms):
    """The snippet maker reading every word of the folded text (its path before it found
    the matched words first and skipped the rest)."""
    tokens = _tokens(text, terms)
    return "" if tokens is None else _formatter(text, _best(_fragments(text, tokens)))


SKIP_WORDS = WORDS + ("aces", "paz", "peces", "Łódź", "ñandú", "İzmir", "straße", "Ｔaller",
                      "Хорошо", "āgua", "ÁGUA", "MUJERES", "×", "þe", "ª")
SKIP_GAPS = ("", "", "", ",", ".", "!", "...", ";", " — ", " " + "." * 150 + " ")


def skipping_bodies():
    rng = random.Random(11)
    for n in (3, 40, 400, 3000, 9000):  # 9,000 words pass the fragmenter's 32,000 characters
        for _ in range(6):
            words = [rng.choice(SKIP_WORDS) for _ in range(n)]
            yield " ".join(w + rng.choice(SKIP_GAPS) for w in words)


@pytest.mark.parametrize("body", list(skipping_bodies()))
@pytest.mark.parametrize("words", QUERIES + [("aces", "paz"), ("taller", "agua"), ("ague",)])
def test_skipping_to_the_matched_words_changes_nothing(body, words):
    """Finding the matched words first, unfolded, and skipping the words far from them
    gives the passages of reading every folded word: with long runs of punctuation (where
    it must not skip), letters beyond Latin-1, and the "aces" -> "az" stem."""
    terms = stems(words)
    assert highlighted(body, terms) == every_word_highlight(body, terms)
