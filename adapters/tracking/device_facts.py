"""DeviceFactsPort over the user-agent parser and the offline IP database."""

import threading
from typing import Any

from adapters.tracking.geolocation import default_ip_database
from adapters.tracking.user_agents import describe_agent
from domain.devices.context import AgentFacts, NetworkFacts


class DeviceFacts:
    def agent(self, user_agent: str, client_hints: dict[str, Any] | None) -> AgentFacts:
        return describe_agent(user_agent, client_hints)

    def network(self, ip: str | None) -> NetworkFacts:
        return default_ip_database().lookup(ip)

    def warm_up(self) -> threading.Thread:
        """Load the parser's rules and open the IP database (about half a second the first time on a
        machine) in the background, so the first browser event does not wait for them."""

        def load() -> None:
            self.agent("Mozilla/5.0", None)
            self.network("192.0.2.1")

        thread = threading.Thread(target=load, name="dregs-device-facts", daemon=True)
        thread.start()
        return thread
