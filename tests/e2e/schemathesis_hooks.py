"""Loaded by the schemathesis runs of tests/e2e/test_schemathesis.py (their `hooks` setting).

`no_foreign_markers` fails any answer to a request made as one team that shows a value only another
team holds. `map_case` keeps *positive* examples inside the rules the API document states in words because JSON
Schema cannot express them (an event's time depends on the clock, its group types on each other once
normalized, an attribute's size and a password's on their UTF-8 bytes); negative examples are left
alone, so breaking those rules is still tried."""

import json
import os
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import schemathesis
from slugify import slugify

from api.time import format_time, parse_time
from domain.tracking import limits
from domain.tracking.group_types import DEFAULT_GROUP_TYPE, normalize_group_type

# "team-a=marker,team-b=marker": the values only that team holds.
MARKERS = dict(pair.split("=", 1) for pair in os.environ.get("DREGS_TEAM_MARKERS", "").split(",") if "=" in pair)


# Markers a team wrote into its own data itself (the runs draw ids and names from both teams, so a POST may copy
# another team's name into a rule of its own): showing them back later is no leak.
SENT: dict[Any, set[str]] = {}


def _sent(case: Any) -> str:
    parts = [json.dumps(case.body, default=str) if case.body is not None else ""]
    parts += [json.dumps(p, default=str) for p in (case.path_parameters, case.query) if p]
    return " ".join(parts)


@schemathesis.check
def no_foreign_markers(ctx: Any, response: Any, case: Any) -> bool | None:
    caller = getattr(case, "auth_identity", None) or getattr(case, "_auth_identity", None)
    request = _sent(case)
    own = SENT.setdefault(caller, set())
    own.update(marker for marker in MARKERS.values() if marker in request)
    body = response.text or ""
    shown = [team for team, marker in MARKERS.items() if team != caller and marker in body and marker not in own]
    if shown:
        raise AssertionError(f"{case.operation.label}, asked as {caller}, showed data of {shown}")
    return None


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 1


def _fits(value: Any) -> bool:
    size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
    return size <= limits.MAX_VALUE_BYTES and _depth(value) <= limits.MAX_DEPTH


def _attributes(data: Any) -> Any:
    return {k: v for k, v in data.items() if _fits(v)} if isinstance(data, dict) else data


