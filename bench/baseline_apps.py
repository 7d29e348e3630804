"""Minimal Litestar apps the ingestion benchmark compares Dregs against.

Both answer ``POST /api/events`` with the same JSON shape as Dregs
(``{"status":"success","id":...,"fingerprint":null}``) after parsing the body
with Dregs' own decoder (``api.http.decode_body``) into its ``TrackIn``, so the baselines
always parse exactly what Dregs parses. Both are the API's: the wire format of POST /api/events
and its strict decoding (types, UTF-8, keys given twice) are what the HTTP edge owns, so the
baselines import them from api/ rather than keep a copy that could drift.

* ``echo_app``   - parse and answer; no I/O at all.
* ``insert_app`` - parse, then one ``INSERT ... ON CONFLICT DO NOTHING`` of
  (id, body) into ``bench_events`` per request, on a psycopg async pool in
  autocommit mode (so one synchronous commit per request).

Serve them with uvicorn's ``--factory``, e.g.::

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/db \\
        python -m uvicorn bench.baseline_apps:insert_app --factory --port 8001
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from litestar import Litestar, Request, post

from api.http import decode_body
from api.tracking.schemas.events import TrackIn, TrackOut
from domain.tracking.limits import MAX_BODY_BYTES

TABLE_DDL = "CREATE TABLE IF NOT EXISTS bench_events (id text PRIMARY KEY, body jsonb NOT NULL)"


def _parse(raw: bytes) -> TrackIn:
    return decode_body(raw, TrackIn)


def _event_id(body: TrackIn) -> str:
    return body.id or "dregs-" + uuid.uuid4().hex


@post("/api/events", status_code=200, request_max_body_size=MAX_BODY_BYTES)
async def echo_event(request: Request[Any, Any, Any]) -> TrackOut:
    body = _parse(await request.body())
    return TrackOut(status="success", id=_event_id(body), fingerprint=None)


@post("/api/events", status_code=200, request_max_body_size=MAX_BODY_BYTES)
async def insert_event(request: Request[Any, Any, Any]) -> TrackOut:
    raw = await request.body()
    body = _parse(raw)
    event_id = _event_id(body)
    pool = request.app.state.pool
    async with pool.connection() as conn:
        await conn.execute(
            "INSERT INTO bench_events (id, body) VALUES (%s, %s::jsonb) ON CONFLICT DO NOTHING",
            (event_id, raw.decode()),
        )
    return TrackOut(status="success", id=event_id, fingerprint=None)


def echo_app() -> Litestar:
    return Litestar(route_handlers=[echo_event], openapi_config=None, logging_config=None)


def insert_app() -> Litestar:
    from psycopg_pool import AsyncConnectionPool

    url = os.environ["BENCH_DATABASE_URL"]

    async def start(app: Litestar) -> None:
        pool = AsyncConnectionPool(url, min_size=4, max_size=16, kwargs={"autocommit": True}, open=False)
        await pool.open(wait=True, timeout=10)
        async with pool.connection() as conn:
            await conn.execute(TABLE_DDL)
        app.state.pool = pool

    async def stop(app: Litestar) -> None:
        pool = getattr(app.state, "pool", None)
        if pool is not None:
            await pool.close()

    return Litestar(
        route_handlers=[insert_event], on_startup=[start], on_shutdown=[stop], openapi_config=None, logging_config=None
    )
