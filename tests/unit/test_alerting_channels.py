"""Channel commands on an in-memory Alerting application: every field's validation, the destinations
refused with private networks off, the signing secret's format and rotation, and secrets sealed."""

import base64
import re
import secrets
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from adapters.alerting.secret_box import FernetSecretBox
from application.alerting import channels as c
from application.alerting.application import AlertingApplication, NotFound
from domain.alerting.channel import ROTATION_GRACE_SECONDS, Channel, check_slack_webhook_url
from domain.alerting.delivery import Delivery
from domain.errors import Conflict, InvalidInput

HOOK = "https://hooks.example.com/dregs"
SLACK_URL = "https://hooks.slack.com/services/T0001/B0002/abcdefSECRETxyz"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock: Clock) -> AlertingApplication:
    return AlertingApplication(clock=clock)


@pytest.fixture
def box() -> FernetSecretBox:
    return FernetSecretBox(secrets.token_urlsafe(32))


def _create(app: AlertingApplication, box: FernetSecretBox, team=None, **fields):  # type: ignore[no-untyped-def]
    given = {"name": "Ops hook", "type": "WEBHOOK", "config": {"url": HOOK}, "events": ["IDENTITY_SCORED"], **fields}
    return c.create_channel(app, box, team or uuid4(), **given)


# --- destinations -----------------------------------------------------------------------------------------

PUBLIC = [
    "https://hooks.example.com/x",
    "https://api.example.com:8443/a/b?c=d",
    "https://8.8.8.8/hook",
    "https://[2606:4700:4700::1111]/hook",
    "https://xn--bcher-kva.example/x",
    "https://bücher.example/x",
]

# With private networks off: every one is refused before anything is stored.
FORBIDDEN = [
    "http://hooks.example.com/x",  # plain http
    "https://localhost/x",
    "https://LOCALHOST./x",
    "https://api.localhost/x",
    "https://printer.local/x",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://127.0.0.1/x",
    "https://127.1/x",
    "https://2130706433/x",  # decimal
    "https://0x7f000001/x",  # hex
    "https://0177.0.0.1/x",  # octal
    "https://0x7f.0.0.1/x",
    "https://10.0.0.1/x",
    "https://172.16.5.4/x",
    "https://192.168.1.1/x",
    "https://169.254.169.254/latest/meta-data/",
    "https://100.64.0.1/x",  # carrier-grade NAT
    "https://0.0.0.0/x",
    "https://224.0.0.1/x",
    "https://[::1]/x",
    "https://[::]/x",
    "https://[::ffff:127.0.0.1]/x",  # IPv4-mapped
    "https://[::ffff:7f00:1]/x",
    "https://[::ffff:8.8.8.8]/x",  # mapped, even to a public address
    "https://[64:ff9b::a00:1]/x",  # NAT64
    "https://[2002:7f00:1::]/x",  # 6to4
    "https://[fe80::1]/x",
    "https://[fd00:ec2::254]/x",  # a cloud's metadata over IPv6
    "https://[fc00::1]/x",
]

