"""The index stays equal to the database: outbox in the same transaction, drain after commit,
one writer at a time, leftovers drained at start, reindex that swaps atomically, check."""

import dataclasses
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

import community.profiles.search  # noqa: F401 - registers the "organization" kind
from community import config as app_config
from community import create_app
from community.core.text import fold
from community.extensions import db as _db
from community.profiles import services
from community.profiles.models import Organization
from community.search import index, outbox, registry
from community.search.models import SearchOutbox
from tests.conftest import _database_url, post_form, sign_in


@pytest.fixture
def idx(app, tmp_path):
    """A private index folder for the test (the app's config is restored afterwards)."""
    app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "search-index")
    app.config["SEARCH_DRAIN_TIMEOUT"] = 2.0
    return Path(app.config["SEARCH_INDEX_DIR"])


@pytest.fixture
def staff(make_user):
    return make_user(role="staff", email="personal@edomex.mx", name="Personal DGPS")


@pytest.fixture
def make_org(db, make_user, staff):
    counter = {"n": 0}

    def factory(name=None, status="validated", mission="Apoyo a mujeres emprendedoras."):
        counter["n"] += 1
        admin = make_user(name=f"Admin {counter['n']}")
        org = services.register(admin, {
            "name": name or f"Organización de Prueba {counter['n']}",
            "municipality_code": "15106", "activities": ["IX"], "mission": mission})
        db.session.flush()
        if status in ("validated", "inactive"):
            services.validate(staff, org)
        if status == "inactive":
            services.deactivate(staff, org, "Dejó de operar.")
        db.session.commit()
        org.admin = admin
        return org

    return factory


def indexed() -> dict[str, dict]:
    ix = index.open_index()
    assert ix is not None, "no index"
    with ix.searcher() as searcher:
        return {fields["id"]: fields for fields in searcher.all_stored_fields()}


def outbox_count() -> int:
    return _db.session.scalar(select(func.count()).select_from(SearchOutbox))


def pending() -> int:
    """Outbox rows, read in a session of its own (the test's holds no lock then)."""
    with index.read_only_session():
        return outbox_count()


def assert_in_step():
    drift = index.check()
    assert not drift, drift.lines()
    assert pending() == 0


def test_index_follows_creates_updates_status_changes_and_deletes(idx, db, make_org, staff):
    org = make_org(name="Mujeres Unidas de Toluca")
    pending_org = make_org(status="pending")
    key = f"organization:{org.id}"
    assert indexed()[key]["title"] == "Mujeres Unidas de Toluca"
    assert f"organization:{pending_org.id}" not in indexed()
    assert_in_step()

    services.update_profile(staff, org, {"name": "Mujeres Unidas del Valle",
                                         "municipality_code": "15058", "activities": ["VI"],
                                         "mission": "Talleres de capacitación."})
    db.session.commit()
    document = indexed()[key]
    assert document["title"] == "Mujeres Unidas del Valle"
    assert document["municipality"] == "15058" and document["areas"] == "VI"
    assert "capacitación" in document["body"]
    assert_in_step()

    services.deactivate(staff, org, "Dejó de operar.")  # validated -> inactive: gone
    db.session.commit()
    assert key not in indexed()
    services.validate(staff, pending_org)  # pending -> validated: present
    db.session.commit()
    assert f"organization:{pending_org.id}" in indexed()
    assert_in_step()

    services.validate(staff, org)
    db.session.commit()
    assert key in indexed()
    db.session.delete(org)
    db.session.commit()
    assert key not in indexed()
    assert_in_step()


def test_rollback_indexes_nothing(idx, db, make_org, make_user):
    make_org()
    before = indexed()
    admin = make_user()
    org = services.register(admin, {"name": "Nunca Guardada", "municipality_code": "15106",
                                    "activities": ["IX"]})
    org.status = "validated"
    db.session.flush()
    assert outbox_count() > 0  # written in the transaction...
    db.session.rollback()
    assert outbox_count() == 0  # ...and gone with it
    assert indexed() == before
    assert_in_step()


