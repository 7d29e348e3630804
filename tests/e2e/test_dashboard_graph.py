"""The identity page's links graph (cytoscape.js, vendored): the identity, the identities it links to and their
links among themselves, as the page's JSON carries them and as the API's links say; drawn in Debian's Chromium
without a console error or a Content-Security-Policy violation, a node opens the other identity's page when
clicked or chosen with the arrow keys and Enter. SQLite and PostgreSQL."""

import json
import re
from typing import Any
from urllib.parse import quote

import pytest

from api.dashboard.templates import identity_path, score_class
from tests.e2e.test_dashboard import _browse, _scored, browser_session
from tests.support import LiveServer, Team, sign_up, wait_until

AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"
# ada, grace/hopper and alan begin on one address; alan's Gmail is ada's (a +tag, a dot) and he shares grace's
# device; zed is elsewhere, linked to nobody.
PEOPLE = {
    "ada": ("ada.king@gmail.com", "203.0.113.50", None),
    "grace/hopper": ("grace@example.com", "203.0.113.50", "device-gh"),
    "alan": ("adaking+alan@gmail.com", "203.0.113.50", "device-gh"),
    "zed": ("zed@example.com", "198.51.100.9", None),
}


@pytest.fixture(scope="module")
def linked(server: LiveServer) -> Team:
    team = sign_up(server, "Graph team")
    client = team.sdk()
    for identity, (address, ip, device) in PEOPLE.items():
        data = {"ip": ip, "userAgent": AGENT, **({"deviceId": device} if device else {})}
        client.track("user.signup", identity=identity, identity_data={"email": address, "name": identity.title()},
                     data=data)  # fmt: skip
    for identity in PEOPLE:
        _scored(team, quote(identity, safe=""))
    return team


def _graph(text: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="links-data">(.*?)</script>', text, re.S)
    assert found is not None, "no graph data on the page"
    return json.loads(found.group(1))


def _types(team: Team, one: str, other: str) -> dict[str, float]:
    """The API's links from `one` to `other`: type (as the page words it) → strength."""
    links = team.http.get(f"/api/identities/{quote(one, safe='')}/links").json()
    return {x["type"].lower().replace("_", " "): x["value"] for x in links if x["targetIdentityId"] == other}


def _label(types: dict[str, float]) -> str:
    return " · ".join(f"{t} {v:.2f}" for t, v in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))


def _expected(team: Team) -> dict[str, Any]:
    """The graph of ada's page, from the API: its links as they are; between two of its neighbours, the types
    either side's links show (the page draws those that run through ada's own keys, a subset)."""
    nodes = []
    for identity in ("ada", "grace/hopper", "alan"):
        found = team.http.get(f"/api/identities/{quote(identity, safe='')}").json()
        scores = [found[f"{c}Score"] for c in ("humanity", "authenticity", "uniqueness", "behavior")]
        worst = min((s for s in scores if s is not None), default=None)
        tone = score_class(worst).removeprefix("score-")
        nodes.append({"id": identity, "label": identity.title(), "href": identity_path(identity), "tone": tone,
                      "score": worst, "centre": identity == "ada"})  # fmt: skip
    edges = {}
    for one, other in (("ada", "grace/hopper"), ("ada", "alan"), ("grace/hopper", "alan")):
        types = _types(team, one, other)
        if one != "ada":
            for t, v in _types(team, other, one).items():
                types[t] = max(v, types.get(t, 0))
        edges[frozenset((one, other))] = types
    return {"nodes": nodes, "edges": edges}


def _drawn_types(label: str) -> set[str]:
    return {part.rsplit(" ", 1)[0] for part in label.split(" · ")}


