"""How each indicator counts, as SQL over the other modules' tables.

Four shapes cover every figure of the program:

- ``Count``: rows (or distinct keys, or a sum) whose date falls in the period;
- ``Stock``: what the padrón holds at the period's last day;
- ``Ratio``: one measure over another, as a percentage;
- ``Histogram`` based figures (the median days to first contact, the satisfaction mean and the
  NPS), counted in SQL by value and finished in Python, so no row is ever loaded one by one.

Every measure answers several periods in one statement (one ``FILTER`` aggregate per period:
the twelve months of two years are one query), answers by municipality with one ``GROUP BY``,
and can list the very rows it counts (``records``), which is how a figure is verified.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Integer, and_, case, distinct, func, literal, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from community.core.periods import Period, utc_midnight
from community.extensions import db

Value = int | float | None


# --- a local date in SQL --------------------------------------------------------------------


class local_date(FunctionElement):  # noqa: N801 - used like a SQL function
    """The Mexico City calendar day of a naive-UTC timestamp column.

    PostgreSQL converts with the zone's rules. SQLite has no zone database: it subtracts six
    hours, Mexico City's offset since it left daylight saving time in October 2022, so a
    timestamp of the platform's own life is exact there too.
    """

    type = db.Date()
    inherit_cache = True


@compiles(local_date)
def _local_date_default(element, compiler, **kw):
    column = compiler.process(list(element.clauses)[0], **kw)
    return f"date({column}, '-6 hours')"


@compiles(local_date, "postgresql")
def _local_date_postgresql(element, compiler, **kw):
    column = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST(({column} AT TIME ZONE 'UTC') AT TIME ZONE 'America/Mexico_City' AS DATE)"


class local_month(FunctionElement):  # noqa: N801
    """The Mexico City month ("2026-03") of a naive-UTC timestamp column (as local_date)."""

    type = db.String()
    inherit_cache = True


@compiles(local_month)
def _local_month_default(element, compiler, **kw):
    column = compiler.process(list(element.clauses)[0], **kw)
    return f"strftime('%Y-%m', {column}, '-6 hours')"


@compiles(local_month, "postgresql")
def _local_month_postgresql(element, compiler, **kw):
    column = compiler.process(list(element.clauses)[0], **kw)
    return f"to_char(({column} AT TIME ZONE 'UTC') AT TIME ZONE 'America/Mexico_City', 'YYYY-MM')"


class days_between(FunctionElement):  # noqa: N801
    """Whole calendar days from one local date to another (both already dates)."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    first, last = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({last}) - julianday({first}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    first, last = (compiler.process(c, **kw) for c in element.clauses)
    return f"({last} - {first})"


# --- periods as SQL conditions ---------------------------------------------------------------


def within(column, period: Period, dated: bool) -> ColumnElement:
    """``column`` falls on one of the period's local days (a date column compares days; a
    timestamp column compares with the UTC instants of local midnight)."""
    if dated:
        return and_(column >= period.start, column <= period.end)
    start, after = period.utc_bounds()
    return and_(column >= start, column < after)


def span(periods: Sequence[Period]) -> Period:
    return Period(min(p.start for p in periods), max(p.end for p in periods), "")


@dataclass(frozen=True)
class Record:
    """One counted row, as the verification list shows it."""

    day: date | None
    label: str
    kind: str  # "request", "event", "organization", "resource" or "" (no page)
    key: str | None  # what the kind's page needs: a folio, a slug
    detail: str = ""


