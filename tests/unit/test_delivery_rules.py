"""The pure parts of a delivery: the retry schedule's bounds, the envelope, the verdict on an HTTP answer."""

import json
import random
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from domain.alerting.envelope import DISABLED_BY_GONE, envelope, judge, parse_retry_after, timestamp_text
from domain.alerting.retry_schedule import JITTER, MAX_ATTEMPTS, MAX_RETRY_AFTER_SECONDS, SCHEDULE_SECONDS, retry_delay

NOW = datetime(2026, 1, 20, 14, 15, 32, 456789, tzinfo=UTC)


@given(st.integers(min_value=1, max_value=MAX_ATTEMPTS + 5), st.integers(min_value=0, max_value=2**32))
def test_every_delay_is_the_schedule_within_the_jitter(attempt: int, seed: int) -> None:
    delay = retry_delay(attempt, None, random.Random(seed))
    if attempt >= MAX_ATTEMPTS:
        assert delay is None
    else:
        base = SCHEDULE_SECONDS[attempt - 1]
        assert delay is not None and base * (1 - JITTER) <= delay <= base * (1 + JITTER)


@given(
    st.integers(min_value=1, max_value=MAX_ATTEMPTS - 1),
    st.floats(min_value=0, max_value=10 * MAX_RETRY_AFTER_SECONDS, allow_nan=False),
    st.integers(min_value=0, max_value=2**32),
)
def test_retry_after_wins_when_longer_and_is_capped(attempt: int, retry_after: float, seed: int) -> None:
    delay = retry_delay(attempt, retry_after, random.Random(seed))
    base = SCHEDULE_SECONDS[attempt - 1]
    assert delay is not None
    assert delay >= min(retry_after, MAX_RETRY_AFTER_SECONDS)
    assert delay <= max(base * (1 + JITTER), MAX_RETRY_AFTER_SECONDS)


def test_jitter_spreads_the_delays() -> None:
    rng = random.Random(7)
    delays = [retry_delay(2, None, rng) for _ in range(500)]
    assert min(delays) < 300 * 0.9 and max(delays) > 300 * 1.1  # type: ignore[operator]


def test_the_envelope_is_compact_json_with_this_attempts_time() -> None:
    delivery_id = uuid4()
    body = envelope("IDENTITY_SCORED", NOW, 42, delivery_id, {"identityId": "ü", "scores": {"HUMANITY": 1}})
    assert b" " not in body
    assert json.loads(body) == {
        "event": "IDENTITY_SCORED",
        "timestamp": "2026-01-20T14:15:32.456Z",
        "channelId": "42",
        "deliveryId": str(delivery_id),
        "data": {"identityId": "ü", "scores": {"HUMANITY": 1}},
    }
    assert timestamp_text(NOW.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))) == "2026-01-20T14:15:32.456Z"


@given(st.integers(min_value=100, max_value=599))
def test_only_2xx_succeeds(status: int) -> None:
    verdict = judge(status, None, None, NOW)
    assert verdict.succeeded == (200 <= status < 300)
    assert (verdict.disable_channel == DISABLED_BY_GONE) == (status == 410)
    if 300 <= status < 400:
        assert "redirects are not followed" in (verdict.error or "")


def test_retry_after_in_seconds_or_as_an_http_date_only_for_429_and_503() -> None:
    assert judge(429, None, "120", NOW).retry_after == 120
    date = (NOW + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 89 <= (judge(503, None, date, NOW).retry_after or 0) <= 90
    assert judge(500, None, "120", NOW).retry_after is None
    assert parse_retry_after("soon", NOW) is None and parse_retry_after(None, NOW) is None
    past = (NOW - timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(past, NOW) == 0


def test_no_answer_is_a_failure_with_its_reason() -> None:
    verdict = judge(None, "Refused destination: 127.0.0.1 is not public", None, NOW)
    assert not verdict.succeeded and verdict.error == "Refused destination: 127.0.0.1 is not public"
