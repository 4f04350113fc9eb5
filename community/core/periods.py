"""Periods of local calendar days, as the program reports itself: a year to date against the
same cut-off of the previous year, a quarter, a whole year or any range of days.

A period's days are days in Mexico City; the database stores UTC, so a period turns into a
half-open UTC range at local midnight (an event at 23:30 on 31 December in Mexico City is
05:30 on 1 January in UTC and belongs to the old year). Surveys and the indicators both
compare periods with these helpers, so a "year to date" means the same thing on both pages.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from community.core.timeutil import LOCAL_TZ, utcnow


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[first local midnight, the midnight after the last day) as naive UTC."""
        return utc_midnight(self.start), utc_midnight(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def utc_midnight(day: date) -> datetime:
    local = datetime.combine(day, time(), tzinfo=LOCAL_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).replace(tzinfo=UTC).astimezone(LOCAL_TZ).date()


def same_day_last_year(day: date) -> date:
    """The same month and day a year earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _cut_label(year: int, day: date) -> str:
    cut = format_skeleton("MMMMd", day, locale=str(get_locale() or "es_MX"))
    return str(_l("%(year)d hasta el %(day)s", year=year, day=cut))


def year_to_date(today: date) -> tuple[Period, Period]:
    """This year until today against last year until the same day (the default)."""
    last = same_day_last_year(today)
    return (Period(date(today.year, 1, 1), today, _cut_label(today.year, today)),
            Period(date(last.year, 1, 1), last, _cut_label(last.year, today)))


def whole_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * number - 2, 1)
    after = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(first, after - timedelta(days=1),
                  str(_l("Trimestre %(n)d de %(year)d", n=number, year=year)))


def date_range(start: date, end: date) -> Period:
    return Period(start, end, f"{start.isoformat()} – {end.isoformat()}")


def one_year_earlier(period: Period) -> Period:
    """The same days a year back: the comparison of any period."""
    start, end = same_day_last_year(period.start), same_day_last_year(period.end)
    if period.start.month == 1 and period.start.day == 1 and period.end == date(
            period.end.year, 12, 31):
        return whole_year(period.start.year - 1) if period.start.year == period.end.year \
            else date_range(start, end)
    return date_range(start, end)


def months(year: int, until: date | None = None) -> list[Period]:
    """The twelve months of ``year``; with ``until``, the last one cut there (and the later
    ones left out), so a month in progress is compared with the same days of the year before."""
    out = []
    for month in range(1, 13):
        first = date(year, month, 1)
        if until is not None and first > until:
            break
        after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        last = after - timedelta(days=1)
        if until is not None and last > until:
            last = until
        out.append(Period(first, last, first.strftime("%Y-%m")))
    return out
