"""The staff queue at scale: how it searches folios and names, what it counts and that every
filter reads a page from an index (issue 14's target: the queue at 100,000 requests).

The HTTP side (the page shows the open states' counts) is at the end."""

import pytest
from sqlalchemy import text

from community.advisory import queries, services
from community.advisory.models import OPEN_STATES
from community.advisory.queries import QueueFilters
from community.extensions import db as _db
from tests.conftest import client_as

QUEUE = "/personal/asesorias"


def _folios(page) -> list[str]:
    return [req.folio for req in page.items]


def _with_folio(req, folio: str):
    req.folio = folio
    _db.session.commit()
    return req


@pytest.fixture
def numbered(db, make_request):
    """Requests whose folios sit at the edges of a prefix range, newest first below."""
    folios = ["ASE-2026-ZZ234", "ASE-2026-9ZZZZ", "ASE-2026-A2345", "ASE-2027-22222"]
    return {folio: _with_folio(make_request(), folio) for folio in folios}


@pytest.mark.parametrize("typed, expected", [
    ("ASE-2026-ZZ234", ["ASE-2026-ZZ234"]),                       # a whole folio
    ("ase-2026-zz234", ["ASE-2026-ZZ234"]),                       # as people type it
    ("ASE-2026-ZZ", ["ASE-2026-ZZ234"]),                          # the last letter carries
    ("ASE-2026-9", ["ASE-2026-9ZZZZ"]),                           # a digit before the letters
    ("ASE-2026-", ["ASE-2026-A2345", "ASE-2026-9ZZZZ", "ASE-2026-ZZ234"]),
    ("ASE-2026", ["ASE-2026-A2345", "ASE-2026-9ZZZZ", "ASE-2026-ZZ234"]),
    ("ASE-", ["ASE-2027-22222", "ASE-2026-A2345", "ASE-2026-9ZZZZ", "ASE-2026-ZZ234"]),
    ("ASE-2026-Z%", []),                                          # no folio has a %
    ("ASE-2026-ZZ2345", []),                                      # longer than any folio
])
def test_a_folio_or_its_beginning_finds_exactly_those_folios(numbered, typed, expected):
    assert _folios(queries.queue(QueueFilters(q=typed), 1, 50)) == expected


def test_a_folio_is_found_whatever_its_state(db, make_request):
    done = make_request(state="concluida")
    assert _folios(queries.queue(QueueFilters(q=done.folio), 1, 50)) == [done.folio]
    assert _folios(queries.queue(QueueFilters(q=done.folio[:-1]), 1, 50)) == [done.folio]


def test_a_name_is_searched_among_open_requests_unless_a_state_is_chosen(db, make_request):
    open_one = make_request(proposed_name="Colectivo Girasol", state="en_espera")
    concluded = make_request(proposed_name="Girasoles Unidos", state="concluida")
    cancelled = make_request(contact_name="Ana Girasol", state="cancelada")

    def found(**filters):
        return _folios(queries.queue(QueueFilters(q="girasol", **filters), 1, 50))

    assert found() == [open_one.folio]
    assert found(state="concluida") == [concluded.folio]
    assert found(state="cancelada") == [cancelled.folio]
    assert found(state="recibida") == []


def test_a_request_that_expired_unconfirmed_never_entered_the_queue(db, make_request, clock):
    clock.set_local(2026, 3, 2)
    expired = make_request(state="por_confirmar")
    clock.advance(days=30)
    assert services.expire_unconfirmed() == 1
    _db.session.commit()
    kept = make_request()
    assert expired.state == "cancelada" and expired.confirmed_at is None
    assert _folios(queries.queue(QueueFilters(), 1, 50)) == [kept.folio]
    assert _folios(queries.queue(QueueFilters(state="cancelada"), 1, 50)) == []
    assert queries.state_counts() == {"recibida": 1}


def test_state_counts_of_the_open_states_only(db, make_request):
    for state in ("recibida", "recibida", "en_espera", "concluida", "cancelada"):
        make_request(state=state)
    assert queries.state_counts(OPEN_STATES) == {"recibida": 2, "en_espera": 1}
    assert queries.state_counts() == {"recibida": 2, "en_espera": 1, "concluida": 1,
                                      "cancelada": 1}


def test_later_pages_and_their_count(db, make_request, clock):
    clock.set_local(2026, 3, 2)
    make_request(state="por_confirmar")  # not in the queue, not in its count
    made = []
    for _ in range(5):
        clock.advance(hours=1)
        made.append(make_request().folio)
    newest_first = made[::-1]
    pages = [queries.queue(QueueFilters(), number, 2) for number in (1, 2, 3, 4)]
    assert [_folios(page) for page in pages] == [newest_first[:2], newest_first[2:4],
                                                 newest_first[4:], []]
    assert {page.total for page in pages} == {5}
    assert queries.queue(QueueFilters(state="recibida"), 2, 2).total == 5
    assert (pages[0].pages, pages[2].has_next, pages[1].has_prev) == (3, False, True)


