from typing import Any

import msgspec

from api.time import format_time


class DeviceOut(msgspec.Struct, rename="camel"):
    fingerprint: str
    ip: str | None
    asn: str | None
    asn_label: str | None
    user_agent: str | None
    city: str | None
    region: str | None
    country: str | None
    country_code: str | None
    timezone: str | None
    latitude: float | None
    longitude: float | None
    disregarded: bool
    first_seen_at: str | None
    last_seen_at: str | None
    # Beyond the contract's Device: the user agent parsed, and whether the IP is a data centre's.
    browser: str | None
    browser_version: str | None
    os: str | None
    os_version: str | None
    device_type: str | None
    hosting: bool
    identity_count: int  # identities seen on it
    identities: list[str]  # the most recent of them (at most 20)


class DevicePatchIn(msgspec.Struct, forbid_unknown_fields=True):
    disregarded: bool


def device_out(row: dict[str, Any], identities: tuple[int, list[str]] = (0, [])) -> DeviceOut:
    return DeviceOut(
        fingerprint=row["fingerprint"],
        ip=row["ip"],
        asn=row["asn"],
        asn_label=row["asn_label"],
        user_agent=row["user_agent"],
        city=row["city"],
        region=row["region"],
        country=row["country"],
        country_code=row["country_code"],
        timezone=row["timezone"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        disregarded=bool(row["disregarded"]),
        first_seen_at=format_time(row["first_seen_at"]),
        last_seen_at=format_time(row["last_seen_at"]),
        browser=row["browser"],
        browser_version=row["browser_version"],
        os=row["os"],
        os_version=row["os_version"],
        device_type=row["device_type"],
        hosting=bool(row["hosting"]),
        identity_count=identities[0],
        identities=identities[1],
    )
