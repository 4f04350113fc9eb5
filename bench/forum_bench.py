"""Forum benchmark: a topic page with 200 replies over a forum of 1,000,000 posts, beside the
bare Flask page in the same run.

``run`` (the default) prepares a fresh instance as ``bench/load.py`` does (``db upgrade``,
``catalog load``, ``seed-demo``, ``search reindex``), then adds the scale with ``seed-scale``
and measures, with ``load.py``'s harness (gunicorn sync workers, wrk, the bare page first and
last), the topic page (first and last page), its category and the forum index, anonymous
(served from the page cache) and signed in as the demo citizen (rendered from the database
on every request).

``seed-scale`` writes the scale with Core ``executemany`` in big batches, bypassing the
services and the ORM (the services would take hours for a million posts): about 20,000 topics
in the open categories holding ``--posts`` posts in all, plus "Tema con 200 respuestas (banco
de pruebas)" with 200 replies by demo people, some on behalf of their OSC and some quoting
earlier posts. Counters are recounted afterwards. The bulk rows are not in the search index
(no outbox rows): this measures pages, not search.

    .venv/bin/python bench/forum_bench.py                       # about 6 minutes
    .venv/bin/python bench/forum_bench.py --posts 100000 --duration 5   # a quick look
    .venv/bin/python bench/forum_bench.py seed-scale --posts 1000000    # data only
"""

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
for path in (ROOT, BENCH_DIR):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import load  # noqa: E402 - the load harness's servers, settings and measuring

PAGE_TOPIC_TITLE = "Tema con 200 respuestas (banco de pruebas)"
PAGE_CATEGORY = "procuracion-de-fondos"
PAGE_REPLIES = 200
SIGNED_IN = "ciudadana@demo.comunidad-osc.mx"
BATCH = 50_000
MEAN_POSTS_PER_TOPIC = 50
SEED = 1_000_000
YEARS_BACK = 3

WORDS = (
    "organización", "convocatoria", "donativo", "voluntariado", "asamblea", "municipio",
    "comunidad", "proyecto", "taller", "capacitación", "informe", "transparencia", "CLUNI",
    "acta", "consejo", "fondos", "mujeres", "niñez", "salud", "educación", "alianza",
    "Toluca", "Ecatepec", "Nezahualcóyotl", "comedor", "brigada", "red", "registro",
)
OPENINGS = (
    "Gracias por compartir.", "Nosotras lo hicimos así:", "Tenemos la misma duda.",
    "En nuestra experiencia,", "Les comparto lo que aprendimos:", "Coincido:",
)


def _text(rng: random.Random) -> tuple[str, str]:
    """A post of 15 to 60 words, as Markdown and as the HTML the sanitizer would keep."""
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 60)))
    body = f"{rng.choice(OPENINGS)} {words}."
    return body, f"<p>{body}</p>"


# ----------------------------------------------------------------------------- data


def _people():
    """(user id, organization id or None) of confirmed demo people, and the demo citizen."""
    from sqlalchemy import select

    from community.accounts.models import User
    from community.extensions import db
    from community.profiles.models import Membership

    people = db.session.execute(
        select(User.id, Membership.organization_id).outerjoin(
            Membership, (Membership.user_id == User.id) & (Membership.status == "active"))
        .where(User.email_confirmed_at.is_not(None), User.active.is_(True))
        .order_by(User.id)).all()
    if not people:
        raise load.BenchError("no demo people: run seed-demo first")
    return [tuple(row) for row in people]


def _categories():
    from sqlalchemy import select

    from community.extensions import db
    from community.forums.models import Category

    rows = db.session.execute(select(Category.id, Category.slug).where(
        Category.members_only.is_(False)).order_by(Category.position)).all()
    if not rows:
        raise load.BenchError("no forum categories: run seed-demo first")
    return dict((slug, cid) for cid, slug in rows)


def _next_id(table) -> int:
    from sqlalchemy import func, select

    from community.extensions import db

    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


