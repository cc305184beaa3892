"""Reading the sources' times: ISO 8601 (Zammad, CSV) or "YYYY-MM-DD HH:MM:SS" (osTicket), aware in UTC."""

from datetime import UTC, datetime, tzinfo


def parse_time(value: str | None, *, default_zone: tzinfo = UTC) -> datetime | None:
    """An aware datetime, or None for an empty value; a time without an offset is in `default_zone`.
    Raises ValueError on anything else."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_zone)
    return moment.astimezone(UTC)


def parse_required(value: str | None, *, default_zone: tzinfo = UTC) -> datetime:
    """parse_time for a time that must be there: ValueError when it is empty."""
    moment = parse_time(value, default_zone=default_zone)
    if moment is None:
        raise ValueError("a time is missing")
    return moment
