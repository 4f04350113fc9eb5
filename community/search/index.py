"""The index on disk: where it lives, who may write it, how it is rebuilt and checked.

``SEARCH_INDEX_DIR`` (``instance/search-index`` by default) is a symbolic link to a real
folder beside it, ``search-index.gen-<timestamp>``. A reindex builds a complete new folder
while the old one keeps serving, then swaps the link in one ``os.replace``: readers see the
old index or the new one, never half of one. An interrupted reindex leaves the old index in
place; its half-built folder is removed by the next reindex.

Beside the link live the locks (``flock``, so a killed process never leaves one behind):

- ``search-index.lock``: one index writer at a time, across processes (:func:`writer_lock`);
- ``search-index.reindex.lock``: held by a running reindex for its whole run;
- ``search-index.reindex.json``: written by a running reindex. While it is there, drains keep
  updating the old index but delete no outbox rows, so the reindex re-applies, after the swap,
  every change its own reading may have missed.

Every generation folder holds ``search-meta.json`` with the ``SCHEMA_VERSION`` it was built
with, so ``flask search check`` can tell an index built by an older schema.
"""

import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select
from whoosh import index as whoosh_index
from whoosh.fields import KEYWORD, STORED
from whoosh.query import Or, Prefix, Term

from community.core.database import transaction_kind
from community.core.timeutil import utcnow
from community.extensions import db
from community.search import registry
from community.search.models import SearchOutbox
from community.search.schema import SCHEMA_VERSION, build_schema

logger = logging.getLogger(__name__)

META_FILE = "search-meta.json"
GENERATION_MARK = ".gen-"
LONG_WAIT = 120.0  # seconds a reindex waits for the writer lock (drains hold it briefly)
# Keys a kind may use besides the schema's fields.
ALIASES = {"municipality_name": "place"}
FILLED_IN = ("id", "kind", "object_id")


class LockBusy(Exception):  # noqa: N818 - the name says what happened
    """Another writer holds the lock and did not let go within the timeout."""


# --- where things are -------------------------------------------------------------------


def index_path() -> Path:
    """The link (not resolved: its target changes at every reindex)."""
    return Path(os.path.abspath(current_app.config["SEARCH_INDEX_DIR"]))


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def lock_path() -> Path:
    return _beside(index_path(), ".lock")


def _reindex_lock_path() -> Path:
    return _beside(index_path(), ".reindex.lock")


def _marker_path() -> Path:
    return _beside(index_path(), ".reindex.json")


def index_generation() -> str:
    """The folder the link points to: changes whenever a reindex swaps it; "" when missing."""
    path = index_path()
    if path.is_symlink():
        return os.readlink(path)
    return path.name if path.is_dir() else ""


def content_version() -> str:
    """A text that changes whenever what the index holds may have changed: a reindex swapped
    in, or a commit (Whoosh writes a new table of contents, ``_MAIN_<n>.toc``, per commit).
    One directory listing: cheap enough to key cached pages built from search results."""
    folder = os.path.realpath(index_path())
    try:
        names = os.listdir(folder)
    except OSError:
        return "missing"
    commits = [int(name[len(_TOC_PREFIX):-len(".toc")]) for name in names
               if name.startswith(_TOC_PREFIX) and name.endswith(".toc")
               and name[len(_TOC_PREFIX):-len(".toc")].isdigit()]
    return f"{index_generation()}:{max(commits, default=-1)}"


_TOC_PREFIX = "_MAIN_"


def _generation_dirs(path: Path) -> list[Path]:
    prefix = path.name + GENERATION_MARK
    if not path.parent.is_dir():
        return []
    return sorted(p for p in path.parent.iterdir()
                  if p.name.startswith(prefix) and p.is_dir() and not p.is_symlink())


def _new_generation_dir(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    folder = path.with_name(f"{path.name}{GENERATION_MARK}{stamp}-{time.time_ns() % 10**9:09d}")
    folder.mkdir()
    return folder


def _current_target(path: Path) -> Path | None:
    if path.is_symlink():
        target = Path(os.readlink(path))
        return target if target.is_absolute() else path.parent / target
    return path if path.is_dir() else None


def _point_to(path: Path, folder: Path) -> Path | None:
    """Make the link point to ``folder`` atomically; returns the folder it pointed to."""
    old = _current_target(path)
    if path.is_dir() and not path.is_symlink():
        # A plain folder from an older layout: move it aside as a generation first.
        moved = path.with_name(f"{path.name}{GENERATION_MARK}legacy-{time.time_ns()}")
        os.rename(path, moved)
        old = moved
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}-{time.time_ns()}")
    os.symlink(folder.name, temporary)  # relative: the instance folder may move
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return old if old is None or old.exists() else None


