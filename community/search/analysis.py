"""The Spanish analyzer: case and accent folding first, then stemming, at index and query time.

Two traps shape it. Snowball's Spanish stemmer recognises some suffixes only with their
accent ("-ación", "-ución", "-logía"), so after folding "capacitacion" would keep its suffix
while "capacitaciones" loses it; the filter puts the accent back on those suffixes before
stemming. And the stemmer raises IndexError on short words ending in "gue" ("ague"), so a
word it cannot stem is kept as it is. Snowball also splits singular and plural of some nouns
("mujer" -> "muj", "mujeres" -> "mujer"), so each word is indexed with a light plural/gender
stem as well, at the same position.
"""

from functools import lru_cache

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
)
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map

_snowball = stemmer_for_language("es")
_ACCENTED_SUFFIXES = (("acion", "ación"), ("ucion", "ución"), ("logias", "logías"),
                      ("logia", "logía"))
VOWELS = frozenset("aeiou")


def fold(text: str) -> str:
    return text.lower().translate(accent_map)


STOPWORDS = frozenset(fold(word) for word in stopwords_for_language("es"))


@lru_cache(maxsize=65536)  # Snowball costs ~45 µs a word; a language has few distinct words
def snowball_stem(word: str) -> str:
    """Snowball on a folded word, with the accent-bearing suffixes restored first."""
    for plain, accented in _ACCENTED_SUFFIXES:
        if word.endswith(plain):
            word = word[: -len(plain)] + accented
            break
    try:
        return fold(_snowball(word))
    except IndexError:  # the stemmer's own bug on words like "ague"
        return fold(word)


@lru_cache(maxsize=65536)
def light_stem(word: str) -> str:
    """Plural and gender endings only: 'mujeres'/'mujer', 'niñas'/'niño', 'luces'/'luz'."""
    if len(word) <= 3:
        return word
    if word.endswith("ces"):
        word = word[:-3] + "z"
    elif word.endswith("iones"):
        word = word[:-5] + "ion"
    elif word.endswith("es") and len(word) > 4 and word[-3] not in VOWELS:
        word = word[:-2]
    elif word.endswith("s") and word[-2] in VOWELS:
        word = word[:-1]
    if len(word) > 4 and word[-1] in "aoe":
        word = word[:-1]
    return word


class SpanishStemFilter(Filter):
    """Emits the Snowball stem and, when different, the light stem at the same position."""

    def __call__(self, tokens):
        for token in tokens:
            word = token.text
            stems = {snowball_stem(word), light_stem(word)}
            for stem in sorted(stems):
                token.text = stem
                yield token


def spanish_analyzer():
    return (RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=STOPWORDS, minsize=2) | SpanishStemFilter())


def folding_analyzer():
    """Words as typed, folded but not stemmed: for typo tolerance and 'did you mean'."""
    return (RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=STOPWORDS, minsize=2))
