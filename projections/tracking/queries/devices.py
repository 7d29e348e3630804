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


IDENTITIES_SHOWN = 20  # per device: a shared office computer may have served thousands


def device_identities(conn: Connection, customer_id: UUID, fingerprints: list[str]) -> dict[str, tuple[int, list[str]]]:
    """For each device: how many identities used it, and the ids of the most recent of them."""
    if not fingerprints:
        return {}
    used = identity_devices.c
    ranked = (
        select(
            used.fingerprint,
            used.identity_id,
            func.row_number()
            .over(partition_by=used.fingerprint, order_by=(used.last_seen_at.desc(), used.identity_id))
            .label("rank"),
            func.count().over(partition_by=used.fingerprint).label("total"),
        )
        .where(used.customer_id == customer_id, used.fingerprint.in_(fingerprints))
        .subquery()
    )
    found: dict[str, tuple[int, list[str]]] = {}
    rows = conn.execute(
        select(ranked.c.fingerprint, ranked.c.identity_id, ranked.c.total)
        .where(ranked.c.rank <= IDENTITIES_SHOWN)
        .order_by(ranked.c.fingerprint, ranked.c.rank)
    )
    for fingerprint, identity, total in rows:
        found.setdefault(fingerprint, (total, []))[1].append(identity)
    return found
