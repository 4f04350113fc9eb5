"""Indicators benchmark: ``/personal/indicadores`` and one indicator page over the program's
records at scale (issue 16), each beside the bare page in the same run, at one or several
fractions of the full data set to show how the cost grows.

The full data set (``--scale 1.0``) is 50,000 OSCs, 100,000 advisory requests and 1,000,000
attendances; ``--scale 0.1`` is a tenth of each. For each scale it prepares a fresh SQLite
instance (``db upgrade``, ``catalog load``), the demo accounts (``seed-accounts`` below: the
staff account that reads the figures and the advisors the requests are assigned to), then, one
command each so each stays within the set-up step's time limit:

- ``flask seed-scale --orgs N`` (the registry, about 95 % validated);
- ``flask seed-scale --orgs 0 --advisory N`` (requests with their timelines, first contacts,
  sessions and outcomes);
- ``flask seed-scale --orgs 0 --attendances N`` (about N/90 concluded events of every kind
  over two years, one Congress a year, N/6 people, N checked-in registrations and a tenth
  more never checked in; it links the advisory requests made by an OSC to scale OSCs);

then the sampled ``ANALYZE`` a running instance would have within the hour, and the
municipality with the most attendances this year (``seed-info``). ``plans`` (run inside the
instance) prints each indicator's measure time in process, for [this year to date, last
year's] as the cards ask, without and with that municipality, and SQLite's EXPLAIN QUERY PLAN
of the slowest statements. Then, with ``bench/load.py``'s machinery (gunicorn sync workers for
the app and for ``bench/bare_app.py``, wrk for a bounded time per page, the bare page before
and after so a busy machine shows as drift) it measures as the demo staff account:
``/personal/indicadores`` (year to date, the default), the same for that municipality, and
``/personal/indicadores/personas-capacitadas`` (the indicator of distinct people, the most
expensive count). It reports req/s, p50/p95/p99 and the ratio to the bare page's req/s.
Before the pages, ``flask indicators refresh`` runs once (its time is the cost of a round of
the background refresh); during them ``flask indicators refresh --loop`` runs beside the
workers, as in production, so the pages read figures kept in the database.

The target (issue 16): p95 under 300 ms for one request (``--connections 1``, the default) on
the three pages at scale 1.0.

    .venv/bin/python bench/indicators_bench.py --scale 0.1 --scale 1.0   # the growth, full
    .venv/bin/python bench/indicators_bench.py --scale 0.1 --duration 5
    .venv/bin/python bench/indicators_bench.py explain --scale 0.1        # measure times, plans
    .venv/bin/python bench/indicators_bench.py --keep /tmp/ib   # set up once, measure again

Results go to ``bench/results/indicators-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
for path in (ROOT, BENCH_DIR):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import load  # noqa: E402 - the load harness's servers, settings and wrk runs

P95_TARGET_MS = 300.0
STAFF = "personal@demo.comunidad-osc.mx"
FULL = {"orgs": 50_000, "advisory": 100_000, "attendances": 1_000_000}
INDICATOR_PAGE = "personas-capacitadas"
SLOWEST_PLANS = 6  # statements whose plans ``plans`` prints
# The set-up of a million attendances, then the search index of 50,000 OSCs, take minutes each.
load.SETUP_TIMEOUT_S = max(load.SETUP_TIMEOUT_S, 1800)


def sizes(scale: float) -> dict[str, int]:
    return {name: max(1, round(count * scale)) for name, count in FULL.items()}


# ----------------------------------------------------------------------------- data


def _app():
    from community import create_app

    return create_app()


def seed_accounts() -> str:
    """The demo accounts: the staff account reads the figures; the advisors get requests."""
    from community.demo import accounts
    from community.extensions import db

    accounts.seed()
    db.session.commit()
    return "{}"


def analyze() -> None:
    """The statistics a running instance has within the hour: the app runs ``PRAGMA optimize``
    (``analysis_limit=400``) when a connection returns to the pool (core/database.py), and
    seed-scale's bulk rows arrive after its connection's first return."""
    from community.extensions import db

    if db.engine.dialect.name == "sqlite":
        db.session.execute(db.text("PRAGMA analysis_limit=400"))
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def seed_info() -> str:
    """The municipality with the most attendances this year, and the data's sizes."""
    from sqlalchemy import func, select

    from community.core.periods import local_today, year_to_date
    from community.events.models import Event, Registration
    from community.extensions import db

    analyze()
    this, _previous = year_to_date(local_today())
    start, after = this.utc_bounds()
    busiest = db.session.execute(
        select(Event.municipality_code, func.count()).select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.checked_in_at.is_not(None), Event.municipality_code.is_not(None),
               Event.kind != "congreso", Event.starts_at >= start, Event.starts_at < after)
        .group_by(Event.municipality_code).order_by(func.count().desc()).limit(1)).first()

    def count(table) -> int:
        return db.session.scalar(select(func.count()).select_from(table))

    from community.accounts.models import User
    from community.advisory.models import AdvisoryRequest, AdvisorySession
    from community.profiles.models import Organization

    return json.dumps({
        "municipality": busiest[0] if busiest else "15106",
        "rows": {"organization": count(Organization), "advisory_request": count(AdvisoryRequest),
                 "advisory_session": count(AdvisorySession), "event": count(Event),
                 "event_registration": count(Registration), "user_account": count(User),
                 "attendances": db.session.scalar(select(func.count()).select_from(
                     Registration).where(Registration.checked_in_at.is_not(None)))}})


