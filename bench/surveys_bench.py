"""Surveys benchmark: the staff results page of a survey with 100,000 answers to 15 questions
(without filters, with filters, and the comparison of two periods) and the answering page,
each beside the bare page in the same run.

It prepares a fresh SQLite instance (``db upgrade``, ``catalog load``), the demo accounts
(``seed-accounts`` below: the staff account that reads the results), then
``flask seed-scale --orgs 0 --surveys N`` (100,000 responses by default: one anonymous event
survey of 15 questions of every kind, bulk rows of responses, about 13.6 answers each, their
invitations and the tallies, over two years across 80 concluded events of every kind and
the municipalities), then reads the survey's id, an unanswered invitation's link, the most
common kind of event and municipality, a date range, and a kind and municipality with the
most answers in that range (``seed-info``). With
``bench/load.py``'s machinery (gunicorn sync workers for the app and for
``bench/bare_app.py``, wrk for a bounded time per page, the bare page before and after so a
busy machine shows as drift) it measures, as the demo staff account, the results page without
filters, by kind of event, by municipality, by a date range and by the three at once; the
comparison page (this year to date against last year's, the default, and two whole years);
and the answering page of an invitation link, anonymous. It reports req/s, p50/p95/p99 and
the ratio to the bare page's req/s.

The target (issue 15): p95 under 200 ms for one request (``--connections 1``, the default)
on the results and comparison pages at 100,000 answers. ``plans`` (run first, inside the
prepared instance) prints the in-process time of each results query and SQLite's EXPLAIN
QUERY PLAN, so a miss says which statement is slow.

    .venv/bin/python bench/surveys_bench.py                          # 100,000 answers
    .venv/bin/python bench/surveys_bench.py --answers 20000 --duration 5
    .venv/bin/python bench/surveys_bench.py explain --answers 100000  # query plans only

Results go to ``bench/results/surveys-<UTC time>.json``.
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

P95_TARGET_MS = 200.0
STAFF = "personal@demo.comunidad-osc.mx"
TARGETED = ("results", "compare")  # the pages the target applies to (by label prefix)


# ----------------------------------------------------------------------------- data


def _app():
    from community import create_app

    return create_app()


def seed_accounts() -> str:
    """The demo accounts: the staff account creates the survey and reads its results."""
    from community.demo import accounts
    from community.extensions import db

    accounts.seed()
    db.session.commit()
    return "{}"


def analyze() -> None:
    """The statistics a running instance has: the app runs ``PRAGMA optimize`` when a
    connection returns to the pool, first and then hourly (core/database.py), which analyses
    the tables a connection used, sampled (``analysis_limit=400``). seed-scale's bulk rows
    arrive after its connection's first return, so its tables are analysed here the same way,
    as they would be within the hour."""
    from community.extensions import db

    if db.engine.dialect.name == "sqlite":
        db.session.execute(db.text("PRAGMA analysis_limit=400"))
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def seed_info() -> str:
    """The scale survey's id, an unanswered invitation's token, the commonest kind of event
    and municipality, and a date range of last year's second half."""
    from sqlalchemy import func, select

    from community.core.timeutil import to_local, utcnow
    from community.demo import scale
    from community.extensions import db
    from community.surveys.models import SurveyInvitation, SurveyResponse

    analyze()
    survey = scale.survey_scale_survey()
    token = db.session.scalar(select(SurveyInvitation.token).where(
        SurveyInvitation.survey_id == survey.id, SurveyInvitation.answered_on.is_(None))
        .order_by(SurveyInvitation.id).limit(1))

    def commonest(column):
        return db.session.scalar(select(column).where(
            SurveyResponse.survey_id == survey.id, column.is_not(None))
            .group_by(column).order_by(func.count().desc()).limit(1))

    year = to_local(utcnow()).year
    start, end = f"{year - 1}-07-01", f"{year - 1}-12-31"
    pair = db.session.execute(  # a kind and a municipality with answers in the range
        select(SurveyResponse.event_kind, SurveyResponse.municipality_code)
        .where(SurveyResponse.survey_id == survey.id,
               SurveyResponse.municipality_code.is_not(None),
               SurveyResponse.answered_on.between(start, end))
        .group_by(SurveyResponse.event_kind, SurveyResponse.municipality_code)
        .order_by(func.count().desc()).limit(1)).one()
    return json.dumps({"survey": survey.id, "token": token,
                       "kind": commonest(SurveyResponse.event_kind),
                       "municipality": commonest(SurveyResponse.municipality_code),
                       "pair": list(pair), "from": start, "to": end,
                       "years": [year, year - 1]})


