"""The dashboard from the keyboard and for assistive technology (issue 15: "keyboard navigation and labelled form
controls on every page"). Every page an admin can open (found in the app's route table, so a page added later is
checked too) names each of its form controls, buttons and links, has unique ids, one <h1>, a <main> and a skip link
to it, a language, and scoped table headers. In Debian's Chromium, with Tab, Shift+Tab, Enter, Space, the arrow keys
and typing only: sign in, search and open an identity, analyze it, acknowledge and close an escalation, make a key
pair, an escalation rule (its preview counting), a webhook channel and an invitation, and sign out; each element
focused on the way shows a focus indicator, and no htmx swap drops the focus to <body>. SQLite and PostgreSQL."""

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.e2e.test_alerting_rules_api import LOW_HUMANITY, customer_of
from tests.e2e.test_dashboard import _scored, browser_session
from tests.e2e.test_escalations_api import _rule, record_escalation
from tests.e2e.test_route_access import pages
from tests.e2e.test_tracker_browser import CHROMIUM, _playwright
from tests.support import PASSWORD, LiveServer, Team, add_member, sign_up

AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"
DISPOSABLE = "disposable_email_domains"
HOOK = "https://hooks.example.com/dregs"  # as tests/e2e/test_dashboard.py's channels: made, never reached

# --- the static check: a page's markup, parsed with the standard library -----------------------------------

VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
FIELDS = ("input", "select", "textarea")
SCOPES = frozenset({"col", "row", "colgroup", "rowgroup"})


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: "Element | None"
    children: "list[Element | str]" = field(default_factory=list)

    def walk(self) -> Iterator["Element"]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.walk()

    def text(self) -> str:
        """What a screen reader reads of it: its text, an image's alt."""
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        if self.tag == "img":
            parts.append(self.attrs.get("alt", ""))
        return " ".join(p.strip() for p in parts if p.strip())

    def inside(self, tag: str = "*", **attrs: str) -> "Element | None":
        """The nearest ancestor of this tag (any: "*") holding these attributes."""
        at = self.parent
        while at is not None:
            if tag in ("*", at.tag) and all(at.attrs.get(k) == v for k, v in attrs.items()):
                return at
            at = at.parent
        return None

    def __str__(self) -> str:
        shown = " ".join(f'{k}="{v}"' for k, v in self.attrs.items() if k in ("id", "name", "type", "href", "class"))
        return f"<{self.tag}{' ' + shown if shown else ''}>"


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.open[-1])
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}, self.open[-1]))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def _named(element: Element, ids: dict[str, Element], labels: dict[str, list[Element]]) -> bool:
    """Whether a form control has an accessible name: aria-label, aria-labelledby, a <label for> its id, or a
    <label> around it with words of its own."""
    if element.attrs.get("aria-label", "").strip():
        return True
    labelled_by = element.attrs.get("aria-labelledby", "").split()
    if labelled_by and all(i in ids and ids[i].text() for i in labelled_by):
        return True
    if any(label.text() for label in labels.get(element.attrs.get("id", ""), [])):
        return True
    wrapping = element.inside("label")
    return wrapping is not None and bool(wrapping.text())


