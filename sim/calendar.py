"""Days and dates: day 0 is 2017-09-10, the day after the relief column reached the airport."""

from __future__ import annotations

import datetime as dt

START_DATE = dt.date(2017, 9, 10)
DEFAULT_END_DATE = dt.date(2019, 3, 31)
LATEST_END_DATE = dt.date(2019, 12, 31)


def day_of(date: dt.date) -> int:
    """The model day of a date (day 0 is the start date)."""
    return (date - START_DATE).days


def date_of(day: int) -> dt.date:
    """The date of a model day."""
    return START_DATE + dt.timedelta(days=int(day))


def iso(day: int) -> str:
    return date_of(day).isoformat()
