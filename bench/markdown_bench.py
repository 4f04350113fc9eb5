"""Markdown benchmark: how long ``core.sanitize.render_markdown`` takes on hostile text.

Every piece of user text goes through ``render_markdown`` (Python-Markdown, then bleach's
Cleaner and Linker), on save and in the forum previews, inside a request. A regular expression
that backtracks turns one long word into seconds of CPU per request (bleach's e-mail pattern
took 9.7 s on 16,000 characters and hung a worker on 100,000), so this script feeds it the
inputs that hurt regular expressions and parsers: one long word, long runs of Markdown and
HTML punctuation, nested quotes and lists, many URLs and e-mail-like strings.

Each (input, size) runs in a child process with a time limit, so a quadratic case cannot hang
the run; a case over the limit is reported as ``>limit`` and the next sizes are estimated
from the last measured one (quadratic growth, marked ``~``). It is not part of the test run
(``tests/core/test_sanitize.py`` holds the bound that must hold).

    .venv/bin/python bench/markdown_bench.py                    # sizes 4k 16k 100k
    .venv/bin/python bench/markdown_bench.py --sizes 100000 --limit 5
    .venv/bin/python bench/markdown_bench.py --only word email
"""

import argparse
import importlib
import json
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _growing(text: str, pad: str, size: int, prefix: bool = False) -> str:
    """``text`` with 1, 2, 3... copies of ``pad`` after it (or before), up to ``size``."""
    parts, length = [], 0
    while length < size:
        padding = pad * (len(parts) + 1)
        parts.append(padding + text if prefix else text + padding)
        length += len(parts[-1])
    return "".join(parts)[:size]


