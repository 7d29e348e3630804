"""Devices: list, get, and PATCH (disregard)."""

from typing import Any

from litestar import Request, get, patch
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody

from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound
from api.guards import admin
from api.http import decode_body, page_request, path_value, query_value
from api.schemas import PageOut, page_out
from api.tracking.schemas.devices import DeviceOut, DevicePatchIn, device_out
from application.tracking.application import TrackingApplication
from projections.read_models import TRACKING, ReadModels
from projections.tracking.queries.devices import DeviceFilter, device_identities, get_device, list_devices


def _device(conn: Any, caller: Caller, fingerprint: str) -> dict[str, Any]:
    row = get_device(conn, caller.customer_id, fingerprint)
    if row is None:
        raise NotFound("Device not found")
    return row


def _device_out(conn: Any, caller: Caller, fingerprint: str) -> DeviceOut:
    row = _device(conn, caller, fingerprint)
    return device_out(row, device_identities(conn, caller.customer_id, [fingerprint]).get(fingerprint, (0, [])))


class DeviceController(TeamController):
    path = "/api/devices"

    @get(sync_to_thread=True)
    def list_devices(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels]
    ) -> PageOut[DeviceOut]:
        page = page_request(request)
        filters = DeviceFilter(identity=query_value(request, "identity"), term=query_value(request, "term"))
        with read_models.current(TRACKING) as conn:
            result = list_devices(conn, caller.customer_id, filters, page)
            used = device_identities(conn, caller.customer_id, [r["fingerprint"] for r in result.rows])
        return page_out(result, [device_out(r, used.get(r["fingerprint"], (0, []))) for r in result.rows])

    @get("/{fingerprint:str}", sync_to_thread=True)
    def get_device(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels], fingerprint: FromPath[str]
    ) -> DeviceOut:
        with read_models.current(TRACKING) as conn:
            return _device_out(conn, caller, path_value(fingerprint))

    @patch("/{fingerprint:str}", sync_to_thread=True, guards=[admin])
    def patch_device(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        fingerprint: FromPath[str],
        body: RawBody,
    ) -> DeviceOut:
        changes = decode_body(body, DevicePatchIn)
        device = path_value(fingerprint)
        with read_models.current(TRACKING) as conn:
            _device(conn, caller, device)
        position = tracking.set_device_disregarded(caller.customer_id, device, changes.disregarded)
        with read_models.at_least(TRACKING, position) as conn:
            return _device_out(conn, caller, device)