def _cases(info: dict) -> list[tuple[str, dict]]:
    """(label, query string) of the measured results pages."""
    dates = {"desde": info["from"], "hasta": info["to"]}
    return [("results, no filter", {}), ("results, kind", {"tipo": info["kind"]}),
            ("results, municipality", {"municipio": info["municipality"]}),
            ("results, date range", dates),
            ("results, kind + municipality + dates",
             {"tipo": info["pair"][0], "municipio": info["pair"][1], **dates})]


def explain() -> str:
    """The in-process time of the results and the comparison, of each of their statements,
    and SQLite's EXPLAIN QUERY PLAN of those over the answers."""
    from datetime import date

    from community.core.timeutil import to_local, utcnow
    from community.extensions import db
    from community.surveys import results as r

    info = json.loads(os.environ.get("SURVEYS_BENCH_INFO") or "{}")
    survey = r.get_survey(info["survey"])
    lines = []
    for label, query in _cases(info):
        filters = r.Filters(event_kind=query.get("tipo"), municipality=query.get("municipio"),
                            date_from=date.fromisoformat(query["desde"]) if "desde" in query
                            else None,
                            date_to=date.fromisoformat(query["hasta"]) if "hasta" in query
                            else None)
        lines.append(f"{label}:")
        questions = _timed(lines, "questions_of", r.questions_of, survey)
        _timed(lines, "totals (the day counts)", r.totals, survey, filters)
        counts = _timed(lines, "tally_counts", r.tally_counts, survey, filters)
        multiple = [q.id for q, _o in questions
                    if q.kind == "multiple" and not counts.get(q.id, {}).get("")]
        _timed(lines, f"multiple_respondents {multiple}", r.multiple_respondents, multiple,
               filters)
        texts = [q.id for q, _o in questions if q.kind in r.TEXT_KINDS]
        _timed(lines, "text_previews", r.text_previews, texts, filters)
        _timed(lines, "results() whole", r.results, survey, filters)
    today = to_local(utcnow()).date()
    period_a, period_b = r.year_to_date(today)
    lines.append("compare:")
    _timed(lines, "period_tally_counts (both periods, one GROUP BY)", r.period_tally_counts,
           survey, r.Filters(), [period_a, period_b])
    _timed(lines, "period_totals (both periods, one pass)", r.period_totals, survey,
           r.Filters(), [period_a, period_b])
    _timed(lines, "compare() year to date", r.compare, survey, period_a, period_b,
           r.Filters())
    _timed(lines, "compare() whole years", r.compare, survey, r.whole_year(today.year),
           r.whole_year(today.year - 1), r.Filters())
    _timed(lines, "filter_choices", r.filter_choices, survey)
    lines.append("plans:")
    for name, stmt in _statements(r, survey, info):
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        lines += [f"  {name}: {row[-1]}" for row in db.session.execute(
            db.text(f"EXPLAIN QUERY PLAN {compiled}"))]
    return "\n".join(lines)


def _timed(lines: list[str], name: str, function, *args):
    started = time.perf_counter()
    value = function(*args)
    lines.append(f"    {name}: {(time.perf_counter() - started) * 1000:.1f} ms")
    return value


