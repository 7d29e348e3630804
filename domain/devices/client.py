"""The client behind a server-side event, as the app's server reports it: the address and user agent
of the request it answered (a login, a sign-up), sent in the event's data under their common spellings.
An adapter parses them at ingestion (AgentFacts, NetworkFacts) and the event records the result, as a
browser event records its device, so a replay never depends on today's parser or IP database."""

import hashlib
from collections.abc import Mapping
from typing import Any

from domain.devices.context import AgentFacts, NetworkFacts, agent_to_dict
from domain.tracking.data_fields import by_spelling, first_named

IP_FIELDS = ("ip", "ipaddress", "clientip", "remoteip", "remoteaddr")
USER_AGENT_FIELDS = ("useragent", "ua", "clientuseragent", "httpuseragent")
MAX_USER_AGENT = 1024


def reported_client(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(IP address, user agent) an event's data names, each None when it does not."""
    by_key = by_spelling(data)
    agent = first_named(by_key, USER_AGENT_FIELDS)
    return first_named(by_key, IP_FIELDS), agent[:MAX_USER_AGENT] if agent is not None else None


def client_record(ip: str | None, user_agent: str | None, agent: AgentFacts, network: NetworkFacts) -> dict[str, Any]:
    """What a server-side event records about its client. `key` tells one client of an identity from another."""
    key = hashlib.sha256(f"{user_agent or ''}\n{ip or ''}".encode()).hexdigest()[:32]
    return {"key": key, "ip": ip, "userAgent": user_agent, "agent": agent_to_dict(agent), "network": network.to_dict()}
