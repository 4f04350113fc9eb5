"""The indicators' figures as the pages, exports and report show them: a card per indicator
(the period against the same cut-off a year earlier, the change, the goal), the months of two
years, the municipalities, and the rows behind a figure. Request-free: the period comes in as
arguments, so tests pass a fixed day instead of freezing the clock.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, g, has_app_context, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.core.catalog import municipality_choices
from community.core.models import DataVersion
from community.core.periods import (
    Period,
    date_range,
    local_today,
    months,
    one_year_earlier,
    quarter,
    whole_year,
    year_to_date,
)
from community.core.timeutil import utcnow
from community.extensions import db
from community.staff import figure_store
from community.staff.indicators import INDICATORS, MIN_PUBLIC, Indicator
from community.staff.models import IndicatorGoal, IndicatorHistory

Value = int | float | None
FIRST_YEAR = 2000
RECORDS_PER_PAGE = 50
MAX_CACHED = 4096


# --- computed figures, kept a short while -------------------------------------------------
#
# A figure counts up to millions of rows (a year of attendances), and staff, the console,
# the home page and /resultados ask for the same few again and again. Two levels keep them:
# each process holds a figure under the data versions of the page cache (registry, events,
# library: a write there makes it stale at once) for at most ``INDICATOR_CACHE_SECONDS`` (120
# by default, which bounds how late advisory, surveys and downloads, not tracked there, show);
# behind it ``figure_store`` keeps them in the database for every process, refreshed in the
# background, so the first request of a worker, or the first after a check-in, reads a stored
# figure instead of counting (see that module).

_figures: OrderedDict = OrderedDict()
_lock = threading.Lock()
_refreshing = threading.local()  # set by refresh(): compute and store, read nothing kept


def _data_versions() -> tuple:
    """Every namespace's data version, read once per request (a table of a few rows)."""
    if has_request_context() and "data_versions" in g:
        return g.data_versions
    versions = tuple(sorted(db.session.execute(
        select(DataVersion.namespace, DataVersion.version)).all()))
    if has_request_context():
        g.data_versions = versions
    return versions


def _max_age() -> int:
    return int(current_app.config.get("INDICATOR_CACHE_SECONDS", 120)) if has_app_context() \
        else 0


def _stale_seconds() -> int:
    return int(current_app.config.get("INDICATOR_STALE_SECONDS", 900))


def _note_computed_at(moment) -> None:
    """The oldest figure a page shows decides the "calculadas el ..." line under it."""
    if has_request_context() and moment is not None:
        g.figures_as_of = min(g.get("figures_as_of") or moment, moment)


