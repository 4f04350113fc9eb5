"""Load benchmark: how many pages per second the app serves, next to a bare Flask page.

Starts two gunicorn servers on 127.0.0.1 with the same production-like settings (sync
workers): the app (``wsgi:app``) on a fresh, migrated, catalog-loaded, demo-seeded instance,
and bench/bare_app.py, the least a database-backed Flask page can do. Every page is driven
with wrk for a bounded time; the table shows req/s, latency percentiles and the ratio of
req/s to the bare page, which is what stays comparable between machines (see README.md).

Run it with ``make bench`` or ``.venv/bin/python bench/load.py --help``.
"""

import argparse
import contextlib
import ctypes
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Page:
    """A page to drive. ``user`` (an email of a seed-demo account) makes it a signed-in page:
    the harness signs in once and wrk sends that session cookie with every request."""

    path: str
    user: str | None = None
    label: str | None = None

    @property
    def name(self) -> str:
        return self.label or (f"{self.path} [{self.user}]" if self.user else self.path)


# The pages to measure. Modules add their pages here, e.g. Page("/organizaciones"); a page
# behind sign-in names a seed-demo account (community/demo/accounts.py) as its user.
PAGES: list[Page] = [
    Page("/"),
    Page("/cuenta/entrar"),
    Page("/healthz"),
    Page("/cuenta", user="ciudadana@demo.comunidad-osc.mx"),
    # Profiles (issue 3): the directory by municipality, a profile, the JSON API.
    Page("/osc/municipios/15058", label="directory: Nezahualcóyotl"),
    Page("/osc?municipio=15033&area=VI", label="directory: Ecatepec, area VI"),
    Page("/osc/centro-de-apoyo-a-la-mujer-teresa-colin", label="profile page"),
    Page("/api/v1/osc?municipio=15106", label="API: Toluca"),
    Page("/osc/centro-de-apoyo-a-la-mujer-teresa-colin",
         user="ciudadana@demo.comunidad-osc.mx", label="profile page [its admin]"),
    Page("/buscar?q=mujeres", label="search: mujeres"),
    # The directory's text filter: the same search, then the page's rows from the database.
    Page("/osc?q=mujeres", label="search: directory q=mujeres"),
    Page("/buscar?q=apoyo+a+mujeres+en+ecatepek", label="search: typo, several words"),
    # Events (issue 5): the calendar, and an event with 500 registrations (bench/events_bench.py
    # seed-pages), anonymous (the page cache) and as one of the registered people (rendered).
    Page("/eventos", label="calendar"),
    Page("/eventos", user="ciudadana@demo.comunidad-osc.mx", label="calendar [signed in]"),
    Page("/eventos/evento-con-500-registros-banco-de-pruebas", label="event, 500 registrations"),
    Page("/eventos/evento-con-500-registros-banco-de-pruebas",
         user="ciudadana@demo.comunidad-osc.mx", label="event, 500 registrations [registered]"),
    # Forums (issue 6): the demo board; bench/forum_bench.py measures a forum of 1,000,000 posts.
    Page("/foros", label="forum index"),
    Page("/foros", user="ciudadana@demo.comunidad-osc.mx", label="forum index [signed in]"),
    Page("/foros/procuracion-de-fondos", user="ciudadana@demo.comunidad-osc.mx",
         label="forum category [signed in]"),
]

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
LUA_SCRIPT = BENCH_DIR / "report.lua"
# Fixed so that session cookies obtained by signing in stay valid in every worker.
SECRET_KEY = "bench-only-secret-key-not-for-production"  # noqa: S105
SIGNIN_PATH = "/cuenta/entrar"
# The app's Flask-Login session protection ("strong") ties a session to the client's address
# and user agent, so signing in and wrk must send the same user agent.
USER_AGENT = "comunidad-osc-bench/1"
SETUP_COMMANDS = (["db", "upgrade"], ["catalog", "load"], ["seed-demo"])
# Scripts run after SETUP_COMMANDS with the instance's environment: the data some pages need.
SETUP_SCRIPTS = (["bench/events_bench.py", "seed-pages"],)  # the event with 500 registrations
SETUP_TIMEOUT_S = 600
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 15
# Above this change of the bare figure between start and end, the run is flagged as noisy.
DRIFT_WARNING = 0.10
# Gunicorn's worker heartbeat files: in memory, as advised for containers (no data lives here).
WORKER_TMP_DIR = Path("/dev/shm")  # noqa: S108


