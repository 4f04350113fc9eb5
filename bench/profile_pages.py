"""Where a signed-in page's time goes, in process: per page, the time per request, the part
spent rendering templates, the SQL statements (and any sent more than once), and optionally
the functions that cost most (cProfile).

`bench/load.py` says how fast a page is under load; this says why, without a server or wrk,
so it can be run before and after a change on the same data. It reads an existing database
(the demo of `make run` by default):

    .venv/bin/python bench/profile_pages.py                      # the demo's signed-in pages
    .venv/bin/python bench/profile_pages.py --user personal@demo.comunidad-osc.mx \\
        /personal /personal/asesorias --profile 25
    DATABASE_URL=sqlite:////tmp/x.db INSTANCE_DIR=/tmp bench/profile_pages.py /foros

Rate limits and CSRF are switched off for the client only; nothing is written but the
sign-in's device session.
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask.templating  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

DEFAULT_USER = "ciudadana@demo.comunidad-osc.mx"
DEFAULT_PAGES = ("/inicio", "/foros", "/foros/procuracion-de-fondos", "/eventos",
                 "/eventos/mis-registros", "/osc/centro-de-apoyo-a-la-mujer-teresa-colin",
                 "/buscar?q=mujeres", "/biblioteca", "/encuestas", "/cuenta")


class Meter:
    """Counts statements and the time in SQL and in templates while a request runs."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.render_s = 0.0
        self._started = 0.0
        event.listen(Engine, "before_cursor_execute", self._before)
        render = flask.templating._render

        def timed_render(*args, **kwargs):
            started = time.perf_counter()
            try:
                return render(*args, **kwargs)
            finally:
                self.render_s += time.perf_counter() - started
        flask.templating._render = timed_render

    def _before(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)

    def reset(self) -> None:
        self.statements.clear()
        self.render_s = 0.0


def sign_in(app, email: str, password: str):
    client = app.test_client()
    response = client.post("/cuenta/entrar", data={"email": email, "password": password})
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {email}: {response.status_code}")
    return client


def measure(client, meter: Meter, path: str, repeat: int) -> dict:
    for _ in range(3):  # caches, catalogues, the first compile of each template
        client.get(path)
    meter.reset()
    status = client.get(path).status_code
    statements = list(meter.statements)
    meter.reset()
    started = time.perf_counter()
    for _ in range(repeat):
        client.get(path)
    total_ms = (time.perf_counter() - started) / repeat * 1000
    repeated = Counter(" ".join(s.split())[:90] for s in statements)
    return {"path": path, "status": status, "ms": total_ms,
            "render_ms": meter.render_s / repeat * 1000, "statements": len(statements),
            "repeated": {text: n for text, n in repeated.items() if n > 1}}


def top_functions(client, path: str, count: int, order: str = "cumulative") -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(count)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=list(DEFAULT_PAGES))
    parser.add_argument("--user", default=DEFAULT_USER, help=f"who signs in ({DEFAULT_USER})")
    parser.add_argument("--password", help="the demo accounts' password by default")
    parser.add_argument("--repeat", type=int, default=40, help="requests timed per page (40)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also print each page's N costliest functions")
    parser.add_argument("--sort", choices=("cumulative", "tottime"), default="cumulative",
                        help="--profile's order: with what they call, or their own time")
    args = parser.parse_args(argv)

    from community import create_app
    from community.demo.accounts import DEMO_PASSWORD

    app = create_app()
    app.config.update(RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False)
    meter = Meter()
    client = sign_in(app, args.user, args.password or DEMO_PASSWORD)
    print(f"{'page':48} {'status':>6} {'ms':>7} {'render':>7} {'SQL':>4}")
    for path in args.pages:
        row = measure(client, meter, path, args.repeat)
        print(f"{path[:48]:48} {row['status']:>6} {row['ms']:>7.1f} {row['render_ms']:>7.1f} "
              f"{row['statements']:>4}")
        for text, times in row["repeated"].items():
            print(f"{'':10}{times}x {text}")
        if args.profile:
            print(top_functions(client, path, args.profile, args.sort))


if __name__ == "__main__":
    main()