def _timestamp(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        moment = parse_time(value)
    except (ValueError, OverflowError):
        return value
    now = datetime.now(UTC)
    if limits.EARLIEST_TIMESTAMP <= moment <= now + limits.MAX_FUTURE_SKEW - timedelta(minutes=1):
        return value
    return format_time(now)


def _password(value: Any) -> Any:
    """At most 72 bytes in UTF-8 (bcrypt's input): the document's maxLength counts characters."""
    if not isinstance(value, str):
        return value
    while len(value.encode()) > 72:
        value = value[:-1]
    return value if len(value) >= 8 else value + "x" * (8 - len(value))


# A public destination per channel type: JSON Schema cannot say which hosts are public or which strings
# email-validator accepts.
_CONFIGS = {
    "WEBHOOK": {"url": "https://hooks.example.com/dregs"},
    "SLACK": {"webhookUrl": "https://hooks.slack.com/services/T0000/B0000/XXXXXXXX"},
    "EMAIL": {"addresses": ["alerts@example.com"]},
}


def _channel(method: str, body: dict[str, Any]) -> dict[str, Any]:
    """A channel's name holds something its slug keeps; its config is a valid one of its type (a PATCH's
    of the seeded webhook's)."""
    if isinstance(body.get("name"), str) and not slugify(body["name"]):
        body["name"] = body["name"][:99] + "x"
    if method == "POST" and isinstance(body.get("type"), str) and body["type"].upper() in _CONFIGS:
        body["config"] = _CONFIGS[body["type"].upper()]
    elif method == "PATCH" and "config" in body:
        body["config"] = _CONFIGS["WEBHOOK"]
    return body


@schemathesis.hook
def map_case(ctx: Any, case: Any) -> Any:
    meta = getattr(case, "meta", None)
    positive = meta is not None and meta.generation.mode.is_positive
    if positive and case.operation.path.startswith("/api/stats"):
        return _window(case)
    if positive and isinstance((case.query or {}).get("asOf"), str):
        case.query = {**case.query, "asOf": _as_of(case.query["asOf"])}
    if not positive or not isinstance(case.body, dict):
        return case
    if (case.method, case.operation.path) in (("POST", "/api/auth/signup"), ("PUT", "/api/account/password")):
        field = "password" if "password" in case.body else "newPassword"
        case.body = {**case.body, field: _password(case.body.get(field))}
        return case
    if case.operation.path.startswith("/api/channels"):
        case.body = _channel(case.method, dict(case.body))
        return case
    if case.operation.path in ("/api/escalation-rules", "/api/escalation-rules/{slug}"):
        return _escalation_rule(case)
    if case.operation.path in ("/api/badge-rules/backtest", "/api/escalation-rules/backtest"):
        return _backtest(case)
    if (case.method, case.operation.path) != ("POST", "/api/events"):
        return case
    body = dict(case.body)
    body["data"] = _attributes(body.get("data"))
    body["timestamp"] = _timestamp(body.get("timestamp"))
    if isinstance(body.get("identity"), dict):
        body["identity"] = {**body["identity"], "data": _attributes(body["identity"].get("data"))}
    if isinstance(body.get("groups"), list):
        seen, kept = set(), []
        for group in body["groups"]:
            kind = normalize_group_type((group.get("type") if isinstance(group, dict) else None) or DEFAULT_GROUP_TYPE)
            if kind not in seen:  # one group per type, once types are normalized
                seen.add(kind)
                kept.append({**group, "data": _attributes(group.get("data"))} if isinstance(group, dict) else group)
        body["groups"] = kept
    case.body = {k: v for k, v in body.items() if k in case.body}
    return case


def _as_of(value: str) -> str:
    """An instant Python reads and not in the future (the format alone allows leap seconds and year 0, and says
    nothing of the clock): the time travel routes refuse others with a 400."""
    try:
        if parse_time(value) <= datetime.now(UTC):
            return value
    except (ValueError, OverflowError):
        pass
    return format_time(datetime.now(UTC)) or value


def _escalation_rule(case: Any) -> Any:
    """A rule's channels must be the team's (none exist in these runs), and effectiveAt an instant from 1970
    to 9999 that Python reads (the format alone allows leap seconds and year 0)."""
    body = dict(case.body)
    if "channels" in body:
        body["channels"] = []
    if isinstance(body.get("effectiveAt"), str):
        try:
            moment = parse_time(body["effectiveAt"])
            if moment.year < 1970:
                raise ValueError(moment)
        except (ValueError, OverflowError):
            body["effectiveAt"] = format_time(datetime.now(UTC))
    case.body = body
    return case


def _backtest(case: Any) -> Any:
    """A draft as a rule's creation takes it (an escalation rule's channels the team's), a window within the last
    366 days that Python reads, and no slug (none of these runs' rules is named by one it could draw)."""
    body = {k: v for k, v in case.body.items() if k != "slug"}
    if isinstance(body.get("rule"), dict):
        rule = SimpleNamespace(body=body["rule"])
        body["rule"] = _escalation_rule(rule).body if "severity" in body["rule"] else body["rule"]
    given = {k: body[k] for k in ("from", "to") if body.get(k) is not None}  # null: the default, as absent
    window = _window(SimpleNamespace(query=given)).query
    now = datetime.now(UTC)
    end = parse_time(window["to"]) if "to" in window else now
    if (parse_time(window["from"]) if "from" in window else end - timedelta(days=30)) >= now:
        window = {}  # a window in the future holds no decision: the default, the last 30 days
    case.body = {**{k: v for k, v in body.items() if k not in ("from", "to")}, **window}
    return case


def _window(case: Any) -> Any:
    """`from` before `to`, at most 366 days apart, both instants Python reads (the format alone allows leap
    seconds and year 0, and says nothing of their order)."""
    query = dict(case.query or {})
    moments = {}
    for key in ("from", "to"):
        if isinstance(query.get(key), str):
            try:
                moments[key] = parse_time(query[key])
                if moments[key].year < 1970:
                    raise ValueError(moments.pop(key))
            except (ValueError, OverflowError):
                query.pop(key)
    end = moments.get("to", datetime.now(UTC))
    start = moments.get("from", end - timedelta(days=7))
    if not timedelta(0) < end - start <= timedelta(days=366):
        query.pop("from", None)
        if "to" in query:
            query["from"] = format_time(end - timedelta(days=7))
    case.query = query
    return case