class BenchError(Exception):
    """A failure that ends the run with a message instead of a traceback."""


# ----------------------------------------------------------------------------- options


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; the defaults are the figures reported in README.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (10)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds first (2)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--workers",
        type=int,
        default=max(2, os.cpu_count() or 2),
        help="gunicorn sync workers per server (default: cores, at least 2)",
    )
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="PATH",
        help="measure these anonymous paths instead of the PAGES list",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="TEXT",
        help="measure only the pages whose path or name contains one of these",
    )
    parser.add_argument("--wsgi", default="wsgi:app", help="the app under test (wsgi:app)")
    parser.add_argument(
        "--database-url",
        help="an EMPTY database for the app (e.g. PostgreSQL); default: SQLite in a temp dir",
    )
    parser.add_argument(
        "--no-setup",
        action="store_true",
        help="skip db upgrade / catalog load / seed-demo (for an app without them)",
    )
    parser.add_argument(
        "--scale-orgs",
        type=int,
        default=0,
        help="after seed-demo, add this many OSCs with `flask seed-scale` (e.g. 50000)",
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="serve every page from the database (PAGE_CACHE_DISABLED=true)",
    )
    parser.add_argument("--json", type=Path, help="where to write the results JSON")
    args = parser.parse_args(argv)
    if min(args.duration, args.connections, args.threads, args.workers) < 1 or args.warmup < 0:
        parser.error("durations, connections, threads and workers must be positive")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one per thread)")
    return args


def selected_pages(args: argparse.Namespace) -> list[Page]:
    """The configured PAGES, or the --pages paths, filtered by --only."""
    pages = [Page(path) for path in args.pages] if args.pages else list(PAGES)
    if args.only:
        pages = [p for p in pages if any(text in p.name for text in args.only)]
    if not pages:
        raise BenchError("no page left to measure (check --pages / --only)")
    return pages