def problems(html: str) -> list[str]:
    """What keeps a page from being read and worked without a mouse or without sight; [] when nothing does."""
    tree = _Tree()
    tree.feed(html)
    tree.close()
    elements = list(tree.root.walk())
    found = []
    counted = Counter(e.attrs["id"] for e in elements if "id" in e.attrs)
    found += [f'id "{i}" is on {n} elements' for i, n in counted.items() if n > 1]
    ids = {e.attrs["id"]: e for e in elements if "id" in e.attrs}
    labels: dict[str, list[Element]] = {}
    for label in (e for e in elements if e.tag == "label" and "for" in e.attrs):
        labels.setdefault(label.attrs["for"], []).append(label)
        if label.attrs["for"] not in ids:
            found.append(f'a <label for="{label.attrs["for"]}"> names no element')

    roots = [e for e in elements if e.tag == "html"]
    if len(roots) != 1 or not roots[0].attrs.get("lang", "").strip():
        found.append("<html> has no lang")
    headings = sum(e.tag == "h1" for e in elements)
    if headings != 1:
        found.append(f"{headings} <h1> elements, not one")
    mains = [e for e in elements if e.tag == "main"]
    if len(mains) != 1:
        found.append(f"{len(mains)} <main> elements, not one")
    # The skip link is the keyboard's first stop, and leads to the <main>.
    stops = [e for e in elements if _stop(e)]
    target = mains[0].attrs.get("id") if mains else None
    if not stops or stops[0].tag != "a" or target is None or stops[0].attrs.get("href") != f"#{target}":
        found.append(f"the first stop is {stops[0] if stops else 'nothing'}, not a skip link to the <main>")

    for element in elements:
        if element.tag in FIELDS and element.attrs.get("type") != "hidden" and not _named(element, ids, labels):
            found.append(f"{element} has no label")
        named = element.text() or element.attrs.get("aria-label", "").strip()
        if element.tag == "button" and not named:
            found.append(f"{element} has no text")
        if element.tag == "a" and "href" in element.attrs and not named:
            found.append(f"{element} has no text")
        # A chart's legend (uPlot draws a table) is part of a picture: ARIA makes an image's children presentational.
        if element.tag == "table" and element.inside(role="img") is None:
            heads = [h for h in element.walk() if h.tag == "th"]
            if not heads:
                found.append("a <table> without a <th>")
            found += [f"<th> {h.text()!r} has no scope" for h in heads if h.attrs.get("scope") not in SCOPES]
    return found


def _stop(element: Element) -> bool:
    """Whether Tab stops on it (as far as markup says)."""
    if "disabled" in element.attrs or element.attrs.get("tabindex", "").startswith("-"):
        return False
    if element.tag == "a":
        return "href" in element.attrs
    if element.tag == "input":
        return element.attrs.get("type") != "hidden"
    return element.tag in ("button", "select", "textarea") or "tabindex" in element.attrs


GOOD = """<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>
<a class="skip" href="#main">Skip</a><main id="main" tabindex="-1"><h1>Page</h1>
<form><input type="hidden" name="csrf" value="x"><label for="q">Search</label><input id="q" name="q">
<label><input type="checkbox" name="on"> On</label><select aria-label="Sort" name="s"></select>
<span id="n">Note</span><textarea aria-labelledby="n" name="t"></textarea><button>Go</button></form>
<a href="/x"><span class="visually-hidden">Next</span></a><button aria-label="Close"></button>
<table><thead><tr><th scope="col">A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>
<div role="img" aria-label="A chart"><table class="u-legend"><tr><th>Time</th><td>--</td></tr></table></div>
</main></body></html>"""


def test_the_check_finds_each_kind_of_problem() -> None:
    assert problems(GOOD) == []
    broken = (
        GOOD.replace(' lang="en"', "")
        .replace("<h1>Page</h1>", "<h1>Page</h1><h1>Again</h1>")
        .replace('<a class="skip" href="#main">Skip</a>', "")
        .replace('<label for="q">Search</label>', '<label for="query">Search</label>')
        .replace('aria-label="Sort" ', "")
        .replace('aria-labelledby="n"', 'aria-labelledby="nothing"')
        .replace("<button>Go</button>", '<button id="q"></button>')
        .replace('<span class="visually-hidden">Next</span>', "")
        .replace(' scope="col"', "")
    )
    assert sorted(problems(broken)) == sorted([
        'id "q" is on 2 elements',
        'a <label for="query"> names no element',
        "<html> has no lang",
        "2 <h1> elements, not one",
        'the first stop is <input id="q" name="q">, not a skip link to the <main>',
        '<input id="q" name="q"> has no label',
        '<select name="s"> has no label',
        '<textarea name="t"> has no label',
        '<button id="q"> has no text',
        '<a href="/x"> has no text',
        "<th> 'A' has no scope",
    ])  # fmt: skip
    assert problems(GOOD.replace("<main", "<div").replace("</main>", "</div>")) == [
        "0 <main> elements, not one",
        'the first stop is <a class="skip" href="#main">, not a skip link to the <main>',
    ]
    assert problems(GOOD.replace('<th scope="col">A</th>', "<td>A</td>")) == ["a <table> without a <th>"]


