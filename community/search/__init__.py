"""Search: one Whoosh index fed from the database through an outbox.

``init_app(app)`` joins an app to it: the ``/buscar`` pages, the ``flask search`` commands,
the ``search`` health check, the drain after each commit that wrote outbox rows, and a drain
at start for whatever a crash left behind. Feature modules join by registering a kind
(``registry.register``).
"""

import logging

from flask import Blueprint, Flask
from sqlalchemy import inspect

from community.core.database import transaction_kind
from community.extensions import db

logger = logging.getLogger(__name__)

bp = Blueprint("search", __name__)


def init_app(app: Flask) -> None:
    if "search" in app.extensions:
        return
    from community.search import index, outbox  # noqa: F401 - installs the outbox listeners
    from community.search.cli import search_cli
    from community.search.service import service

    service.resize_postings(app.config["SEARCH_POSTINGS_CACHE_MB"] * 1024 * 1024)
    app.config.setdefault("SEARCH_DRAIN_TIMEOUT", 2.0)
    app.config.setdefault("SEARCH_START_DRAIN_TIMEOUT", 10.0)
    app.extensions["search"] = {"drain": outbox.drain}
    app.extensions.setdefault("health_checks", {})["search"] = index.state
    app.cli.add_command(search_cli)
    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
    _drain_leftovers(app)


def _drain_leftovers(app: Flask) -> None:
    """At start: apply what a crash left in the outbox; give a fresh install an empty index."""
    from community.search import index, outbox, registry
    from community.search.models import SearchOutbox

    try:
        with app.app_context(), transaction_kind(True):
            if not inspect(db.engine).has_table(SearchOutbox.__tablename__):
                return  # before `flask db upgrade`
            if index.open_index() is None and not index.reindex_running():
                _create_if_nothing_to_index(app, index, registry)
        outbox.drain(app, timeout=app.config["SEARCH_START_DRAIN_TIMEOUT"])
    except Exception:  # noqa: BLE001 - the site must start even when search cannot
        logger.exception("search: could not drain the outbox at start")
    finally:
        with app.app_context():
            db.engine.dispose()  # no pooled connection survives into forked workers


def _create_if_nothing_to_index(app: Flask, index, registry) -> None:
    """An empty database gets an empty (and so complete) index; a missing index over existing
    rows stays missing, reported by /healthz, until ``flask search reindex``."""
    with index.read_only_session(app):
        for kind in registry.kinds().values():
            if next(iter(kind.all_rows()), None) is not None:
                logger.warning("search: no index at %s; run `flask search reindex`",
                               index.index_path())
                return
    try:
        with app.app_context(), index.writer_lock(1.0):
            if index.open_index() is None:
                index.create_empty()
    except index.LockBusy:
        pass  # another process is on it


from community.search import views  # noqa: E402, F401 - the routes of ``bp``