def require_wrk() -> str:
    """wrk is the load generator; without it there is nothing to measure."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed. On Debian/Ubuntu: sudo apt-get install wrk")
    return wrk


# ----------------------------------------------------------------------------- servers


def free_port() -> int:
    """A port the kernel says is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """Run in the child: if the harness is killed hard, the kernel stops the server too."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Server:
    """A gunicorn server in its own process group, so it can be stopped with all its workers."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.log = log
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start and wait (bounded) until it answers HTTP at all, or fail with the log tail."""
        self.port = free_port()
        self.process = subprocess.Popen(
            [*self.command, "--bind", f"127.0.0.1:{self.port}", "--error-logfile", str(self.log)],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} server exited at start\n{self.log_tail()}")
            if http_status(self.base_url + "/") is not None:
                return
            time.sleep(0.2)
        raise BenchError(f"{self.name} server not ready in {START_TIMEOUT_S}s\n{self.log_tail()}")

    def stop(self) -> None:
        """TERM the whole group, KILL it if gunicorn has not finished within STOP_TIMEOUT_S."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT_S)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def gunicorn_command(target: str, workers: int, *extra: str) -> list[str]:
    """Production-like gunicorn, the same for both servers: sync workers, no access log."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        target,
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
        *extra,
    ]
    if WORKER_TMP_DIR.is_dir():
        command += ["--worker-tmp-dir", str(WORKER_TMP_DIR)]
    return command


def app_env(instance_dir: Path, database_url: str | None) -> dict[str, str]:
    """The app's settings: a private instance, no rate limits, no outside servers."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        INSTANCE_DIR=str(instance_dir),
        SECRET_KEY=SECRET_KEY,
        RATELIMIT_ENABLED="false",
        FLASK_DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def prepare_instance(
    env: dict[str, str],
    wsgi: str,
    log: Path,
    scale_orgs: int = 0,
    commands: list[list[str]] | None = None,
    scripts: list[list[str]] | None = None,
) -> None:
    """Migrate, load the catalogues, seed the demo data, add the data of SETUP_SCRIPTS and
    build the search index, as a new deployment would (``commands``/``scripts`` replace
    SETUP_COMMANDS/SETUP_SCRIPTS)."""
    app_module = wsgi.split(":", 1)[0]
    commands = list(SETUP_COMMANDS if commands is None else commands)
    if scale_orgs:
        commands.append(["seed-scale", "--orgs", str(scale_orgs)])
    steps = [[sys.executable, "-m", "flask", "--app", app_module, *c] for c in commands]
    steps += [[sys.executable, *script] for script in (SETUP_SCRIPTS if scripts is None
                                                        else scripts)]
    # seed-scale and the scripts bypass the ORM: no outbox rows, so the index is rebuilt
    steps.append([sys.executable, "-m", "flask", "--app", app_module, "search", "reindex"])
    with log.open("a") as out:
        for full in steps:
            run_setup_step(full, env, out, log)