# --- a team with something on every page ----------------------------------------------------------------


@dataclass
class Seeded:
    team: Team
    escalations: list[int]  # open ones, about ada, then grace/hopper
    values: dict[str, tuple[str, ...]]  # a page's path parameter ("<segment before>/<name>") → real values


@pytest.fixture(scope="module")
def seeded(server: LiveServer) -> Seeded:
    """Two scored identities linked through an address and a device, an escalation rule and a badge rule (one
    slug), two open escalations, a webhook channel with a delivery, a dataset entry, a mapping, another member
    and a pending invitation."""
    team = sign_up(server, "Keyboard team")
    client = team.sdk()
    for identity, address in (("ada", "ada@example.com"), ("grace/hopper", "grace@example.com")):
        data = {"ip": "203.0.113.7", "userAgent": AGENT, "deviceId": "device-kb"}
        client.track("user.signup", identity=identity, identity_data={"email": address, "name": identity.title()},
                     data=data)  # fmt: skip
    _scored(team, "ada")
    _scored(team, "grace%2Fhopper")
    rule = _rule(team, "Watch")
    badge = {"name": "Watch", "type": "BAD", "conditions": LOW_HUMANITY}
    assert team.http.post("/api/badge-rules", json=badge).status_code == 201
    customer = customer_of(server, team)
    escalations = [record_escalation(server, customer, who, rule, "CRITICAL") for who in ("ada", "grace/hopper")]
    hook = {"name": "Ops hook", "type": "WEBHOOK", "config": {"url": HOOK}, "events": ["ESCALATION_OPENED"]}
    assert team.http.post("/api/channels", json=hook).status_code == 201
    assert team.http.post("/api/channels/ops-hook/actions/test").status_code == 202
    entry = team.http.put(f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries", json={"key": "mail.example"})
    assert entry.status_code == 200, entry.text
    mapping = {"kind": "EVENT_TYPE", "source": "nuevo_usuario", "target": "REGISTRATION"}
    assert team.http.put("/api/mappings", json=mapping).status_code == 200
    add_member(server, team, "USER")
    invited = team.dashboard.post("/api/team/invitations", json={"email": "pending@example.com", "role": "VIEWER"})
    assert invited.status_code == 201, invited.text
    values = {
        "identities/identity_id": ("ada", "grace/hopper"),
        "channels/slug": ("ops-hook",),
        "datasets/dataset_scope": ("CUSTOMER", "GLOBAL"),
        "datasets/slug": (DISPOSABLE,),
        "rules/kind": ("escalation", "badge"),
        "rules/slug": ("watch",),
    }
    return Seeded(team, escalations, values)


def _filled(path: str, values: dict[str, tuple[str, ...]]) -> list[str]:
    """The path with each parameter given each of its real values; a parameter is known by the literal segment
    before it and its name, so `/settings/channels/{slug}` and `/settings/datasets/{scope}/{slug}` differ."""
    choices: list[tuple[str, ...]] = []
    literal = ""
    for segment in path.strip("/").split("/"):
        parameter = re.fullmatch(r"\{(\w+)\}", segment)
        if parameter is None:
            literal = segment
            choices.append((segment,))
            continue
        key = f"{literal}/{parameter.group(1)}"
        assert key in values, f"{path}: give the seeded team a value for {key!r}"
        choices.append(tuple(quote(v, safe="") for v in values[key]))
    return ["/" + "/".join(parts) for parts in itertools.product(*choices)]


def test_every_page_an_admin_opens_names_its_controls_and_has_its_landmarks(server: LiveServer, seeded: Seeded) -> None:
    routes = sorted(path for method, path in pages(server) if method == "GET" and not path.startswith("/static/"))
    assert {"/", "/identities/{identity_id}", "/settings/team", "/login"} <= set(routes)  # the table was read
    http = browser_session(server, seeded.team.email)
    found: dict[str, list[str]] = {}
    checked = []
    for path in itertools.chain.from_iterable(_filled(p, seeded.values) for p in routes):
        r = http.get(path, follow_redirects=True)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), (path, r.status_code)
        checked.append(path)
        if wrong := problems(r.text):
            found[path] = wrong
    assert found == {}
    # The filled-in pages showed what they hold: forms, rows and buttons, not an empty state.
    assert len(checked) >= 24
    ada = http.get("/identities/ada").text
    assert 'id="links-data"' in ada and "Analyze now" in ada
    assert f'data-escalation="{seeded.escalations[0]}"' in http.get("/escalations").text
    assert "1 delivery" in http.get("/settings/channels/ops-hook").text
    assert 'data-entry="mail.example"' in http.get(f"/settings/datasets/CUSTOMER/{DISPOSABLE}").text
    assert "pending@example.com" in http.get("/settings/team").text


