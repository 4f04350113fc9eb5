"""Library benchmark: how fast PDFs are read, and how fast the library's pages are served.

``extraction`` builds a 300-page PDF (fpdf2, Helvetica, the demo library's vocabulary from
``library_content.scale_text``) and times what the library does with an upload, each in
its limited child process as in production (``community.library.pdf``): the check at upload
(``inspect_pdf``, inside the request), the text of every page (``extract_pages``) and the
cover (``render_cover``, both in the background worker). Each is run ``--runs`` times (3);
the median is reported, and pages per second for the text.

``pages`` measures, anonymous, the catalogue ``/biblioteca``, an issue of Ciudadanía Activa
with its table of contents, and the series page, next to the bare page of
``bench/bare_app.py`` in the same run, with ``bench/load.py``'s machinery: a fresh instance
(``db upgrade``, ``catalog load``, ``seed-demo``, which publishes the demo library and
extracts its text), gunicorn sync workers for both servers, wrk for a bounded time per
page, the bare page measured before and after (drift shows a busy machine). The target is
the platform's: an anonymous page serves at least 0.4 of the bare page's req/s.

    .venv/bin/python bench/library_bench.py                    # both, about 4 minutes
    .venv/bin/python bench/library_bench.py extraction --runs 5
    .venv/bin/python bench/library_bench.py pages --duration 20

Results go to ``bench/results/library-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
for path in (ROOT, BENCH_DIR):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import load  # noqa: E402 - the load harness's servers, settings and wrk runs

PDF_PAGES = 300
RATIO_TARGET = 0.4
ISSUE_SLUG = "ciudadania-activa-num-1"  # the title's slug, as the services make it
SERIES_SLUG = "ciudadania-activa"
PAGES = [
    load.Page("/biblioteca", label="library catalogue"),
    load.Page(f"/biblioteca/{ISSUE_SLUG}", label="issue with its contents"),
    load.Page(f"/biblioteca/series/{SERIES_SLUG}", label="series Ciudadanía Activa"),
]
SETUP_COMMANDS = [["db", "upgrade"], ["catalog", "load"], ["seed-demo"]]


# ----------------------------------------------------------------------------- extraction


def build_pdf(pages: int, seed: str = "library-bench") -> bytes:
    """A text PDF of ``pages`` pages of the demo library's prose (about 2,000 characters a
    page, as the demo's magazine pages)."""
    from fpdf import FPDF

    from community.demo.library_content import scale_text

    document = FPDF(unit="mm", format="A4")
    document.set_creation_date(datetime(2025, 1, 1, tzinfo=UTC))
    document.set_auto_page_break(auto=False)
    document.set_font("Helvetica", size=10)
    for number, text in enumerate(scale_text(random.Random(seed), pages), start=1):
        document.add_page()
        document.set_font("Helvetica", style="B", size=9)
        document.cell(0, 6, f"Banco de pruebas de la biblioteca | página {number}")
        document.ln(8)
        document.set_font("Helvetica", size=10)
        safe = text.encode("latin-1", "replace").decode("latin-1")
        document.multi_cell(0, 5, safe)
    return bytes(document.output())


def _median_seconds(function, runs: int) -> tuple[float, list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def extraction(runs: int) -> dict:
    from community.library import pdf

    print(f"Building a {PDF_PAGES}-page PDF…", flush=True)
    started = time.perf_counter()
    data = build_pdf(PDF_PAGES)
    built_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="library-bench-") as tmp:
        path = Path(tmp) / "documento.pdf"
        path.write_bytes(data)
        print(f"  {len(data) / 1e6:.1f} MB in {built_s:.1f} s; {runs} runs of each step:",
              flush=True)
        check_s, check_runs, info = _median_seconds(
            lambda: pdf.inspect_pdf(data, field="file", max_bytes=len(data) + 1,
                                    label="el PDF"), runs)
        assert info.pages == PDF_PAGES, info
        print(f"  inspect_pdf (at upload): median {check_s:.2f} s", flush=True)
        text_s, text_runs, found = _median_seconds(
            lambda: pdf.extract_pages(path, time_limit=120, max_pages=2000, memory_mb=768), runs)
        assert found.status == "done" and len(found.pages) == PDF_PAGES, found.status
        chars = sum(len(page) for page in found.pages)
        print(f"  extract_pages: median {text_s:.2f} s, {PDF_PAGES / text_s:.0f} pages/s "
              f"({chars / 1e6:.2f} M characters)", flush=True)
        cover_s, cover_runs, cover = _median_seconds(
            lambda: pdf.render_cover(path, width=360, memory_mb=768), runs)
        assert cover, "no cover"
        print(f"  render_cover: median {cover_s:.2f} s ({len(cover) / 1e3:.0f} kB JPEG)",
              flush=True)
    return {
        "pdf_pages": PDF_PAGES, "pdf_bytes": len(data), "build_s": round(built_s, 2),
        "runs": runs,
        "inspect_s": round(check_s, 3), "inspect_runs_s": [round(t, 3) for t in check_runs],
        "extract_s": round(text_s, 3), "extract_runs_s": [round(t, 3) for t in text_runs],
        "extract_pages_per_s": round(PDF_PAGES / text_s, 1), "extracted_chars": chars,
        "cover_s": round(cover_s, 3), "cover_runs_s": [round(t, 3) for t in cover_runs],
        "cover_bytes": len(cover),
        "worker_pages_per_s": round(PDF_PAGES / (text_s + cover_s), 1),
    }


