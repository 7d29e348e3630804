"""`dregs demo` (issue 15): a demo team made through the API on a running Dregs, fed labelled traffic, and told
how to sign in; each kind of fraud in it scores worse than the people on the score that kind is about. SQLite and
PostgreSQL."""

import contextlib
import importlib.util
import io
import re
import struct
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean

import httpx
import pytest

from api.cli import main
from api.demo.seed import Seeded
from api.demo.traffic import (
    BOT,
    CHECKOUT,
    FAKE_SIGNUP,
    KINDS,
    MULTI_ACCOUNTER,
    PERSON,
    PROMO_ABUSER,
    REGISTRATION_BOMB,
    TAKEN_OVER,
    generate,
)
from tests.e2e.test_dashboard import browser_session
from tests.e2e.test_tracker_browser import _playwright
from tests.support import LiveServer

PEOPLE = 30
ROOT = Path(__file__).resolve().parents[2]
CATEGORIES = ("humanity", "authenticity", "uniqueness", "behavior")


def test_the_same_seed_makes_the_same_traffic_and_every_kind_is_in_it() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    first, again, other = generate(now, 7, PEOPLE), generate(now, 7, PEOPLE), generate(now, 8, PEOPLE)
    assert [(w.id, w.kind, w.events) for w in first] == [(w.id, w.kind, w.events) for w in again]
    assert [w.id for w in first] != [w.id for w in other]
    assert {w.kind for w in first} == set(KINDS)
    assert len({w.id for w in first}) == len(first)
    assert all(e.at <= now for w in first for e in w.events)  # an app reports what happened, not what will


@pytest.fixture(scope="module")
def demo(server: LiveServer) -> str:
    """What `dregs demo`, run against the live server as a newcomer runs it, printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["demo", "--url", server.base_url, "--email", "demo-e2e@example.com", "--people", str(PEOPLE)])
    return out.getvalue()


def _means(server: LiveServer, key: str, kinds: dict[str, str]) -> dict[str, dict[str, float]]:
    rows = []
    with httpx.Client(base_url=server.base_url, headers={"authorization": f"Bearer {key}"}) as http:
        page = 0
        while True:
            found = http.get("/api/identities", params={"pageNumber": page, "pageSize": 100}).json()
            rows += found["content"]
            if found["last"]:
                break
            page += 1
    by_kind: dict[str, dict[str, float]] = {}
    for kind in set(kinds.values()):
        mine = [r for r in rows if kinds.get(r["id"]) == kind]
        values = {c: [v for r in mine if (v := r[f"{c}Score"]) is not None] for c in CATEGORIES}
        by_kind[kind] = {c: mean(v) for c, v in values.items() if v}
    return by_kind


def test_the_demo_team_signs_in_and_its_fraud_scores_worse_than_its_people(server: LiveServer, demo: str) -> None:
    output = demo
    signed = re.search(r"Sign in at (\S+)/login as (\S+) with the password (\S+)", output)
    assert signed, output
    assert (signed[1], signed[2]) == (server.base_url, "demo-e2e@example.com")
    for kind in KINDS:  # the table names each kind with an example to open
        assert re.search(rf"{re.escape(kind)}\s+\d+(\s+(\d+|—)){{4}}\s+user_\d+", output), (kind, output)

    # The printed password opens the console, which shows the team's traffic.
    http = browser_session(server, signed[2], signed[3])
    home = http.get("/")
    assert home.status_code == 200 and "Likely bot" in home.text and "Account takeover or abuse" in home.text
    token = httpx.post(server.api + "/auth/login", json={"email": signed[2], "password": signed[3]}).json()["token"]
    admin = httpx.Client(base_url=server.base_url, headers={"authorization": f"Bearer {token}"})
    assert {r["name"] for r in admin.get("/api/badge-rules").json()["content"]} >= {"Likely bot", "Multi-accounter"}
    assert admin.get("/api/escalations").json()["totalElements"] > 0  # the rules found someone
    assert any(m["source"] == CHECKOUT and m["target"] == "PURCHASE"
               for m in admin.get("/api/mappings").json())  # fmt: skip
    key = admin.post("/api/credentials", json={"name": "reader", "allowedOrigins": []}).json()["secretKey"]

    # Dregs was told nothing of the labels: the traffic's own seed says who is what.
    kinds = {w.id: w.kind for w in generate(datetime.now(UTC), 1, PEOPLE)}
    means = _means(server, key, kinds)
    people = means[PERSON]
    assert means[FAKE_SIGNUP]["authenticity"] < people["authenticity"] - 20
    assert means[BOT]["humanity"] < people["humanity"] - 20
    assert means[MULTI_ACCOUNTER]["uniqueness"] < people["uniqueness"] - 20
    assert means[REGISTRATION_BOMB]["uniqueness"] < people["uniqueness"] - 20
    assert means[PROMO_ABUSER]["behavior"] < people["behavior"] - 20
    assert means[TAKEN_OVER]["behavior"] < people["behavior"] - 20


def test_a_second_demo_with_the_same_address_is_refused_with_what_to_do(
    server: LiveServer, demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["demo", "--url", server.base_url, "--email", "demo-e2e@example.com"])
    assert exited.value.code == 1
    assert "already has an account" in capsys.readouterr().err


def test_no_server_there_says_to_start_one(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.support import free_port

    with pytest.raises(SystemExit) as exited:
        main(["demo", "--url", f"http://127.0.0.1:{free_port()}"])
    assert exited.value.code == 1
    assert "start Dregs first" in capsys.readouterr().err


def test_make_screenshots_takes_each_page_of_the_demo_team_in_chromium(
    server: LiveServer, demo: str, tmp_path: Path
) -> None:
    _playwright()  # skips (fails in CI) without Chromium, as the other browser tests do
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "docs" / "screenshots.py")
    assert spec is not None and spec.loader is not None
    screenshots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(screenshots)
    signed = re.search(r"as (\S+) with the password (\S+)", demo)
    assert signed
    identities = generate(datetime.now(UTC), 1, PEOPLE)  # the demo's own, by its seed
    made = Seeded(signed[1], signed[2], "Demo shop", identities, 0, 0.0)
    written = screenshots.shoot(server.base_url, made, tmp_path, {"home", "identity", "settings-rules"})
    assert sorted(p.name for p in written) == ["home.png", "identity.png", "settings-rules.png"]
    for picture in written:
        head = picture.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", head[16:24])
        assert width == screenshots.VIEWPORT["width"] and height >= screenshots.VIEWPORT["height"]