def explain() -> str:
    """Each indicator's measure time in process for [this year to date, last year's], all
    places and the busiest municipality, the cards' whole time, and the plans of the slowest
    statements."""
    from sqlalchemy import event

    from community.core.periods import local_today, year_to_date
    from community.extensions import db
    from community.staff import figures
    from community.staff.indicators import INDICATORS

    info = json.loads(os.environ.get("INDICATORS_BENCH_INFO") or "{}")
    place = info.get("municipality")
    this, previous = year_to_date(local_today())
    caught: list[tuple[str, object]] = []

    def catch(_conn, _cursor, statement, parameters, _context, _executemany):
        caught.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", catch)
    timed: list[tuple[float, str, str, object]] = []  # (ms, label, statement, parameters)
    lines = [f"measures, [{this.start}..{this.end}, {previous.start}..{previous.end}] "
             f"(ms, values; then for municipality {place}):"]
    total = {None: 0.0, place: 0.0}
    for indicator in INDICATORS:
        cells = []
        for where in (None, place):
            caught.clear()
            started = time.perf_counter()
            values = indicator.measure.values([this, previous], where)
            ms = (time.perf_counter() - started) * 1000
            total[where] += ms
            cells.append(f"{ms:7.1f} ms {values}")
            for statement, parameters in caught:
                timed.append((ms / max(1, len(caught)), f"{indicator.key} [{where or 'all'}]",
                              statement, parameters))
        lines.append(f"  {indicator.key:<26} {cells[0]:<36} {cells[1]}")
    lines.append(f"  sum of the measures: {total[None]:.1f} ms; for {place}: "
                 f"{total[place]:.1f} ms")
    event.remove(db.engine, "before_cursor_execute", catch)
    for where in (None, place):
        started = time.perf_counter()
        figures.cards(this, previous, where)
        lines.append(f"  figures.cards() [{where or 'all'}]: "
                     f"{(time.perf_counter() - started) * 1000:.1f} ms")
    lines.append(f"plans of the {SLOWEST_PLANS} slowest statements:")
    connection = db.session.connection()
    for ms, label, statement, parameters in sorted(timed, key=lambda t: -t[0])[:SLOWEST_PLANS]:
        lines.append(f"  {label}, {ms:.1f} ms:")
        lines += [f"    {row[-1]}" for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters)]
    return "\n".join(lines)


def _in_app(function, *args):
    with _app().app_context():
        return function(*args)


# ----------------------------------------------------------------------------- pages


def pages(info: dict) -> list[load.Page]:
    base = "/personal/indicadores"
    return [
        load.Page(base, user=STAFF, label="indicators, year to date"),
        load.Page(f"{base}?{urlencode({'municipio': info['municipality']})}", user=STAFF,
                  label=f"indicators, municipality {info['municipality']}"),
        load.Page(f"{base}/{INDICATOR_PAGE}", user=STAFF,
                  label=f"indicator page: {INDICATOR_PAGE}"),
    ]


