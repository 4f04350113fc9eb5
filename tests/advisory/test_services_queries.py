"""Advisory's read side: the staff queue and its filters, the municipality ranking, the map's
counts and the console's; each in a fixed number of queries, never one per row."""

import pytest

from community.advisory import queries, services
from community.advisory.queries import QueueFilters
from tests.conftest import count_queries

TOLUCA, ECATEPEC, NEZA = "15106", "15033", "15058"


def _folios(page) -> list[str]:
    return [req.folio for req in page.items]


@pytest.fixture
def spread(db, make_request, staff, advisor, clock, citizen):
    """Requests in three municipalities, states and topics, confirmed a day apart."""
    made = {}
    plan = [("a", TOLUCA, "constituir", "recibida"), ("b", TOLUCA, "cluni", "asignada"),
            ("c", TOLUCA, "constituir", "en_espera"), ("d", ECATEPEC, "fiscal", "en_atencion"),
            ("e", ECATEPEC, "fiscal", "concluida"), ("f", NEZA, "otro", "cancelada"),
            ("g", NEZA, "donataria", "por_confirmar")]
    for day, (key, place, topic, state) in enumerate(plan, start=2):
        clock.set_local(2026, 3, day)
        made[key] = make_request(None, state=state, municipality_code=place, topic=topic,
                                 proposed_name=f"Grupo {key.upper()}")
    services.assign(staff, made["d"], advisor.id)
    db.session.commit()
    return made


def test_queue_is_newest_first_and_never_shows_unconfirmed(db, spread):
    page = queries.queue(QueueFilters(), 1, 50)
    assert _folios(page) == [spread[k].folio for k in "fedcba"]
    assert page.total == 6


@pytest.mark.parametrize("filters, expected", [
    (QueueFilters(state="en_espera"), "c"),
    (QueueFilters(state="por_confirmar"), ""),
    (QueueFilters(topic="constituir"), "ca"),
    (QueueFilters(municipality=ECATEPEC), "ed"),
    (QueueFilters(municipality=TOLUCA, topic="cluni"), "b"),
    (QueueFilters(assignee="none"), "fa"),
    (QueueFilters(q="grupo d"), "d"),
    (QueueFilters(q="GRUPO"), "dcba"),  # names: among the open requests
    (QueueFilters(q="GRUPO", state="concluida"), "e"),
    (QueueFilters(q="100%_"), ""),
])
def test_queue_filters(db, spread, filters, expected):
    assert _folios(queries.queue(filters, 1, 50)) == [spread[k].folio for k in expected]


def test_queue_by_assignee_and_mine(db, spread, staff, advisor):
    assert _folios(queries.queue(QueueFilters(assignee=advisor.id), 1, 50)) == [
        spread["d"].folio]
    mine = QueueFilters(assignee="mine", viewer_id=staff.id)
    assert _folios(queries.queue(mine, 1, 50)) == [spread[k].folio for k in "ecb"]
    assert _folios(queries.queue(QueueFilters(assignee="mine"), 1, 50)) == []


def test_queue_by_folio(db, spread):
    folio = spread["b"].folio
    assert _folios(queries.queue(QueueFilters(q=folio.lower()), 1, 50)) == [folio]
    assert folio in _folios(queries.queue(QueueFilters(q=folio[:-1]), 1, 50))


def test_overdue_filter_and_console_counts(db, spread, clock):
    # first contact due: a on 4 March, b on 5 March; d had it (en atención), c waits
    clock.set_local(2026, 3, 4, hour=23)
    assert queries.console_counts() == (1, 0, 1)
    clock.set_local(2026, 3, 6)
    assert queries.console_counts() == (1, 2, 1)
    clock.set_local(2026, 3, 11)
    overdue = _folios(queries.queue(QueueFilters(overdue=True), 1, 50))
    assert overdue == [spread[k].folio for k in "ba"]
    for key in "ab":
        assert services.due_dates(spread[key]).first_contact_overdue
    assert not services.due_dates(spread["c"]).conclusion_overdue  # paused
    clock.set_local(2026, 6, 1)  # every conclusion is past, but c waits and e, f are closed
    assert _folios(queries.queue(QueueFilters(overdue=True), 1, 50)) == [
        spread[k].folio for k in "dba"]
    with count_queries() as statements:
        counts = queries.console_counts()
    assert counts == (1, 3, 1) and len(_sql(statements)) == 1


def test_state_counts(db, spread):
    assert queries.state_counts() == {"recibida": 1, "asignada": 1, "en_espera": 1,
                                      "en_atencion": 1, "concluida": 1, "cancelada": 1}


def test_municipality_ranking_and_map_counts(db, spread):
    ranking = queries.municipality_pending()
    assert [(m.code, total, topics) for m, total, topics in ranking] == [
        (TOLUCA, 3, {"constituir": 2, "cluni": 1}), (ECATEPEC, 1, {"fiscal": 1})]
    assert queries.pending_counts_by_municipality() == {TOLUCA: 3, ECATEPEC: 1}


def test_requests_of_user_and_organization(db, make_request, citizen, osc, other_citizen):
    own = make_request(citizen)
    for_osc = make_request(osc.admin, requester_kind="osc", organization_id=str(osc.id))
    assert queries.requests_of_user(citizen) == [own]
    assert queries.requests_of_user(other_citizen) == []
    assert queries.requests_of_user(None) == []
    assert queries.requests_of_organization(osc.id) == [for_osc]


def _grow(make_request, staff, osc, count: int) -> None:
    """``count`` requests, each with an assignee, a linked OSC, in two municipalities."""
    for n in range(count):
        req = make_request(osc.admin, requester_kind="osc", organization_id=str(osc.id),
                           municipality_code=TOLUCA if n % 2 else NEZA,
                           topic="cluni" if n % 3 else "fiscal")
        services.assign(staff, req, staff.id)


def _read_queue_page() -> int:
    with count_queries() as statements:
        page = queries.queue(QueueFilters(), 1, 50)
        shown = [(req.municipality.name, req.assignee.name, req.organization.name)
                 for req in page.items]
    assert len(shown) == len(page.items)
    return len(_sql(statements))


def _sql(statements: list[str]) -> list[str]:
    """The statements that read data (not the transaction's BEGIN)."""
    return [s for s in statements if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))]


def _read_ranking() -> int:
    with count_queries() as statements:
        names = [municipality.name for municipality, _total, _topics
                 in queries.municipality_pending()]
    assert all(names)
    return len(_sql(statements))


def test_lists_take_a_fixed_number_of_queries(db, make_request, staff, osc):
    _grow(make_request, staff, osc, 2)
    db.session.commit()
    db.session.expire_all()
    few = (_read_queue_page(), _read_ranking())
    _grow(make_request, staff, osc, 10)
    db.session.commit()
    db.session.expire_all()
    assert (_read_queue_page(), _read_ranking()) == few
    assert few[0] <= 2 and few[1] <= 2
