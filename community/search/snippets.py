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

And most words are never read: the matched words are found first, over the text as it is,
by cached expressions for each stem's first two letters in every case and accent
(:func:`matched_words`), and the fragmenter skips the words that are too far from them to
change a passage (:class:`_NearTokens`). At 20 hits a page this took a query's snippets from
two thirds of its time to a fraction; the result is the same, word for word (tested).

One difference, on purpose: each word is one token, matched when any of its stems is a
query term. With the Spanish analyzer Whoosh sees a word with two stems as two tokens in
the same place and counts its length twice, so its passages came out shorter than 200
characters whenever the text had many such words.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict, deque
from functools import lru_cache

from markupsafe import Markup, escape
from whoosh import highlight
from whoosh.analysis import Token
from whoosh.support.charset import accent_map

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
    tokens = _near_tokens(text, terms)
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


STEMS_KEPT = 131072  # folded words whose stems are remembered (a few MB)


def remember_stems(words) -> None:
    """Stems the given folded words now (an index's commonest, when it is opened), so the
    first queries' snippets do not: a Spanish stem costs tens of microseconds to compute,
    and a page of 20 snippets meets hundreds of words."""
    for word in words:
        _word_stems(word)


@lru_cache(maxsize=STEMS_KEPT)
def _word_stems(folded: str) -> frozenset[str]:
    """The analyzer's stems for one folded word (stopwords too: the highlighter keeps them)."""
    return frozenset((snowball_stem(folded), light_stem(folded)))


@lru_cache(maxsize=131072)
def _raw_word_stems(word: str) -> frozenset[str]:
    """:func:`_word_stems` of a word as the text spells it (one lookup instead of a fold)."""
    return _word_stems(fold(word))


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


_WORD_START = re.compile(r"(?<!\w)\w")
_WORD_CHAR = re.compile(r"\w")
LOOKBEHIND = 2 * SURROUND  # a jump lands this far before the next matched word
LATIN_END = 0x100  # Latin-1: what Spanish text holds (a wider class compiles 7 times slower)


def _latin_folding() -> tuple[dict[str, str], re.Pattern]:
    """For each folded character, every Latin character that folds to it (its cases and
    accented forms); and an expression for the characters a text cannot be matched in
    unfolded: a Latin one whose folding is not one character or is a word character where
    it was not ("ß" -> "ss"), and one beyond Latin that folds to something else (the
    accent map's, their capitals, the Kelvin and Ångström signs). Other letters beyond
    Latin (Greek, Cyrillic, or the stray Thai a PDF's encoding leaves) fold to themselves
    and can never start a Latin stem, so they do not need the slow path."""
    found: dict[str, set[str]] = defaultdict(set)
    odd = []
    for code in range(LATIN_END):
        ch = chr(code)
        folded = fold(ch)
        if len(folded) != 1 or bool(_WORD_CHAR.match(ch)) != bool(_WORD_CHAR.match(folded)):
            odd.append(ch)
        else:
            found[folded].update((ch, folded))
    beyond = {chr(code) for code in accent_map if code >= LATIN_END}
    beyond |= {chr(code) for code in range(LATIN_END, 0x180) if fold(chr(code)) != chr(code)}
    beyond |= {variant for ch in beyond for variant in (ch.upper(), ch.title())}
    beyond |= {"\u1e9e", "\u212a", "\u212b"}  # capital sharp s, Kelvin, Ångström signs
    odd += sorted(ch for ch in beyond if len(ch) == 1 and ord(ch) >= LATIN_END)
    variants = {folded: "".join(sorted(chars)) for folded, chars in found.items()}
    return variants, re.compile("[" + "".join(re.escape(ch) for ch in odd) + "]")


_VARIANTS, _NOT_LATIN = _latin_folding()


def char_class(ch: str) -> str:
    """An expression for the characters that fold to the folded character ``ch``."""
    variants = _VARIANTS.get(ch, ch)
    if len(variants) == 1:
        return re.escape(variants)
    return "[" + "".join(re.escape(v) for v in variants) + "]"


@lru_cache(maxsize=4096)
def _head_pattern(head: str) -> re.Pattern:
    """The words starting with ``head`` (folded) in any case and accent. Without "\\b" in
    front, which would stop the engine from skipping ahead to the characters a match can
    start with (three times slower): a match inside a word is dropped by the caller."""
    return re.compile("".join(char_class(ch) for ch in head) + r"\w*")


@lru_cache(maxsize=4096)
def _lower_head_pattern(head: str) -> re.Pattern:
    """:func:`_head_pattern` for a lowercased text: a letter no accent changes ("t", "r")
    is then one character, not a class, and the engine skips ahead to the literal
    beginning of a match ("tr" of "transparencia") instead of trying every position."""
    parts = []
    for ch in head:
        variants = sorted({v.lower() for v in _VARIANTS.get(ch, ch)} - {""})
        variants = [v for v in variants if len(v) == 1]
        parts.append(re.escape(variants[0]) if len(variants) == 1
                     else "[" + "".join(re.escape(v) for v in variants) + "]")
    return re.compile("".join(parts) + r"\w*")


_SHORT_WORD = re.compile(r"(?<!\w)\w{1,4}(?!\w)")


