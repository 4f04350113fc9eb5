"""Read-only lists and counts of advisory requests, for the staff queue, the console tile,
the map, the indicators and the bench.

Each function issues a fixed number of queries whatever the number of rows: lists load what
they show with the rows (municipality, assignee, OSC), counts are one GROUP BY or one row of
conditional counts. "Overdue" is decided in SQL on the due dates kept on each request
(``services._refresh_dues``), with today's date in Mexico City from ``services.today``.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from community.advisory import services
from community.advisory.models import OPEN_STATES, AdvisoryRequest
from community.core.models import Municipality
from community.extensions import db

#: Open and counting: a request waiting on its requester (en_espera) has its clock paused.
RUNNING_STATES = ("recibida", "asignada", "en_atencion")
Q_MAX = 100


@dataclass(frozen=True)
class QueueFilters:
    """The staff queue's filters; None (or False) means "any".

    ``assignee``: a staff person's id, ``"none"`` (nobody yet) or ``"mine"``, which needs
    ``viewer_id`` (the person looking; without it "mine" matches nothing).
    ``q``: a folio (or its beginning) or words of the proposed OSC name or the contact name.
    """

    state: str | None = None
    topic: str | None = None
    municipality: str | None = None
    assignee: int | str | None = None
    overdue: bool = False
    q: str | None = None
    viewer_id: int | None = None


def overdue_condition(on: date | None = None):
    """Open, not paused, and past a due date: the conclusion, or a first contact that has
    not happened."""
    on = on or services.today()
    return and_(
        AdvisoryRequest.state.in_(RUNNING_STATES),
        or_(AdvisoryRequest.conclusion_due < on,
            and_(AdvisoryRequest.first_contact_at.is_(None),
                 AdvisoryRequest.first_contact_due < on)))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(stmt, q: str):
    q = " ".join(q.split())[:Q_MAX]
    if not q:
        return stmt
    folio = q.upper()
    if folio.startswith("ASE-"):
        return stmt.where(AdvisoryRequest.folio.startswith(folio, autoescape=True))
    pattern = _like(q)
    return stmt.where(or_(AdvisoryRequest.folio == folio,
                          AdvisoryRequest.proposed_name.ilike(pattern, escape="\\"),
                          AdvisoryRequest.contact_name.ilike(pattern, escape="\\")))


def _assignee(stmt, assignee, viewer_id):
    if assignee == "none":
        return stmt.where(AdvisoryRequest.assignee_id.is_(None))
    if assignee == "mine":
        return stmt.where(AdvisoryRequest.assignee_id == (viewer_id or -1))
    return stmt.where(AdvisoryRequest.assignee_id == assignee)


def queue_statement(filters: QueueFilters):
    """The queue's SELECT (newest first), without paging: the bench and tests read it too."""
    stmt = (select(AdvisoryRequest)
            .options(joinedload(AdvisoryRequest.municipality),
                     joinedload(AdvisoryRequest.assignee),
                     joinedload(AdvisoryRequest.organization).lazyload("*"))
            .where(AdvisoryRequest.state != "por_confirmar")
            .order_by(AdvisoryRequest.confirmed_at.desc(), AdvisoryRequest.id.desc()))
    if filters.state:
        stmt = stmt.where(AdvisoryRequest.state == filters.state)
    if filters.topic:
        stmt = stmt.where(AdvisoryRequest.topic == filters.topic)
    if filters.municipality:
        stmt = stmt.where(AdvisoryRequest.municipality_code == filters.municipality)
    if filters.assignee is not None:
        stmt = _assignee(stmt, filters.assignee, filters.viewer_id)
    if filters.overdue:
        stmt = stmt.where(overdue_condition())
    if filters.q:
        stmt = _search(stmt, filters.q)
    return stmt


def queue(filters: QueueFilters, page: int = 1, per_page: int = 50):
    """One page of the staff queue (a Flask-SQLAlchemy Pagination): two queries, the rows
    with what the list shows (the OSC's name, not its areas) and the count."""
    return db.paginate(queue_statement(filters), page=page, per_page=per_page,
                       error_out=False)


def state_counts() -> dict[str, int]:
    """How many requests are in each state (those waiting for their e-mail left out)."""
    rows = db.session.execute(
        select(AdvisoryRequest.state, func.count())
        .where(AdvisoryRequest.state != "por_confirmar")
        .group_by(AdvisoryRequest.state))
    return {state: count for state, count in rows}


def console_counts() -> tuple[int, int, int]:
    """(unassigned, overdue, waiting on the requester), in one query."""
    row = db.session.execute(
        select(func.count(case((AdvisoryRequest.state == "recibida", 1))),
               func.count(case((overdue_condition(), 1))),
               func.count(case((AdvisoryRequest.state == "en_espera", 1))))
        .where(AdvisoryRequest.state.in_(OPEN_STATES))).one()
    return row[0] or 0, row[1] or 0, row[2] or 0


def pending_counts_by_municipality() -> dict[str, int]:
    """Open requests per municipality code (for ``profiles.geo.choropleth``)."""
    rows = db.session.execute(
        select(AdvisoryRequest.municipality_code, func.count())
        .where(AdvisoryRequest.state.in_(OPEN_STATES))
        .group_by(AdvisoryRequest.municipality_code))
    return {code: count for code, count in rows}


def municipality_pending() -> list[tuple[Municipality, int, dict[str, int]]]:
    """Municipalities with open requests, most first (then by name), each with its count per
    topic: where a visit would serve the most groups at once. Two queries."""
    rows = db.session.execute(
        select(AdvisoryRequest.municipality_code, AdvisoryRequest.topic, func.count())
        .where(AdvisoryRequest.state.in_(OPEN_STATES))
        .group_by(AdvisoryRequest.municipality_code, AdvisoryRequest.topic)).all()
    by_code: dict[str, dict[str, int]] = {}
    for code, topic, count in rows:
        by_code.setdefault(code, {})[topic] = count
    if not by_code:
        return []
    places = {m.code: m for m in db.session.scalars(
        select(Municipality).where(Municipality.code.in_(by_code)))}
    ranked = [(places[code], sum(topics.values()),
               dict(sorted(topics.items(), key=lambda item: (-item[1], item[0]))))
              for code, topics in by_code.items() if code in places]
    ranked.sort(key=lambda item: (-item[1], item[0].name))
    return ranked


def _with_list_relations(stmt):
    return stmt.options(joinedload(AdvisoryRequest.municipality),
                        joinedload(AdvisoryRequest.organization).lazyload("*"))


def requests_of_user(user) -> list[AdvisoryRequest]:
    """The requests a person made with their account, newest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(_with_list_relations(
        select(AdvisoryRequest).where(AdvisoryRequest.user_id == user.id)
        .order_by(AdvisoryRequest.created_at.desc(), AdvisoryRequest.id.desc()))))


def requests_of_organization(org_id: int) -> list[AdvisoryRequest]:
    """The requests made for an OSC by its members, newest first (callers check that the
    viewer is a member: ``services.can_view``)."""
    return list(db.session.scalars(_with_list_relations(
        select(AdvisoryRequest).where(AdvisoryRequest.requester_kind == "osc",
                                      AdvisoryRequest.organization_id == org_id)
        .order_by(AdvisoryRequest.created_at.desc(), AdvisoryRequest.id.desc()))))