# ----------------------------------------------------------------------------- pages


def pages(args) -> dict:
    wrk = load.require_wrk()
    with tempfile.TemporaryDirectory(prefix="library-bench-") as tmp:
        workdir = Path(tmp)
        env = load.app_env(workdir / "instance", None)
        bare_env = {**os.environ, "BARE_DB": str(workdir / "bare.db")}
        run = load.Run(
            app=load.Server("app", load.gunicorn_command("wsgi:app", args.workers), env,
                            workdir / "app.log"),
            bare=load.Server("bare", load.gunicorn_command(
                "bare_app:app", args.workers, "--pythonpath", str(BENCH_DIR)), bare_env,
                workdir / "bare.log"))
        print("Preparing a fresh instance (seed-demo publishes and reads the demo library):",
              flush=True)
        started = time.perf_counter()
        load.prepare_instance(env, "wsgi:app", workdir / "setup.log",
                              commands=SETUP_COMMANDS, scripts=[])
        setup_s = time.perf_counter() - started
        try:
            run.bare.start()
            run.app.start()
            print(f"Measuring {len(PAGES)} pages, {args.duration} s each, {args.connections} "
                  f"connections, {args.threads} wrk threads, {args.workers} sync workers:",
                  flush=True)
            rows = load.measure_all(wrk, run, PAGES, args)
        finally:
            run.app.stop()
            run.bare.stop()
    print()
    print(load.format_table(rows))
    drift = load.bare_drift(rows)
    if drift is not None and drift > load.DRIFT_WARNING:
        print(f"\nWarning: the bare figure moved {drift:.0%} during the run; something else "
              "was using the machine, so treat these figures as rough.", file=sys.stderr)
    measured = [r for r in rows[1:-1] if "ratio" in r]
    return {"setup_s": round(setup_s, 1), "workers": args.workers,
            "connections": args.connections, "threads": args.threads,
            "duration_s": args.duration, "warmup_s": args.warmup, "bare_drift": drift,
            "ratio_target": RATIO_TARGET,
            "target_met": bool(measured) and len(measured) == len(PAGES)
            and all(r["ratio"] >= RATIO_TARGET for r in measured),
            "results": rows}


# ----------------------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", choices=("all", "extraction", "pages"),
                        default="all")
    parser.add_argument("--runs", type=int, default=3, help="runs of each PDF step (3)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (10)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds first (2)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2),
                        help="gunicorn sync workers per server (default: cores, at least 2)")
    parser.add_argument("--json", type=Path, help="where to write the results JSON")
    args = parser.parse_args(argv)
    if min(args.runs, args.duration, args.connections, args.threads, args.workers) < 1:
        parser.error("runs, durations, connections, threads and workers must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    results: dict = {"when": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
                     "cpus": os.cpu_count(), "load_average_start": os.getloadavg()}
    try:
        if args.what in ("all", "extraction"):
            results["extraction"] = extraction(args.runs)
        if args.what in ("all", "pages"):
            results["pages"] = pages(args)
    except load.BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    results["load_average_end"] = os.getloadavg()
    load.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = args.json or load.RESULTS_DIR / f"library-{results['when']}.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"\nResults: {out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