#: name -> (what it is, size -> text of that many characters)
CASES = {
    "word": ("one word", lambda n: _repeat("a", n)),
    "word-hyphen": ("a-a-a-... (a word boundary at every character)", lambda n: _repeat("a-", n)),
    "dots": ("a.a.a.... (a domain without end)", lambda n: _repeat("a.", n)),
    "at-signs": ("a@a@a@...", lambda n: _repeat("a@", n)),
    "email-tail": ("a long local part, then @", lambda n: _repeat("a", n - 1) + "@"),
    "emails": ("many e-mail addresses", lambda n: _repeat("ana.perez@osc.org.mx ", n)),
    "email-dots": ("a.a.a...@ (dot-atom without a domain)", lambda n: _repeat("a.", n - 1) + "@"),
    "domain-tail": ("a@ then a long domain label", lambda n: "a@" + _repeat("a", n - 2)),
    "http": ("http://http://...", lambda n: _repeat("http://", n)),
    "urls": ("many URLs", lambda n: _repeat("http://osc.org.mx/a?b=c ", n)),
    "url-colons": ("a:a:a:... (userinfo of a URL)", lambda n: _repeat("a:", n)),
    "parens": ("((((... (before a URL)", lambda n: _repeat("(", n - 12) + "osc.org.mx/a"),
    "stars": ("*****", lambda n: _repeat("*", n)),
    "star-words": ("*a*a*a...", lambda n: _repeat("*a", n)),
    "underscores": ("_____", lambda n: _repeat("_", n)),
    "brackets": ("[[[[[", lambda n: _repeat("[", n)),
    "link-openers": ("[a](b [a](b ...", lambda n: _repeat("[a](b ", n)),
    "lt": ("<<<<<", lambda n: _repeat("<", n)),
    "tags": ("<a <a <a ...", lambda n: _repeat("<a ", n)),
    "backticks": ("`````", lambda n: _repeat("`", n)),
    "ampersands": ("&&&&& and &#&#...", lambda n: _repeat("&#", n)),
    "quotes": ("> nested 100k deep", lambda n: _repeat(">", n)),
    "quotes-spaced": ("> > > ...", lambda n: _repeat("> ", n)),
    "lists": ("- - - ... (nested list items)", lambda n: _repeat("- ", n)),
    "indented-lists": ("lines of deeper and deeper list items",
                       lambda n: _growing("- a\n", "  ", n, prefix=True)),
    "newlines": ("a line per character", lambda n: _repeat("a\n", n)),
    "spaces": ("spaces, then a word", lambda n: _repeat(" ", n - 1) + "a"),
    # CommonMark's pathological tests (commonmark/cmark test/pathological_tests.py)
    "emph-mixed": ("*a_ *a_ ... (openers and closers that never match)",
                   lambda n: _repeat("*a_ ", n)),
    "strong-emph": ("*a **a *a **a ... (nested strong emphasis)", lambda n: _repeat("*a **a ", n)),
    "link-closers": ("a]a]a]... (link closers without openers)", lambda n: _repeat("a]", n)),
    "link-openers-2": ("[a[a[a... (link openers without closers)", lambda n: _repeat("[a", n)),
    "bracket-parens": ("[ (]( repeated", lambda n: _repeat("[ (](", n)),
    "nested-brackets": ("[[[...a...]]] nested", lambda n: "[" * (n // 2) + "]" * (n - n // 2)),
    "unclosed-links": ("[a](<b[a](<b... (unclosed link destinations)",
                       lambda n: _repeat("[a](<b", n)),
    "comments": ("<!--<!--<!--... (unclosed HTML comments)", lambda n: _repeat("<!--", n)),
    "processing": ("<?<?<?... (unclosed processing instructions)", lambda n: _repeat("<?", n)),
    "cdata": ("<![CDATA[... (unclosed CDATA)", lambda n: _repeat("<![CDATA[", n)),
    "backtick-runs": ("e`e``e```... (code spans of growing length)",
                      lambda n: _growing("e", "`", n)),
    "references": ("many link reference definitions, then uses",
                   lambda n: _repeat("[a]: http://osc.org.mx\n", n // 2)
                   + _repeat("[a] ", n - n // 2)),
    "nul": ("text with NUL characters", lambda n: _repeat("abc\x00de\x00", n)),
    "prose": ("ordinary Spanish prose with links and an address",
              lambda n: _repeat("La **OSC** atiende a mujeres en [Toluca](https://osc.org.mx). "
                                "Escribe a contacto@osc.org.mx o visita www.osc.org.mx.\n\n", n)),
}

DEFAULT_SIZES = (4_000, 20_000, 100_000)


def _child(module: str, name: str, size: int, conn) -> None:
    sanitize = importlib.import_module(module)
    text = CASES[name][1](size)
    assert len(text) == size, (name, len(text), size)
    # The pipeline without the length limit in front of it (render_markdown refuses more than
    # MARKDOWN_MAX characters); before that limit existed, render_markdown was the pipeline.
    render = getattr(sanitize, "markdown_to_html", sanitize.render_markdown)
    started = time.perf_counter()
    try:
        render(text)
    except Exception as error:  # reported in the table
        conn.send(f"{type(error).__name__}")
    else:
        conn.send(time.perf_counter() - started)
    conn.close()


def measure(name: str, size: int, limit: float,
            module: str = "community.core.sanitize") -> float | str | None:
    """Seconds to render one input in a fresh process, None when over ``limit``, or the name
    of the exception the renderer raised."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(module, name, size, child), daemon=True)
    process.start()
    child.close()
    try:
        if parent.poll(limit):
            return parent.recv()
        return None
    except EOFError:
        raise RuntimeError(f"{name} at {size} characters failed in the child") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)


def refuse_in_time(module: str, size: int) -> None:
    """How long render_markdown takes to refuse text over its limit (if it has one)."""
    sanitize = importlib.import_module(module)
    if not hasattr(sanitize, "markdown_to_html"):
        return
    from community.core.errors import ValidationError

    text = CASES["word"][1](size)
    started = time.perf_counter()
    try:
        sanitize.render_markdown(text)
    except ValidationError:
        print(f"render_markdown refuses {size:,} characters in "
              f"{(time.perf_counter() - started) * 1e6:.0f} µs")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--limit", type=float, default=20.0,
                        help="seconds one render may take before it is stopped")
    parser.add_argument("--only", nargs="+", default=None, help="case names to run")
    parser.add_argument("--module", default="community.core.sanitize",
                        help="the sanitizer module to measure, e.g. an older version saved with "
                             "git show REV:community/core/sanitize.py > /tmp/old_sanitize.py and "
                             "PYTHONPATH=/tmp ... --module old_sanitize")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    names = [n for n in CASES if not args.only or any(o in n for o in args.only)]
    sizes = sorted(args.sizes)
    print(f"{'input':<16}" + "".join(f"{size:>12,}" for size in sizes) + "   (seconds)")
    results = {}
    worst = 0.0
    for name in names:
        row = {}
        for size in sizes:
            row[size] = measure(name, size, args.limit, args.module)
            if row[size] is None or isinstance(row[size], str):
                break  # the bigger sizes would be slower still
        cells = []
        measured = [(s, t) for s, t in row.items() if isinstance(t, float)]
        for size in sizes:
            seconds = row.get(size)
            if isinstance(seconds, str):
                cells.append(f"{seconds[:11]:>12}")
            elif seconds is not None:
                cells.append(f"{seconds:12.3f}")
                worst = max(worst, seconds) if size == max(sizes) else worst
            elif measured:
                base_size, base_time = measured[-1]
                estimate = base_time * (size / base_size) ** 2
                cells.append(f"{'~' + format(estimate, '.0f'):>12}" if size > base_size
                             else f"{'>' + format(args.limit, 'g'):>12}")
                if size == max(sizes):
                    worst = max(worst, estimate)
            else:
                cells.append(f"{'>' + format(args.limit, 'g'):>12}")
        results[name] = {str(size): row.get(size) for size in sizes}
        print(f"{name:<16}" + "".join(cells), flush=True)
    print(f"worst at {max(sizes):,} characters: {worst:.3f} s"
          + (" (estimated)" if any(v is None for r in results.values() for v in r.values())
             else ""))
    refuse_in_time(args.module, max(sizes))
    if args.json:
        args.json.write_text(json.dumps({"module": args.module, "limit": args.limit,
                                         "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
