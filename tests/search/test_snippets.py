"""The snippet maker gives exactly what Whoosh's highlighter gives, for less work."""

import random

import pytest
from whoosh import highlight

from community.search.analysis import spanish_analyzer
from community.search.snippets import (
    SNIPPET_CHARS,
    SURROUND,
    MarkFormatter,
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
]
WORDS = ("mujer", "mujeres", "violencia", "talleres", "capacitación", "agua", "medio",
         "ambiente", "luz", "niñas", "la", "de", "y", "jurídica", "murales", "arte",
         "reforestación", "escuelas", "nevado", "ecatepec", "económica", "ague")


def fragmenter():
    return highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=SURROUND)


def whoosh_highlight(text, terms):
    return highlight.highlight(text, terms, spanish_analyzer(), fragmenter(), MarkFormatter(),
                               top=2)


def whoosh_fragments(text, terms):
    tokens = spanish_analyzer()(text, chars=True, mode="query", removestops=False)
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