# --- the keyboard walk ------------------------------------------------------------------------------------

# The focused element, if not <body>: whether it matches `selector`, shows a focus indicator (an outline or a
# shadow while it matches :focus-visible; an outline at least 3:1 against the background behind it, as WCAG's
# non-text contrast asks), and is on the screen.
FOCUSED = """(selector) => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  const rgb = (colour) => (colour.match(/[\\d.]+/g) || []).map(Number);
  const linear = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  const luminance = ([red, green, blue]) => 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue);
  let behind = e.parentElement, ground = [255, 255, 255];
  while (behind) {
    const colour = rgb(getComputedStyle(behind).backgroundColor);
    if (colour.length === 3 || colour[3] > 0) { ground = colour.slice(0, 3); break; }
    behind = behind.parentElement;
  }
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  const [light, dark] = [luminance(rgb(s.outlineColor)), luminance(ground)].sort((a, b) => b - a);
  return {
    element: e.outerHTML.slice(0, 160),
    matches: e.matches(selector),
    indicated: e.matches(":focus-visible") && (outline || s.boxShadow !== "none"),
    contrast: outline ? (light + 0.05) / (dark + 0.05) : null,
    shown: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.left < innerWidth && r.top < innerHeight,
  };
}"""


def focused(page: Any, selector: str) -> dict[str, Any]:
    state = page.evaluate(FOCUSED, selector)
    assert state is not None, f"the focus is on <body> at {page.url}"
    assert state["indicated"], f"no visible focus indicator on {state['element']} at {page.url}"
    contrast = state["contrast"]
    assert contrast is None or contrast >= 3, f"a focus outline of contrast {contrast:.2f} on {state['element']}"
    assert state["shown"], f"{state['element']} has the focus but is off the screen at {page.url}"
    return state


