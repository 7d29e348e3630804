"""DeviceFactsPort over the user-agent parser and the offline IP database."""

from typing import Any

from adapters.geolocation import default_ip_database
from adapters.user_agents import describe_agent
from domain.devices.context import AgentFacts, NetworkFacts


class DeviceFacts:
    def agent(self, user_agent: str, client_hints: dict[str, Any] | None) -> AgentFacts:
        return describe_agent(user_agent, client_hints)

    def network(self, ip: str | None) -> NetworkFacts:
        # The database is opened on the first browser event, not at start: servers that only take
        # server-side events never pay for it.
        return default_ip_database().lookup(ip)
