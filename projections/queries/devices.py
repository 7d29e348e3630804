from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, exists, func, or_, select

from projections.paging import Page, PageRequest, like_pattern, paginate, sort_column
from projections.schema import devices, identity_devices

SORTS = {
    "lastSeenAt": devices.c.last_seen_at,
    "firstSeenAt": devices.c.first_seen_at,
    "country": devices.c.country,
    "city": devices.c.city,
    "ip": devices.c.ip,
    "fingerprint": devices.c.fingerprint,
}


@dataclass(frozen=True)
class DeviceFilter:
    identity: str | None = None
    term: str | None = None


def list_devices(conn: Connection, customer_id: UUID, f: DeviceFilter, page: PageRequest) -> Page:
    order = sort_column(SORTS, page.sort, "lastSeenAt")
    query = select(devices).where(devices.c.customer_id == customer_id)
    if f.identity is not None:
        query = query.where(
            exists(
                select(identity_devices.c.fingerprint).where(
                    identity_devices.c.customer_id == customer_id,
                    identity_devices.c.fingerprint == devices.c.fingerprint,
                    identity_devices.c.identity_id == f.identity,
                )
            )
        )
    if f.term:
        pattern = like_pattern(f.term)
        query = query.where(
            or_(
                *(
                    func.lower(c).like(pattern, escape="\\")
                    for c in (
                        devices.c.fingerprint,
                        devices.c.ip,
                        devices.c.city,
                        devices.c.country,
                        devices.c.user_agent,
                    )
                )
            )
        )
    return paginate(conn, query, page, order, [devices.c.fingerprint])


def get_device(conn: Connection, customer_id: UUID, fingerprint: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(devices).where(devices.c.customer_id == customer_id, devices.c.fingerprint == fingerprint))
        .mappings()
        .first()
    )
    return dict(row) if row else None
