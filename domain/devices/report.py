"""What a browser event records about its device: the tracker's signals, the fingerprint derived
from them, the session and page, and what the server learnt from the connection."""

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from domain.devices.context import AgentFacts, NetworkFacts, agent_to_dict
from domain.devices.signals import DeviceSignals, fingerprint


def page_url(url: str | None) -> str | None:
    """The page without its query and fragment: reset tokens and emails in links are not ours to keep."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def device_record(  # noqa: PLR0913 - one record of everything the event knows about its device
    signals: DeviceSignals,
    *,
    session: str | None,
    url: str | None,
    ip: str | None,
    agent: AgentFacts,
    network: NetworkFacts,
) -> dict[str, Any]:
    return {
        "fingerprint": fingerprint(signals),
        "session": session,
        "url": page_url(url),
        "ip": ip,
        "signals": signals.to_dict(),
        "agent": agent_to_dict(agent),
        "network": network.to_dict(),
    }
