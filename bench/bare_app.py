"""The reference endpoint for the load benchmark: the least a Flask page can do.

One route reads 20 rows from a small SQLite table and renders them with a Jinja template,
served by the same gunicorn settings as the real app. Its req/s is the ceiling that this
machine, Python and gunicorn allow for a database-backed page, so the real pages are
reported as a fraction of it and figures from different machines stay comparable.

Run by bench/load.py as ``gunicorn --chdir bench bare_app:app``; the database file comes
from the ``BARE_DB`` environment variable.
"""

import os
import sqlite3
import tempfile
from pathlib import Path

from flask import Flask, render_template
from jinja2 import DictLoader

TABLE_ROWS = 200
PAGE_ROWS = 20

# Served through a loader (not render_template_string) so the compiled template stays
# cached, as it does for the app's own templates.
TEMPLATES = {
    "rows.html": """<!doctype html>
<html lang="es">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
<table>
<thead><tr><th>#</th><th>Organización</th><th>Municipio</th></tr></thead>
<tbody>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.name }}</td><td>{{ row.town }}</td></tr>
{% endfor %}</tbody>
</table>
</body>
</html>
""",
}


def ensure_database(path: Path) -> None:
    """Create and fill the table; idempotent, so that several workers may race to do it."""
    with sqlite3.connect(path, timeout=30) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS organization ("
            "id INTEGER PRIMARY KEY, name TEXT NOT NULL, town TEXT NOT NULL)"
        )
        conn.executemany(
            "INSERT OR IGNORE INTO organization (id, name, town) VALUES (?, ?, ?)",
            [
                (i, f"Organización número {i}", f"Municipio {i % 125}")
                for i in range(1, TABLE_ROWS + 1)
            ],
        )


def read_rows(path: Path) -> list[sqlite3.Row]:
    """One connection per request, like a page that holds nothing between requests."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        conn.row_factory = sqlite3.Row
        return conn.execute(
            "SELECT id, name, town FROM organization ORDER BY id LIMIT ?", (PAGE_ROWS,)
        ).fetchall()
    finally:
        conn.close()


def create_app(database: Path | None = None) -> Flask:
    """The bare app; the database path comes from BARE_DB unless given."""
    if database is None:
        default = Path(tempfile.gettempdir()) / "comunidad-osc-bare.db"
        database = Path(os.environ.get("BARE_DB", default))
    ensure_database(database)
    bare = Flask(__name__)
    bare.jinja_loader = DictLoader(TEMPLATES)

    @bare.get("/")
    def rows_page() -> str:
        return render_template("rows.html", title="Organizaciones", rows=read_rows(database))

    return bare


app = create_app()
