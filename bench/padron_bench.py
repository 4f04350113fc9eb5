"""Padrón import benchmark: the sample file (2,700 rows) and a large one (50,000 rows).

Times what ``community.profiles.padron_import`` does with a government file, in process,
into a fresh database (``db upgrade`` + ``catalog load``): the upload's check and row count
(``store_upload``), the dry run (``analyse``), applying it (``apply``: every row new, in
committed batches of 500, with the revisions and the search outbox rows as in production),
feeding the search index with the new OSCs (``search_drain``: timed apart, it is not part of
the import's time: apply leaves it to later commits and ``flask registry import`` runs it
after), and the same file again (dry run + apply: nothing changes, the no-op).

The sample is ``community/demo/data/padron_muestra.csv`` (``padron_sample.py``). ``--rows N``
above 2,700 writes a file of N rows by repeating the sample: each copy gets its own name
prefix (so copies are distinct OSCs, not fuzzy duplicates of each other), first letter of
the RFC (check digit recomputed) and CLUNI digits, and a shorter social object (the file
stays under the 20 MB upload limit). Targets: the sample imported in under 10 s, 50,000
rows in under 2 minutes. Peak memory is the process's maximum resident set
(``resource.getrusage``), reported after each step (tracemalloc would slow the run it measures).

SQLite in a temporary folder by default; PostgreSQL when ``DATABASE_URL`` names one (use a
scratch database: the schema is migrated and the imported rows stay).

    .venv/bin/python bench/padron_bench.py                  # the sample, ~30 s
    .venv/bin/python bench/padron_bench.py --rows 50000     # a few minutes; a quiet machine

Results go to ``bench/results/padron-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import re
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLE_TARGET_S = 10.0
LARGE_TARGET_S = 120.0
PREFIXES = (
    "Colectivo", "Patronato", "Consejo Ciudadano", "Movimiento", "Alianza Comunitaria",
    "Frente Cívico", "Círculo Solidario", "Plataforma", "Observatorio", "Brigada",
    "Cooperativa Social", "Instituto Popular", "Taller", "Escuela Abierta", "Vínculo",
    "Comité Vecinal", "Unión Regional", "Tejido Social", "Semillero", "Puente",
)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
OBJECT_COLUMN, RFC_COLUMN, CLUNI_COLUMN, NAME_COLUMN = 10, 1, 2, 0


def peak_mb() -> float:
    """The process's maximum resident set so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def large_file(sample: Path, rows: int) -> bytes:
    """``rows`` data rows made from the sample (Windows-1252 like it)."""
    from community.profiles.validators import rfc_check_digit

    text = sample.read_bytes().decode("cp1252")
    header, *body = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    written, copy = 0, 0
    while written < rows:
        for cells in body:
            if written >= rows:
                break
            cells = list(cells)
            if copy:
                cells[NAME_COLUMN] = f"{PREFIXES[(copy - 1) % len(PREFIXES)]} {copy} " \
                    f"{cells[NAME_COLUMN]}"
                rfc = re.sub(r"[\s\-]", "", cells[RFC_COLUMN]).upper()
                if len(rfc) == 12 and rfc[:9].isalnum():
                    # A letter of its own per copy in front: copies never share an RFC.
                    body_ = LETTERS[copy % len(LETTERS)] + rfc[1:11]
                    with contextlib.suppress(ValueError):
                        cells[RFC_COLUMN] = body_ + rfc_check_digit(body_)
                cluni = cells[CLUNI_COLUMN].strip().upper()
                if len(cluni) == 14:
                    cells[CLUNI_COLUMN] = cluni[:11] + f"{copy % 100:02d}" + cluni[13]
                cells[OBJECT_COLUMN] = cells[OBJECT_COLUMN][:120]
            writer.writerow(cells)
            written += 1
        copy += 1
    return out.getvalue().encode("cp1252", "replace")


def run(data: bytes, name: str, database: str | None, drain: bool = True) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import func, select
    from werkzeug.datastructures import FileStorage

    from community import create_app
    from community.config import Config
    from community.core.catalog import load_catalogues
    from community.extensions import db
    from community.profiles import padron_import as pi
    from community.profiles.models import Organization, ProfileRevision
    from community.search import outbox

    with tempfile.TemporaryDirectory(prefix="padron-bench-") as tmp:
        env = {"INSTANCE_DIR": tmp, "SECRET_KEY": "bench-only"}
        if database:
            env["DATABASE_URL"] = database
        app = create_app(Config(env))
        result: dict = {"file": name, "bytes": len(data),
                        "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]}
        with app.app_context():
            upgrade()
            load_catalogues()
            db.session.commit()
            actor = pi.COMMAND_LINE

            def step(label, function):
                start = time.perf_counter()
                value = function()
                result[label] = {"seconds": round(time.perf_counter() - start, 2),
                                 "peak_rss_mb": round(peak_mb(), 1)}
                print(f"{label:>16}: {result[label]['seconds']:7.2f} s   "
                      f"peak RSS {result[label]['peak_rss_mb']:.0f} MB", flush=True)
                return value

            def store():
                imp = pi.store_upload(actor, FileStorage(io.BytesIO(data), filename=name))
                db.session.commit()
                return imp

            def dry(imp):
                def go():
                    dry_run = pi.analyse(actor, imp, pi.guess_mapping(pi.headers(imp)))
                    db.session.commit()
                    return dry_run.counts
                return go

            imp = step("store", store)
            result["rows"] = imp.rows
            result["dry_run_counts"] = step("dry_run", dry(imp))
            result["applied"] = step("apply", lambda: pi.apply(actor, imp))
            if drain:
                result["search_indexed"] = step(
                    "search_drain", lambda: outbox.drain(app, timeout=3600.0))
            again = step("store_again", store)
            result["dry_run_again_counts"] = step("dry_run_again", dry(again))
            result["applied_again"] = step("apply_again", lambda: pi.apply(actor, again))
            result["organizations"] = db.session.scalar(
                select(func.count()).select_from(Organization))
            result["revisions"] = db.session.scalar(
                select(func.count()).select_from(ProfileRevision))
            total = sum(result[k]["seconds"] for k in ("store", "dry_run", "apply"))
            result["import_seconds"] = round(total, 2)
            db.session.remove()
            db.engine.dispose()
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=0,
                        help="rows of a generated file (0: the 2,700-row sample itself)")
    parser.add_argument("--no-drain", action="store_true",
                        help="skip feeding the search index (about 85 OSCs a second: ten "
                             "minutes at 50,000 rows; `flask search reindex` does it faster)")
    args = parser.parse_args(argv)
    from community.demo import padron_sample

    sample = padron_sample.PATH
    if not sample.exists():
        padron_sample.write()
    if args.rows:
        data, name = large_file(sample, args.rows), f"padron_{args.rows}.csv"
    else:
        data, name = sample.read_bytes(), sample.name
    result = run(data, name, os.environ.get("DATABASE_URL") or None, drain=not args.no_drain)
    target = SAMPLE_TARGET_S if result["rows"] <= 3000 else LARGE_TARGET_S
    result["target_seconds"] = target
    result["met"] = result["import_seconds"] <= target
    result["when"] = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    print(f"import (store + dry run + apply) of {result['rows']} rows: "
          f"{result['import_seconds']} s (target {target:.0f} s: "
          f"{'met' if result['met'] else 'NOT met'}); dry run {result['dry_run_counts']}; "
          f"again {result['dry_run_again_counts']}, applied again {result['applied_again']}")
    out = BENCH_DIR / "results" / f"padron-{result['when']}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"results: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
