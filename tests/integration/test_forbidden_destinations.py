"""No request forgery: with DREGS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS off, every destination that is not a public
https address is refused before any connection is made. A loopback listener proves it: it must stay
untouched by every refused URL, and it does see the connection once private networks are allowed."""

import contextlib
import socket
from collections.abc import Iterator

import pytest

from adapters.alerting.http_sender import HttpSender


@contextlib.contextmanager
def listeners() -> Iterator[tuple[int, list[socket.socket]]]:
    """Listening sockets on 127.0.0.1 and (when it exists) ::1, on one port; nothing ever accepts."""
    v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    v4.bind(("127.0.0.1", 0))
    v4.listen(16)
    v4.setblocking(False)
    port = v4.getsockname()[1]
    found = [v4]
    with contextlib.suppress(OSError):
        v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        v6.bind(("::1", port))
        v6.listen(16)
        v6.setblocking(False)
        found.append(v6)
    try:
        yield port, found
    finally:
        for s in found:
            s.close()


def touched(sockets: list[socket.socket]) -> bool:
    for s in sockets:
        try:
            conn, _ = s.accept()
        except BlockingIOError:
            continue
        conn.close()
        return True
    return False


FORBIDDEN = [
    "https://127.0.0.1:{port}/hook",
    "https://localhost:{port}/hook",
    "https://LOCALHOST.:{port}/hook",
    "https://2130706433:{port}/",  # decimal 127.0.0.1
    "https://0x7f000001:{port}/",  # hex
    "https://0x7f.0.0.1:{port}/",
    "https://0177.0.0.1:{port}/",  # octal
    "https://127.1:{port}/",  # short form
    "https://0:{port}/",
    "https://0.0.0.0:{port}/",
    "https://[::1]:{port}/",
    "https://[::]:{port}/",
    "https://[::ffff:127.0.0.1]:{port}/",  # IPv4-mapped
    "https://[::ffff:7f00:1]:{port}/",
    "https://[::ffff:8.8.8.8]:{port}/",  # IPv4-mapped, even of a public address
    "https://[64:ff9b::7f00:1]:{port}/",  # NAT64 of loopback
    "https://[64:ff9b::808:808]/",  # NAT64 of a public address: a translator's business, not ours
    "https://[2002:7f00:1::1]:{port}/",  # 6to4
    "https://10.0.0.1:{port}/",
    "https://172.16.5.4:{port}/",
    "https://192.168.0.1:{port}/",
    "https://100.64.0.1:{port}/",  # carrier-grade NAT
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://[fd00:ec2::254]/latest/meta-data/",  # AWS's IPv6 metadata
    "https://[fe80::1]:{port}/",  # link-local
    "https://[fc00::1]:{port}/",  # unique local
    "https://224.0.0.1:{port}/",  # multicast
    "https://[ff02::1]:{port}/",
    "https://240.0.0.1:{port}/",  # reserved
    "https://255.255.255.255:{port}/",
    "http://8.8.8.8/",  # plain http
    "ftp://127.0.0.1:{port}/",
    "https://user:secret@127.0.0.1:{port}/",
    "https:///nohost",
]


def test_every_forbidden_destination_is_refused_without_a_connection() -> None:
    sender = HttpSender(allow_private_networks=False, timeout=2)
    assert len(FORBIDDEN) >= 20
    with listeners() as (port, sockets):
        for template in FORBIDDEN:
            url = template.format(port=port)
            result = sender.post(url, b"{}", {"X-Dregs-Event": "TEST"})
            assert result.status_code is None, url
            assert result.error is not None and result.error.startswith("Refused destination"), (url, result.error)
            assert not touched(sockets), f"{url} reached the loopback listener"
        # The control: with private networks allowed the same listener is reached, so it would have seen
        # any connection above (nothing answers it, so the try times out).
        allowed = HttpSender(allow_private_networks=True, timeout=0.5).post(f"http://127.0.0.1:{port}/", b"{}", {})
        assert allowed.status_code is None and "No answer" in (allowed.error or "")
        assert touched(sockets)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://2130706433/", "non-standard"),
        ("https://169.254.169.254/", "metadata"),
        ("http://example.com/", "only https"),
        ("https://[::ffff:10.0.0.1]/", "not publicly routable"),
    ],
)
def test_the_refusal_says_why(url: str, reason: str) -> None:
    result = HttpSender(allow_private_networks=False).post(url, b"{}", {})
    assert result.error is not None and reason in result.error, result.error


def test_metadata_stays_refused_even_with_private_networks_allowed() -> None:
    sender = HttpSender(allow_private_networks=True, timeout=1)
    for url in ("http://169.254.169.254/", "http://[fd00:ec2::254]/", "http://0.0.0.0:1/", "http://224.0.0.1/"):
        result = sender.post(url, b"{}", {})
        assert result.error is not None and result.error.startswith("Refused destination"), (url, result.error)