class Bulk:
    """Rows in batches of BATCH through Core ``executemany``; explicit ids, so posts can
    name their topic and quote an earlier post without reading anything back."""

    def __init__(self, now, people: list[tuple]) -> None:
        from community.forums.models import Post, Topic

        self.people = people
        self.topics_table, self.posts_table = Topic.__table__, Post.__table__
        self.now = now
        self.topic_id = _next_id(self.topics_table)
        self.post_id = _next_id(self.posts_table)
        self.topics: list[dict] = []
        self.posts: list[dict] = []

    def topic(self, category_id: int, title: str, slug: str, author, replies: int, start,
              rng: random.Random, quote_every: int = 0) -> int:
        topic_id, self.topic_id = self.topic_id, self.topic_id + 1
        step = (self.now - start) / (replies + 1)
        self.topics.append({  # before its posts: a batch of posts never precedes its topic
            "id": topic_id, "category_id": category_id, "title": title, "slug": slug,
            "author_id": author[0], "organization_id": None, "created_at": start,
            "last_posted_at": start + step * replies, "last_post_number": replies + 1,
            "reply_count": replies, "locked": False, "pinned": False, "hidden": False})
        first = self.post_id
        for number in range(1, replies + 2):
            person = author if number == 1 else rng.choice(self.people)
            when = start + step * (number - 1)
            quote = first + rng.randrange(1, number - 1) if (
                quote_every and number > 3 and number % quote_every == 0) else None
            self._post(topic_id, number, person, when, quote, rng)
        return topic_id

    def _post(self, topic_id, number, person, when, quote, rng) -> None:
        body, html = _text(rng)
        on_behalf = person[1] if person[1] is not None and rng.random() < 0.3 else None
        self.posts.append({
            "id": self.post_id, "topic_id": topic_id, "number": number, "author_id": person[0],
            "organization_id": on_behalf, "body": body, "body_html": html,
            "quoted_post_id": quote, "status": "visible", "created_at": when})
        self.post_id += 1
        if len(self.posts) >= BATCH:
            self.flush()

    def flush(self) -> None:
        from community.extensions import db

        connection = db.session.connection()
        if self.topics:
            connection.execute(self.topics_table.insert(), self.topics)
            self.topics = []
        if self.posts:
            connection.execute(self.posts_table.insert(), self.posts)
            self.posts = []


def _recount() -> None:
    """The category counters are a cache; recount them as ``services.refresh_counters``."""
    from sqlalchemy import text

    from community.extensions import db

    db.session.execute(text(
        "UPDATE forum_category SET "
        "topic_count = (SELECT count(*) FROM forum_topic t WHERE t.category_id = "
        "forum_category.id), "
        "post_count = (SELECT coalesce(sum(t.last_post_number), 0) FROM forum_topic t "
        "WHERE t.category_id = forum_category.id), "
        "last_posted_at = (SELECT max(t.last_posted_at) FROM forum_topic t "
        "WHERE t.category_id = forum_category.id)"))


