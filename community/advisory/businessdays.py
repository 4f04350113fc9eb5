"""Business days in Mexico: Monday to Friday, minus the public holidays of the federal labour
law (article 74 of the Ley Federal del Trabajo) as the ``holidays`` package keeps them: 1
January, the first Monday of February, the third Monday of March, 1 May, 16 September, the
third Monday of November, 25 December, and 1 October when the federal executive changes.

Advisory due times are counted in these days, so a request that arrives on a Friday before a
long weekend is not late on Tuesday. Holidays are computed once per year and kept.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

COUNTRY = "MX"
#: A bound on how far :func:`add_business_days` walks (about 40 years): a due date is weeks
#: away, so a larger count is a bug, never a real case.
MAX_DAYS = 10_000


@lru_cache(maxsize=64)
def holidays_of(year: int) -> frozenset[date]:
    """The public holidays of one year (cached: the package builds them on each call)."""
    return frozenset(holidays.country_holidays(COUNTRY, years=year).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays_of(day.year)


def add_business_days(start: date, days: int) -> date:
    """The ``days``-th business day after ``start`` (``start`` itself is not counted, whatever
    it is); ``start`` when ``days`` is 0."""
    if days < 0 or days > MAX_DAYS:
        raise ValueError(f"days out of range: {days}")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def business_days_between(start: date, end: date) -> int:
    """How many business days passed from ``start`` to ``end``: those after ``start`` up to
    and including ``end`` (0 when ``end`` is not after ``start``). The inverse of
    :func:`add_business_days`: ``business_days_between(d, add_business_days(d, n)) == n``."""
    if end <= start:
        return 0
    if (end - start).days > MAX_DAYS * 2:
        raise ValueError("range too long")
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5  # every whole week holds five weekdays, wherever it starts
    current = start + timedelta(days=weeks * 7)
    for _ in range(rest):
        current += timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    holidays_inside = sum(1 for year in range(start.year, end.year + 1)
                          for day in holidays_of(year)
                          if start < day <= end and day.weekday() < 5)
    return count - holidays_inside
