"""The request goes to the checked address, while Host and TLS stay the name's: the certificate is verified
for the URL's host name (SNI), not for the address the sender connected to."""

import contextlib
import datetime
import ssl
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.alerting.http_sender import HttpSender


def certificate(name: str, folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{name}.pem", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@contextlib.contextmanager
def https_server(cert: Path, key: Path) -> Iterator[tuple[int, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(dict(self.headers.items()))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


def test_tls_is_verified_for_the_host_name_on_the_pinned_connection() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        good_cert, good_key = certificate("localhost", Path(tmp))
        wrong_cert, wrong_key = certificate("receiver.example", Path(tmp))
        trust = ssl.create_default_context(cafile=str(good_cert))
        trust.load_verify_locations(cafile=str(wrong_cert))
        sender = HttpSender(allow_private_networks=True, timeout=5, tls=trust)
        with https_server(good_cert, good_key) as (port, seen):
            result = sender.post(f"https://localhost:{port}/hook", b"{}", {})
            assert result.status_code == 204, result.error
            assert seen[0]["Host"] == f"localhost:{port}"
        with https_server(wrong_cert, wrong_key) as (port, seen):
            # A trusted certificate, but for another name: refused, nothing sent.
            result = sender.post(f"https://localhost:{port}/hook", b"{}", {})
            assert result.status_code is None and "CERTIFICATE_VERIFY_FAILED" in (result.error or ""), result.error
            assert seen == []
