"""Read-only lists and counts of advisory requests, for the staff queue, the console tile,
the map, the indicators and the bench.

Each function issues a fixed number of queries whatever the number of rows: lists load what
they show with the rows (municipality, assignee, OSC), counts are one GROUP BY or one row of
conditional counts. "Overdue" is decided in SQL on the due dates kept on each request
(``services._refresh_dues``), with today's date in Mexico City from ``services.today``.
"""

import re
from dataclasses import dataclass, replace
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import defer, joinedload

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


#: The characters of a folio ("ASE-2026-7EPWS"), in the order every collation sorts them.
FOLIO_CHARS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FOLIO_PREFIX = "ASE-"
FULL_FOLIO = re.compile(r"ASE-[0-9]{4}-[0-9A-Z]{5}")


def _after_prefix(prefix: str) -> str | None:
    """The smallest string greater than every folio starting with ``prefix`` (None: there is
    none), so ``prefix <= folio < bound`` is a range the folio index answers.

    The bound's last character is a letter or a digit, never a hyphen: PostgreSQL's language
    collations skip punctuation when comparing, and the range must hold the same folios
    there as in SQLite's byte order."""
    chars = list(prefix)
    while chars:
        last = chars.pop()
        if last == "-":
            continue
        position = FOLIO_CHARS.index(last)
        if position + 1 < len(FOLIO_CHARS):
            return "".join(chars) + FOLIO_CHARS[position + 1]
    return None


def _folio_condition(folio: str):
    """A full folio by equality, its beginning by a range on the folio index (not LIKE,
    which SQLite cannot answer from that index; LIKE stays beside the range as the
    definition); nothing for a text no folio starts with."""
    if any(char not in FOLIO_CHARS for char in folio):
        return false()
    if FULL_FOLIO.fullmatch(folio):
        return AdvisoryRequest.folio == folio
    starts = AdvisoryRequest.folio.startswith(folio, autoescape=True)
    bound = _after_prefix(folio)
    if bound is None:
        return starts
    return and_(AdvisoryRequest.folio >= folio, AdvisoryRequest.folio < bound, starts)


def _contains(column, pattern: str):
    """``column`` contains ``pattern`` whatever the case. SQLite's LIKE already ignores the
    case of ASCII letters, exactly as far as its ``lower()`` goes, so there it is a plain
    LIKE, two and a half times faster than ILIKE's ``lower(x) LIKE lower(y)``."""
    if db.session.get_bind().dialect.name == "sqlite":
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def _search(q: str, state: str | None):
    """``q`` as a folio or its beginning ("ASE-2026-7E": in every state), else as words of
    the proposed OSC name or the contact name: among the open requests (what staff work on,
    and whom people call about) unless a state is chosen, so a name search reads the open
    requests' index entries, not every row of the table."""
    q = " ".join(q.split())[:Q_MAX]
    if not q:
        return None
    if q.upper().startswith(FOLIO_PREFIX):
        return _folio_condition(q.upper())
    pattern = _like(q)
    names = or_(_contains(AdvisoryRequest.proposed_name, pattern),
                _contains(AdvisoryRequest.contact_name, pattern))
    return names if state else and_(AdvisoryRequest.state.in_(OPEN_STATES), names)


def _assignee(assignee, viewer_id):
    if assignee == "none":
        return AdvisoryRequest.assignee_id.is_(None)
    if assignee == "mine":
        return AdvisoryRequest.assignee_id == (viewer_id or -1)
    return AdvisoryRequest.assignee_id == assignee


#: Newest first. Every filter has an index (column, confirmed_at), whose entries SQLite keeps
#: in (column, confirmed_at, id) order: the page is read from the index, never sorted.
QUEUE_ORDER = (AdvisoryRequest.confirmed_at.desc(), AdvisoryRequest.id.desc())


def queue_conditions(filters: QueueFilters) -> list:
    """The WHERE of the queue. A request is in the queue once it was confirmed (it entered
    the queue): ``confirmed_at`` is in every index the queue reads, so counting is
    index-only. (One that expired unconfirmed was cancelled without ever entering it.)"""
    conditions = [AdvisoryRequest.confirmed_at.is_not(None)]
    if filters.state:
        conditions.append(AdvisoryRequest.state == filters.state)
    if filters.topic:
        conditions.append(AdvisoryRequest.topic == filters.topic)
    if filters.municipality:
        conditions.append(AdvisoryRequest.municipality_code == filters.municipality)
    if filters.assignee is not None:
        conditions.append(_assignee(filters.assignee, filters.viewer_id))
    if filters.overdue:
        conditions.append(overdue_condition())
    if filters.q:
        searched = _search(filters.q, filters.state)
        if searched is not None:
            conditions.append(searched)
    return conditions


