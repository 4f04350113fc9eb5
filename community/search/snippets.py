"""Snippets: a result's best passages with the matched words in <mark>.

What ``whoosh.highlight.highlight`` gives with a ``ContextFragmenter(maxchars=200,
surround=60)``, the basic fragment scorer and the two best passages in document order,
computed for less. Whoosh runs every word of the body through the analyzer's chain of
generators and through the fragmenter as a ``Token`` object, and stems every word, however
rare; at 20 hits a page that was the largest part of a query. Here the body's words are
found with the tokenizer's own expression, only a word that starts like a query stem is
stemmed (Snowball and the light stemmer only ever change a word after its first two
letters), and the fragmenter's loop runs over plain tuples; ``Token`` objects are made only
for the matched words, which Whoosh's scorer and formatter then handle as before.

One difference, on purpose: each word is one token, matched when any of its stems is a
query term. With the Spanish analyzer Whoosh sees a word with two stems as two tokens in
the same place and counts its length twice, so its passages came out shorter than 200
characters whenever the text had many such words.
"""

from __future__ import annotations

import heapq
import re
from collections import deque
from functools import lru_cache

from markupsafe import Markup, escape
from whoosh import highlight
from whoosh.analysis import Token

from community.search.analysis import fold, light_stem, snowball_stem

SNIPPET_CHARS = 200  # a passage's longest
SURROUND = 60  # characters of context around the matched words
PASSAGES = 2
_WORD = re.compile(r"\w+")  # the analyzers' RegexTokenizer
_CHARLIMIT = highlight.DEFAULT_CHARLIMIT


class MarkFormatter(highlight.Formatter):
    """Escapes everything; only the matched words come back wrapped in <mark>."""

    between = " "  # each passage already marks its own cuts with "…"

    def _text(self, text):
        return str(escape(text))

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"

    def format_fragment(self, fragment, replace=False):
        # Keep the punctuation around a passage; mark where words were left out.
        text = fragment.text
        cut_before = any(ch.isalnum() for ch in text[: fragment.startchar])
        cut_after = any(ch.isalnum() for ch in text[fragment.endchar:])
        if not cut_before:
            fragment.startchar = 0
        if not cut_after:
            fragment.endchar = len(text)
        out = super().format_fragment(fragment, replace=replace)
        return ("…" if cut_before else "") + out + ("…" if cut_after else "")


_formatter = MarkFormatter()
_scorer = highlight.BasicFragmentScorer()


def make_snippet(body: str, terms: frozenset[str]) -> Markup:
    """The body's best two passages with the matched stems in <mark>; else its beginning."""
    body = body or ""
    if terms:
        html = highlighted(body, terms)
        if html:
            return Markup(html.strip())  # noqa: S704 - MarkFormatter escaped every piece
    text = " ".join(body[: SNIPPET_CHARS * 2].split())
    if len(text) > SNIPPET_CHARS:
        return escape(text[:SNIPPET_CHARS].rstrip()) + Markup("…")
    return escape(text)


def highlighted(text: str, terms: frozenset[str]) -> str:
    """``highlight.highlight(text, terms, <one token per word>, ContextFragmenter(200, 60),
    MarkFormatter(), top=2)``, but deterministic (see ``_best``); "" when no word of
    ``text`` matches."""
    tokens = _tokens(text, terms)
    if tokens is None:
        return ""
    return _formatter(text, _best(_fragments(text, tokens)))


def _best(fragments) -> list:
    """The two best-scored passages in document order, as ``highlight.top_fragments`` with
    ``minscore=1`` picks them, but among equal scores the first passages (Whoosh compares
    the fragments' memory addresses, so its choice between equals varies from run to run)."""
    best = heapq.nlargest(PASSAGES, ((_scorer(f), -f.startchar, n, f)
                                     for n, f in enumerate(fragments)))
    return sorted((f for score, _start, _n, f in best if score >= 1),
                  key=lambda f: f.startchar)


@lru_cache(maxsize=131072)
def _word_stems(folded: str) -> frozenset[str]:
    """The analyzer's stems for one folded word (stopwords too: the highlighter keeps them)."""
    return frozenset((snowball_stem(folded), light_stem(folded)))


def _tokens(text: str, terms: frozenset[str]) -> list[tuple[int, int, str | None]] | None:
    """(start, end, its first stem that is one of ``terms``, or None) per word of ``text``;
    None when no word matches.

    The text is folded once, not word by word, unless a letter folds to two ("ß"): then
    the folded text's positions are not the text's.
    """
    heads = {term[:2] for term in terms}
    every = any(len(term) < 2 for term in terms)  # no shortcut for one-letter stems
    folded = fold(text)
    whole = len(folded) == len(text)
    tokens: list[tuple[int, int, str | None]] = []
    append = tokens.append
    found = False
    for match in _WORD.finditer(folded if whole else text):
        word = match.group() if whole else fold(match.group())
        stem = None
        if every or len(word) < 5 or word[:2] in heads:
            matched = _word_stems(word) & terms
            if matched:
                stem = min(matched)
                found = True
        append((match.start(), match.end(), stem))
    return tokens if found else None


def _fragments(text: str, tokens):
    """``ContextFragmenter.fragment_tokens`` over (start, end, matched stem) tuples, with its
    every quirk (a fragment may end on a token that is not matched, an empty one may be
    made after a full one: the scorer drops it)."""
    maxchars, surround = SNIPPET_CHARS, SURROUND
    first = None
    firsts: deque[int] = deque()
    countdown = -1
    tks: list[Token] = []
    endchar = None
    currentlen = 0
    for startchar, endchar, stem in tokens:
        tlength = endchar - startchar
        if endchar > _CHARLIMIT:
            break
        if countdown < 0 and stem is None:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
        elif currentlen + tlength > maxchars:
            countdown = 0
        elif stem is not None:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += surround
            tks.append(Token(text=stem, startchar=startchar, endchar=endchar, matched=True))
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                yield highlight.mkfrag(text, tks, startchar=first, endchar=endchar)
                tks = []
                firsts = deque()
                first = None
                currentlen = 0
    if tks:
        yield highlight.mkfrag(text, tks, startchar=first, endchar=endchar)


def highlight_window(text: str, terms: frozenset[str], start: int, end: int) -> str:
    """:func:`highlighted` over ``text[start:end]`` (a window cut out of a long body, so the
    32,000-character limit of the fragmenter never hides a match); "…" where the window
    cut the surrounding text. "" when no word of the window matches."""
    html = highlighted(text[start:end], terms)
    if not html:
        return ""
    html = html.strip()
    before = text[max(0, start - 40):start].rsplit("\f", 1)[-1]
    after = text[end:end + 40].split("\f", 1)[0]
    if not html.startswith("…") and any(ch.isalnum() for ch in before):
        html = "…" + html
    if not html.endswith("…") and any(ch.isalnum() for ch in after):
        html += "…"
    return html
