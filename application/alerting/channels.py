"""Channel commands: create, change, delete, rotate a webhook's signing secret, send a test; and what the
sending side reads of a channel's secrets.

Secrets enter the event log only sealed by the SecretBox: a webhook's signing secret (shown once, in the
create or rotate answer) and a Slack incoming-webhook URL (itself a credential: `config` shows it masked).

A Slack channel's URL must be one of Slack's incoming webhooks (domain/alerting/channel.py), unless the
operator allows private networks (DREGS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: tests, receivers of one's own).

Addresses are checked here only for early feedback: with private networks not allowed, an address that
is obviously not public (a localhost name, a literal private, loopback, link-local or metadata address in
any spelling) is refused at creation. The sender checks every resolved address again at send time, which is
the check that matters (a public name may resolve to a private address later)."""

import base64
import ipaddress
import re
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4

from email_validator import EmailNotValidError, validate_email

from application.alerting.application import AlertingApplication
from application.alerting.ports import DeliveryQueue, SecretBox
from domain.alerting import channel_events
from domain.alerting.channel import (
    EMAIL,
    MAX_NAME,
    ROTATION_GRACE_SECONDS,
    SLACK,
    TYPES,
    WEBHOOK,
    Channel,
    check_slack_webhook_url,
)
from domain.alerting.delivery import Delivery
from domain.alerting.naming import check_name, slug_for
from domain.errors import InvalidInput
from domain.text import check_storable

KIND = "channel"
MAX_URL = 2000
MAX_ADDRESSES = 20
MAX_ADDRESS = 254
SECRET_PREFIX = "whsec_"
TEST_MESSAGE = "A test notification from Dregs"
# The keys each type's config takes (as the API spells them).
CONFIG_KEYS = {WEBHOOK: ("url",), SLACK: ("webhookUrl",), EMAIL: ("addresses",)}