def _statements(r, survey, info: dict):
    """The statements of the results page that read the answers or the tallies."""
    from datetime import date

    from sqlalchemy import case, func, or_, select

    from community.surveys.models import SurveyAnswer, SurveyDay, SurveyTally

    multiple = [q.id for q in survey.questions if q.kind == "multiple"]
    texts = [q.id for q in survey.questions if q.kind in r.TEXT_KINDS]
    filters = r.Filters(municipality=info["municipality"])
    yield "tallies", (select(SurveyTally.question_id, SurveyTally.value,
                             func.sum(SurveyTally.count))
                      .where(SurveyTally.survey_id == survey.id,
                             *r._where(r.TALLY_COLUMNS, filters))
                      .group_by(SurveyTally.question_id, SurveyTally.value))
    period_a, period_b = r.year_to_date(date.today())
    within = [SurveyTally.day.between(p.start, p.end) for p in (period_a, period_b)]
    yield "compare's tallies", (
        select(SurveyTally.question_id, SurveyTally.value,
               *[func.sum(case((inside, SurveyTally.count), else_=0)) for inside in within])
        .where(SurveyTally.survey_id == survey.id, or_(*within))
        .group_by(SurveyTally.question_id, SurveyTally.value))
    yield "totals by kind", (
        select(func.sum(SurveyDay.invited), func.sum(SurveyDay.answered))
        .where(SurveyDay.survey_id == survey.id, SurveyDay.event_kind == info["kind"]))
    yield "multiple respondents", (
        select(SurveyAnswer.question_id, func.count(func.distinct(SurveyAnswer.response_id)))
        .where(SurveyAnswer.question_id.in_(multiple)).group_by(SurveyAnswer.question_id))
    yield "text previews (ids)", (
        select(SurveyAnswer.question_id, SurveyAnswer.response_id)
        .where(SurveyAnswer.question_id.in_(texts), SurveyAnswer.text.is_not(None)))


def profile() -> str:
    """cProfile of one results page request in the test client, signed in as staff."""
    import cProfile
    import io
    import pstats

    from community.demo.accounts import DEMO_PASSWORD

    info = json.loads(os.environ.get("SURVEYS_BENCH_INFO") or "{}")
    app = _app()
    app.config["WTF_CSRF_ENABLED"] = False  # sign in through the form without its token
    path = f"/personal/encuestas/{info['survey']}/resultados"
    client = app.test_client()
    signed = client.post("/cuenta/entrar", data={"email": STAFF, "password": DEMO_PASSWORD})
    if signed.status_code != 302:
        return f"could not sign in: {signed.status_code}"
    client.get(path)  # warm the caches first
    profiler = cProfile.Profile()
    profiler.enable()
    response = client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
    return f"{path}: {response.status_code}\n{out.getvalue()}"


def _in_app(function, *args):
    with _app().app_context():
        return function(*args)


# ----------------------------------------------------------------------------- pages


def pages(info: dict) -> list[load.Page]:
    base = f"/personal/encuestas/{info['survey']}/resultados"
    measured = [load.Page(f"{base}?{urlencode(query)}" if query else base, user=STAFF,
                          label=label) for label, query in _cases(info)]
    this_year, last_year = info["years"]
    measured += [
        load.Page(f"{base}/comparar", user=STAFF, label="compare, year to date"),
        load.Page(f"{base}/comparar?" + urlencode({"periodo": "anios", "anio_a": this_year,
                                                  "anio_b": last_year}),
                  user=STAFF, label="compare, whole years"),
        load.Page(f"/encuestas/{info['token']}", label="answering page [invitation link]"),
    ]
    return measured


def _run_script(env: dict, log: Path, *command: str) -> str:
    """This script's ``command`` in the instance's environment; its output back."""
    with log.open("a") as out:
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *command],
                              cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=out, text=True,
                              timeout=load.SETUP_TIMEOUT_S * 3, check=False)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise load.BenchError(f"surveys_bench.py {' '.join(command)} failed:\n{tail}")
    return done.stdout.strip()


def prepare(env: dict, workdir: Path, answers: int) -> dict:
    log = workdir / "setup.log"
    print("Preparing a fresh instance:", flush=True)
    started = time.perf_counter()
    load.prepare_instance(env, "wsgi:app", log, commands=[["db", "upgrade"],
                                                         ["catalog", "load"]], scripts=[])
    print("  surveys_bench.py seed-accounts", flush=True)
    _run_script(env, log, "seed-accounts")
    load.run_setup_step([sys.executable, "-m", "flask", "--app", "wsgi", "seed-scale",
                         "--orgs", "0", "--surveys", str(answers)], env, log.open("a"), log)
    print("  surveys_bench.py seed-info", flush=True)
    info = json.loads(_run_script(env, log, "seed-info").splitlines()[-1])
    info["setup_s"] = round(time.perf_counter() - started, 1)
    return info