# --- the shapes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """Rows of ``source()`` whose ``when`` falls in the period: counted, counted by distinct
    ``distinct``, or summed over ``total``."""

    source: Callable  # () -> Select with FROM, joins and the fixed conditions
    when: Callable  # () -> column
    municipality: Callable | None  # () -> column, or None when the figure has no place
    dated: bool = False
    distinct: Callable | None = None
    total: Callable | None = None
    records: Callable | None = None  # (stmt) -> list[Record] from source() + the window
    has_municipality: bool = field(init=False, default=True)

    def __post_init__(self):
        object.__setattr__(self, "has_municipality", self.municipality is not None)

    def _aggregate(self, condition):
        if self.total is not None:
            return func.coalesce(func.sum(self.total()).filter(condition), 0)
        if self.distinct is not None:
            return func.count(distinct(self.distinct())).filter(condition)
        return func.count().filter(condition)

    def _base(self, periods, municipality):
        stmt = self.source().where(within(self.when(), span(periods), self.dated))
        if municipality:
            if self.municipality is None:
                return stmt.where(literal(False))
            stmt = stmt.where(self.municipality() == municipality)
        return stmt

    def values(self, periods: Sequence[Period], municipality: str | None = None) -> list[Value]:
        when = self.when()
        columns = [self._aggregate(within(when, p, self.dated)) for p in periods]
        row = db.session.execute(self._base(periods, municipality).with_only_columns(
            *columns, maintain_column_froms=True)).one()
        return [int(v or 0) for v in row]

    def by_month(self, span_: Period, municipality: str | None = None) -> dict[str, Value]:
        """{"2026-03": value} for the whole local months of ``span_``, in one GROUP BY (a
        distinct count per month without one temporary B-tree per month)."""
        when = self.when()
        month = func.strftime("%Y-%m", when) if self.dated else local_month(when)
        if self.dated and db.session.get_bind().dialect.name == "postgresql":
            month = func.to_char(when, "YYYY-MM")
        rows = db.session.execute(self._base([span_], municipality).with_only_columns(
            month, self._aggregate(true()), maintain_column_froms=True).group_by(month))
        return {key: int(value or 0) for key, value in rows}

    def by_municipality(self, period: Period) -> dict[str, Value]:
        if self.municipality is None:
            return {}
        place = self.municipality()
        rows = db.session.execute(self._base([period], None).with_only_columns(
            place, self._aggregate(true()), maintain_column_froms=True)
            .where(place.is_not(None)).group_by(place))
        return {code: int(value or 0) for code, value in rows}

    def record_rows(self, period: Period, municipality: str | None, limit: int, offset: int):
        if self.records is None:
            return None
        return self.records(self._base([period], municipality), limit, offset)


@dataclass(frozen=True)
class Stock:
    """Rows of ``source()`` that exist at the end of the period: ``since`` (a timestamp) at
    or before the last local day. The padrón keeps no history of each status, so the stock
    of a past day counts today's validated OSCs validated by then (one suspended since is not
    counted, even for the days it was validated): the sheet says so."""

    source: Callable
    since: Callable
    municipality: Callable
    condition: Callable | None = None  # (period) -> extra condition at the period's end
    records: Callable | None = None
    dated: bool = False
    has_municipality: bool = True

    def _at_end(self, period: Period):
        after = utc_midnight(period.end + timedelta(days=1))
        condition = self.since() < after
        if self.condition is not None:
            condition = and_(condition, self.condition(period))
        return condition

    def values(self, periods, municipality=None):
        stmt = self.source()
        if municipality:
            stmt = stmt.where(self.municipality() == municipality)
        columns = [func.count().filter(self._at_end(p)) for p in periods]
        row = db.session.execute(stmt.with_only_columns(*columns,
                                                        maintain_column_froms=True)).one()
        return [int(v or 0) for v in row]

    def by_municipality(self, period):
        place = self.municipality()
        rows = db.session.execute(self.source().with_only_columns(
            place, func.count(), maintain_column_froms=True)
            .where(self._at_end(period), place.is_not(None)).group_by(place))
        return {code: int(value or 0) for code, value in rows}

    def record_rows(self, period, municipality, limit, offset):
        if self.records is None:
            return None
        stmt = self.source().where(self._at_end(period))
        if municipality:
            stmt = stmt.where(self.municipality() == municipality)
        return self.records(stmt, limit, offset)


def _percent(part: Value, whole: Value) -> Value:
    if part is None or not whole:
        return None
    return round(100.0 * part / whole, 1)


@dataclass(frozen=True)
class Ratio:
    """``part`` as a percentage of ``whole``; no value where ``whole`` is 0."""

    part: object
    whole: object

    @property
    def has_municipality(self) -> bool:
        return self.part.has_municipality

    def values(self, periods, municipality=None):
        return [_percent(a, b) for a, b in zip(self.part.values(periods, municipality),
                                               self.whole.values(periods, municipality),
                                               strict=True)]

    def by_municipality(self, period):
        # Every place with a whole: one where no row is part of it is 0 %, not missing.
        part = self.part.by_municipality(period)
        return {code: _percent(part.get(code, 0), total)
                for code, total in self.whole.by_municipality(period).items() if total}

    def record_rows(self, period, municipality, limit, offset):
        return self.part.record_rows(period, municipality, limit, offset)


@dataclass(frozen=True)
class Histogram:
    """Rows counted by an integer ``value`` per period in SQL, then ``finish(counts)`` turns
    each period's {value: rows} into the figure (a median, a mean, an NPS)."""

    source: Callable
    when: Callable
    value: Callable  # () -> integer column
    finish: Callable  # (dict[int, int]) -> Value
    municipality: Callable | None
    dated: bool = False
    weight: Callable | None = None  # () -> column of rows each source row stands for
    records: Callable | None = None

    @property
    def has_municipality(self) -> bool:
        return self.municipality is not None

    def _counts(self, stmt, periods, group=None):
        value, when = self.value(), self.when()
        weight = self.weight() if self.weight is not None else None
        columns = [(func.sum(weight) if weight is not None else func.count())
                   .filter(within(when, p, self.dated)) for p in periods]
        keys = [group, value] if group is not None else [value]
        stmt = stmt.with_only_columns(*keys, *columns, maintain_column_froms=True) \
            .where(within(when, span(periods), self.dated), value.is_not(None)).group_by(*keys)
        return db.session.execute(stmt).all()

    def values(self, periods, municipality=None):
        stmt = self.source()
        if municipality:
            if self.municipality is None:
                return [None] * len(periods)
            stmt = stmt.where(self.municipality() == municipality)
        counts = [{} for _ in periods]
        for value, *per_period in self._counts(stmt, periods):
            for index, rows in enumerate(per_period):
                if rows:
                    counts[index][int(value)] = int(rows)
        return [self.finish(c) for c in counts]

    def by_municipality(self, period):
        if self.municipality is None:
            return {}
        counts: dict[str, dict[int, int]] = {}
        place = self.municipality()
        stmt = self.source().where(place.is_not(None))
        for code, value, rows in self._counts(stmt, [period], group=place):
            if rows:
                counts.setdefault(code, {})[int(value)] = int(rows)
        return {code: self.finish(c) for code, c in counts.items()}

    def record_rows(self, period, municipality, limit, offset):
        if self.records is None:
            return None
        stmt = self.source().where(within(self.when(), period, self.dated))
        if municipality and self.municipality is not None:
            stmt = stmt.where(self.municipality() == municipality)
        return self.records(stmt, limit, offset)