def _write_meta(folder: Path, how: str) -> None:
    meta = {"schema_version": SCHEMA_VERSION, "built_at": utcnow().isoformat(), "how": how}
    (folder / META_FILE).write_text(json.dumps(meta))


def _read_meta(folder: Path) -> dict:
    try:
        return json.loads((folder / META_FILE).read_text())
    except (OSError, ValueError):
        return {}


# --- opening and state ------------------------------------------------------------------


def open_index():
    """The live index, or None when it is missing or cannot be read (never raises).

    The index is opened in the folder the link points to now, so one ``Index`` never mixes
    two generations; after a swap, :func:`index_generation` changes and callers reopen.
    """
    try:
        return whoosh_index.open_dir(os.path.realpath(index_path()))
    except Exception:  # noqa: BLE001 - missing, empty or damaged: all mean "no index"
        logger.debug("search index not available at %s", index_path(), exc_info=True)
        return None


def create_empty():
    """A new, empty generation, made live at once. Callers hold :func:`writer_lock`."""
    path = index_path()
    folder = _new_generation_dir(path)
    ix = whoosh_index.create_in(str(folder), build_schema())
    _write_meta(folder, "empty")
    old = _point_to(path, folder)
    if old is not None and old.resolve() != folder.resolve():
        shutil.rmtree(old, ignore_errors=True)
    return ix


def state() -> str:
    """"ok", "missing", or "rebuilding" (no index yet, but a reindex is building one)."""
    if open_index() is not None:
        return "ok"
    try:
        return "rebuilding" if reindex_running() else "missing"
    except OSError:  # an unwritable folder: no reindex can be running there either
        return "missing"


# --- locks --------------------------------------------------------------------------------


@contextmanager
def _flock(path: Path, timeout: float) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LockBusy(str(path)) from None
                time.sleep(min(0.02, remaining))
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def writer_lock(timeout: float = 2.0):
    """One index writer at a time, across threads and processes; raises :class:`LockBusy`."""
    return _flock(lock_path(), timeout)


def reindex_running() -> bool:
    """A reindex is under way (its marker is there and its process still holds its lock)."""
    if not _marker_path().exists():
        return False
    try:
        with _flock(_reindex_lock_path(), 0):
            return False
    except LockBusy:
        return True


def reindex_marker() -> dict | None:
    """The running reindex's marker, or None; a marker left by a killed reindex is removed."""
    marker = _marker_path()
    if not marker.exists():
        return None
    if not reindex_running():
        marker.unlink(missing_ok=True)
        return None
    try:
        return json.loads(marker.read_text())
    except (OSError, ValueError):
        return {"applied": 0}


def write_reindex_marker(data: dict) -> None:
    marker = _marker_path()
    temporary = marker.with_name(marker.name + f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data))
    os.replace(temporary, marker)


# --- documents ----------------------------------------------------------------------------


def document_id(kind: str, object_id, number: int = 0) -> str:
    return f"{kind}:{object_id}" if number == 0 else f"{kind}:{object_id}:{number}"


def object_query(kind: str, object_id):
    """Every document of one object: ``kind:id`` and ``kind:id:<n>``."""
    return Or([Term("id", document_id(kind, object_id)), Prefix("id", f"{kind}:{object_id}:")])


def primary_key(row) -> int:
    return inspect(row).mapper.primary_key_from_instance(row)[0]


def _joins_with_commas(field_type) -> bool:
    """KEYWORD(commas=True) splits on commas, every other field on spaces."""
    if not isinstance(field_type, KEYWORD):
        return False
    return [token.text for token in field_type.analyzer("a b,c")] == ["a b", "c"]


def _field_value(field_type, value):
    if not field_type.indexed:  # STORED: kept as given
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = [str(item) for item in value if item is not None and str(item) != ""]
        return ("," if _joins_with_commas(field_type) else " ").join(items)
    return str(value)


