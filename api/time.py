from datetime import UTC, datetime

from domain.times import from_micros


def format_time(value: datetime | int | None) -> str | None:
    """`2026-09-21T14:22:09.123Z`: always three fraction digits, which every SDK parses."""
    if value is None:
        return None
    moment = from_micros(value) if isinstance(value, int) else value.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.strip())
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