# --- finishing histograms ----------------------------------------------------------------


def median(counts: dict[int, int]) -> Value:
    """The median of the values counted (the lower middle for an even number of rows would
    bias toward speed: the mean of the two middle values, as statistics teaches)."""
    total = sum(counts.values())
    if not total:
        return None
    ordered = sorted(counts.items())

    def nth(position: int) -> int:
        seen = 0
        for value, rows in ordered:
            seen += rows
            if seen >= position:
                return value
        return ordered[-1][0]

    if total % 2:
        return nth(total // 2 + 1)
    return (nth(total // 2) + nth(total // 2 + 1)) / 2


def mean(counts: dict[int, int]) -> Value:
    total = sum(counts.values())
    if not total:
        return None
    return round(sum(v * n for v, n in counts.items()) / total, 2)


def nps(counts: dict[int, int]) -> Value:
    """Promoters (9–10) minus detractors (0–6), as a share of everyone who answered."""
    total = sum(counts.values())
    if not total:
        return None
    promoters = sum(n for v, n in counts.items() if v >= 9)
    detractors = sum(n for v, n in counts.items() if v <= 6)
    return round(100.0 * (promoters - detractors) / total, 1)


SCALE_POINTS = range(0, 11)  # every scale answer: NPS 0–10, Likert and ratings 1–5


def as_integer(column):
    """A scale answer stored as text ("0" … "10") as a number, and NULL for anything else.
    A CASE rather than a CAST: PostgreSQL may evaluate a CAST before the join that keeps
    only scale questions, and "o1" (a choice's code) is not an integer."""
    return case({str(point): point for point in SCALE_POINTS}, value=column)


def flag(condition) -> ColumnElement:
    """1 where ``condition`` holds, else 0: a histogram of yes/no rows."""
    return case((condition, 1), else_=0)


def share_of_ones(counts: dict[int, int]) -> Value:
    return _percent(counts.get(1, 0), sum(counts.values()))