def measure(args) -> dict:
    wrk = load.require_wrk() if args.what == "pages" else None
    with tempfile.TemporaryDirectory(prefix="surveys-bench-") as tmp:
        workdir = Path(tmp)
        env = load.app_env(workdir / "instance", None)
        info = prepare(env, workdir, args.answers)
        env_info = {**env, "SURVEYS_BENCH_INFO": json.dumps(info)}
        plans = _run_script(env_info, workdir / "setup.log", "plans")
        print(plans)
        if args.what in ("explain", "profile"):
            found = {"answers": args.answers, "explain": plans}
            if args.what == "profile":
                found["profile"] = _run_script(env_info, workdir / "setup.log", "profile-one")
                print(found["profile"])
            return found
        bare_env = {**os.environ, "BARE_DB": str(workdir / "bare.db")}
        run = load.Run(
            app=load.Server("app", load.gunicorn_command("wsgi:app", args.workers), env,
                            workdir / "app.log"),
            bare=load.Server("bare", load.gunicorn_command(
                "bare_app:app", args.workers, "--pythonpath", str(BENCH_DIR)), bare_env,
                workdir / "bare.log"))
        measured = pages(info)
        try:
            run.bare.start()
            run.app.start()
            print(f"Measuring {len(measured)} pages, {args.duration} s each, "
                  f"{args.connections} connection(s), {args.threads} wrk thread(s), "
                  f"{args.workers} sync workers:", flush=True)
            rows = load.measure_all(wrk, run, measured, args)
        finally:
            run.app.stop()
            run.bare.stop()
    return _summary(args, info, plans, rows)


def _summary(args, info: dict, plans: str, rows: list[dict]) -> dict:
    print()
    print(load.format_table(rows))
    drift = load.bare_drift(rows)
    if drift is not None and drift > load.DRIFT_WARNING:
        print(f"\nWarning: the bare figure moved {drift:.0%} during the run; something else "
              "was using the machine, so treat these figures as rough.", file=sys.stderr)
    targeted = [r for r in rows[1:-1] if r["page"].startswith(TARGETED)]
    met = bool(targeted) and all("p95_ms" in r and r["p95_ms"] < P95_TARGET_MS
                                 for r in targeted)
    print(f"\nTarget p95 < {P95_TARGET_MS:.0f} ms for the results and comparison pages at "
          f"{args.answers:,} answers: {'met' if met else 'NOT met'}")
    return {"answers": args.answers, "setup_s": info["setup_s"], "workers": args.workers,
            "connections": args.connections, "threads": args.threads,
            "duration_s": args.duration, "warmup_s": args.warmup, "bare_drift": drift,
            "p95_target_ms": P95_TARGET_MS, "target_met": met, "explain": plans,
            "results": rows}


# ----------------------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", default="pages",
                        choices=("pages", "explain", "profile", "seed-accounts", "seed-info",
                                 "plans", "profile-one"))
    parser.add_argument("--answers", type=int, default=100_000,
                        help="responses to the survey of 15 questions (100000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (10)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds first (2)")
    parser.add_argument("--connections", type=int, default=1,
                        help="requests in flight (1: one request at a time)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2),
                        help="gunicorn sync workers per server (default: cores, at least 2)")
    parser.add_argument("--json", type=Path, help="where to write the results JSON")
    args = parser.parse_args(argv)
    if min(args.answers, args.duration, args.connections, args.threads, args.workers) < 1:
        parser.error("answers, durations, connections, threads and workers must be positive")
    if args.threads > args.connections:
        args.threads = args.connections
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    steps = {"seed-accounts": seed_accounts, "seed-info": seed_info, "plans": explain}
    if args.what in steps:  # the set-up steps, run by ``measure`` inside the instance
        print(_in_app(steps[args.what]))
        return 0
    if args.what == "profile-one":
        print(profile())
        return 0
    results: dict = {"when": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
                     "cpus": os.cpu_count(), "load_average_start": os.getloadavg()}
    try:
        results["surveys"] = measure(args)
    except load.BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    results["load_average_end"] = os.getloadavg()
    load.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = args.json or load.RESULTS_DIR / f"surveys-{results['when']}.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"\nResults: {out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
