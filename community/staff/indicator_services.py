"""The indicators' rules: who may read them, and the two things staff write about them (a
year's goal and a year of the manual series before the platform), each change audited with
its old and new value."""

import math

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.core import audit
from community.core.errors import NotFound, ValidationError
from community.core.periods import local_today
from community.core.permissions import require_staff
from community.extensions import db
from community.staff import indicators
from community.staff.indicators import Indicator
from community.staff.models import IndicatorGoal, IndicatorHistory

FIRST_YEAR = 1990
MAX_VALUE = 10_000_000
SOURCE_MAX = 500


def indicator(actor, key: str) -> Indicator:
    """Staff only; an unknown key is a 404 for staff (others get the 403 first)."""
    require_staff(actor)
    found = indicators.get(key)
    if found is None:
        raise NotFound()
    return found


def require_reader(actor) -> None:
    require_staff(actor)


def _year(raw, errors: dict, last: int) -> int | None:
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        errors["year"] = _l("Escribe un año de cuatro cifras.")
        return None
    if not FIRST_YEAR <= year <= last:
        errors["year"] = _l("Elige un año entre %(a)d y %(b)d.", a=FIRST_YEAR, b=last)
        return None
    return year


def _value(raw, found: Indicator, errors: dict) -> float | None:
    text = str(raw or "").strip().replace(",", "")
    try:
        value = float(text)
    except ValueError:
        errors["value"] = _l("Escribe un número, por ejemplo 1250 o 85.5.")
        return None
    low = -100 if found.key == "nps" else 0
    high = 100 if found.unit == "%" or found.key == "nps" else MAX_VALUE
    if not math.isfinite(value) or not low <= value <= high:
        errors["value"] = _l("Escribe un número entre %(a)s y %(b)s.", a=f"{low:,}",
                             b=f"{high:,}")
        return None
    return value


def set_goal(actor, key: str, year, value) -> IndicatorGoal:
    found = indicator(actor, key)
    errors: dict = {}
    year = _year(year, errors, local_today().year + 5)
    value = _value(value, found, errors)
    if errors:
        raise ValidationError(errors)
    goal = db.session.scalar(select(IndicatorGoal).where(IndicatorGoal.indicator == key,
                                                         IndicatorGoal.year == year))
    old = goal.value if goal else None
    if old == value:
        return goal  # nothing changes: nothing to audit
    if goal is None:
        goal = IndicatorGoal(indicator=key, year=year, value=value)
        db.session.add(goal)
    goal.value, goal.set_by_id = value, actor.id
    db.session.flush()
    audit.record("indicator.goal", actor, None, indicator=key, year=year, old=old, new=value)
    return goal


def set_history(actor, key: str, year, value, source: str) -> IndicatorHistory:
    found = indicator(actor, key)
    errors: dict = {}
    year = _year(year, errors, local_today().year - 1)
    value = _value(value, found, errors)
    source = (source or "").strip()
    if not source:
        errors["source"] = _l("Escribe de dónde sale la cifra (informe, año, página).")
    elif len(source) > SOURCE_MAX:
        errors["source"] = _l("Escribe la fuente en %(n)d caracteres o menos.", n=SOURCE_MAX)
    if errors:
        raise ValidationError(errors)
    row = db.session.scalar(select(IndicatorHistory).where(
        IndicatorHistory.indicator == key, IndicatorHistory.year == year))
    old = row.value if row else None
    if row is not None and (old, row.source) == (value, source):
        return row
    if row is None:
        row = IndicatorHistory(indicator=key, year=year, value=value)
        db.session.add(row)
    row.value, row.source, row.entered_by_id = value, source, actor.id
    db.session.flush()
    audit.record("indicator.history", actor, None, indicator=key, year=year, old=old,
                 new=value, source=source)
    return row