def run_setup_step(full: list[str], env: dict[str, str], out, log: Path) -> None:
    """One set-up command, bounded in time; its output goes to the set-up log."""
    name = " ".join(part for part in full[1:] if part not in {"-m", "--app"})
    print(f"  {name}", flush=True)
    try:
        done = subprocess.run(
            full,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=SETUP_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{name} took over {SETUP_TIMEOUT_S}s") from exc
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise BenchError(f"{name} failed:\n{tail}")


# ----------------------------------------------------------------------------- HTTP


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect as it is: a page that redirects is not the page we meant to measure."""

    def redirect_request(self, *args, **kwargs):
        return None


def http_status(url: str, headers: dict[str, str] | None = None) -> int | None:
    """Status of one GET without following redirects; None when nothing answers."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def demo_password() -> str:
    """The seed-demo password, from the app itself unless BENCH_DEMO_PASSWORD overrides it."""
    if "BENCH_DEMO_PASSWORD" in os.environ:
        return os.environ["BENCH_DEMO_PASSWORD"]
    if str(ROOT) not in sys.path:  # run as bench/load.py, the app's root is not on the path
        sys.path.insert(0, str(ROOT))
    from community.demo.accounts import DEMO_PASSWORD

    return DEMO_PASSWORD


def sign_in(base_url: str, email: str, password: str) -> str:
    """Sign in through the real form and return the Cookie header of the signed-in session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(base_url + SIGNIN_PATH, timeout=10) as response:
        form = response.read().decode("utf-8", "replace")
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    if match is None:
        raise BenchError(f"no csrf_token in the form at {SIGNIN_PATH}")
    data = urllib.parse.urlencode(
        {"csrf_token": match.group(1), "email": email, "password": password}
    ).encode()
    try:
        with opener.open(base_url + SIGNIN_PATH, data=data, timeout=10) as response:
            landed = urllib.parse.urlparse(response.geturl()).path
    except urllib.error.HTTPError as exc:
        landed = f"HTTP {exc.code}"
    if landed in {SIGNIN_PATH} or landed.startswith("HTTP "):
        raise BenchError(f"could not sign in as {email} ({landed}; set BENCH_DEMO_PASSWORD?)")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


# ----------------------------------------------------------------------------- wrk


def run_wrk(wrk: str, url: str, args, seconds: int, headers: dict[str, str]) -> dict:
    """One wrk run; returns the figures printed by report.lua."""
    command = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
    ]
    for name, value in {"User-Agent": USER_AGENT, **headers}.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish for {url}") from exc
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise BenchError(f"wrk gave no figures for {url}:\n{done.stdout}{done.stderr}")


def measure(wrk: str, base_url: str, page: Page, args, cookies: dict[str, str]) -> dict:
    """Warm up, then measure one page; a page that does not answer 200 is skipped, not timed."""
    headers = {"Cookie": cookies[page.user]} if page.user else {}
    url = base_url + page.path
    row = {"page": page.name, "path": page.path, "user": page.user}
    status = http_status(url, headers)
    if status != 200:
        return {**row, "skipped": f"HTTP {status}" if status else "no answer"}
    if args.warmup:
        run_wrk(wrk, url, args, args.warmup, headers)
    figures = run_wrk(wrk, url, args, args.duration, headers)
    seconds = figures["duration_us"] / 1e6
    latency = figures["latency_us"]
    return {
        **row,
        "requests": figures["requests"],
        "rps": figures["requests"] / seconds if seconds else 0.0,
        # A page that suddenly weighs much less than expected is answering something else.
        "bytes_per_request": figures["bytes"] // max(1, figures["requests"]),
        **{f"{k}_ms": latency[k] / 1000 for k in ("p50", "p95", "p99", "max", "mean")},
        "errors": sum(figures["errors"].values()),
        "error_detail": figures["errors"],
    }


# ----------------------------------------------------------------------------- report


def add_ratios(rows: list[dict], bare_rps: float) -> None:
    """req/s of each page as a fraction of the bare page's req/s (mean of its two runs)."""
    for row in rows:
        if "rps" in row:
            row["ratio"] = row["rps"] / bare_rps if bare_rps else None


def format_table(rows: list[dict]) -> str:
    """A fixed-width table; skipped pages say why."""
    width = max(24, *(len(r["page"]) for r in rows)) + 2
    header = f"{'page':<{width}}{'req/s':>10}{'p50':>9}{'p95':>9}{'p99':>9}"
    header += f"{'errors':>8}{'ratio':>8}"
    lines = [header + "   (latency in ms; ratio = req/s / mean bare req/s)", "-" * len(header)]
    for r in rows:
        if "skipped" in r:
            lines.append(f"{r['page']:<{width}}skipped: {r['skipped']}")
            continue
        ratio = f"{r['ratio']:.2f}" if r.get("ratio") is not None else "-"
        lines.append(
            f"{r['page']:<{width}}{r['rps']:>10.1f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
            f"{r['p99_ms']:>9.1f}{r['errors']:>8}{ratio:>8}"
        )
    return "\n".join(lines)


def run_metadata(args, pages: list[Page]) -> dict:
    """What a reader needs to compare two result files."""
    commit = ""
    with contextlib.suppress(OSError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    return {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit or None,
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "wsgi": args.wsgi,
        "database": "postgresql" if args.database_url else "sqlite",
        "workers": args.workers,
        "worker_class": "sync",
        "connections": args.connections,
        "threads": args.threads,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "scale_orgs": args.scale_orgs,
        "page_cache": not args.no_page_cache,
        "pages": [asdict(p) for p in pages],
    }


def write_results(path: Path | None, meta: dict, rows: list[dict]) -> Path:
    """Keep every run as JSON (bench/results/ is gitignored) so runs can be compared later."""
    if path is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = RESULTS_DIR / f"load-{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**meta, "results": rows}, indent=2, ensure_ascii=False) + "\n")
    return path


# ----------------------------------------------------------------------------- main


@dataclass
class Run:
    """The two servers of one run and the session cookies of signed-in pages."""

    app: Server
    bare: Server
    cookies: dict[str, str] = field(default_factory=dict)


def prepare_servers(args, workdir: Path) -> Run:
    """Prepare the app's instance and describe both servers (not started yet)."""
    env = app_env(workdir / "instance", args.database_url)
    if args.no_page_cache:
        env["PAGE_CACHE_DISABLED"] = "true"
    bare_env = {**os.environ, "BARE_DB": str(workdir / "bare.db")}
    bare_command = gunicorn_command("bare_app:app", args.workers, "--pythonpath", str(BENCH_DIR))
    run = Run(
        app=Server("app", gunicorn_command(args.wsgi, args.workers), env, workdir / "app.log"),
        bare=Server("bare", bare_command, bare_env, workdir / "bare.log"),
    )
    if not args.no_setup:
        print("Preparing a fresh instance:", flush=True)
        prepare_instance(env, args.wsgi, workdir / "setup.log", args.scale_orgs)
    return run


def measure_all(wrk: str, run: Run, pages: list[Page], args) -> list[dict]:
    """The bare page before and after the app's pages, so a busy machine shows as drift."""
    rows = [measure_bare(wrk, run, args, "bare (reference)")]
    for page in pages:
        if page.user and page.user not in run.cookies:
            run.cookies[page.user] = sign_in(run.app.base_url, page.user, demo_password())
        rows.append(measure(wrk, run.app.base_url, page, args, run.cookies))
        print_progress(rows[-1])
    rows.append(measure_bare(wrk, run, args, "bare (again, at the end)"))
    bare = [r["rps"] for r in (rows[0], rows[-1]) if "rps" in r]
    add_ratios(rows, sum(bare) / len(bare) if bare else 0.0)
    return rows


def measure_bare(wrk: str, run: Run, args, label: str) -> dict:
    row = measure(wrk, run.bare.base_url, Page("/", label=label), args, {})
    print_progress(row)
    return row


def bare_drift(rows: list[dict]) -> float | None:
    """Relative change of the bare figure between start and end; large means a busy machine."""
    first, last = rows[0].get("rps"), rows[-1].get("rps")
    if not first or not last:
        return None
    return abs(first - last) / ((first + last) / 2)


def print_progress(row: dict) -> None:
    if "skipped" in row:
        print(f"  {row['page']}: skipped ({row['skipped']})", flush=True)
    else:
        print(f"  {row['page']}: {row['rps']:.1f} req/s", flush=True)


def benchmark(args) -> int:
    """The whole run; servers are stopped whatever happens."""
    wrk = require_wrk()
    pages = selected_pages(args)
    meta = run_metadata(args, pages)
    with tempfile.TemporaryDirectory(prefix="comunidad-osc-bench-") as tmp:
        run = prepare_servers(args, Path(tmp))
        try:
            run.bare.start()
            run.app.start()
            print(
                f"Measuring {len(pages)} page(s), {args.duration}s each, {args.connections} "
                f"connections, {args.threads} wrk threads, {args.workers} sync workers:",
                flush=True,
            )
            rows = measure_all(wrk, run, pages, args)
        finally:
            run.app.stop()
            run.bare.stop()
    return report(args, meta, rows)


def report(args, meta: dict, rows: list[dict]) -> int:
    """Print the table and warnings, keep the JSON; non-zero when a page could not be measured."""
    print()
    print(format_table(rows))
    drift = bare_drift(rows)
    meta["bare_drift"] = drift
    if drift is not None and drift > DRIFT_WARNING:
        print(
            f"\nWarning: the bare figure moved {drift:.0%} during the run; something else was "
            "using the machine, so treat these figures as rough.",
            file=sys.stderr,
        )
    print(f"\nResults written to {write_results(args.json, meta, rows)}")
    skipped = [r["page"] for r in rows if "skipped" in r]
    if skipped:
        print(f"Not measured (did not answer 200): {', '.join(skipped)}", file=sys.stderr)
        return 1
    return 0


def _raise_on_sigterm(signum, frame) -> None:
    """Turn SIGTERM into SystemExit so that the `finally` blocks stop the servers."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        return benchmark(args)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
