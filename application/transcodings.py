import json

from eventsourcing.persistence import Transcoding

from domain.tracking.client_data import ClientData


class ClientDataAsJSON(Transcoding):
    """Client payloads are one opaque JSON string inside a stored event (see ClientData)."""

    type = ClientData
    name = "client_data"

    def encode(self, obj: ClientData) -> str:
        return json.dumps(obj.to_dict(), ensure_ascii=False, separators=(",", ":"))

    def decode(self, data: str) -> ClientData:
        return ClientData(json.loads(data))