def _with_queue_rows(stmt):
    """What one row of the queue shows, loaded with it: the municipality, the assignee and
    the OSC's name (not its areas); the description, which the list does not show, stays
    in the table."""
    return stmt.options(joinedload(AdvisoryRequest.municipality),
                        joinedload(AdvisoryRequest.assignee),
                        joinedload(AdvisoryRequest.organization).lazyload("*"),
                        defer(AdvisoryRequest.description),
                        defer(AdvisoryRequest.description_html))


def queue_ids_statement(filters: QueueFilters, limit: int = 50, offset: int = 0):
    """The ids of one page of the queue: read from the filter's index alone (the plan the
    bench prints and the tests check)."""
    return (select(AdvisoryRequest.id).where(*queue_conditions(filters))
            .order_by(*QUEUE_ORDER).limit(limit).offset(offset))


def queue_count_statement(filters: QueueFilters):
    """How many requests match the filters, counted from the filter's index.

    Without filters, all the rows less the unconfirmed ones: SQLite counts a whole table
    from its pages (no row is read), while counting 100,000 confirmed ones walks an index."""
    if replace(filters, viewer_id=None) == QueueFilters():
        everything = select(func.count()).select_from(AdvisoryRequest).scalar_subquery()
        unconfirmed = (select(func.count()).select_from(AdvisoryRequest)
                       .where(AdvisoryRequest.confirmed_at.is_(None)).scalar_subquery())
        return select(everything - unconfirmed)
    return (select(func.count()).select_from(AdvisoryRequest)
            .where(*queue_conditions(filters)))


class QueuePage(Pagination):
    """One page of the queue in two queries, whatever the number of rows: the rows of the
    page's ids (which SQL finds in the filter's index, skipping earlier pages there rather
    than in whole rows) with what the list shows, and the count (``queue_count_statement``)."""

    def _query_items(self) -> list:
        filters = self._query_args["filters"]
        ids = queue_ids_statement(filters, self.per_page, self._query_offset).subquery()
        rows = _with_queue_rows(select(AdvisoryRequest)
                                .join(ids, ids.c.id == AdvisoryRequest.id)
                                .order_by(*QUEUE_ORDER))
        return list(db.session.scalars(rows).unique())

    def _query_count(self) -> int:
        return db.session.scalar(queue_count_statement(self._query_args["filters"])) or 0


def queue(filters: QueueFilters, page: int = 1, per_page: int = 50) -> QueuePage:
    """One page of the staff queue (a Flask-SQLAlchemy Pagination): two queries, see
    ``QueuePage``."""
    return QueuePage(page=page, per_page=per_page, max_per_page=None, error_out=False,
                     filters=filters)


def state_counts(states=None) -> dict[str, int]:
    """How many requests of the queue are in each state, or in each of ``states``.

    The queue page asks for the open states only: counting them reads their few thousand
    index entries, while the concluded and cancelled ones are most of the table."""
    stmt = (select(AdvisoryRequest.state, func.count())
            .where(AdvisoryRequest.confirmed_at.is_not(None))
            .group_by(AdvisoryRequest.state))
    if states is not None:
        stmt = stmt.where(AdvisoryRequest.state.in_(states))
    return {state: count for state, count in db.session.execute(stmt)}


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


def requests_of_user(user, limit: int | None = None) -> list[AdvisoryRequest]:
    """The requests a person made with their account, newest first (the ``limit`` newest:
    the personal home shows a few, and reads no more)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(_with_list_relations(
        select(AdvisoryRequest).where(AdvisoryRequest.user_id == user.id)
        .order_by(AdvisoryRequest.created_at.desc(), AdvisoryRequest.id.desc())
        .limit(limit))))


def requests_of_organization(org_id: int) -> list[AdvisoryRequest]:
    """The requests made for an OSC by its members, newest first (callers check that the
    viewer is a member: ``services.can_view``)."""
    return list(db.session.scalars(_with_list_relations(
        select(AdvisoryRequest).where(AdvisoryRequest.requester_kind == "osc",
                                      AdvisoryRequest.organization_id == org_id)
        .order_by(AdvisoryRequest.created_at.desc(), AdvisoryRequest.id.desc()))))
