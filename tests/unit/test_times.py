"""Instants as microseconds since the epoch (domain/times.py): exact both ways."""

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from domain.times import from_micros, to_micros


@given(st.datetimes(timezones=st.just(UTC)))
def test_a_moment_comes_back_as_it_went(moment: datetime) -> None:
    assert from_micros(to_micros(moment)) == moment


def test_no_float_rounds_a_microsecond_away() -> None:
    # `int(moment.timestamp() * 1_000_000)` gives ...595630 here: a float holds no more digits.
    assert to_micros(datetime(2107, 6, 14, 7, 15, 22, 595631, tzinfo=UTC)) == 4_337_478_922_595_631


def test_the_epoch_the_zone_and_a_naive_moment() -> None:
    assert to_micros(datetime(1970, 1, 1, tzinfo=UTC)) == 0
    assert to_micros(datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)) == -1
    paris = datetime(2026, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    assert to_micros(paris) == to_micros(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    assert to_micros(datetime(2026, 3, 1, 12, 0)) == to_micros(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