def _remembered(key: tuple, compute):
    max_age = _max_age()
    if max_age <= 0:
        return compute()
    versions = _data_versions()
    local_key = (*key, versions, int(time.time() // max_age))
    forced = getattr(_refreshing, "on", False)
    with _lock:
        if local_key in _figures and not forced:
            _figures.move_to_end(local_key)
            value, computed_at = _figures[local_key]
            _note_computed_at(computed_at)
            return value
    kept = None if forced else figure_store.fetch(key, versions, max_age, _stale_seconds())
    if kept is None:
        computed_at = utcnow()
        value = _plain(compute())
        figure_store.save(key, versions, value, computed_at, refreshing=forced)
    else:
        value, computed_at = kept
    _note_computed_at(computed_at)
    with _lock:
        _figures[local_key] = (value, computed_at)
        while len(_figures) > MAX_CACHED:
            _figures.popitem(last=False)
    return value


def _plain(value):
    """What JSON gives back, so a figure reads the same computed or stored."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return list(value)


def clear_cache() -> None:
    with _lock:
        _figures.clear()


def _refresh_round(today: date, this: Period, previous: Period) -> None:
    cards(this, previous)
    for indicator in INDICATORS:
        monthly(indicator, this.end.year, today=today)
        if indicator.has_municipality:
            municipality_values(indicator, this)
        if indicator.public:
            values(indicator, [this, previous, whole_year(today.year - 1)])
    from community.staff.home_figures import home_figures  # it reads this module

    home_figures()


def refresh(today: date | None = None) -> int:
    """Compute and store what the pages ask for by default: the console's cards and each
    indicator's page for the year to date (months, municipalities), the public figures and
    the home page's.
    Returns how many indicators were refreshed. The background's one unit of work: it
    commits."""
    today = today or local_today()
    this, previous = year_to_date(today)
    _refreshing.on = True
    try:
        with figure_store.refreshing():
            _refresh_round(today, this, previous)
    finally:
        _refreshing.on = False
    return len(INDICATORS)


def values(indicator: Indicator, periods: list[Period], municipality: str | None = None):
    """``indicator.measure.values`` through the short-lived cache."""
    spans = tuple((p.start, p.end) for p in periods)
    return list(_remembered(("values", indicator.key, spans, municipality),
                            lambda: indicator.measure.values(periods, municipality)))


def municipality_values(indicator: Indicator, period: Period) -> dict:
    return dict(_remembered(("places", indicator.key, period.start, period.end),
                            lambda: indicator.measure.by_municipality(period)))


@dataclass
class Change:
    absolute: Value
    percent: Value  # None when there is nothing to compare with (a previous 0 or no data)
    good: bool | None  # the change goes the way the indicator wants; None: no change/no data


def change(indicator: Indicator, value: Value, previous: Value) -> Change:
    if value is None or previous is None:
        return Change(None, None, None)
    absolute = round(value - previous, indicator.decimals) if indicator.decimals \
        else value - previous
    percent = round(100.0 * absolute / abs(previous), 1) if previous else None
    if absolute == 0:
        return Change(absolute, percent, None)
    return Change(absolute, percent, (absolute > 0) == (indicator.direction == "up"))


@dataclass
class Card:
    indicator: Indicator
    value: Value
    previous: Value
    change: Change
    goal: Value = None
    goal_percent: Value = None
    breakdown: list = field(default_factory=list)


def goals(year: int) -> dict[str, float]:
    rows = db.session.execute(select(IndicatorGoal.indicator, IndicatorGoal.value)
                              .where(IndicatorGoal.year == year))
    return dict(rows.all())


def goal_percent(value: Value, goal: Value) -> Value:
    if value is None or not goal:
        return None
    return round(100.0 * value / goal, 1)


def card(indicator: Indicator, period: Period, previous: Period, municipality: str | None,
         goal: Value = None) -> Card:
    value, before = values(indicator, [period, previous], municipality)
    out = Card(indicator, value, before, change(indicator, value, before), goal,
               goal_percent(value, goal) if not municipality else None)
    if indicator.breakdown is not None:
        out.breakdown = indicator.breakdown(period, municipality)
    return out


def cards(period: Period, previous: Period, municipality: str | None = None,
          indicators: list[Indicator] | None = None) -> list[Card]:
    """One card per indicator. The goal shown is the one of the year the period ends in, and
    only for the whole state (a goal is not split among municipalities)."""
    year_goals = goals(period.end.year)
    return [card(i, period, previous, municipality, year_goals.get(i.key))
            for i in (indicators or INDICATORS)]


@dataclass
class MonthRow:
    month: Period
    value: Value
    previous: Value


def monthly(indicator: Indicator, year: int, municipality: str | None = None,
            today: date | None = None) -> list[MonthRow]:
    """The months of ``year`` against the same months a year earlier (a month in progress
    against the same days), both years in one statement."""
    today = today or local_today()
    these = months(year, until=today if year >= today.year else None)  # no future months
    if not these:
        return []
    earlier = [one_year_earlier(m) for m in these]
    counted = _month_values(indicator, these + earlier, municipality)
    return [MonthRow(m, counted[i], counted[len(these) + i]) for i, m in enumerate(these)]


def _whole_month(period: Period) -> bool:
    return period.start.day == 1 and (period.end + timedelta(days=1)).day == 1


def _month_values(indicator: Indicator, periods: list[Period], municipality: str | None):
    """The months' values: whole months from one GROUP BY month where the measure offers it
    (counts), a month cut at today (and its twin a year back) by the usual filters."""
    by_month = getattr(indicator.measure, "by_month", None)
    whole = [p for p in periods if _whole_month(p)]
    if by_month is None or not whole:
        return values(indicator, periods, municipality)
    span = Period(min(p.start for p in whole), max(p.end for p in whole), "")
    grouped = dict(_remembered(("months", indicator.key, span.start, span.end, municipality),
                               lambda: by_month(span, municipality)))
    cut = [p for p in periods if not _whole_month(p)]
    cut_values = dict(zip(cut, values(indicator, cut, municipality), strict=True)) if cut \
        else {}
    return [grouped.get(p.start.strftime("%Y-%m"), 0) if _whole_month(p) else cut_values[p]
            for p in periods]


@dataclass
class Place:
    code: str
    name: str
    value: Value


def by_municipality(indicator: Indicator, period: Period) -> list[Place]:
    names = dict(municipality_choices())
    counted = municipality_values(indicator, period)
    places = [Place(code, names.get(code, code), value) for code, value in counted.items()
              if value is not None]
    return sorted(places, key=lambda p: (-(p.value or 0), p.name))


def records(indicator: Indicator, period: Period, municipality: str | None, page: int):
    """The rows behind the figure, a page at a time (None: the figure has no row list)."""
    offset = (max(page, 1) - 1) * RECORDS_PER_PAGE
    return indicator.measure.record_rows(period, municipality, RECORDS_PER_PAGE + 1, offset)


def history(indicator: Indicator) -> list[IndicatorHistory]:
    return list(db.session.scalars(select(IndicatorHistory).where(
        IndicatorHistory.indicator == indicator.key).order_by(IndicatorHistory.year)))


def public_value(indicator: Indicator, value: Value) -> Value:
    """What a public page may show: a figure about people below five is withheld (None)."""
    if value is not None and indicator.about_people and value < MIN_PUBLIC:
        return None
    return value


# --- reading the period from a query string ----------------------------------------------------

PERIOD_KINDS = {
    "anio-a-la-fecha": _l("Año a la fecha"),
    "trimestre": _l("Trimestre"),
    "anio": _l("Año completo"),
    "fechas": _l("Fechas"),
}


def _year(raw, today: date, errors: dict, name: str) -> int:
    try:
        year = int(raw) if raw not in (None, "") else today.year
    except (TypeError, ValueError):
        errors[name] = _l("Escribe un año de cuatro cifras.")
        return today.year
    if not FIRST_YEAR <= year <= today.year + 1:
        errors[name] = _l("Elige un año entre %(a)d y %(b)d.", a=FIRST_YEAR, b=today.year + 1)
        return today.year
    return year


def _day(raw, errors: dict, name: str) -> date | None:
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        errors[name] = _l("Escribe una fecha como 2026-03-31.")
        return None
    if day.year < FIRST_YEAR or day.year > 2100:
        errors[name] = _l("Escribe una fecha como 2026-03-31.")
        return None
    return day


def _quarter(raw, errors: dict) -> int:
    if raw in (None, ""):
        return 1
    if str(raw) in ("1", "2", "3", "4"):
        return int(raw)
    errors["trimestre"] = _l("Elige un trimestre del 1 al 4.")
    return 1


def parse_period(args, today: date) -> tuple[Period, Period, dict, dict]:
    """``?periodo=anio-a-la-fecha|trimestre|anio|fechas`` with ``anio``, ``trimestre``,
    ``desde`` and ``hasta``: the period, the one a year earlier, what was chosen (to fill
    the form again) and the errors by field; a bad value falls back to the year to date."""
    errors: dict = {}
    kind = args.get("periodo") or "anio-a-la-fecha"
    if kind not in PERIOD_KINDS:
        errors["periodo"] = _l("Elige un periodo de la lista.")
        kind = "anio-a-la-fecha"
    chosen = {"periodo": kind, "anio": str(args.get("anio") or ""),
              "trimestre": str(args.get("trimestre") or ""),
              "desde": str(args.get("desde") or "")[:10],
              "hasta": str(args.get("hasta") or "")[:10]}
    if kind == "anio":
        period = whole_year(_year(args.get("anio"), today, errors, "anio"))
    elif kind == "trimestre":
        period = quarter(_year(args.get("anio"), today, errors, "anio"),
                         _quarter(args.get("trimestre"), errors))
    elif kind == "fechas":
        start = _day(args.get("desde"), errors, "desde")
        end = _day(args.get("hasta"), errors, "hasta")
        if start and end and start > end:
            errors["hasta"] = _l("La fecha final debe ser igual o posterior a la inicial.")
        period = date_range(start, end) if start and end and not errors else None
    else:
        period = None
    if period is None or errors:
        this, previous = year_to_date(today)
        return this, previous, chosen, errors
    return period, one_year_earlier(period), chosen, errors


def parse_municipality(args, errors: dict) -> str | None:
    code = (args.get("municipio") or "").strip()
    if not code:
        return None
    if code not in dict(municipality_choices()):
        errors["municipio"] = _l("Elige un municipio de la lista.")
        return None
    return code


def display(value: Value, decimals: int = 0) -> str:
    """A figure as people read it (1,234 or 4.32); a dash where there is no figure."""
    if value is None:
        return "—"
    if decimals:
        return f"{value:,.{decimals}f}"
    return f"{int(round(value)):,}"