def test_the_identity_page_carries_its_links_graph(server: LiveServer, linked: Team) -> None:
    http = browser_session(server, linked.email)
    assert set(_types(linked, "ada", "alan")) == {"similar email", "shared ip"}  # the world is as meant
    assert "same device" in _types(linked, "grace/hopper", "alan")

    def agrees() -> tuple[dict[str, Any], dict[str, Any]] | None:
        page = http.get("/identities/ada")
        assert page.status_code == 200
        drawn, expected = _graph(page.text), _expected(linked)
        nodes = {n["id"]: n for n in drawn["nodes"]}
        edges = {frozenset((e["source"], e["target"])): {"label": e["label"], "weight": e["weight"]}
                 for e in drawn["edges"]}  # fmt: skip
        own = {pair: {"label": _label(types), "weight": max(types.values())}
               for pair, types in expected["edges"].items() if "ada" in pair}  # fmt: skip
        between = frozenset(("grace/hopper", "alan"))
        same = (
            nodes == {n["id"]: n for n in expected["nodes"]}
            and edges.keys() == expected["edges"].keys()
            and all(edges[pair] == shown for pair, shown in own.items())
            and _drawn_types(edges[between]["label"]) <= set(expected["edges"][between])
        )
        return (drawn, edges) if same else None

    # A cycle may finish between reading the page and the API: wait for a moment both agree.
    drawn, edges = wait_until(agrees, 30, "the page's graph to agree with the API", interval=0.2)
    assert len(drawn["nodes"]) == 3 and len(drawn["edges"]) == 3  # zed is linked to nobody
    assert drawn["nodes"][0]["id"] == "ada"  # the identity first, the centre of the drawing
    assert all(e["source"] == "ada" for e in drawn["edges"] if "ada" in (e["source"], e["target"]))
    ada_links = [x["targetIdentityId"] for x in linked.http.get("/api/identities/ada/links").json()]
    assert [n["id"] for n in drawn["nodes"][1:]] == list(dict.fromkeys(ada_links))  # strongest linked first
    # grace and alan hold ada's address together: drawn as the address they share, not their device, which
    # ada does not hold (grace's own page draws that).
    assert _drawn_types(edges[frozenset(("grace/hopper", "alan"))]["label"]) == {"shared ip"}
    page = http.get("/identities/ada")
    assert '<script src="/static/vendor/cytoscape-3.35.0.min.js" defer></script>' in page.text
    assert 'aria-label="Graph of the linked identities: a picture of the table below"' in page.text
    lonely = http.get("/identities/zed")
    assert "links-data" not in lonely.text and "cytoscape" not in lonely.text  # no graph, no script
    assert "No link to another identity." in lonely.text


# cytoscape keeps its instance on its container (`_cyreg`): the test reads where a node is drawn, to click there.
_WHERE = """([id]) => {
  const element = document.querySelector("[data-graph]");
  const at = element._cyreg.cy.getElementById(id).renderedPosition();
  const box = element.getBoundingClientRect();
  return [box.left + element.clientLeft + at.x, box.top + element.clientTop + at.y];
}"""
# Tall enough for the graph to be drawn where the page opens: cytoscape caches where its container is until the
# window's scroll event, which a click right after scrolling would come before.
VIEWPORT = {"width": 1280, "height": 2400}


def test_a_node_of_the_graph_opens_the_other_identity_s_page_in_chromium(server: LiveServer, linked: Team) -> None:
    def steps(page: Any) -> None:
        page.set_viewport_size(VIEWPORT)
        page.goto(server.base_url + "/identities/ada")
        graph = page.locator("[data-graph][data-nodes='3']")  # drawn: the identity and its two links
        graph.wait_for()
        graph.focus()
        chosen = page.locator("[data-graph-chosen]")
        for _ in range(2):
            page.keyboard.press("ArrowRight")
            if "(grace/hopper)" in chosen.text_content():
                break
        assert chosen.text_content() == "Grace/Hopper (grace/hopper): Enter opens its page."
        page.keyboard.press("Enter")
        page.wait_for_selector("h1:text-is('Grace/Hopper')")
        graph = page.locator("[data-graph][data-nodes='3']")
        graph.wait_for()
        x, y = page.evaluate(_WHERE, ["ada"])
        assert 0 < y < VIEWPORT["height"] and page.evaluate("window.scrollY") == 0
        page.mouse.click(x, y)
        page.wait_for_selector("h1:text-is('Ada')")
        assert page.url == server.base_url + "/identities/ada"

    assert _browse(server, linked, steps) == []