def _run_script(env: dict, log: Path, *command: str) -> str:
    """This script's ``command`` in the instance's environment; its output back."""
    with log.open("a") as out:
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *command],
                              cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=out, text=True,
                              timeout=load.SETUP_TIMEOUT_S, check=False)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise load.BenchError(f"indicators_bench.py {' '.join(command)} failed:\n{tail}")
    return done.stdout.strip()


def prepare(env: dict, workdir: Path, scale: float) -> dict:
    log = workdir / "setup.log"
    counts = sizes(scale)
    print(f"Preparing a fresh instance at scale {scale:g} ({counts['orgs']:,} OSCs, "
          f"{counts['advisory']:,} requests, {counts['attendances']:,} attendances):",
          flush=True)
    started = time.perf_counter()
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    with log.open("a") as out:
        for command in (["db", "upgrade"], ["catalog", "load"]):
            load.run_setup_step([*flask, *command], env, out, log)
    print("  indicators_bench.py seed-accounts", flush=True)
    _run_script(env, log, "seed-accounts")
    steps = [["seed-scale", "--orgs", str(counts["orgs"])],
             ["seed-scale", "--orgs", "0", "--advisory", str(counts["advisory"])],
             ["seed-scale", "--orgs", "0", "--attendances", str(counts["attendances"])]]
    seeded = {}
    with log.open("a") as out:
        for command in steps:
            step_started = time.perf_counter()
            load.run_setup_step([*flask, *command], env, out, log)
            seeded[command[-2].lstrip("-")] = round(time.perf_counter() - step_started, 1)
        # seed-scale bypasses the ORM: the search index is rebuilt, as a deployment would
        load.run_setup_step([*flask, "search", "reindex"], env, out, log)
    print("  indicators_bench.py seed-info", flush=True)
    info = json.loads(_run_script(env, log, "seed-info").splitlines()[-1])
    info["scale"], info["sizes"], info["seed_s"] = scale, counts, seeded
    info["setup_s"] = round(time.perf_counter() - started, 1)
    print(f"  set-up {info['setup_s']} s; rows: {info['rows']}", flush=True)
    return info


def _prepared(env: dict, workdir: Path, scale: float) -> dict:
    """A kept instance (``--keep``) is measured again as it is; otherwise a fresh one."""
    saved = workdir / "info.json"
    if saved.exists():
        print(f"Reusing the instance prepared in {workdir}", flush=True)
        return json.loads(saved.read_text())
    info = prepare(env, workdir, scale)
    saved.write_text(json.dumps(info))
    return info


def measure_scale(args, scale: float, wrk: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="indicators-bench-") as tmp:
        workdir = args.keep / f"scale-{scale:g}" if args.keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        env = load.app_env(workdir / "instance", None)
        info = _prepared(env, workdir, scale)
        env_info = {**env, "INDICATORS_BENCH_INFO": json.dumps(info)}
        plans = _run_script(env_info, workdir / "setup.log", "plans")
        print(plans)
        if args.what == "explain":
            return {**info, "explain": plans}
        info["refresh_s"] = first_refresh(env, workdir / "setup.log")
        bare_env = {**os.environ, "BARE_DB": str(workdir / "bare.db")}
        run = load.Run(
            app=load.Server("app", load.gunicorn_command("wsgi:app", args.workers), env,
                            workdir / "app.log"),
            bare=load.Server("bare", load.gunicorn_command(
                "bare_app:app", args.workers, "--pythonpath", str(BENCH_DIR)), bare_env,
                workdir / "bare.log"))
        measured = pages(info)
        refresher = None
        try:
            refresher = start_refresher(env, workdir / "refresh.log")
            run.bare.start()
            run.app.start()
            print(f"Measuring {len(measured)} pages at scale {scale:g}, {args.duration} s "
                  f"each, {args.connections} connection(s), {args.threads} wrk thread(s), "
                  f"{args.workers} sync workers:", flush=True)
            rows = load.measure_all(wrk, run, measured, args)
        finally:
            run.app.stop()
            run.bare.stop()
            if refresher is not None:
                refresher.terminate()
                refresher.wait(timeout=30)
    return _summary(args, info, plans, rows)


def first_refresh(env: dict, log: Path) -> float:
    """``flask indicators refresh`` once, timed: what the background refresh costs a round
    (in production it runs beside the page workers, as the loop below does here)."""
    started = time.perf_counter()
    with log.open("a") as out:
        load.run_setup_step([sys.executable, "-m", "flask", "--app", "wsgi", "indicators",
                             "refresh"], env, out, log)
    took = round(time.perf_counter() - started, 1)
    print(f"  first background refresh of the figures: {took} s", flush=True)
    return took


