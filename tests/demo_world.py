"""The demo world: ``flask seed-demo`` run once per test run, restored into each test that reads it.

Seeding the whole demo costs about a minute of one core (two to three on CI's shared machine),
and half a dozen modules check it: the registry, the calendar, the forums, the library, the
command itself, the indicators' agreement with the modules. Each used to seed its own part,
which was a quarter of the suite's time. Now the first pytest-xdist worker that needs the
world runs the real command on its clean database, under a lock the workers share, and writes
down the rows, the uploaded files and the search index in the run's temporary folder; a test
that asks for ``demo_world`` gets them copied into its clean database, and the usual clean-up
removes them afterwards. The world is the command's output on an empty database, so a test
reading it checks exactly what ``make run`` gives people.
"""

import fcntl
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import bindparam, func, select, text

from community.core import pagecache
from community.extensions import db as _db
from tests.conftest import KEEP_TABLES, _remove_search_index, reset_state

ROWS_FILE = "rows.pickle"
UPLOADS = "uploads"
INDEX = "index"
DONE = "done"


@dataclass(frozen=True)
class DemoWorld:
    """What the first ``flask seed-demo`` printed, and where its data was written down."""

    folder: Path
    output: str
    exit_code: int
    rows: dict  # table name -> its rows, read once per worker


def _run_folder(tmp_path_factory) -> Path:
    """A folder every worker of this run shares (each worker's base is ``…/popen-gwN``)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _tables():
    return [t for t in _db.metadata.sorted_tables if t.name not in KEEP_TABLES]


def _dump(folder: Path, app, output: str, exit_code: int) -> None:
    rows = {}
    for table in _tables():
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [dict(row._mapping) for row in
                            _db.session.execute(select(table).order_by(*order))]
    payload = {"rows": rows, "output": output, "exit_code": exit_code}
    (folder / ROWS_FILE).write_bytes(pickle.dumps(payload, pickle.HIGHEST_PROTOCOL))
    uploads = Path(app.config["UPLOAD_DIR"])
    if uploads.is_dir():
        shutil.copytree(uploads, folder / UPLOADS, symlinks=True)
    index_path = Path(app.config["SEARCH_INDEX_DIR"])
    (folder / INDEX).mkdir()
    _copy_entries(index_path.parent.glob(index_path.name + "*"), folder / INDEX)


def _copy_entries(entries, into: Path) -> None:
    """Files, folders and the index's relative symlink, copied as they are."""
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, into / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, into / entry.name, follow_symlinks=False)


def _build(folder: Path, app) -> None:
    """The real command on an empty database, the index drained, all of it written down."""
    with app.app_context():
        runner = app.test_cli_runner()
        result = runner.invoke(args=["seed-demo"])
        drained = runner.invoke(args=["search", "drain"])
        assert drained.exit_code == 0, drained.output
        folder.mkdir(parents=True, exist_ok=True)
        _dump(folder, app, result.output, result.exit_code)
        reset_state(app)
    (folder / DONE).touch()


@pytest.fixture(scope="session")
def _demo_world_saved(_shared_app, tmp_path_factory) -> DemoWorld:
    root = _run_folder(tmp_path_factory)
    folder = root / "demo-world"
    with open(root / "demo-world.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other worker waits for the one build
        if not (folder / DONE).exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
            _build(folder, _shared_app)
    payload = pickle.loads((folder / ROWS_FILE).read_bytes())  # noqa: S301 - our own file
    return DemoWorld(folder, payload["output"], payload["exit_code"], payload["rows"])


def restore(world: DemoWorld, app) -> None:
    """Copy the world into the current app's clean database, upload folder and index."""
    rows = world.rows
    later = _forward_references()
    for table in _tables():
        if rows.get(table.name):
            blanks = dict.fromkeys(later.get(table.name, ()))
            _db.session.execute(table.insert(), [{**row, **blanks} for row in rows[table.name]])
    for table in _tables():
        if later.get(table.name) and rows.get(table.name):
            _fill_forward_references(table, later[table.name], rows[table.name])
    if _db.engine.dialect.name == "postgresql":
        _advance_sequences(rows)
    _db.session.commit()
    if (world.folder / UPLOADS).is_dir():
        shutil.copytree(world.folder / UPLOADS, app.config["UPLOAD_DIR"], symlinks=True,
                        dirs_exist_ok=True)
    index_path = Path(app.config["SEARCH_INDEX_DIR"])
    _remove_search_index(str(index_path))
    _copy_entries((world.folder / INDEX).iterdir(), index_path.parent)
    pagecache.clear()


def _forward_references() -> dict[str, list[str]]:
    """Columns naming a row of their own table or of one inserted later (a resource's current
    file is a file of that resource): inserted empty, filled once every row is in."""
    order = {table.name: position for position, table in enumerate(_tables())}
    later: dict[str, list[str]] = {}
    for table in _tables():
        for key in table.foreign_keys:
            if order.get(key.column.table.name, -1) >= order[table.name]:
                later.setdefault(table.name, []).append(key.parent.name)
    return later


def _fill_forward_references(table, columns: list[str], rows: list[dict]) -> None:
    keys = [column.name for column in table.primary_key.columns]
    changes = [row for row in rows if any(row[name] is not None for name in columns)]
    if not changes:
        return
    statement = table.update().where(
        *(table.columns[name] == bindparam(f"key_{name}") for name in keys)).values(
        {name: bindparam(f"new_{name}") for name in columns})
    _db.session.execute(statement, [
        {**{f"key_{name}": row[name] for name in keys},
         **{f"new_{name}": row[name] for name in columns}} for row in changes])


def _advance_sequences(rows) -> None:
    """Rows came with their ids: the next id each table hands out follows the world's."""
    for table in _tables():
        column = table.columns.get("id")
        if column is None or not rows.get(table.name) or not column.autoincrement:
            continue
        sequence = _db.session.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                      {"t": table.name})
        if sequence:
            top = _db.session.scalar(select(func.max(column)))
            _db.session.execute(text("SELECT setval(:s, :v)"), {"s": sequence, "v": top})


@pytest.fixture
def demo_world(app, _demo_world_saved) -> DemoWorld:
    """The whole demo in this test's database; removed with everything else afterwards."""
    restore(_demo_world_saved, app)
    return _demo_world_saved
