"""Devices: list, get, and PATCH (disregard)."""

from typing import Any

from litestar import Request, get, patch
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody

from api.auth import Caller, require_admin
from api.errors import NotFound
from api.http import container_of, decode_body, page_request, path_value, query_value
from api.schemas.common import PageOut, page_out
from api.schemas.devices import DeviceOut, DevicePatchIn, device_out
from projections.read_models import TRACKING
from projections.tracking.queries.devices import DeviceFilter, device_identities, get_device, list_devices


def _device(conn: Any, caller: Caller, fingerprint: FromPath[str]) -> dict[str, Any]:
    row = get_device(conn, caller.customer_id, fingerprint)
    if row is None:
        raise NotFound("Device not found")
    return row


def _device_out(conn: Any, caller: Caller, fingerprint: str) -> DeviceOut:
    row = _device(conn, caller, fingerprint)
    return device_out(row, device_identities(conn, caller.customer_id, [fingerprint]).get(fingerprint, (0, [])))


@get("/api/devices", sync_to_thread=True)
def list_devices_handler(request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> PageOut[DeviceOut]:
    container = container_of(request)
    page = page_request(request)
    filters = DeviceFilter(identity=query_value(request, "identity"), term=query_value(request, "term"))
    with container.read_models.current(TRACKING) as conn:
        result = list_devices(conn, caller.customer_id, filters, page)
        used = device_identities(conn, caller.customer_id, [r["fingerprint"] for r in result.rows])
    return page_out(result, [device_out(r, used.get(r["fingerprint"], (0, []))) for r in result.rows])


@get("/api/devices/{fingerprint:str}", sync_to_thread=True)
def get_device_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], fingerprint: FromPath[str]
) -> DeviceOut:
    container = container_of(request)
    with container.read_models.current(TRACKING) as conn:
        return _device_out(conn, caller, path_value(fingerprint))


@patch("/api/devices/{fingerprint:str}", sync_to_thread=True)
def patch_device_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], fingerprint: FromPath[str], body: RawBody
) -> DeviceOut:
    container = container_of(request)
    changes = decode_body(body, DevicePatchIn)
    require_admin(caller)
    device = path_value(fingerprint)
    with container.read_models.current(TRACKING) as conn:
        _device(conn, caller, device)
    position = container.tracking.set_device_disregarded(caller.customer_id, device, changes.disregarded)
    with container.read_models.at_least(TRACKING, position) as conn:
        return _device_out(conn, caller, device)