# Names that never leave the machine or the operator's network, whatever DNS says.
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "metadata.google.internal")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".localdomain")
# Global by the standard library's table, yet they reach IPv4 space that may be private (NAT64, 6to4,
# Teredo, IPv4-mapped and -compatible forms): refused outright.
_TUNNELS = tuple(
    ipaddress.ip_network(n)
    for n in ("64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "2001::/32", "::ffff:0:0/96", "::/96")
)
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")


@dataclass(frozen=True)
class Issued:
    """A channel and the signing secret just made for it (None for other types): shown once."""

    channel: Channel
    signing_secret: str | None


def new_signing_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


# --- validation -------------------------------------------------------------------------------------------


def check_type(value: object) -> str:
    if not isinstance(value, str) or value.upper() not in TYPES:
        raise InvalidInput(f"type must be one of {', '.join(TYPES)}")
    return value.upper()


def check_events(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise InvalidInput(f"events must be a non-empty list of: {', '.join(channel_events.EVENTS)}")
    found: list[str] = []
    for event in value:
        if not isinstance(event, str) or event.upper() not in channel_events.EVENTS:
            shown = repr(event) if isinstance(event, str) and len(event) <= 60 else "a value"
            raise InvalidInput(f"events: {shown} is not one of {', '.join(channel_events.EVENTS)}")
        if event.upper() not in found:
            found.append(event.upper())
    return found


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names literally, in any spelling a resolver accepts (`127.1`, `0x7f000001`,
    `2130706433`, `0177.0.0.1`, `[::ffff:7f00:1]`); None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fx.]+", host.lower()):
        try:
            # inet_aton parses the legacy forms (no lookup): what a client would connect to.
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and any(address in net for net in _TUNNELS):
        return True
    return not address.is_global or address.is_multicast


def check_url(field: str, value: object, *, allow_private_networks: bool) -> str:
    """An absolute http(s) URL a channel may post to. Without private networks allowed: https only, and not
    to a host that is obviously not public."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field} must be a URL")
    url = check_storable(field, value.strip())
    if len(url) > MAX_URL:
        raise InvalidInput(f"{field} must be at most {MAX_URL} characters long")
    if any(c.isspace() or ord(c) < 0x20 for c in url):
        raise InvalidInput(f"{field} must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput(f"{field} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidInput(f"{field} must be an absolute http or https URL")
    if "@" in parts.netloc:
        raise InvalidInput(f"{field} must not hold a user name or password")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidInput(f"{field} must name a host")
    if port == 0:
        raise InvalidInput(f"{field} has an invalid port")
    address = _literal_address(host)
    if address is None:
        try:
            ascii_host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise InvalidInput(f"{field} has an invalid host name") from None
        if not all(_LABEL.match(label) for label in ascii_host.split(".")):
            raise InvalidInput(f"{field} has an invalid host name")
    if allow_private_networks:
        return url
    if scheme != "https":
        raise InvalidInput(f"{field} must use https")
    if address is not None:
        if _not_public(address):
            raise InvalidInput(f"{field} points to a private, loopback, link-local or reserved address ({address})")
    elif ascii_host in _LOCAL_NAMES or ascii_host.endswith(_LOCAL_SUFFIXES):
        raise InvalidInput(f"{field} points to a local host name ({ascii_host}), not a public one")
    return url


def check_addresses(value: object) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_ADDRESSES:
        raise InvalidInput(f"config.addresses must be a list of 1 to {MAX_ADDRESSES} email addresses")
    found: list[str] = []
    for raw in value:
        if not isinstance(raw, str) or not raw.strip():
            raise InvalidInput("config.addresses must hold email addresses")
        if len(raw) > MAX_ADDRESS:
            raise InvalidInput(f"config.addresses: an address must be at most {MAX_ADDRESS} characters long")
        try:
            address = validate_email(
                check_storable("config.addresses", raw.strip()), check_deliverability=False
            ).normalized
        except EmailNotValidError as exc:
            raise InvalidInput(f"config.addresses: {raw.strip()!r} is not a valid email address: {exc}") from None
        if address.lower() not in (a.lower() for a in found):
            found.append(address)
    return found


def mask_url(url: str) -> str:
    """A Slack URL as it may be shown: scheme, host and first path segment, the rest hidden
    (`https://hooks.slack.com/services/T…/B…/****`)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    shown = segments[:1] if len(segments) > 1 else []
    hidden = segments[len(shown) :]
    masked = [s[0] + "…" for s in hidden[:-1]] + (["****"] if hidden else [])
    return f"{parts.scheme}://{parts.hostname}" + "".join("/" + s for s in shown + masked)


@dataclass(frozen=True)
class CheckedConfig:
    shown: dict[str, Any]
    sealed: dict[str, str]


def check_config(
    kind: str, value: object, box: SecretBox, *, allow_private_networks: bool, secret: str | None = None
) -> CheckedConfig:
    """A type's config: what may be shown, and what is sealed (a Slack URL; a new webhook's secret)."""
    if not isinstance(value, dict):
        raise InvalidInput("config must be an object")
    keys = CONFIG_KEYS[kind]
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise InvalidInput(f"config of a {kind} channel takes only {', '.join(keys)}; not {', '.join(unknown)}")
    missing = [k for k in keys if value.get(k) is None]
    if missing:
        raise InvalidInput(f"config of a {kind} channel needs {', '.join('config.' + k for k in missing)}")
    if kind == WEBHOOK:
        url = check_url("config.url", value["url"], allow_private_networks=allow_private_networks)
        return CheckedConfig({"url": url}, {"signingSecret": box.seal(secret)} if secret else {})
    if kind == SLACK:
        url = check_url("config.webhookUrl", value["webhookUrl"], allow_private_networks=allow_private_networks)
        if not allow_private_networks:
            # The same operator switch lets a Slack channel post to a receiver of one's own (tests, a proxy).
            url = check_slack_webhook_url("config.webhookUrl", url)
        return CheckedConfig({"webhookUrl": mask_url(url)}, {"webhookUrl": box.seal(url)})
    return CheckedConfig({"addresses": check_addresses(value["addresses"])}, {})


# --- commands ---------------------------------------------------------------------------------------------


def create_channel(  # noqa: PLR0913 - the channel's fields
    app: AlertingApplication,
    box: SecretBox,
    customer_id: UUID,
    *,
    name: object,
    type: object,  # noqa: A002 - the API's name
    config: object,
    events: object,
    enabled: bool = True,
    allow_private_networks: bool = False,
) -> Issued:
    checked_name = check_name(name, MAX_NAME)
    slug = slug_for(checked_name, MAX_NAME)
    kind = check_type(type)
    subscribed = check_events(events)
    secret = new_signing_secret() if kind == WEBHOOK else None
    checked = check_config(kind, config, box, allow_private_networks=allow_private_networks, secret=secret)
    at = app.clock()

    def make(number: int) -> Channel:
        return Channel(
            customer_id=customer_id,
            number=number,
            slug=slug,
            name=checked_name,
            type=kind,
            config=checked.shown,
            sealed=checked.sealed,
            events=subscribed,
            enabled=bool(enabled),
            at=at,
        )

    return Issued(app.create_named(customer_id, KIND, slug, make), secret)


def get_channel(app: AlertingApplication, customer_id: UUID, slug: str) -> Channel:
    """The team's live channel with this slug (NotFound otherwise)."""
    return app.by_slug(customer_id, KIND, slug, Channel)


def change_channel(  # noqa: PLR0913
    app: AlertingApplication,
    box: SecretBox,
    customer_id: UUID,
    slug: str,
    changes: dict[str, Any],
    *,
    allow_private_networks: bool = False,
) -> Channel:
    """A partial change of `name` (the slug stays), `config` (checked again; a Slack URL sealed again),
    `events` and `enabled` (enabling clears why it was disabled)."""
    unknown = sorted(set(changes) - {"name", "config", "events", "enabled"})
    if unknown:
        raise InvalidInput(f"a channel's {', '.join(unknown)} cannot be changed")
    channel = get_channel(app, customer_id, slug)
    checked: dict[str, Any] = {}
    if "name" in changes:
        checked["name"] = check_name(changes["name"], MAX_NAME)
    if "config" in changes:
        config = check_config(channel.type, changes["config"], box, allow_private_networks=allow_private_networks)
        checked["config"] = config.shown
        if config.sealed:
            checked["sealed"] = {**channel.sealed, **config.sealed}
    if "events" in changes:
        checked["events"] = check_events(changes["events"])
    if "enabled" in changes:
        if not isinstance(changes["enabled"], bool):
            raise InvalidInput("enabled must be true or false")
        if changes["enabled"] != channel.enabled:
            # Only a real enabling clears the failure clock: re-sending `true` must not hide five failing days.
            checked["enabled"] = changes["enabled"]
    if checked:
        channel.change(changes=checked, at=app.clock())
        app.save(channel)
    return channel


def delete_channel(app: AlertingApplication, customer_id: UUID, slug: str) -> None:
    """The channel is deleted and its slug freed, in one save. Escalation rules that name the slug keep
    naming it, but a deleted channel receives nothing (and a new channel of that slug would)."""
    channel = get_channel(app, customer_id, slug)
    channel.delete(at=app.clock())
    app.save(channel, app.release_slug(customer_id, KIND, channel.slug))


def rotate_secret(app: AlertingApplication, box: SecretBox, customer_id: UUID, slug: str) -> Issued:
    """A new signing secret for a webhook; the previous one still signs for ROTATION_GRACE_SECONDS, so
    receivers can switch without losing a delivery."""
    channel = get_channel(app, customer_id, slug)
    if channel.type != WEBHOOK:
        raise InvalidInput(f"only a {WEBHOOK} channel has a signing secret to rotate; this one is {channel.type}")
    secret = new_signing_secret()
    at = app.clock()
    channel.rotate(sealed_secret=box.seal(secret), previous_until=at + timedelta(seconds=ROTATION_GRACE_SECONDS), at=at)
    app.save(channel)
    return Issued(channel, secret)


def send_test(
    app: AlertingApplication, customer_id: UUID, slug: str, queue: DeliveryQueue | None
) -> tuple[Channel, Delivery]:
    """A test notification: a delivery like any other (logged, retried), whatever events the channel
    subscribes to. It is handed to the workers when a queue runs here; otherwise their sweep finds it."""
    channel = get_channel(app, customer_id, slug)
    delivery = Delivery(
        customer_id=customer_id,
        channel=channel.number,
        channel_type=channel.type,
        event=channel_events.TEST,
        trigger=f"test:{uuid4()}",
        identity=None,
        data={"message": TEST_MESSAGE, "channel": channel.slug},
        at=app.clock(),
    )
    app.save(delivery)
    if queue is not None:
        queue.enqueue(customer_id, delivery.id)
    return channel, delivery


# --- what the sending side reads --------------------------------------------------------------------------


def signing_secrets(
    app: AlertingApplication, box: SecretBox, channel: Channel, now: datetime | None = None
) -> list[str]:
    """The secrets a delivery is signed with: the current one, and the previous one during its grace."""
    if channel.type != WEBHOOK:
        return []
    found = [box.open(channel.sealed["signingSecret"])]
    previous = channel.sealed.get("previousSigningSecret")
    until = channel.previous_secret_until
    if previous and until is not None and until > (now or app.clock()):
        found.append(box.open(previous))
    return found


def slack_url(box: SecretBox, channel: Channel) -> str:
    if channel.type != SLACK:
        raise InvalidInput(f"a {channel.type} channel has no Slack URL")
    return box.open(channel.sealed["webhookUrl"])
