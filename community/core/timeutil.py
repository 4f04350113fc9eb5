"""Times are stored in UTC and shown in America/Mexico_City."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("America/Mexico_City")


def utcnow() -> datetime:
    """Naive UTC, the form every DateTime column stores (SQLite keeps no offset)."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


def machine_time(value: datetime | None) -> str:
    """The ``datetime`` attribute of a ``<time>``: local time to the second, with its offset.

    HTML allows at most three digits of a second's fraction; ``isoformat()`` of a stored time
    gives six (``08:41:02.381892``), which the Nu HTML checker reports as an error.
    """
    local = to_local(value)
    return local.isoformat(timespec="seconds") if local else ""
