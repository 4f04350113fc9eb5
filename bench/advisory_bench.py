"""Advisory benchmark: the staff queue, its filters and the planning map at 100,000 requests,
and the requester's status page, each beside the bare page in the same run.

It prepares a fresh SQLite instance (``db upgrade``, ``catalog load``), the demo accounts and
advisors (``seed-accounts`` below), ``flask seed-scale --orgs 0 --advisory N`` (100,000 by
default: bulk rows with their timelines, sessions and outcomes, about 4.5 activities and
0.8 sessions a request), then one request of the demo citizen and one anonymous one through
the services (``seed-status``), whose folio and signed status link are measured. Then, with
``bench/load.py``'s machinery (gunicorn sync workers for the app and for ``bench/bare_app.py``,
wrk for a bounded time per page, the bare page before and after so a busy machine shows as
drift), it measures as the demo staff account the queue without filters, by state, topic,
municipality, assignee, overdue, a folio, a folio's beginning, a name and page 50; the map
with its municipality ranking; and the status page signed in and anonymous with its token.
It reports req/s, p50/p95/p99 and the ratio to the bare page's req/s.

The target (issue 14): p95 under 100 ms for the staff queue and the map at 100,000
requests, in the same run as the bare page. wrk keeps ``--connections`` requests in flight,
so a page's p95 includes queueing behind the others; ``--connections 1`` measures one
request at a time (the target's "for one request"), the default.

    .venv/bin/python bench/advisory_bench.py                        # 100,000 requests
    .venv/bin/python bench/advisory_bench.py --requests 20000 --duration 5
    .venv/bin/python bench/advisory_bench.py explain --requests 100000   # query plans only

Results go to ``bench/results/advisory-<UTC time>.json``.
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

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
for path in (ROOT, BENCH_DIR):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import load  # noqa: E402 - the load harness's servers, settings and wrk runs

P95_TARGET_MS = 100.0
STAFF = "personal@demo.comunidad-osc.mx"
CITIZEN = "ciudadana@demo.comunidad-osc.mx"
TARGETED = ("queue", "map")  # the pages the target applies to (by label prefix)


# ----------------------------------------------------------------------------- data


def _app():
    from community import create_app

    return create_app()


def seed_accounts() -> str:
    """The demo accounts and the demo advisors: the queue's assignees and our visitors."""
    from community.demo import accounts
    from community.demo import advisory as demo
    from community.extensions import db

    accounts.seed()
    people = demo._advisors()
    db.session.commit()
    return json.dumps({"staff": [person.id for person in people]})


def seed_status() -> str:
    """One request of the demo citizen and one anonymous, through the services; their folios,
    the anonymous one's signed status token, a folio for the search and the staff's id."""
    from sqlalchemy import select

    from community.accounts.services import find_by_email
    from community.advisory import services
    from community.advisory.models import AdvisoryRequest
    from community.core.aftercommit import quiet
    from community.extensions import db

    form = {"topic": "constituir", "requester_kind": "grupo",
            "proposed_name": "Vecinas de San Pablo", "founders_count": "8",
            "municipality_code": "15058", "modality": "municipio",
            "description": "Queremos constituir una asociación civil.",
            "contact_preference": "correo", "contact_name": "María Guadalupe Reyes Cruz",
            "contact_email": "vecinas@correo.example", "locale": "es_MX"}
    staff = find_by_email(STAFF)
    with quiet():
        mine = services.create_request(find_by_email(CITIZEN), form)
        services.assign(staff, mine, staff.id)
        services.post_message(staff, mine, "Hola, ¿les acomoda el jueves por la mañana?")
        anonymous = services.create_request(None, form)
        services.confirm_request(services.confirmation_token(anonymous))
        services.assign(staff, anonymous, staff.id)
        services.add_note(staff, anonymous, "Nota interna que no debe verse.")
    db.session.commit()
    searched = db.session.scalar(select(AdvisoryRequest.folio).where(
        AdvisoryRequest.state == "en_atencion").order_by(AdvisoryRequest.id).limit(1))
    return json.dumps({"mine": mine.folio, "anonymous": anonymous.folio,
                       "token": services.status_token(anonymous), "searched": searched,
                       "staff_id": staff.id})