MALFORMED = [
    "",
    "   ",
    "hooks.example.com/x",
    "/relative",
    "ftp://example.com/x",
    "javascript:alert(1)",
    "https://",
    "https://user:pass@hooks.example.com/x",
    "https://user@hooks.example.com/x",
    "https://hooks.example.com:99999/x",
    "https://hooks.example.com:0/x",
    "https://ho oks.example.com/x",
    "https://hooks.example.com/\x00",
    "https://%31%32%37.0.0.1/x",
    "https://-bad-.example.com/x",
    "https://" + "a" * 1990 + ".example.com/",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_https_urls_are_accepted(url: str) -> None:
    assert c.check_url("config.url", url, allow_private_networks=False) == url


@pytest.mark.parametrize("url", FORBIDDEN)
def test_destinations_that_are_not_public_are_refused(url: str) -> None:
    with pytest.raises(InvalidInput, match=r"config\.url (must use https|points to)"):
        c.check_url("config.url", url, allow_private_networks=False)


@pytest.mark.parametrize("url", FORBIDDEN)
def test_the_operator_setting_allows_private_and_plain_http(url: str) -> None:
    assert c.check_url("config.url", url, allow_private_networks=True) == url


@pytest.mark.parametrize("url", MALFORMED)
@pytest.mark.parametrize("allow", [False, True])
def test_malformed_urls_are_refused_whatever_the_setting(url: str, allow: bool) -> None:
    with pytest.raises(InvalidInput, match=r"^config\.url "):
        c.check_url("config.url", url, allow_private_networks=allow)


def test_a_url_is_at_most_2000_characters() -> None:
    url = "https://hooks.example.com/" + "a" * (2000 - len("https://hooks.example.com/"))
    assert c.check_url("config.url", url, allow_private_networks=False) == url
    with pytest.raises(InvalidInput, match="at most 2000 characters"):
        c.check_url("config.url", url + "a", allow_private_networks=False)


# --- fields -----------------------------------------------------------------------------------------------


def test_events_are_a_non_empty_deduplicated_subset() -> None:
    assert c.check_events(["IDENTITY_SCORED", "identity_scored", "ESCALATION_OPENED"]) == [
        "IDENTITY_SCORED",
        "ESCALATION_OPENED",
    ]
    for bad in ([], None, "IDENTITY_SCORED", ["TEST"], ["IDENTITY_SCORED", "NOPE"], [3]):
        with pytest.raises(InvalidInput, match="events"):
            c.check_events(bad)


def test_email_addresses_are_validated_and_bounded() -> None:
    assert c.check_addresses(["Ops@Example.com", "ops@example.com", "b@example.org"]) == [
        "Ops@example.com",
        "b@example.org",
    ]
    for bad in ([], None, ["not an address"], ["a@"], ["@example.com"], [""], [f"a{i}@example.com" for i in range(21)]):
        with pytest.raises(InvalidInput, match="config.addresses"):
            c.check_addresses(bad)
    assert len(c.check_addresses([f"a{i}@example.com" for i in range(20)])) == 20


def test_a_type_takes_only_its_own_config_key(box: FernetSecretBox) -> None:
    cases = [
        ("WEBHOOK", {"url": HOOK, "secret": "x"}, "takes only url; not secret"),
        ("WEBHOOK", {"webhookUrl": HOOK}, "takes only url; not webhookUrl"),
        ("WEBHOOK", {}, "needs config.url"),
        ("SLACK", {"url": HOOK}, "takes only webhookUrl; not url"),
        ("EMAIL", {"addresses": ["a@example.com"], "cc": []}, "takes only addresses; not cc"),
        ("EMAIL", {"addresses": None}, "needs config.addresses"),
        ("WEBHOOK", ["https://x"], "config must be an object"),
    ]
    for kind, config, message in cases:
        with pytest.raises(InvalidInput, match=re.escape(message)):
            c.check_config(kind, config, box, allow_private_networks=False)


def test_types_and_names(app: AlertingApplication, box: FernetSecretBox) -> None:
    for bad in ("SMS", "", None, "DASHBOARD"):
        with pytest.raises(InvalidInput, match="type must be one of WEBHOOK, SLACK, EMAIL"):
            _create(app, box, type=bad)
    assert _create(app, box, type="webhook", name="lower").channel.type == "WEBHOOK"
    for bad, message in (("", "non-empty"), ("   ", "non-empty"), ("x" * 101, "at most 100"), ("!!!", "letter or")):
        with pytest.raises(InvalidInput, match=message):
            _create(app, box, name=bad)
    assert _create(app, box, name="  " + "x" * 100 + "  ").channel.name == "x" * 100


# --- secrets ----------------------------------------------------------------------------------------------


def test_the_signing_secret_format() -> None:
    made = {c.new_signing_secret() for _ in range(50)}
    assert len(made) == 50
    for secret in made:
        assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", secret)
        assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32


def test_a_webhook_secret_is_kept_only_sealed(app: AlertingApplication, box: FernetSecretBox) -> None:
    issued = _create(app, box)
    channel = issued.channel
    assert issued.signing_secret is not None and issued.signing_secret.startswith("whsec_")
    assert issued.signing_secret not in str(vars(channel))
    assert box.open(channel.sealed["signingSecret"]) == issued.signing_secret
    assert c.signing_secrets(app, box, channel) == [issued.signing_secret]
    stored = b"".join(n.state for n in app.recorder.select_notifications(start=1, limit=100))
    assert issued.signing_secret.encode() not in stored and b"ops-hook" in stored


def test_a_slack_url_is_sealed_and_shown_masked(app: AlertingApplication, box: FernetSecretBox) -> None:
    issued = _create(app, box, name="Slack", type="SLACK", config={"webhookUrl": SLACK_URL})
    channel = issued.channel
    assert issued.signing_secret is None
    assert channel.config == {"webhookUrl": "https://hooks.slack.com/services/T…/B…/****"}
    assert c.slack_url(box, channel) == SLACK_URL
    stored = b"".join(n.state for n in app.recorder.select_notifications(start=1, limit=100))
    assert b"SECRETxyz" not in stored and b"hooks.slack.com/services/T" in stored
    other = "https://hooks.slack.com/services/T0001/B0002/another"
    changed = c.change_channel(app, box, channel.customer_id, "slack", {"config": {"webhookUrl": other}})
    assert c.slack_url(box, app.get(changed.id, Channel)) == other
    assert c.mask_url("https://chat.example.com/hook") == "https://chat.example.com/****"


SLACK_HOOKS = [
    SLACK_URL,
    "https://HOOKS.Slack.com/services/T0001/B0002/x",
    "https://hooks.slack.com./services/T0001/B0002/x",
    "https://hooks.slack.com:443/services/T0001/B0002/x",
    "https://hooks.slack.com/triggers/T0001/123/abc",  # a workflow's webhook
]

NOT_SLACK = [
    "https://hooks.example.com/services/T0001/B0002/x",
    "https://slack.com/services/T0001/B0002/x",
    "https://hooks.slack.com.example.com/services/T0001/B0002/x",
    "https://example.com/hooks.slack.com/services/T0001/B0002/x",
    "https://evil-hooks.slack.com/services/T0001/B0002/x",
    "https://hooks.slack.com:8443/services/T0001/B0002/x",
    "http://hooks.slack.com/services/T0001/B0002/x",
    "https://hooks.slack.com",
    "https://hooks.slack.com/",
]


@pytest.mark.parametrize("url", SLACK_HOOKS)
def test_slacks_incoming_webhooks_are_slack_urls(url: str) -> None:
    assert check_slack_webhook_url("config.webhookUrl", url) == url


@pytest.mark.parametrize("url", NOT_SLACK)
def test_any_other_url_is_no_slack_url(url: str) -> None:
    with pytest.raises(InvalidInput, match=r"^config\.webhookUrl must be a Slack incoming-webhook URL, https://hooks"):
        check_slack_webhook_url("config.webhookUrl", url)


def test_a_slack_channel_posts_only_to_slack_unless_the_operator_allows_private_networks(
    app: AlertingApplication, box: FernetSecretBox
) -> None:
    team = uuid4()
    public = "https://chat.example.com/services/T0001/B0002/x"
    with pytest.raises(InvalidInput, match="Slack incoming-webhook URL"):
        _create(app, box, team, name="Slack", type="SLACK", config={"webhookUrl": public})
    _create(app, box, team, name="Slack", type="SLACK", config={"webhookUrl": SLACK_URL})
    with pytest.raises(InvalidInput, match="Slack incoming-webhook URL"):
        c.change_channel(app, box, team, "slack", {"config": {"webhookUrl": public}})
    local = "http://127.0.0.1:8080/slack"
    changed = c.change_channel(app, box, team, "slack", {"config": {"webhookUrl": local}}, allow_private_networks=True)
    assert c.slack_url(box, app.get(changed.id, Channel)) == local
    issued = _create(
        app, box, team, name="Other", type="SLACK", config={"webhookUrl": public}, allow_private_networks=True
    )
    assert c.slack_url(box, issued.channel) == public


def test_rotation_keeps_the_previous_secret_for_the_grace_period(
    app: AlertingApplication, box: FernetSecretBox, clock: Clock
) -> None:
    team = uuid4()
    first = _create(app, box, team).signing_secret
    rotated = c.rotate_secret(app, box, team, "ops-hook")
    assert rotated.signing_secret not in (None, first)
    channel = app.get(rotated.channel.id, Channel)
    assert c.signing_secrets(app, box, channel) == [rotated.signing_secret, first]
    clock.now += timedelta(seconds=ROTATION_GRACE_SECONDS - 1)
    assert c.signing_secrets(app, box, channel) == [rotated.signing_secret, first]
    clock.now += timedelta(seconds=1)
    assert c.signing_secrets(app, box, channel) == [rotated.signing_secret]
    _create(app, box, team, name="Mail", type="EMAIL", config={"addresses": ["a@example.com"]})
    with pytest.raises(InvalidInput, match="only a WEBHOOK channel"):
        c.rotate_secret(app, box, team, "mail")


# --- commands ---------------------------------------------------------------------------------------------


def test_a_slug_is_unique_in_its_team_and_freed_by_delete(app: AlertingApplication, box: FernetSecretBox) -> None:
    team, other = uuid4(), uuid4()
    first = _create(app, box, team).channel
    with pytest.raises(Conflict, match="exists already"):
        _create(app, box, team, name="OPS  hook!")
    assert _create(app, box, other).channel.number == 1  # another team's numbers and slugs are its own
    c.delete_channel(app, team, "ops-hook")
    with pytest.raises(NotFound):
        c.get_channel(app, team, "ops-hook")
    assert app.get(first.id, Channel).deleted
    again = _create(app, box, team).channel
    assert again.slug == "ops-hook" and again.number == 2


def test_change_is_partial_and_checked(app: AlertingApplication, box: FernetSecretBox, clock: Clock) -> None:
    team = uuid4()
    channel = _create(app, box, team).channel
    channel.disable(reason="410 Gone", at=clock())
    app.save(channel)
    clock.now += timedelta(minutes=1)
    changed = c.change_channel(app, box, team, "ops-hook", {"name": "Renamed", "events": ["ESCALATION_CLOSED"]})
    assert (changed.slug, changed.name, changed.events) == ("ops-hook", "Renamed", ["ESCALATION_CLOSED"])
    assert changed.disabled_reason == "410 Gone" and not changed.enabled
    changed = c.change_channel(app, box, team, "ops-hook", {"enabled": True})
    assert changed.enabled and changed.disabled_reason is None and changed.updated_at == clock.now
    changed.failing(at=clock())
    app.save(changed)
    changed = c.change_channel(app, box, team, "ops-hook", {"enabled": True})  # already enabled: no change
    assert changed.failing_since == clock.now
    version = changed.version
    for bad in (
        {"config": {"url": "http://hooks.example.com"}},
        {"config": {"addresses": ["a@example.com"]}},
        {"events": []},
        {"name": ""},
        {"enabled": "yes"},
        {"type": "SLACK"},
    ):
        with pytest.raises(InvalidInput):
            c.change_channel(app, box, team, "ops-hook", bad)
    assert app.get(changed.id, Channel).version == version  # nothing refused was stored
    with pytest.raises(NotFound):
        c.change_channel(app, box, uuid4(), "ops-hook", {"name": "x"})


def test_a_test_notification_is_a_pending_delivery(app: AlertingApplication, box: FernetSecretBox) -> None:
    team = uuid4()
    _create(app, box, team)
    channel, delivery = c.send_test(app, team, "ops-hook", None)
    stored = app.get(delivery.id, Delivery)
    assert stored is not None and stored.status == "PENDING" and stored.event == "TEST"
    assert stored.channel == channel.number and stored.trigger.startswith("test:")
    assert stored.data == {"message": "A test notification from Dregs", "channel": "ops-hook"}
    _, again = c.send_test(app, team, "ops-hook", None)
    assert again.id != delivery.id  # each test is news of its own
    with pytest.raises(NotFound):
        c.send_test(app, uuid4(), "ops-hook", None)