def test_same_moment_requests_are_ordered_by_id_on_every_page(db, make_request, clock):
    clock.set_local(2026, 3, 2)
    made = [make_request() for _ in range(3)]  # the same confirmed_at (the clock stands)
    first, second = (queries.queue(QueueFilters(), page, 2) for page in (1, 2))
    assert _folios(first) + _folios(second) == [req.folio for req in made[::-1]]


# --- the plans: each filter reads its page and its count from an index ----------------------

INDEXED = [
    ("no filter", {}, "ix_advisory_request_confirmed_at"),
    ("state", {"state": "en_atencion"}, "ix_advisory_request_state_queue"),
    ("topic", {"topic": "cluni"}, "ix_advisory_request_topic_confirmed"),
    ("municipality", {"municipality": "15058"}, "ix_advisory_request_municipality_confirmed"),
    ("assignee", {"assignee": 7}, "ix_advisory_request_assignee_confirmed"),
    ("nobody", {"assignee": "none"}, "ix_advisory_request_assignee_confirmed"),
]


def _plan(stmt) -> list[str]:
    compiled = stmt.compile(_db.engine, compile_kwargs={"literal_binds": True})
    return [row[-1] for row in _db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))]


@pytest.fixture
def sqlite_only(db):
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("the plans checked are SQLite's")


@pytest.mark.parametrize("label, filters, index", INDEXED, ids=[c[0] for c in INDEXED])
def test_each_filter_reads_its_page_and_count_from_its_index(sqlite_only, label, filters,
                                                             index):
    wanted = QueueFilters(**filters)
    statements = [queries.queue_ids_statement(wanted, 50, 2450)]
    if filters:
        statements.append(queries.queue_count_statement(wanted))
    for stmt in statements:
        plan = _plan(stmt)  # one step: no table, no sort
        assert len(plan) == 1 and plan[0].startswith(
            f"SEARCH advisory_request USING COVERING INDEX {index} "), (label, plan)


def test_the_whole_queue_is_counted_without_reading_rows(sqlite_only):
    plan = _plan(queries.queue_count_statement(QueueFilters(viewer_id=3)))
    assert all(step.startswith(("SCAN CONSTANT ROW", "SCALAR SUBQUERY"))
               or " USING COVERING INDEX " in step for step in plan), plan


@pytest.mark.parametrize("filters", [{"overdue": True}, {"q": "Girasol"}],
                         ids=["overdue", "name"])
def test_overdue_and_name_search_read_the_state_index_not_the_table(sqlite_only, filters):
    wanted = QueueFilters(**filters)
    for stmt in (queries.queue_ids_statement(wanted), queries.queue_count_statement(wanted)):
        plan = _plan(stmt)
        assert plan[0].startswith(
            "SEARCH advisory_request USING COVERING INDEX ix_advisory_request_state_queue"), plan


def test_a_folio_beginning_reads_the_folio_index(sqlite_only):
    plan = _plan(queries.queue_ids_statement(QueueFilters(q="ASE-2026-7E")))
    assert plan[0].startswith("SEARCH advisory_request USING INDEX "
                              "sqlite_autoindex_advisory_request_1 (folio>? AND folio<?)"), plan


def test_the_map_counts_from_its_covering_index(sqlite_only):
    from sqlalchemy import func, select

    from community.advisory.models import AdvisoryRequest

    plan = _plan(select(AdvisoryRequest.municipality_code, AdvisoryRequest.topic, func.count())
                 .where(AdvisoryRequest.state.in_(OPEN_STATES))
                 .group_by(AdvisoryRequest.municipality_code, AdvisoryRequest.topic))
    assert plan[0].startswith("SEARCH advisory_request USING COVERING INDEX "
                              "ix_advisory_request_state_municipality_topic"), plan


# --- the page --------------------------------------------------------------------------------


def test_the_queue_page_counts_the_open_states(app, db, make_request, staff):
    make_request(state="en_espera")
    make_request(state="concluida")
    body = client_as(app, staff).get(QUEUE).get_data(as_text=True)
    counts = body.split('id="state-counts"', 1)[1].split("</p>", 1)[0]
    assert "En espera del solicitante: <strong>1</strong>" in counts
    assert "Recibida: <strong>0</strong>" in counts
    assert "Concluida" not in counts and "Cancelada" not in counts


def test_the_map_counts_what_it_ranks(app, db, make_request, staff):
    make_request(municipality_code="15058", topic="cluni")
    make_request(municipality_code="15058", topic="fiscal", state="asignada")
    make_request(municipality_code="15106", state="concluida")
    body = client_as(app, staff).get(f"{QUEUE}/mapa").get_data(as_text=True)
    assert "2 solicitudes pendientes" in body and "en 1 municipio." in body
    assert "CLUNI (1)" in body and "Fiscal y contable (1)" in body