def start_refresher(env: dict, log: Path) -> subprocess.Popen:
    """The production layout: ``flask indicators refresh --loop`` beside the page workers,
    recounting every INDICATOR_REFRESH_SECONDS (300; its first round waits one interval,
    since ``first_refresh`` has just counted) while the pages are measured."""
    out = log.open("a")
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "indicators",
                             "refresh", "--loop", "--wait-first"], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=out, stderr=out)


def _summary(args, info: dict, plans: str, rows: list[dict]) -> dict:
    print()
    print(load.format_table(rows))
    drift = load.bare_drift(rows)
    if drift is not None and drift > load.DRIFT_WARNING:
        print(f"\nWarning: the bare figure moved {drift:.0%} during the run; something else "
              "was using the machine, so treat these figures as rough.", file=sys.stderr)
    targeted = rows[1:-1]
    met = bool(targeted) and all("p95_ms" in r and r["p95_ms"] < P95_TARGET_MS
                                 for r in targeted)
    print(f"\nTarget p95 < {P95_TARGET_MS:.0f} ms for the indicator pages at scale "
          f"{info['scale']:g}: {'met' if met else 'NOT met'}")
    return {**info, "workers": args.workers, "connections": args.connections,
            "threads": args.threads, "duration_s": args.duration, "warmup_s": args.warmup,
            "bare_drift": drift, "p95_target_ms": P95_TARGET_MS, "target_met": met,
            "explain": plans, "results": rows}


def growth(runs: list[dict]) -> str:
    """p95 of each page by scale, and its ratio to the smallest scale's."""
    if len(runs) < 2 or any("results" not in run for run in runs):
        return ""
    lines = ["", "p95 ms by scale (and × the first scale's):"]
    for index, first in enumerate(runs[0]["results"][1:-1], start=1):
        cells = []
        for run in runs:
            p95 = run["results"][index].get("p95_ms")
            base = first.get("p95_ms")
            cells.append("skipped" if p95 is None else
                         f"{p95:.1f}" + (f" (×{p95 / base:.1f})" if base else ""))
        lines.append(f"  {first['page']:<40} " + "  ".join(
            f"{run['scale']:g}: {cell}" for run, cell in zip(runs, cells, strict=True)))
    return "\n".join(lines)


# ----------------------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", default="pages",
                        choices=("pages", "explain", "seed-accounts", "seed-info", "plans"))
    parser.add_argument("--scale", type=float, action="append",
                        help="fraction of 50,000 OSCs, 100,000 requests and 1,000,000 "
                             "attendances; repeat for several (default: 1.0)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (10)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds first (2)")
    parser.add_argument("--connections", type=int, default=1,
                        help="requests in flight (1: one request at a time)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2),
                        help="gunicorn sync workers per server (default: cores, at least 2)")
    parser.add_argument("--json", type=Path, help="where to write the results JSON")
    parser.add_argument("--keep", type=Path,
                        help="prepare each scale's instance in this folder and keep it; "
                             "a later run with the same folder measures it again without "
                             "the set-up (20 minutes at 1.0)")
    args = parser.parse_args(argv)
    args.scale = args.scale or [1.0]
    if min(args.duration, args.connections, args.threads, args.workers) < 1 or \
            min(args.scale) <= 0:
        parser.error("scales, durations, connections, threads and workers must be positive")
    if args.threads > args.connections:
        args.threads = args.connections
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    steps = {"seed-accounts": seed_accounts, "seed-info": seed_info, "plans": explain}
    if args.what in steps:  # the set-up steps, run by ``measure_scale`` inside the instance
        print(_in_app(steps[args.what]))
        return 0
    results: dict = {"when": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
                     "cpus": os.cpu_count(), "load_average_start": os.getloadavg(),
                     "runs": []}
    try:
        wrk = load.require_wrk() if args.what == "pages" else None
        for scale in args.scale:
            results["runs"].append(measure_scale(args, scale, wrk))
    except load.BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    results["growth"] = growth(results["runs"])
    print(results["growth"])
    results["load_average_end"] = os.getloadavg()
    load.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = args.json or load.RESULTS_DIR / f"indicators-{results['when']}.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"\nResults: {out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
