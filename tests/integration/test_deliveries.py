"""Deliveries against a real receiver on loopback (DREGS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS on): signatures both
verifiers accept, retries with the same webhook-id, 410, redirects, Retry-After, Slack and email."""

import json
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from uuid import uuid4

import pytest
import standardwebhooks
from dregs.errors import WebhookVerificationError
from dregs.webhooks import verify

from adapters.alerting.queue import InProcessQueue
from adapters.bootstrap import Container, build_container
from domain.alerting.channel import EMAIL, SLACK
from domain.alerting.retry_schedule import retry_delay
from tests.delivery_support import (
    attempt_rows,
    delivery_row,
    new_secret,
    receiver,
    save_channel,
    save_delivery,
)
from tests.support import settings_for, wait_until


@pytest.fixture
def container() -> Iterator[Container]:
    with tempfile.TemporaryDirectory(prefix="dregs-deliveries-") as tmp:
        c = build_container(settings_for(None, Path(tmp), webhooks_allow_private_networks=True))
        try:
            yield c
        finally:
            c.close()


def test_both_verifiers_accept_a_delivery_and_the_sdk_refuses_it_301_s_later(container: Container) -> None:
    secret = new_secret()
    with receiver() as r:
        channel = save_channel(container, uuid4(), url=r.url(), secret=secret)
        delivery = save_delivery(container, channel, {"identityId": "ü-1", "scores": {"HUMANITY": 7}})
        assert container.deliveries is not None
        tried = container.deliveries.attempt(delivery.id)
        assert tried.what == "attempted" and tried.succeeded
        (got,) = r.to("/hook")
    event = verify(payload=got.body, signature=got.headers["X-Dregs-Signature"], secret=secret)
    assert event["event"] == "IDENTITY_SCORED" and event["data"] == {"identityId": "ü-1", "scores": {"HUMANITY": 7}}
    assert event["channelId"] == "1" and event["deliveryId"] == str(delivery.id)
    assert event["timestamp"].endswith("Z") and len(event["timestamp"]) == len("2026-01-20T14:15:32.456Z")
    assert got.headers["X-Dregs-Timestamp"] == event["timestamp"]
    assert got.headers["X-Dregs-Event"] == "IDENTITY_SCORED"
    assert got.headers["X-Dregs-Signature"] == got.headers["X-Dregs-Signature"].lower()
    assert standardwebhooks.Webhook(secret).verify(got.body, got.headers) == event
    assert got.headers["webhook-id"] == delivery.webhook_id
    sent = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00"))
    with pytest.raises(WebhookVerificationError):
        verify(
            payload=got.body,
            signature=got.headers["X-Dregs-Signature"],
            secret=secret,
            now=sent + timedelta(seconds=301),
        )
    verify(
        payload=got.body, signature=got.headers["X-Dregs-Signature"], secret=secret, now=sent + timedelta(seconds=299)
    )
    with pytest.raises(WebhookVerificationError):
        verify(payload=got.body, signature=got.headers["X-Dregs-Signature"], secret=new_secret())
    row = delivery_row(container, delivery.id)
    assert row is not None and row["status"] == "DELIVERED" and row["attempts"] == 1 and row["last_status_code"] == 200


def test_during_a_rotation_both_secrets_sign_the_standard_webhooks_header(container: Container) -> None:
    old, new = new_secret(), new_secret()
    with receiver() as r:
        channel = save_channel(container, uuid4(), url=r.url(), secret=old)
        now = container.alerting.clock()
        channel.rotate(container.secret_box.seal(new), now + timedelta(hours=24), now)
        container.alerting.save(channel)
        delivery = save_delivery(container, channel)
        assert container.deliveries is not None
        container.deliveries.attempt(delivery.id)
        (got,) = r.to("/hook")
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    standardwebhooks.Webhook(old).verify(got.body, got.headers)
    standardwebhooks.Webhook(new).verify(got.body, got.headers)
    # The SDK's verify compares one hex signature: the current secret's.
    verify(payload=got.body, signature=got.headers["X-Dregs-Signature"], secret=new)
    with pytest.raises(WebhookVerificationError):
        verify(payload=got.body, signature=got.headers["X-Dregs-Signature"], secret=old)