def explain() -> str:
    """The query plan (SQLite's EXPLAIN QUERY PLAN) of each measured list's page of ids and
    count, and the in-process time of the page (rows and count) and of the map's query."""
    from community.advisory import queries
    from community.extensions import db

    info = json.loads(os.environ.get("ADVISORY_BENCH_INFO") or "{}")
    lines = []
    for label, filters in _filter_cases(info.get("staff_id"), info.get("searched")):
        wanted = queries.QueueFilters(**filters)
        started = time.perf_counter()
        page = queries.queue(wanted, 1, 50)
        lines.append(f"{label}: {len(page.items)} rows of {page.total}, "
                     f"{(time.perf_counter() - started) * 1000:.1f} ms")
        for name, stmt in (("page", queries.queue_ids_statement(wanted)),
                           ("count", queries.queue_count_statement(wanted))):
            lines += [f"    {name}: {step}" for step in _plan(db, stmt)]
    for name, function in (("municipality_pending (the map)", queries.municipality_pending),
                           ("state_counts (open states, the queue page)",
                            lambda: queries.state_counts(queries.OPEN_STATES)),
                           ("console_counts", queries.console_counts),
                           ("state_counts (every state)", queries.state_counts)):
        started = time.perf_counter()
        function()
        lines.append(f"{name}: {(time.perf_counter() - started) * 1000:.1f} ms")
    return "\n".join(lines)


def _plan(db, stmt) -> list[str]:
    from sqlalchemy import text

    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    return [row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))]


def _filter_cases(staff_id, searched) -> list[tuple[str, dict]]:
    cases = [("no filter", {}), ("state en_atencion", {"state": "en_atencion"}),
             ("topic cluni", {"topic": "cluni"}), ("municipality 15058",
                                                   {"municipality": "15058"}),
             ("overdue", {"overdue": True})]
    if staff_id:
        cases.append(("assignee", {"assignee": staff_id}))
    if searched:
        cases += [("folio search", {"q": searched}),
                  ("folio beginning", {"q": searched[:-2]}),
                  ("name search (open requests)", {"q": "vecinas"})]
    return cases


def _in_app(function, *args):
    with _app().app_context():
        return function(*args)


# ----------------------------------------------------------------------------- pages


def pages(info: dict) -> list[load.Page]:
    queue = "/personal/asesorias"
    return [
        load.Page(queue, user=STAFF, label="queue, no filter"),
        load.Page(f"{queue}?estado=en_atencion", user=STAFF, label="queue, state"),
        load.Page(f"{queue}?tema=cluni", user=STAFF, label="queue, topic"),
        load.Page(f"{queue}?municipio=15058", user=STAFF, label="queue, municipality"),
        load.Page(f"{queue}?asignada={info['staff_id']}", user=STAFF,
                  label="queue, assignee"),
        load.Page(f"{queue}?vencidas=1", user=STAFF, label="queue, overdue"),
        load.Page(f"{queue}?q={info['searched']}", user=STAFF, label="queue, folio search"),
        load.Page(f"{queue}?q={info['searched'][:-2]}", user=STAFF,
                  label="queue, folio beginning"),
        load.Page(f"{queue}?q=vecinas", user=STAFF, label="queue, name search"),
        load.Page(f"{queue}?page=50", user=STAFF, label="queue, page 50"),
        load.Page(f"{queue}/mapa", user=STAFF, label="map and municipality ranking"),
        load.Page(f"/asesorias/{info['mine']}", user=CITIZEN, label="status [requester]"),
        load.Page(f"/asesorias/{info['anonymous']}?t={info['token']}",
                  label="status [anonymous link]"),
    ]