def matched_words(text: str, terms: frozenset[str], limit: int | None = None,
                  heads: frozenset[str] | None = None):
    """(start, its stems among ``terms``) of each word of ``text`` that has one, in order,
    found over the text as it is (folding a whole body costs more than the rest of a
    snippet): the words starting with a stem's first two letters, and, when a stem is a
    letter and "z", every word shorter than five letters (the one case a stem changes a
    word's second letter: "aces" -> "az"). ``limit``: give up after that many words tried.
    ``heads``: longer beginnings to look for instead (fewer words to try in a long text; a
    word whose stem changes its third letter is then missed). Exact, without them, for
    text in Latin-1 and stems of two letters or more (see :func:`_near_tokens`)."""
    heads = heads or frozenset(term[:2] for term in terms)
    lowered = text.lower()
    if len(lowered) == len(text):  # the same positions (not so with "İ" and a few others)
        patterns, scanned = [_lower_head_pattern(head) for head in sorted(heads)], lowered
    else:
        patterns, scanned = [_head_pattern(head) for head in sorted(heads)], text
    if any(len(term) == 2 and term.endswith("z") for term in terms):
        patterns.append(_SHORT_WORD)
    last = -1
    for tried, (start, end) in enumerate(_candidates(patterns, scanned)):
        if limit is not None and tried >= limit:
            return
        if start == last or (start and _WORD_CHAR.match(text, start - 1)):
            continue  # the same word from two scans, or a match inside a word
        last = start
        found = _raw_word_stems(text[start:end]) & terms
        if found:
            yield start, found


EAGER_CHARS = 4_000  # a text this short is scanned whole: cheaper than merging lazily


def _candidates(patterns: list[re.Pattern], text: str):
    """(start, end) of every match of ``patterns``, in the text's order. A long text (a
    library resource's hundreds of pages, read until a page has every word) is merged
    lazily; a short one, most hits, is scanned whole and sorted, which costs a fraction."""
    if len(patterns) == 1:
        return (match.span() for match in patterns[0].finditer(text))
    if len(text) > EAGER_CHARS:
        return heapq.merge(*((match.span() for match in pattern.finditer(text))
                             for pattern in patterns))
    found = [match.span() for pattern in patterns for match in pattern.finditer(text)]
    found.sort()
    return found


class _NearTokens:
    """The words of a text as (start, end, stem or None), like :func:`_tokens`, but the
    matched words are found first by one expression, and the words far from any of them
    are skipped: between passages only the words within ``SURROUND`` characters before the
    next matched word can change a passage (where the one that opens it starts).

    A jump from the end of the last word read to ``LOOKBEHIND`` characters before the next
    matched word is exact when a word ends at least ``SURROUND`` characters after the
    landing: the fragmenter would then have dropped every word before the landing from its
    candidates for a passage's start. Where no word ends there (a long run of punctuation),
    it reads on instead."""

    def __init__(self, text: str, matched: dict[int, str]):
        self.text = text
        self.matched = matched
        self.starts = sorted(matched)
        self.next_match = 0
        self.words = _WORD.finditer(text)

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, int, str | None]:
        word = next(self.words)
        start = word.start()
        return start, word.end(), self.matched.get(start)

    def skip(self, end: int) -> bool:
        """Called with no passage open, after a word that ends at ``end``; True when it
        jumped (the fragmenter then forgets the words it kept as a passage's start)."""
        starts = self.starts
        while self.next_match < len(starts) and starts[self.next_match] < end:
            self.next_match += 1
        if self.next_match == len(starts):  # no matched word ahead: no passage either
            self.words = iter(())
            return True
        target = starts[self.next_match]
        if target - end <= 2 * LOOKBEHIND:
            return False
        landing = _WORD_START.search(self.text, target - LOOKBEHIND, target)
        if landing is None or not _WORD_CHAR.search(self.text,
                                                     landing.start() + SURROUND - 1, target):
            return False
        self.words = _WORD.finditer(self.text, landing.start())
        return True


def _near_tokens(text: str, terms: frozenset[str]) -> _NearTokens | list | None:
    """What :func:`_fragments` reads for ``text``: None when no word matches. Falls back
    to :func:`_tokens` (every word, folded) for a one-letter stem or a text with characters
    the unfolded expressions do not cover."""
    if any(len(term) < 2 or not _VARIANTS.keys() >= set(term[:2]) for term in terms) \
            or _NOT_LATIN.search(text):
        return _tokens(text, terms)
    matched = {start: min(found) for start, found in matched_words(text, terms)}
    if not matched:
        return None
    if len(text) <= EAGER_CHARS:  # few words to skip: listing them all costs less
        get = matched.get
        return [(word.start(), word.end(), get(word.start())) for word in _WORD.finditer(text)]
    return _NearTokens(text, matched)


def _fragments(text: str, tokens):
    """``ContextFragmenter.fragment_tokens`` over (start, end, matched stem) tuples, with its
    every quirk (a fragment may end on a token that is not matched, an empty one may be
    made after a full one: the scorer drops it). ``tokens`` may offer ``skip`` (see
    :class:`_NearTokens`): it is asked after each word read while no passage is open."""
    maxchars, surround = SNIPPET_CHARS, SURROUND
    first = None
    firsts: deque[int] = deque()
    countdown = -1
    tks: list[Token] = []
    endchar = None
    currentlen = 0
    skip = getattr(tokens, "skip", None)
    for startchar, endchar, stem in tokens:
        tlength = endchar - startchar
        if endchar > _CHARLIMIT:
            break
        if countdown < 0 and stem is None:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
            if skip is not None and skip(endchar):
                firsts = deque()
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
