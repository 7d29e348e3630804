"""Outbound HTTP for webhooks and Slack, safe against request forgery.

A customer chooses the URL, so the URL must not reach what only the server can: its loopback, the
operator's private network, a cloud's metadata service. The name is resolved ONCE; every address it
resolves to must be allowed (a name that also resolves to a private address is refused, so a
rebinding DNS server cannot choose later); the request then goes to the checked address itself, with
the Host header and TLS (SNI and certificate check) kept for the name. The connection is made by an
httpx client under `httpx-secure`, which checks the numeric address again at connect time with the
same policy: a second, independent guard. Nothing is sent, and no connection is opened, to a
refused destination. Redirects are never followed.

`DREGS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true` lets private, loopback and link-local receivers in, and
plain http, for receivers in the operator's own network and for tests. Cloud metadata addresses,
multicast, unspecified and reserved addresses stay refused even then."""

import asyncio
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from httpx_secure import SSRFProtectionError, httpx_ssrf_protection

from application.alerting.ports import SendResult

TIMEOUT_SECONDS = 15.0
MAX_ERROR_BODY = 300
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Refused whatever the setting: never a receiver.
_ALWAYS_REFUSED = [
    ipaddress.ip_network(n)
    for n in (
        "169.254.169.254/32",  # the metadata service of AWS, GCP, Azure, OpenStack…
        "fd00:ec2::254/128",  # AWS's IPv6 metadata service
        "100.100.100.200/32",  # Alibaba Cloud's metadata service
        "0.0.0.0/8",  # "this host": 0.0.0.0 reaches the loopback on Linux
        "240.0.0.0/4",  # reserved, and 255.255.255.255
        "224.0.0.0/4",  # multicast
        "ff00::/8",
        "::/128",
    )
]
# Refused unless private networks are allowed: addresses that are not public, or that carry an IPv4
# address a gateway may translate into one (NAT64, 6to4, Teredo, IPv4-mapped and -compatible).
_PRIVATE = [
    ipaddress.ip_network(n)
    for n in (
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "2002::/16",
        "2001::/32",
        "::ffff:0:0/96",
        "::/96",
        "100.64.0.0/10",
    )
]
# Host forms some resolvers read as an IPv4 address but that are no dotted quad: 2130706433,
# 0x7f000001, 0177.0.0.1, 127.1. They exist mostly to slip past filters.
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}\.?$", re.IGNORECASE)
_DOTTED_QUAD = re.compile(
    r"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$"
)


class RefusedDestination(Exception):
    """The URL may not be called: the message says why, and becomes the attempt's error."""