def _run_script(env: dict, log: Path, *command: str) -> str:
    """This script's ``command`` in the instance's environment; its last line back."""
    with log.open("a") as out:
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *command],
                              cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=out, text=True,
                              timeout=load.SETUP_TIMEOUT_S * 3, check=False)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise load.BenchError(f"advisory_bench.py {' '.join(command)} failed:\n{tail}")
    return done.stdout.strip()


def prepare(env: dict, workdir: Path, requests: int) -> dict:
    log = workdir / "setup.log"
    print("Preparing a fresh instance:", flush=True)
    started = time.perf_counter()
    load.prepare_instance(env, "wsgi:app", log, commands=[["db", "upgrade"],
                                                         ["catalog", "load"]], scripts=[])
    print("  advisory_bench.py seed-accounts", flush=True)
    _run_script(env, log, "seed-accounts")
    print(f"  seed-scale --orgs 0 --advisory {requests}", flush=True)
    load.run_setup_step([sys.executable, "-m", "flask", "--app", "wsgi", "seed-scale",
                         "--orgs", "0", "--advisory", str(requests)], env,
                        log.open("a"), log)
    print("  advisory_bench.py seed-status", flush=True)
    info = json.loads(_run_script(env, log, "seed-status").splitlines()[-1])
    info["setup_s"] = round(time.perf_counter() - started, 1)
    return info


def measure(args) -> dict:
    wrk = load.require_wrk()
    with tempfile.TemporaryDirectory(prefix="advisory-bench-") as tmp:
        workdir = Path(tmp)
        env = load.app_env(workdir / "instance", None)
        info = prepare(env, workdir, args.requests)
        plans = _run_script({**env, "ADVISORY_BENCH_INFO": json.dumps(info)}, workdir /
                            "setup.log", "plans")
        print(plans)
        if args.what == "explain":
            return {"requests": args.requests, "explain": plans}
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
    print(f"\nTarget p95 < {P95_TARGET_MS:.0f} ms for the queue and the map at "
          f"{args.requests:,} requests: {'met' if met else 'NOT met'}")
    return {"requests": args.requests, "setup_s": info["setup_s"], "workers": args.workers,
            "connections": args.connections, "threads": args.threads,
            "duration_s": args.duration, "warmup_s": args.warmup, "bare_drift": drift,
            "p95_target_ms": P95_TARGET_MS, "target_met": met, "explain": plans,
            "results": rows}


# ----------------------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", default="pages",
                        choices=("pages", "explain", "seed-accounts", "seed-status", "plans"))
    parser.add_argument("--requests", type=int, default=100_000,
                        help="advisory requests in the instance (100000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (10)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds first (2)")
    parser.add_argument("--connections", type=int, default=1,
                        help="requests in flight (1: one request at a time)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2),
                        help="gunicorn sync workers per server (default: cores, at least 2)")
    parser.add_argument("--json", type=Path, help="where to write the results JSON")
    args = parser.parse_args(argv)
    if min(args.requests, args.duration, args.connections, args.threads, args.workers) < 1:
        parser.error("requests, durations, connections, threads and workers must be positive")
    if args.threads > args.connections:
        args.threads = args.connections
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    if args.what == "seed-accounts":  # these three: the set-up steps, in the instance
        print(_in_app(seed_accounts))
        return 0
    if args.what == "seed-status":
        print(_in_app(seed_status))
        return 0
    if args.what == "plans":  # run by ``measure`` inside the prepared instance
        print(_in_app(explain))
        return 0
    results: dict = {"when": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
                     "cpus": os.cpu_count(), "load_average_start": os.getloadavg()}
    try:
        results["advisory"] = measure(args)
    except load.BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    results["load_average_end"] = os.getloadavg()
    load.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = args.json or load.RESULTS_DIR / f"advisory-{results['when']}.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"\nResults: {out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
