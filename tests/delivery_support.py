"""Real parts for the delivery tests: a webhook receiver on loopback, and channels and deliveries saved through
the Alerting application."""

import base64
import contextlib
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select

from adapters.bootstrap import Container
from domain.alerting.channel import WEBHOOK, Channel
from domain.alerting.delivery import Delivery
from projections.schema import deliveries, delivery_attempts


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records every request; `answers[path]` lists the (status, headers,
    body) to give, in order (then 200)."""

    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    answers: dict[str, list[tuple[int, dict[str, str], bytes]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def to(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]


@contextlib.contextmanager
def receiver() -> Iterator[Receiver]:
    holder: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            r = holder[0]
            with r.lock:
                r.requests.append(Received(self.path, {k: v for k, v in self.headers.items()}, body))
                script = r.answers.get(self.path) or []
                status, headers, answer = script.pop(0) if script else (200, {}, b"ok")
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder.append(Receiver(server))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def save_channel(  # noqa: PLR0913
    container: Container,
    customer_id: UUID,
    *,
    number: int = 1,
    type: str = WEBHOOK,  # noqa: A002
    url: str | None = None,
    secret: str | None = None,
    slack_url: str | None = None,
    addresses: list[str] | None = None,
) -> Channel:
    box = container.secret_box
    sealed: dict[str, str] = {}
    config: dict[str, Any] = {}
    if secret is not None:
        sealed["signingSecret"] = box.seal(secret)
    if url is not None:
        config["url"] = url
    if slack_url is not None:
        sealed["webhookUrl"] = box.seal(slack_url)
    if addresses is not None:
        config["addresses"] = addresses
    channel = Channel(
        customer_id=customer_id,
        number=number,
        slug=f"channel-{number}",
        name=f"Channel {number}",
        type=type,
        config=config,
        sealed=sealed,
        events=["IDENTITY_SCORED", "ESCALATION_OPENED"],
        enabled=True,
        at=datetime.now(UTC),
    )
    container.alerting.save(channel)
    return channel


def save_delivery(
    container: Container, channel: Channel, data: dict[str, Any] | None = None, event: str = "IDENTITY_SCORED"
) -> Delivery:
    trigger = f"test:{uuid4()}"
    delivery = Delivery(
        customer_id=channel.customer_id,
        channel=channel.number,
        channel_type=channel.type,
        event=event,
        trigger=trigger,
        identity="u1",
        data=data if data is not None else {"identityId": "u1", "scores": {"HUMANITY": 80, "AUTHENTICITY": 20}},
        at=container.alerting.clock(),
    )
    container.alerting.save(delivery)
    return delivery


def delivery_row(container: Container, delivery_id: UUID) -> dict[str, Any] | None:
    container.alerting_runner.catch_up()
    with container.views.connect() as conn:
        row = conn.execute(select(deliveries).where(deliveries.c.delivery_id == delivery_id)).mappings().first()
    return dict(row) if row else None


def attempt_rows(container: Container, delivery_id: UUID) -> list[dict[str, Any]]:
    container.alerting_runner.catch_up()
    with container.views.connect() as conn:
        rows = conn.execute(
            select(delivery_attempts)
            .where(delivery_attempts.c.delivery_id == delivery_id)
            .order_by(delivery_attempts.c.attempt)
        ).mappings()
        return [dict(r) for r in rows]