def prepare(kind: str, object_id, documents: list[dict], schema) -> list[dict]:
    """The kind's documents as the index stores them: ``id``/``kind``/``object_id`` filled in,
    lists joined, ``words`` (title + body + place) and ``visibility`` ("public") defaulted.

    A key that is not a field of ``schema`` is a programming error in the kind: ValueError.
    """
    names = set(schema.names())
    prepared = []
    for number, document in enumerate(documents or []):
        out = {}
        for key, value in document.items():
            key = ALIASES.get(key, key)
            if key in FILLED_IN or value is None or value == "":
                continue
            if key not in names:
                raise ValueError(f"search kind {kind!r} gave an unknown field {key!r}")
            value = _field_value(schema[key], value)
            if value != "":
                out[key] = value
        if "words" in names and "words" not in out:
            words = " ".join(out[k] for k in ("title", "body", "place") if out.get(k))
            if words:
                out["words"] = words
        if "visibility" in names:
            out.setdefault("visibility", "public")
        out.update(id=document_id(kind, object_id, number), kind=kind, object_id=object_id)
        prepared.append(out)
    return prepared


def documents_for(kind: registry.SearchKind, row, schema) -> list[dict]:
    return prepare(kind.name, primary_key(row), kind.documents(row), schema)


@contextmanager
def read_only_session(app=None) -> Iterator[None]:
    """A fresh app context (so a fresh ``db.session``) whose SQLite transactions begin
    DEFERRED: a long read never holds the write lock."""
    app = app or current_app._get_current_object()
    with transaction_kind(True), app.app_context():
        try:
            yield
        finally:
            db.session.rollback()


# --- reindex ------------------------------------------------------------------------------


def estimate_rows() -> int:
    """Rows of every kind's model: the length of the reindex progress bar (an upper bound).

    Counted on a connection of its own, in a read transaction that ends here: left open on
    the CLI's session, it would begin IMMEDIATE on SQLite and hold the write lock that the
    reindex's final drain needs (and ending the session's transaction instead would close
    cursors a caller may still be reading).
    """
    with transaction_kind(True), db.engine.connect() as connection:
        return sum(connection.scalar(select(func.count()).select_from(kind.model)) or 0
                   for kind in registry.kinds().values())


def _clean_leftovers(path: Path) -> None:
    """Half-built generations of an interrupted reindex, and stray temporary links."""
    current = _current_target(path)
    for folder in _generation_dirs(path):
        if current is None or folder.resolve() != current.resolve():
            logger.info("search: removing leftover %s", folder)
            shutil.rmtree(folder, ignore_errors=True)
    if path.parent.is_dir():
        for stray in path.parent.glob(f".{path.name}.tmp-*"):
            stray.unlink(missing_ok=True)


def _build(folder: Path, progress: Callable[[int], None] | None) -> int:
    schema = build_schema()
    ix = whoosh_index.create_in(str(folder), schema)
    _write_meta(folder, "reindex")
    writer = ix.writer(procs=1, limitmb=128)
    documents = step = 0
    try:
        with read_only_session():
            for kind in registry.kinds().values():
                for row in kind.all_rows():
                    for document in documents_for(kind, row, schema):
                        writer.add_document(**document)
                        documents += 1
                    step += 1
                    if progress is not None and step >= 100:
                        progress(step)
                        step = 0
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    if progress is not None and step:
        progress(step)
    return documents