def tab_to(page: Any, selector: str, limit: int = 80, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`; each element passed on the way
    shows its focus, and the focus never falls to <body> (past the page's last stop)."""
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page, selector)["matches"]:
            return
    raise AssertionError(f"{selector} not reached with {limit} presses of {key} at {page.url}")


def land(page: Any, key: str = "Enter") -> None:
    """Press a key that follows a link or sends a form, and wait for the next page; it passes the static check
    as the browser holds it (pages that answer a form, such as a new key's, are checked here)."""
    with page.expect_navigation():
        page.keyboard.press(key)
    assert problems(page.content()) == [], page.url


def choose(page: Any, value: str, limit: int = 20) -> None:
    """Pick an option of the focused <select> with the arrow keys."""
    for key in ("ArrowDown", "ArrowUp"):
        for _ in range(limit):
            if page.evaluate("() => document.activeElement.value") == value:
                return
            page.keyboard.press(key)
    raise AssertionError(f"{value} not reached with the arrow keys at {page.url}")


def _keyboard(server: LiveServer, steps: Callable[[Any], None], start: str = "/login") -> list[str]:
    """Run `steps(page)` in Chromium from the sign-in page; every console error (a CSP violation is one) and
    uncaught exception."""
    sync_playwright = _playwright()
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(server.base_url + start)
            steps(page)
        finally:
            browser.close()
    return problems


def sign_in(page: Any, email: str) -> None:
    """On the sign-in page, whose address field has the focus as it opens."""
    assert focused(page, "#email")["matches"]
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    land(page)


def test_an_admin_does_the_day_s_work_with_the_keyboard_alone(server: LiveServer, seeded: Seeded) -> None:
    team = seeded.team
    escalation = seeded.escalations[1]
    row = f"tr[data-escalation='{escalation}']"
    secrets: list[str] = []

    def steps(page: Any) -> None:
        sign_in(page, team.email)
        page.wait_for_selector("h1:text-is('Home')")

        # The first stop skips the navigation: the next Tab is in the <main>.
        tab_to(page, "a.skip", limit=1)
        page.keyboard.press("Enter")
        tab_to(page, "main a, main button", limit=1)

        # Identities: through the main navigation, a search and a sort that htmx swaps in, then the identity.
        tab_to(page, "nav[aria-label=Main] a[href='/identities']", key="Shift+Tab")  # back up to the navigation
        land(page)
        tab_to(page, "#term")
        page.keyboard.type("grace")
        page.wait_for_url(re.compile(r"term=grace"))  # pushed to the history as the results swapped in
        page.wait_for_selector("[data-total]:text-is('1')")
        assert focused(page, "#term")["matches"]  # the swap left the focus where it was
        tab_to(page, "#order")
        order = "asc" if page.evaluate("() => document.activeElement.value") == "desc" else "desc"
        choose(page, order)  # each arrow key changes it, and htmx swaps the results in again
        page.wait_for_url(re.compile(f"order={order}"))
        assert focused(page, "#order")["matches"]
        assert problems(page.content()) == []  # the swapped-in results too
        tab_to(page, "#results a[href='/identities/grace%2Fhopper']")  # the next stops reach the new results
        tab_to(page, "#term", key="Shift+Tab")  # and lead back
        tab_to(page, "#results a[href='/identities/grace%2Fhopper']")
        land(page)
        page.wait_for_selector("h1:text-is('Grace/Hopper')")
        tab_to(page, "form[action$='/analyze'] button")
        land(page)
        assert page.url.endswith("/identities/grace%2Fhopper?analysis=requested")

        # Escalations: acknowledge, then close.
        tab_to(page, "nav[aria-label=Main] a[href='/escalations']")
        land(page)
        tab_to(page, f"{row} form[action$='/acknowledge'] button")
        land(page)
        page.wait_for_selector(f"{row} [data-status]:has-text('acknowledged')")
        tab_to(page, f"{row} form[action$='/close'] button")
        land(page, "Space")
        page.wait_for_selector(f"{row} [data-status]:has-text('closed')")

        # Settings → API keys: a key pair, its secret read off the page.
        tab_to(page, "nav[aria-label=Main] a[href='/settings/keys']")
        land(page)
        tab_to(page, "form[action='/settings/keys'] [name=name]")
        page.keyboard.type("From the keyboard")
        tab_to(page, "form[action='/settings/keys'] button[type=submit]")
        land(page)
        secrets.append(page.inner_text("[data-secret]"))

        # Rules: an escalation rule whose conditions are picked with the arrow keys, the preview counting.
        form = "form[action='/settings/rules/escalation']"
        tab_to(page, "nav[aria-label=Settings] a[href='/settings/rules']")
        land(page)
        tab_to(page, f"{form} [name=name]")
        page.keyboard.type("Typed rule")
        tab_to(page, f"{form} [name=kind_0]")
        choose(page, "IDENTITY_AGE_LT")
        tab_to(page, f"{form} [name=value_0]")
        page.keyboard.type("86400")
        page.wait_for_selector("[data-preview-count]:text-is('2')")  # both identities are a day old at most
        assert focused(page, f"{form} [name=value_0]")["matches"]  # the preview's swap kept the focus
        tab_to(page, f"{form} button[type=submit]")
        land(page)
        page.wait_for_selector("tr[data-rule='typed-rule']")

        # Channels: a webhook, one more event ticked with Space.
        form = "form[action='/settings/channels']"
        tab_to(page, "nav[aria-label=Settings] a[href='/settings/channels']")
        land(page)
        tab_to(page, f"{form} [name=name]")
        page.keyboard.type("Typed hook")
        tab_to(page, f"{form} [name=type]")
        choose(page, "WEBHOOK")
        tab_to(page, f"{form} [name=destination]")
        page.keyboard.type(HOOK)
        tab_to(page, f"{form} [name=events][value=IDENTITY_SCORED]")
        page.keyboard.press("Space")
        tab_to(page, f"{form} button[type=submit]")
        land(page)
        page.wait_for_selector("[data-secret]")  # the signing secret, this once

        # Team: an invitation, its role picked with the arrow keys.
        form = "form[action='/settings/team/invitations']"
        tab_to(page, "nav[aria-label=Settings] a[href='/settings/team']")
        land(page)
        tab_to(page, f"{form} [name=email]")
        page.keyboard.type("typed@example.com")
        tab_to(page, f"{form} [name=role]")
        choose(page, "USER")
        tab_to(page, f"{form} button[type=submit]")
        land(page)
        page.wait_for_selector("[role=status]:has-text('typed@example.com')")

        # Sign out: the header's button, back up the page.
        tab_to(page, "form[action='/logout'] button", key="Shift+Tab")
        land(page)
        page.wait_for_selector("#password")

    assert _keyboard(server, steps) == []

    # What the keys did, as the API sees it.
    moved = team.http.get(f"/api/escalations/{escalation}").json()
    assert moved["status"] == "CLOSED" and moved["acknowledgedBy"] == team.email
    (secret,) = secrets
    key = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {secret}"})
    assert secret.startswith("sk_") and key.get("/api/identities").status_code == 200
    rule = team.http.get("/api/escalation-rules/typed-rule").json()
    assert [(c["condition"], c["seconds"]) for c in rule["conditions"]] == [("IDENTITY_AGE_LT", 86400)], rule
    hook = team.http.get("/api/channels/typed-hook").json()
    assert hook["config"]["url"] == HOOK and sorted(hook["events"]) == ["ESCALATION_OPENED", "IDENTITY_SCORED"]
    invitations = {i["email"]: i["role"] for i in team.dashboard.get("/api/team/invitations").json()}
    assert invitations["typed@example.com"] == "USER"


def test_the_links_graph_is_reached_and_worked_with_the_keyboard(server: LiveServer, seeded: Seeded) -> None:
    """The graph is a stop of its own, with its focus shown; the arrow keys choose a node and Enter opens it."""

    def steps(page: Any) -> None:
        sign_in(page, seeded.team.email)
        page.wait_for_selector("h1:text-is('Ada') ~ * [data-graph][data-nodes]")
        tab_to(page, "[data-graph]")
        page.keyboard.press("ArrowRight")
        page.wait_for_selector("[data-graph-chosen]:has-text('Enter opens its page')")
        land(page)
        page.wait_for_selector("h1:text-is('Grace/Hopper')")

    assert _keyboard(server, steps, start="/login?next=%2Fidentities%2Fada") == []
