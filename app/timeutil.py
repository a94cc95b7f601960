"""China Standard Time (UTC+8, no daylight saving) for consultation periods and dates on pages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def day_start(day: date) -> datetime:
    """00:00 Beijing time on ``day``, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=CST)


def period(opens: date, closes: date) -> tuple[datetime, datetime]:
    """[start of ``opens``, end of ``closes``) in Beijing time: the closing day is included."""
    return day_start(opens), day_start(closes + timedelta(days=1))


def closing_day(closes_at: datetime) -> date:
    """The last day comments are taken (the day before the exclusive end)."""
    return (closes_at.astimezone(CST) - timedelta(microseconds=1)).date()


def today(now: datetime) -> date:
    """The Beijing date at ``now``."""
    return now.astimezone(CST).date()


def days_left(closes_at: datetime, now: datetime) -> int:
    """Whole days from today to the closing day: 0 on the closing day, negative once closed."""
    return (closing_day(closes_at) - today(now)).days