def test_a_500_is_retried_with_the_same_webhook_id_and_both_attempts_are_logged(container: Container) -> None:
    assert container.deliveries is not None
    container.deliveries.schedule = lambda n, wait: 0.05  # fast retries; the production schedule is tested below
    queue = container.delivery_queue
    assert isinstance(queue, InProcessQueue)
    queue.start()
    secret = new_secret()
    with receiver() as r:
        r.answers["/hook"] = [(500, {}, b"boom")]
        channel = save_channel(container, uuid4(), url=r.url(), secret=secret)
        delivery = save_delivery(container, channel)
        queue.enqueue(channel.customer_id, delivery.id)
        wait_until(
            lambda: (row := delivery_row(container, delivery.id)) and row["status"] == "DELIVERED", 10, "DELIVERED"
        )
        first, second = r.to("/hook")
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.webhook_id
    for got in (first, second):
        standardwebhooks.Webhook(secret).verify(got.body, got.headers)
    assert json.loads(first.body)["deliveryId"] == json.loads(second.body)["deliveryId"] == str(delivery.id)
    attempts = attempt_rows(container, delivery.id)
    assert [(a["attempt"], a["status_code"], a["succeeded"]) for a in attempts] == [(1, 500, False), (2, 200, True)]
    assert attempts[0]["error"] == "HTTP 500: boom" and attempts[0]["next_attempt_at"] is not None
    channel_now = container.alerting.get(channel.id, type(channel))
    assert channel_now is not None and channel_now.failing_since is None and channel_now.last_success_at is not None


def test_410_disables_the_channel_and_fails_the_delivery(container: Container) -> None:
    assert container.deliveries is not None
    with receiver() as r:
        r.answers["/hook"] = [(410, {}, b"")]
        channel = save_channel(container, uuid4(), url=r.url(), secret=new_secret())
        delivery = save_delivery(container, channel)
        tried = container.deliveries.attempt(delivery.id)
        later = save_delivery(container, channel)
        assert container.deliveries.attempt(later.id).what == "abandoned"
        assert len(r.to("/hook")) == 1
    assert tried.what == "attempted" and not tried.succeeded and tried.next_attempt_at is None
    disabled = container.alerting.get(channel.id, type(channel))
    assert disabled is not None and not disabled.enabled
    assert disabled.disabled_reason == "The receiver answered 410 Gone"
    assert delivery_row(container, delivery.id)["status"] == "FAILED"  # type: ignore[index]
    assert delivery_row(container, later.id)["last_error"] == "The channel is disabled"  # type: ignore[index]


def test_a_redirect_is_not_followed_and_counts_as_a_failure(container: Container) -> None:
    assert container.deliveries is not None
    with receiver() as r, receiver() as target:
        r.answers["/hook"] = [(307, {"Location": target.url("/elsewhere")}, b"")]
        channel = save_channel(container, uuid4(), url=r.url(), secret=new_secret())
        delivery = save_delivery(container, channel)
        tried = container.deliveries.attempt(delivery.id)
        assert target.requests == []
    assert not tried.succeeded and tried.next_attempt_at is not None
    (attempt,) = attempt_rows(container, delivery.id)
    assert attempt["status_code"] == 307 and "redirects are not followed" in attempt["error"]
    assert delivery_row(container, delivery.id)["status"] == "PENDING"  # type: ignore[index]


