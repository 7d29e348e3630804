import json

from eventsourcing.persistence import Transcoding

from domain.tracking.client_data import ClientData


class ClientDataAsJSON(Transcoding):
    """Client payloads are one opaque JSON string inside a stored event (see ClientData)."""

    type = ClientData
    name = "client_data"

    _encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

    def encode(self, obj: ClientData) -> str:
        return self._encoder.encode(obj.to_dict())

    def decode(self, data: str) -> ClientData:
        return ClientData(json.loads(data))
