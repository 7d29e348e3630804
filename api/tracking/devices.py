"""Devices: list, get, and PATCH (disregard)."""

from typing import Annotated, Any

from litestar import get, patch
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound, responses
from api.http import MAX_TERM, optional, paging, path_value, text_query
from api.schemas import PageOut, page_out
from api.tracking.schemas.devices import DeviceOut, DevicePatchIn, device_out
from application.tracking.application import TrackingApplication
from projections.paging import PageRequest
from projections.read_models import TRACKING, ReadModels
from projections.tracking.queries.devices import SORTS, DeviceFilter, device_identities, get_device, list_devices


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
    dependencies = {"page": paging(SORTS, "lastSeenAt")}  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def list_devices(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
        identity: Annotated[str | None, text_query("identity", "devices this identity was seen on")] = None,
        term: Annotated[
            str | None, text_query("term", "free text over fingerprint, IP, place and user agent", MAX_TERM)
        ] = None,
    ) -> PageOut[DeviceOut]:
        """The team's devices, the most recently seen first unless sorted otherwise."""
        filters = DeviceFilter(identity=optional(identity), term=optional(term))
        with read_models.current(TRACKING) as conn:
            result = list_devices(conn, caller.customer_id, filters, page)
            used = device_identities(conn, caller.customer_id, [r["fingerprint"] for r in result.rows])
        return page_out(result, [device_out(r, used.get(r["fingerprint"], (0, []))) for r in result.rows])

    @get("/{fingerprint:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def get_device(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels], fingerprint: FromPath[str]
    ) -> DeviceOut:
        with read_models.current(TRACKING) as conn:
            return _device_out(conn, caller, path_value(fingerprint))

    @patch("/{fingerprint:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def patch_device(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        fingerprint: FromPath[str],
        data: JSONBody[DevicePatchIn],
    ) -> DeviceOut:
        """Disregard a device (e.g. a shared office computer): it stops linking the identities that used it."""
        device = path_value(fingerprint)
        with read_models.current(TRACKING) as conn:
            _device(conn, caller, device)
        position = tracking.set_device_disregarded(caller.customer_id, device, data.disregarded)
        with read_models.at_least(TRACKING, position) as conn:
            return _device_out(conn, caller, device)
