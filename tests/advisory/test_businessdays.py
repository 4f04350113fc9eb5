"""Business days in Mexico: weekends and the public holidays (holidays package, MX)."""

from datetime import date, timedelta

import pytest

from community.advisory.businessdays import (
    add_business_days,
    business_days_between,
    holidays_of,
    is_business_day,
)


def test_weekends_are_not_business_days():
    assert is_business_day(date(2026, 3, 13))  # Friday
    assert not is_business_day(date(2026, 3, 14))  # Saturday
    assert not is_business_day(date(2026, 3, 15))  # Sunday


def test_add_skips_the_weekend():
    friday = date(2026, 3, 6)
    assert add_business_days(friday, 1) == date(2026, 3, 9)  # Monday
    assert add_business_days(friday, 5) == date(2026, 3, 13)
    assert add_business_days(friday, 0) == friday


def test_independence_day_is_a_holiday():
    assert date(2026, 9, 16) in holidays_of(2026)
    # Tuesday 15 September 2026 + 1 business day jumps Wednesday the 16th
    assert add_business_days(date(2026, 9, 15), 1) == date(2026, 9, 17)


def test_constitution_day_is_the_first_monday_of_february():
    assert not is_business_day(date(2026, 2, 2))
    assert not is_business_day(date(2025, 2, 3))
    assert is_business_day(date(2026, 2, 5))  # the day itself is not the holiday
    # Friday 30 January 2026 + 1: Saturday, Sunday, Monday 2 Feb are off
    assert add_business_days(date(2026, 1, 30), 1) == date(2026, 2, 3)


def test_christmas_and_the_year_boundary():
    # Thursday 24 December 2026: 25 (holiday), 26-27 weekend, then 28..31, then 1 January
    # (holiday), 2-3 weekend: five business days later is Monday 4 January 2027
    start = date(2026, 12, 24)
    assert add_business_days(start, 1) == date(2026, 12, 28)
    assert add_business_days(start, 4) == date(2026, 12, 31)
    assert add_business_days(start, 5) == date(2027, 1, 4)
    assert business_days_between(start, date(2027, 1, 4)) == 5


def test_change_of_federal_government_every_six_years():
    assert not is_business_day(date(2024, 10, 1))
    assert is_business_day(date(2025, 10, 1))


def test_between_counts_after_start_up_to_end():
    monday = date(2026, 3, 2)
    assert business_days_between(monday, monday) == 0
    assert business_days_between(monday, monday - timedelta(days=3)) == 0
    assert business_days_between(monday, date(2026, 3, 6)) == 4
    assert business_days_between(monday, date(2026, 3, 8)) == 4  # the weekend adds none
    # third Monday of March 2026 (16th) is Benito Juárez's day
    assert business_days_between(date(2026, 3, 13), date(2026, 3, 17)) == 1


@pytest.mark.parametrize("start", [date(2025, 12, 1) + timedelta(days=k) for k in range(0, 70, 3)])
def test_between_is_the_inverse_of_add(start):
    for days in (1, 2, 15, 30, 260):
        assert business_days_between(start, add_business_days(start, days)) == days


def test_between_agrees_with_a_day_by_day_count():
    start = date(2024, 12, 20)
    for span in (1, 6, 7, 13, 40, 400):
        end = start + timedelta(days=span)
        slow = sum(1 for k in range(1, span + 1) if is_business_day(start + timedelta(days=k)))
        assert business_days_between(start, end) == slow


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_business_days(date(2026, 1, 1), -1)