def reindex(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database into a new generation, then swap it in.

    ``progress(n)`` is called with the number of rows read since the last call. Returns the
    number of documents indexed. Raises :class:`LockBusy` when another reindex is running.

    Changes committed while the index is built are not lost: drains keep their outbox rows
    until the swap (see the module docstring), and the reindex drains them into the new
    index right after the swap, before letting any other writer in.
    """
    from community.search.outbox import drain_locked

    app = current_app._get_current_object()
    path = index_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _flock(_reindex_lock_path(), 0):
        with writer_lock(LONG_WAIT):
            _clean_leftovers(path)
            write_reindex_marker({"applied": 0, "pid": os.getpid(),
                                  "started_at": utcnow().isoformat()})
        try:
            folder = _new_generation_dir(path)
            try:
                count = _build(folder, progress)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            with writer_lock(LONG_WAIT):
                old = _point_to(path, folder)
                _marker_path().unlink(missing_ok=True)
                if old is not None and old.resolve() != folder.resolve():
                    shutil.rmtree(old, ignore_errors=True)
                drain_locked(app, deadline=None, reindexing=False)
        finally:
            _marker_path().unlink(missing_ok=True)
    logger.info("search: reindexed %s documents into %s", count, folder.name)
    return count


# --- check --------------------------------------------------------------------------------


@dataclass
class Drift:
    """What differs between the index and what the database says it should hold."""

    state: str = "ok"
    missing: list[str] = field(default_factory=list)  # should be indexed, is not
    extra: list[str] = field(default_factory=list)  # indexed, should not be
    stale: list[str] = field(default_factory=list)  # indexed with other content
    schema: str | None = None  # the index was built with another schema
    pending: int = 0  # outbox rows not yet drained (they explain some drift)
    documents: int = 0  # documents in the index

    def __bool__(self) -> bool:
        return bool(self.state != "ok" or self.missing or self.extra or self.stale
                    or self.schema)

    def lines(self, limit: int = 20) -> list[str]:
        if self.state != "ok":
            lines = [f"Índice de búsqueda: {self.state}."]
        else:
            lines = [f"Índice de búsqueda: {self.documents} documentos."]
        if self.schema:
            lines.append(f"Esquema distinto: {self.schema}.")
        for label, ids in (("Faltan", self.missing), ("Sobran", self.extra),
                           ("Desactualizados", self.stale)):
            if ids:
                shown = ", ".join(ids[:limit]) + (" …" if len(ids) > limit else "")
                lines.append(f"{label} ({len(ids)}): {shown}")
        if self.pending:
            lines.append(f"Cambios pendientes en la cola: {self.pending}.")
        if self:
            lines.append("Reconstruye el índice: flask search reindex")
        else:
            lines.append("Sin diferencias con la base de datos.")
        return lines


def _schema_difference(ix, folder: Path | None) -> str | None:
    version = _read_meta(folder).get("schema_version") if folder is not None else None
    if version != SCHEMA_VERSION:
        return f"versión {version} en el índice, {SCHEMA_VERSION} en el código"
    expected, actual = build_schema(), ix.schema
    if set(expected.names()) != set(actual.names()):
        return "campos distintos"
    changed = [name for name in expected.names() if expected[name] != actual[name]]
    return f"campos distintos: {', '.join(changed)}" if changed else None


def _unstored_fields(schema) -> list[str]:
    return [name for name in schema.names()
            if schema[name].indexed and not schema[name].stored
            and not isinstance(schema[name], STORED)]


def _terms_signature(terms) -> int:
    return sum(hash(term) for term in set(terms)) & 0xFFFFFFFFFFFFFFFF


def _expected_signature(schema, name: str, value) -> int:
    if value is None:
        return 0
    return _terms_signature(term for term, *_ in schema[name].index(value))


def _actual_signatures(reader, name: str) -> dict[int, int]:
    """docnum -> signature of the terms the index holds for it in an unstored field."""
    signatures: dict[int, int] = {}
    for term in reader.lexicon(name):
        for docnum in reader.postings(name, term).all_ids():
            signatures[docnum] = (signatures.get(docnum, 0) + hash(term)) & 0xFFFFFFFFFFFFFFFF
    return signatures


def check(deep: bool = True) -> Drift:
    """Compare the index with every kind's documents as ``documents(row)`` gives them now.

    Stored fields are compared by value; the fields the index does not store (``place``,
    ``visibility``, ``words``) by the set of terms the index holds for each document
    (``deep=False`` skips them).
    """
    drift = Drift(state=state())
    ix = open_index()
    schema = build_schema()
    expected: dict[str, dict] = {}
    with read_only_session():
        drift.pending = db.session.scalar(select(func.count()).select_from(SearchOutbox)) or 0
        for kind in registry.kinds().values():
            for row in kind.all_rows():
                for document in documents_for(kind, row, schema):
                    expected[document["id"]] = document
    if ix is None:
        drift.missing = sorted(expected)
        return drift
    drift.schema = _schema_difference(ix, Path(ix.storage.folder))
    shared = [name for name in schema.names() if name in ix.schema.names()]
    stored = [name for name in shared if schema[name].stored]
    unstored = [name for name in _unstored_fields(schema) if name in shared] if deep else []
    with ix.searcher() as searcher:
        reader = searcher.reader()
        actual = {fields.get("id"): (docnum, fields) for docnum, fields in reader.iter_docs()}
        drift.documents = len(actual)
        signatures = {name: _actual_signatures(reader, name) for name in unstored}
    drift.missing = sorted(set(expected) - set(actual))
    drift.extra = sorted(str(key) for key in set(actual) - set(expected))
    for doc_id in sorted(set(expected) & set(actual)):
        want, (docnum, have) = expected[doc_id], actual[doc_id]
        if any(want.get(name) != have.get(name) for name in stored) or any(
                _expected_signature(schema, name, want.get(name))
                != signatures[name].get(docnum, 0) for name in unstored):
            drift.stale.append(doc_id)
    return drift