@dataclass(frozen=True)
class AddressPolicy:
    allow_private: bool

    def refusal(self, address: IPAddress) -> str | None:
        """Why `address` may not be called, or None."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None and self.allow_private:
            return self.refusal(address.ipv4_mapped)
        if any(address in net for net in _ALWAYS_REFUSED if net.version == address.version):
            return f"{address} is a metadata, multicast, unspecified or reserved address"
        if address.is_multicast or address.is_unspecified or address.is_reserved and address.version == 4:  # noqa: PLR2004
            return f"{address} is a multicast, unspecified or reserved address"
        if self.allow_private:
            return None
        if any(address in net for net in _PRIVATE if net.version == address.version):
            return f"{address} embeds an IPv4 address or is not publicly routable"
        if not address.is_global or address.is_private or address.is_loopback or address.is_link_local:
            return f"{address} is not a public address (loopback, private, link-local or shared)"
        return None

    def admits(self, hostname: str, address: IPAddress, port: int) -> bool:
        return self.refusal(address) is None


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class Destination:
    url: str  # with the checked address in place of the name
    host_header: str
    sni_hostname: str | None


class HttpSender:
    def __init__(
        self, *, allow_private_networks: bool, timeout: float = TIMEOUT_SECONDS, tls: ssl.SSLContext | None = None
    ) -> None:
        self.policy = AddressPolicy(allow_private_networks)
        self.timeout = timeout
        # Loading the CA bundle takes ~0.1 s of CPU: once, not per request (a context is safe to share).
        # `tls`: other trusted CAs (a test's own); it must check host names, as the default does.
        self._tls = tls or httpx.create_ssl_context()
        assert self._tls.check_hostname and self._tls.verify_mode == ssl.CERT_REQUIRED

    def check_url(self, url: str) -> tuple[str, str, int]:
        """(scheme, host, port) of a URL that may be called by its form; RefusedDestination otherwise."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise RefusedDestination(f"the URL is not valid: {exc}") from None
        scheme = parts.scheme.lower()
        allowed = ("https", "http") if self.policy.allow_private else ("https",)
        if scheme not in allowed:
            raise RefusedDestination("only https:// receivers are allowed")
        host = (parts.hostname or "").lower()
        if not host:
            raise RefusedDestination("the URL has no host")
        if parts.username is not None or parts.password is not None:
            raise RefusedDestination("the URL must not carry a user name or password")
        if _literal(host) is None and _NUMERIC_HOST.match(host) and not _DOTTED_QUAD.match(host.rstrip(".")):
            raise RefusedDestination(f"{host!r} is a numeric address in a non-standard (decimal, hex or octal) form")
        return scheme, host, port or (443 if scheme == "https" else 80)

    async def _resolve(self, host: str, port: int) -> IPAddress:
        literal = _literal(host)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except OSError as exc:
                raise RefusedDestination(f"{host!r} could not be resolved: {exc}") from None
            addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
        if not addresses:
            raise RefusedDestination(f"{host!r} resolves to no address")
        for address in addresses:
            reason = self.policy.refusal(address)
            if reason is not None:
                raise RefusedDestination(f"{host} refused: {reason}")
        return addresses[0]

    async def _destination(self, url: str) -> Destination:
        scheme, host, port = self.check_url(url)
        address = await self._resolve(host, port)
        parts = urlsplit(url)
        netloc = f"[{address}]" if address.version == 6 else str(address)  # noqa: PLR2004
        pinned = parts._replace(scheme=scheme, netloc=f"{netloc}:{port}").geturl()
        default_port = port == (443 if scheme == "https" else 80)
        shown_host = f"[{host}]" if ":" in host else host
        host_header = shown_host if default_port else f"{shown_host}:{port}"
        sni = host if scheme == "https" and _literal(host) is None else None
        return Destination(pinned, host_header, sni)

    async def apost(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult:
        try:
            destination = await self._destination(url)
        except RefusedDestination as exc:
            return SendResult(None, f"Refused destination: {exc}")
        client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, trust_env=False, verify=self._tls)
        httpx_ssrf_protection(
            client,
            check_globally_reachable=not self.policy.allow_private,
            custom_validator=self.policy.admits,
        )
        extensions = {"sni_hostname": destination.sni_hostname} if destination.sni_hostname else {}
        request_headers = {
            **headers,
            "Host": destination.host_header,
            "Content-Type": "application/json",
            "User-Agent": "Dregs-Webhooks/1",
        }
        try:
            async with client:
                request = client.build_request(
                    "POST", destination.url, content=body, headers=request_headers, extensions=extensions
                )
                response = await client.send(request, stream=True)
                try:
                    text = ""
                    if not response.is_success:
                        chunk = b""
                        async for part in response.aiter_bytes():
                            chunk += part
                            if len(chunk) >= MAX_ERROR_BODY:
                                break
                        text = chunk[:MAX_ERROR_BODY].decode(errors="replace").strip()
                finally:
                    await response.aclose()
        except SSRFProtectionError as exc:
            return SendResult(None, f"Refused destination: {exc}")
        except httpx.TimeoutException:
            return SendResult(None, f"No answer within {self.timeout:g} s")
        except httpx.HTTPError as exc:
            return SendResult(None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        error = None
        if not response.is_success:
            error = f"HTTP {response.status_code}" + (f": {text}" if text else "")
            if response.is_redirect:
                error = f"HTTP {response.status_code}: redirects are not followed"
        return SendResult(response.status_code, error, response.headers.get("retry-after"))

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult:
        """From a worker thread (no event loop running in it)."""
        return asyncio.run(self.apost(url, body, headers))