def test_related_rows_reindex_their_organization(idx, db, make_org, staff):
    org = make_org()
    services.update_profile(staff, org, {"name": org.name, "municipality_code": "15106",
                                         "activities": ["IX"], "populations": ["mujeres"]})
    db.session.commit()
    assert "Mujeres" in indexed()[f"organization:{org.id}"]["body"]
    assert_in_step()


def _writer_process(instance_dir: str, index_dir: str, label: str, count: int) -> None:
    """Another server process: its own app, engine and sessions, committing one by one."""

    config = app_config.TestConfig(Path(instance_dir), _database_url())
    config.SEARCH_INDEX_DIR = index_dir
    app = create_app(config)
    app.config["SEARCH_DRAIN_TIMEOUT"] = 0.5
    with app.app_context():
        orgs = []
        for n in range(count):
            name = f"Colectivo {label} {n}"
            org = Organization(slug=f"colectivo-{label}-{n}", name=name, name_folded=fold(name),
                               status="validated", municipality_code="15106")
            _db.session.add(org)
            _db.session.commit()
            orgs.append(org)
        for org in orgs[::2]:
            org.name = org.name + " renovado"
            org.name_folded = fold(org.name)
            _db.session.commit()
        _db.engine.dispose()


def test_two_processes_writing_at_once_lose_nothing(idx, app, db, instance_dir):
    index.reindex()
    db.session.commit()
    context = multiprocessing.get_context("spawn")
    count = 12
    workers = [context.Process(target=_writer_process,
                               args=(str(instance_dir), str(idx), label, count))
               for label in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    outbox.drain(app, timeout=10)  # whatever a busy lock left behind
    documents = indexed()
    titles = sorted(document["title"] for document in documents.values())
    assert len(documents) == 2 * count
    assert sum(title.endswith("renovado") for title in titles) == count
    assert_in_step()


def test_crash_between_commit_and_drain_is_drained_at_next_start(
        idx, app, db, make_org, monkeypatch, instance_dir):
    index.reindex()

    def crash(*_args, **_kwargs):
        raise RuntimeError("the process died right after commit")

    monkeypatch.setattr(outbox, "drain", crash)
    org = make_org(name="Fundación Que Sobrevive")  # the commit itself succeeds
    key = f"organization:{org.id}"
    db.session.commit()  # SQLite: the test's session lets go of the write lock
    assert key not in indexed()
    assert pending() > 0
    monkeypatch.undo()

    config = app_config.TestConfig(instance_dir, _database_url())
    config.SEARCH_INDEX_DIR = str(idx)
    restarted = create_app(config)  # init_app drains the leftovers
    with restarted.app_context():
        _db.engine.dispose()
    db.session.rollback()
    assert indexed()[key]["title"] == "Fundación Que Sobrevive"
    assert_in_step()


def test_busy_writer_lock_never_fails_the_request(idx, app, db, client, make_org, staff):
    app.config["SEARCH_DRAIN_TIMEOUT"] = 0.2
    index.reindex()
    org = make_org(status="pending")
    org_id, key, url = org.id, f"organization:{org.id}", f"/personal/osc/{org.slug}/decision"
    sign_in(client, staff.email)
    with index.writer_lock():  # another process is writing the index
        response = post_form(client, url, {"decision": "validate"}, page="/personal/registro")
        assert response.status_code in (302, 303)
        db.session.expire_all()
        assert db.session.get(Organization, org_id).status == "validated"
        db.session.commit()  # SQLite: the test's session lets go of the write lock
        assert pending() > 0
        assert outbox.drain(app, timeout=0.1) == 0  # still busy: nothing lost, nothing raised
    assert key not in indexed()
    assert outbox.drain(app) > 0  # the next drain picks the rows up
    assert key in indexed()
    assert_in_step()


def test_content_version_changes_with_every_commit_and_reindex(idx, db, make_org):
    assert index.content_version() == "missing"
    make_org()
    index.reindex()
    first = index.content_version()
    assert first != "missing" and index.content_version() == first  # stable while unchanged
    make_org()  # its commit drains the outbox into the index: a Whoosh commit
    second = index.content_version()
    assert second != first
    index.reindex()
    assert index.content_version() not in (first, second)


def test_a_directory_page_cached_before_the_drain_does_not_outlive_it(idx, app, db,
                                                                       make_org):
    """The registry's version rises at commit, the index catches up just after: a visitor
    in between gets the old results, but that page is not what the next visitors get."""
    app.config["SEARCH_DRAIN_TIMEOUT"] = 0.2
    make_org(name="Comedor del Centro", mission="Un comedor comunitario.")
    index.reindex()
    visitor = app.test_client()
    assert "Comedor del Centro" in visitor.get("/osc?q=comedor").get_data(as_text=True)
    with index.writer_lock():  # the drain after the next commit cannot write yet
        make_org(name="Comedor de la Sierra", mission="Otro comedor comunitario.")
        db.session.commit()  # SQLite: the test's session lets go of the write lock
        before = visitor.get("/osc?q=comedor").get_data(as_text=True)
        assert "Comedor de la Sierra" not in before  # the index has not caught up
    assert outbox.drain(app) > 0
    for page in ("/osc?q=comedor", "/api/v1/osc?q=comedor", "/osc/municipios/15106?q=comedor"):
        assert "Comedor de la Sierra" in visitor.get(page).get_data(as_text=True), page


def test_interrupted_reindex_leaves_the_old_index_serving(idx, db, make_org, staff,
                                                          monkeypatch):
    orgs = [make_org() for _ in range(4)]
    index.reindex()
    generation, before = index.index_generation(), indexed()
    assert len(before) == 4
    kind = registry.kinds()["organization"]

    def broken_rows():
        for n, row in enumerate(kind.all_rows()):
            if n == 2:
                raise RuntimeError("killed halfway")
            yield row

    monkeypatch.setitem(registry._KINDS, "organization",
                        dataclasses.replace(kind, all_rows=broken_rows))
    with pytest.raises(RuntimeError):
        index.reindex()
    assert index.index_generation() == generation
    assert indexed() == before and index.state() == "ok"
    assert [p.name for p in idx.parent.iterdir() if ".gen-" in p.name] == [generation]
    monkeypatch.undo()

    # A reindex killed outright leaves its folder and its marker: both are harmless.
    leftover = idx.with_name(idx.name + ".gen-19990101T000000-000000000")
    leftover.mkdir()
    idx.with_name(idx.name + ".reindex.json").write_text('{"applied": 0}')
    services.deactivate(staff, orgs[0], "Cerró.")
    db.session.commit()
    assert f"organization:{orgs[0].id}" not in indexed()  # the stale marker is ignored
    assert pending() == 0
    index.reindex()
    assert not leftover.exists()
    assert_in_step()


def test_changes_committed_during_a_reindex_are_not_lost(idx, app, db, make_org, monkeypatch):
    first_id = make_org(name="Primera").id
    make_org(name="Segunda")
    db.session.commit()  # SQLite: the test's session holds no lock during the reindex
    index.reindex()
    kind = registry.kinds()["organization"]
    created = {}

    def rows_with_a_concurrent_write():
        for n, row in enumerate(kind.all_rows()):
            yield row
            if n == 0:  # another request commits while the new index is being built
                with app.app_context():
                    name = "Llegó Durante la Reconstrucción"
                    org = Organization(slug="durante", name=name, name_folded=fold(name),
                                       status="validated", municipality_code="15106")
                    _db.session.add(org)
                    renamed = _db.session.get(Organization, first_id)
                    renamed.name = "Primera Renombrada"
                    _db.session.commit()
                    created["id"] = org.id
                    # the drain kept the old index current, and kept the rows too
                    assert indexed()[f"organization:{first_id}"]["title"] == (
                        "Primera Renombrada")
                    assert outbox_count() > 0

    monkeypatch.setitem(registry._KINDS, "organization",
                        dataclasses.replace(kind, all_rows=rows_with_a_concurrent_write))
    index.reindex()
    monkeypatch.undo()
    db.session.rollback()
    documents = indexed()
    assert documents[f"organization:{created['id']}"]["title"] == (
        "Llegó Durante la Reconstrucción")
    assert documents[f"organization:{first_id}"]["title"] == "Primera Renombrada"
    assert_in_step()


def test_deleted_index_folder_pages_still_serve_and_reindex_restores(
        idx, app, db, client, runner, make_org):
    org = make_org(name="Red Ciudadana")
    assert client.get("/healthz").get_json()["checks"]["search"] == "ok"
    shutil.rmtree(os.path.realpath(idx))
    assert client.get("/").status_code == 200
    assert client.get(f"/osc/{org.slug}").status_code == 200
    assert client.get("/healthz").get_json()["checks"]["search"] == "missing"
    assert index.open_index() is None
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert client.get("/healthz").get_json()["checks"]["search"] == "ok"
    assert f"organization:{org.id}" in indexed()
    assert_in_step()


def test_search_check_exits_1_on_drift_and_0_after_reindex(
        idx, db, runner, make_org, monkeypatch):
    kept = make_org(name="Indexada")
    assert runner.invoke(args=["search", "check"]).exit_code == 0

    monkeypatch.setattr(outbox, "drain", lambda *_a, **_k: 0)  # a change the index missed
    missed = make_org(name="No Indexada")
    kept.name = "Renombrada Sin Índice"
    db.session.commit()
    monkeypatch.undo()
    _db.session.execute(SearchOutbox.__table__.delete())
    db.session.commit()
    ix = index.open_index()
    with ix.writer() as writer:
        writer.add_document(id="organization:999999", kind="organization", title="Fantasma")
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"organization:{missed.id}" in result.output  # missing
    assert "organization:999999" in result.output  # extra
    assert f"organization:{kept.id}" in result.output  # stale

    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output


def test_check_notices_unstored_fields_and_schema_version(idx, db, make_org, monkeypatch):
    org = make_org()
    index.reindex()
    assert not index.check()
    ix = index.open_index()
    document = index.documents_for(registry.kinds()["organization"], org, ix.schema)[0]
    with ix.writer() as writer:  # same stored fields, but visible to members only
        writer.update_document(**{**document, "visibility": "members:1"})
    assert index.check().stale == [f"organization:{org.id}"]
    assert not index.check(deep=False)

    index.reindex()
    meta = Path(os.path.realpath(idx)) / index.META_FILE
    meta.write_text('{"schema_version": 0}')
    drift = index.check()
    assert drift.schema and drift


def test_health_and_drain_commands(idx, db, runner, client, make_org, monkeypatch):
    monkeypatch.setattr(outbox, "drain", lambda *_a, **_k: 0)
    make_org()
    monkeypatch.undo()
    result = runner.invoke(args=["search", "drain"])
    assert result.exit_code == 0 and "cambios aplicados" in result.output
    assert pending() == 0
    assert client.get("/healthz").get_json()["checks"]["search"] == "ok"
    assert_in_step()


def test_a_first_reindex_reports_rebuilding_and_a_second_one_is_refused(
        idx, app, db, client, runner, make_org, monkeypatch):
    make_org()
    make_org()
    kind = registry.kinds()["organization"]
    seen = {}

    def watched_rows():
        for row in kind.all_rows():
            seen.setdefault("state", index.state())
            seen.setdefault("health", client.get("/healthz").get_json()["checks"]["search"])
            seen.setdefault("second", runner.invoke(args=["search", "reindex"]))
            yield row

    monkeypatch.setitem(registry._KINDS, "organization",
                        dataclasses.replace(kind, all_rows=watched_rows))
    shutil.rmtree(os.path.realpath(idx))  # as on a first install, or after losing the disk
    idx.unlink()
    assert index.open_index() is None and index.state() == "missing"
    index.reindex()
    assert seen["state"] == seen["health"] == "rebuilding"
    assert seen["second"].exit_code == 1 and "en curso" in seen["second"].output
    monkeypatch.undo()
    assert index.state() == "ok" and len(indexed()) == 2
    assert_in_step()
