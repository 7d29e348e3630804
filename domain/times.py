"""Instants as whole microseconds since the epoch (UTC): how the read models store times and how the
alerting and scoring rules compare them. Exact: no float on the way, so a time read back is the time written."""

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def to_micros(moment: datetime) -> int:
    """A naive datetime is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // MICROSECOND


def from_micros(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


def month_of(moment: datetime) -> str:
    """The calendar month (UTC) an instant falls in, "YYYY-MM": the period a team's monthly event limit counts."""
    return moment.astimezone(UTC).strftime("%Y-%m")