def seed_scale(posts: int) -> dict:
    """``posts`` posts in all (the page topic's 201 included); returns the page topic's path
    and how long the writing took."""
    from community.core.timeutil import utcnow
    from community.extensions import db

    started = time.monotonic()
    rng = random.Random(SEED)
    people, categories = _people(), _categories()
    now = utcnow()
    bulk = Bulk(now, people)
    remaining = posts - (PAGE_REPLIES + 1)
    number = 0
    while remaining > 0:
        number += 1
        size = min(remaining, rng.randint(1, 2 * MEAN_POSTS_PER_TOPIC - 1))
        start = now - timedelta(days=rng.uniform(1, 365 * YEARS_BACK))
        title = f"Tema de carga {number}: {rng.choice(WORDS)} y {rng.choice(WORDS)}"
        bulk.topic(rng.choice(list(categories.values())), title, f"tema-de-carga-{number}",
                   rng.choice(people), size - 1, start, rng)
        remaining -= size
    slug = "tema-con-200-respuestas-banco-de-pruebas"
    topic_id = bulk.topic(categories[PAGE_CATEGORY], PAGE_TOPIC_TITLE, slug,
                          rng.choice(people), PAGE_REPLIES, now - timedelta(days=30), rng,
                          quote_every=7)
    bulk.flush()
    _recount()
    db.session.commit()
    pages = -(-(PAGE_REPLIES + 1) // 20)
    return {"topic": f"/foros/t/{topic_id}-{slug}", "pages": pages, "topics": number + 1,
            "posts": posts, "seconds": round(time.monotonic() - started, 1)}


def _in_app(function, *args):
    from community import create_app

    with create_app().app_context():
        return function(*args)


# ----------------------------------------------------------------------------- run


def pages_for(seeded: dict) -> list:
    """The topic (first and last page), its category and the index; anonymous and signed in."""
    topic, last = seeded["topic"], f"{seeded['topic']}?page={seeded['pages']}"
    paths = [(topic, "topic, 200 replies: page 1"),
             (last, f"topic, 200 replies: page {seeded['pages']} (last)"),
             (f"/foros/{PAGE_CATEGORY}", "category of the topic"),
             ("/foros", "forum index")]
    pages = [load.Page(path, label=label) for path, label in paths]
    pages += [load.Page(path, user=SIGNED_IN, label=f"{label} [signed in]")
              for path, label in paths]
    return pages


def prepare(args, workdir: Path) -> tuple[load.Run, dict]:
    env = load.app_env(workdir / "instance", None)
    if args.no_page_cache:
        env["PAGE_CACHE_DISABLED"] = "true"
    log = workdir / "setup.log"
    print("Preparing a fresh instance:", flush=True)
    # migrate, catalogues, demo data, the event page's data, index. The outbox is drained
    # before `search reindex`: rows left in it when the reindex ends wait on a lock that
    # `flask search reindex` itself holds (see the closing note of issue 6).
    commands = [*load.SETUP_COMMANDS, ["search", "drain", "--timeout", "120"]]
    load.prepare_instance(env, args.wsgi, log, commands=commands)
    print(f"  forum_bench.py seed-scale --posts {args.posts}", flush=True)
    done = subprocess.run([sys.executable, str(Path(__file__)), "seed-scale", "--posts",
                           str(args.posts)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=load.SETUP_TIMEOUT_S * 2, check=False)
    if done.returncode != 0:
        raise load.BenchError(f"seed-scale failed:\n{done.stderr[-3000:]}")
    seeded = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {seeded['posts']:,} posts in {seeded['topics']:,} topics written in "
          f"{seeded['seconds']} s", flush=True)
    bare_env = {**os.environ, "BARE_DB": str(workdir / "bare.db")}
    bare = load.gunicorn_command("bare_app:app", args.workers, "--pythonpath", str(BENCH_DIR))
    run = load.Run(
        app=load.Server("app", load.gunicorn_command(args.wsgi, args.workers), env,
                        workdir / "app.log"),
        bare=load.Server("bare", bare, bare_env, workdir / "bare.log"))
    return run, seeded


def benchmark(args) -> int:
    wrk = load.require_wrk()
    with tempfile.TemporaryDirectory(prefix="comunidad-osc-forum-bench-") as tmp:
        run, seeded = prepare(args, Path(tmp))
        pages = pages_for(seeded)
        meta = {**load.run_metadata(args, pages), "forum": seeded,
                "uptime": _uptime()}
        try:
            run.bare.start()
            run.app.start()
            print(f"Measuring {len(pages)} page(s), {args.duration}s each; {meta['uptime']}",
                  flush=True)
            rows = load.measure_all(wrk, run, pages, args)
        finally:
            run.app.stop()
            run.bare.stop()
    meta["uptime_after"] = _uptime()
    print(f"uptime before: {meta['uptime']}\nuptime after:  {meta['uptime_after']}")
    if args.json is None:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        args.json = load.RESULTS_DIR / f"forum-{stamp}.json"
    return load.report(args, meta, rows)


def _uptime() -> str:
    """Others may share the machine: the load average goes next to the figures."""
    with contextlib.suppress(OSError):
        return subprocess.run(["uptime"], capture_output=True, text=True,
                              check=False).stdout.strip()
    return ""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="run", choices=("run", "seed-scale"))
    parser.add_argument("--posts", type=int, default=1_000_000,
                        help="posts in the whole forum (1,000,000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (10)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds first (2)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--wsgi", default="wsgi:app", help="the app under test (wsgi:app)")
    parser.add_argument("--no-page-cache", action="store_true",
                        help="render anonymous pages too (PAGE_CACHE_DISABLED=true)")
    parser.add_argument("--json", type=Path, help="where to write the results JSON")
    args = parser.parse_args(argv)
    if args.posts < PAGE_REPLIES + 2:
        parser.error(f"--posts must be above {PAGE_REPLIES + 1}")
    # What load.run_metadata reads and this harness does not vary.
    args.database_url, args.scale_orgs = None, 0
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, load._raise_on_sigterm)  # so `finally` stops the servers
    try:
        if args.command == "seed-scale":
            print(json.dumps(_in_app(seed_scale, args.posts)))
            return 0
        return benchmark(args)
    except load.BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
    sys.exit(130)
