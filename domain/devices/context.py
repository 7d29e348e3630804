"""What the server learns about a browser event's device from outside the browser: the user agent
parsed, and where its IP address is (place and network). An adapter derives it at ingestion and the
event records it, so a replay never depends on today's version of a parser or an IP database."""

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class AgentFacts:
    """A user-agent string parsed; None where the string does not say."""

    browser: str | None = None  # "Chrome", "Firefox", "HeadlessChrome", …
    browser_version: str | None = None  # "131.0.6778"
    os: str | None = None  # "Windows", "Mac OS X", "Android", "iOS", "Linux", …
    os_version: str | None = None
    device_type: str | None = None  # "desktop", "mobile", "tablet", "bot"
    is_bot: bool = False  # the string names a crawler or a script's HTTP library


@dataclass(frozen=True)
class NetworkFacts:
    """Where an IP address is, from an offline database; None where it does not know."""

    city: str | None = None
    region: str | None = None
    country: str | None = None
    country_code: str | None = None  # ISO 3166-1 alpha-2
    timezone: str | None = None  # IANA, e.g. "Europe/Berlin"
    latitude: float | None = None
    longitude: float | None = None
    asn: str | None = None  # "AS16509"
    asn_label: str | None = None  # "AMAZON-02"
    hosting: bool = False  # the network is a data centre or cloud host, not an ISP's customers

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def agent_to_dict(facts: AgentFacts) -> dict[str, Any]:
    return asdict(facts)