@pytest.mark.parametrize("retry_after", ["120", "HTTP-DATE"])
@pytest.mark.parametrize("status", [429, 503])
def test_429_and_503_honour_retry_after(container: Container, status: int, retry_after: str) -> None:
    assert container.deliveries is not None
    now = datetime.now(UTC)
    value = retry_after
    if value == "HTTP-DATE":
        value = (now + timedelta(seconds=150)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    with receiver() as r:
        r.answers["/hook"] = [(status, {"Retry-After": value}, b"")]
        channel = save_channel(container, uuid4(), url=r.url(), secret=new_secret())
        delivery = save_delivery(container, channel)
        tried = container.deliveries.attempt(delivery.id)
    assert tried.next_attempt_at is not None
    wait = (tried.next_attempt_at - now).total_seconds()
    expected = 120 if retry_after == "120" else 150
    # The schedule's first delay is 5 s ± 20 %: the receiver's longer wait wins.
    assert expected - 3 <= wait <= expected + 3, wait
    (attempt,) = attempt_rows(container, delivery.id)
    assert attempt["status_code"] == status and not attempt["succeeded"]


def test_a_refused_destination_is_a_failed_attempt_that_counts(tmp_path: Path) -> None:
    c = build_container(settings_for(None, tmp_path))  # private networks NOT allowed
    try:
        with receiver() as r:
            channel = save_channel(c, uuid4(), url=r.url(), secret=new_secret())
            delivery = save_delivery(c, channel)
            assert c.deliveries is not None
            tried = c.deliveries.attempt(delivery.id)
            assert r.requests == []
        assert tried.what == "attempted" and tried.attempt == 1 and tried.next_attempt_at is not None
        (attempt,) = attempt_rows(c, delivery.id)
        assert attempt["status_code"] is None and attempt["error"].startswith("Refused destination")
    finally:
        c.close()


def test_a_channel_failing_for_five_days_is_disabled_and_the_admins_are_emailed(container: Container) -> None:
    assert container.deliveries is not None
    user, team = container.accounts.sign_up("owner@example.com", "correct horse battery", "Ada", "Team")
    container.accounts_runner.catch_up()
    with receiver() as r:
        r.answers["/hook"] = [(500, {}, b""), (500, {}, b"")]
        channel = save_channel(container, team.id, url=r.url(), secret=new_secret())
        first = save_delivery(container, channel)
        container.deliveries.attempt(first.id)
        started = container.alerting.get(channel.id, type(channel))
        assert started is not None and started.failing_since is not None and started.enabled
        real_clock = container.alerting.clock
        container.alerting.clock = lambda: real_clock() + timedelta(days=5, minutes=1)
        second = save_delivery(container, channel)
        container.deliveries.attempt(second.id)
    disabled = container.alerting.get(channel.id, type(channel))
    assert disabled is not None and not disabled.enabled and "5 days" in (disabled.disabled_reason or "")
    (mail,) = list((container.settings.data_dir / "mail").glob("*.eml"))
    message = message_from_bytes(mail.read_bytes(), policy=policy.default)
    assert message["To"] == user.email and "disabled" in message["Subject"]
    assert "5 days" in message.get_body().get_content()  # type: ignore[union-attr]
    assert oct(mail.stat().st_mode & 0o777) == "0o600"


def test_slack_gets_an_escaped_card(container: Container) -> None:
    assert container.deliveries is not None
    with receiver() as r:
        channel = save_channel(container, uuid4(), type=SLACK, slack_url=r.url("/slack"))
        data = {"identityId": "<!channel> & co", "scores": {"HUMANITY": 3, "BEHAVIOR": 90}, "badges": [{"name": "<b>"}]}
        delivery = save_delivery(container, channel, data)
        tried = container.deliveries.attempt(delivery.id)
        (got,) = r.to("/slack")
    assert tried.succeeded
    card = json.loads(got.body)
    # Slack reads markup in mrkdwn texts and the fallback text; plain_text (the header) is shown as it is.
    mrkdwn = [card["text"]] + [
        t["text"]
        for block in card["blocks"]
        for t in [block.get("text", {}), *block.get("fields", [])]
        if t.get("type") == "mrkdwn"
    ]
    assert not any("<!channel>" in t or "<b>" in t for t in mrkdwn)
    assert any("&lt;!channel&gt; &amp; co" in t for t in mrkdwn) and any("&lt;b&gt;" in t for t in mrkdwn)
    assert "|&lt;!channel&gt; &amp; co>" in json.dumps(mrkdwn)  # the link's label; its URL is percent-encoded
    assert card["text"].startswith("Identity scored")
    assert any(b["type"] == "actions" for b in card["blocks"])
    assert "X-Dregs-Signature" not in got.headers


def test_email_in_the_embedded_mode_is_written_as_an_eml_file(container: Container) -> None:
    assert container.deliveries is not None
    channel = save_channel(container, uuid4(), type=EMAIL, addresses=["ops@example.com", "sec@example.com"])
    delivery = save_delivery(container, channel, {"identityId": "u-9", "scores": {"AUTHENTICITY": 12}})
    tried = container.deliveries.attempt(delivery.id)
    assert tried.succeeded
    (mail,) = list((container.settings.data_dir / "mail").glob("*.eml"))
    message = message_from_bytes(mail.read_bytes(), policy=policy.default)
    assert message["To"] == "ops@example.com, sec@example.com"
    assert message["From"] == "dregs@127.0.0.1" and message["Message-ID"] and message["Date"]
    body = message.get_body().get_content()  # type: ignore[union-attr]
    assert "IDENTITY_SCORED" in body and "u-9" in body and "Authenticity: 12" in body


def test_email_goes_to_a_real_smtp_server(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    from tests.support import free_port

    got: list = []

    class Sink(Message):
        def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
            got.append(message)

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    c = build_container(
        settings_for(None, tmp_path, smtp_url=f"smtp://127.0.0.1:{port}", mail_from="alerts@dregs.test")
    )
    try:
        channel = save_channel(c, uuid4(), type=EMAIL, addresses=["ops@example.com"])
        delivery = save_delivery(
            c, channel, event="ESCALATION_OPENED", data={"escalation": {"identityId": "u-7", "severity": "CRITICAL"}}
        )
        assert c.deliveries is not None
        assert c.deliveries.attempt(delivery.id).succeeded
        wait_until(lambda: got, 5, "the SMTP sink to receive the message")
        assert got[0]["To"] == "ops@example.com" and got[0]["From"] == "alerts@dregs.test"
        assert "CRITICAL" in got[0]["Subject"] and "u-7" in got[0].get_payload()
        assert not (tmp_path / "mail").exists()
    finally:
        c.close()
        controller.stop()


def test_the_production_schedule_is_the_documented_one() -> None:
    import random

    rng = random.Random(1)
    for attempt, base in enumerate((5, 300, 1800, 7200, 18000, 36000, 36000), start=1):
        delay = retry_delay(attempt, None, rng)
        assert delay is not None and base * 0.8 <= delay <= base * 1.2
    assert retry_delay(8, None, rng) is None


def test_pending_deliveries_are_found_again_when_the_process_starts(tmp_path: Path) -> None:
    """The embedded default after a restart: nothing was queued in memory, the sweep finds them in the database."""
    settings = settings_for(None, tmp_path, webhooks_allow_private_networks=True, delivery_sweep_seconds=0.2)
    with receiver() as r:
        before = build_container(settings)
        channel = save_channel(before, uuid4(), url=r.url(), secret=new_secret())
        saved = [save_delivery(before, channel) for _ in range(3)]
        before.close()  # "killed" before any try: never queued anywhere
        after = build_container(settings)
        try:
            after.start(run_projections=True)
            for d in saved:
                wait_until(lambda d=d: (row := delivery_row(after, d.id)) and row["status"] == "DELIVERED", 10, "sweep")
            assert sorted(json.loads(got.body)["deliveryId"] for got in r.to("/hook")) == sorted(
                str(d.id) for d in saved
            )
        finally:
            after.close()


def test_over_the_channel_rate_limit_a_delivery_waits_without_an_attempt(tmp_path: Path) -> None:
    limits = {**settings_for(None, tmp_path).rate_limits, "channel_deliveries": "1/minute"}
    c = build_container(settings_for(None, tmp_path, webhooks_allow_private_networks=True, rate_limits=limits))
    try:
        assert c.deliveries is not None
        with receiver() as r:
            channel = save_channel(c, uuid4(), url=r.url(), secret=new_secret())
            first, second = save_delivery(c, channel), save_delivery(c, channel)
            assert c.deliveries.attempt(first.id).succeeded
            before = datetime.now(UTC)
            tried = c.deliveries.attempt(second.id)
            after = datetime.now(UTC)
            assert len(r.to("/hook")) == 1
        assert tried.what == "postponed" and tried.next_attempt_at is not None
        # At least a second after the try began, at most the window after it ended (not after this line: a busy
        # machine can spend that second between the try and here).
        assert (tried.next_attempt_at - before).total_seconds() >= 1
        assert (tried.next_attempt_at - after).total_seconds() <= 61
        assert attempt_rows(c, second.id) == []
        row = delivery_row(c, second.id)
        assert row is not None and row["status"] == "PENDING" and row["attempts"] == 0
        assert row["last_error"] == "Postponed by the rate limit"
    finally:
        c.close()
