"""Device fingerprints, the tracker's device report, and the Humanity analyzers over device
signals: each fires on what it looks for and stays quiet on a real person's browser."""

import dataclasses
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from application.tracking.device_report import read_report, signals_of
from domain.devices.client import reported_client
from domain.devices.context import AgentFacts, NetworkFacts
from domain.devices.report import device_record, page_url
from domain.devices.signals import DeviceSignals, Screen, Window, fingerprint
from domain.scoring.activity import Activity
from domain.scoring.analyzers import analyze, device_humanity
from domain.scoring.categories import Category
from domain.scoring.combination import category_scores
from domain.scoring.datasets import Datasets
from domain.scoring.link_keys import KeyKind
from domain.scoring.profile import IdentityProfile
from domain.scoring.seen_device import SeenDevice

NONE = Datasets()
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
LAPTOP = DeviceSignals(
    user_agent=CHROME_WINDOWS,
    brands=("Chromium 131", "Google Chrome 131", "Not_A Brand 24"),
    mobile_hint=False,
    platform_hint="Windows",
    platform="Win32",
    vendor="Google Inc.",
    language="de-DE",
    languages=("de-DE", "de", "en"),
    timezone="Europe/Berlin",
    timezone_offset=-60,
    screen=Screen(1920, 1080, 1920, 1040, 24, 1.0),
    window=Window(1280, 900, 1296, 1010),
    hardware_concurrency=8,
    device_memory=8,
    max_touch_points=0,
    canvas="8a1f03c2",
    webgl_vendor="Google Inc. (Intel)",
    webgl_renderer="ANGLE (Intel, Intel(R) UHD Graphics 620 Direct3D11 vs_5_0 ps_5_0, D3D11)",
    fonts=("Arial", "Calibri", "Segoe UI", "Times New Roman"),
    plugins=("PDF Viewer", "Chrome PDF Viewer", "Chromium PDF Viewer"),
    cookie_enabled=True,
    pdf_viewer_enabled=True,
    webdriver=False,
    automation=(),
    chrome=True,
    notification_permission="default",
    permission_state="prompt",
)


def seen(signals: DeviceSignals = LAPTOP, **facts: Any) -> SeenDevice:
    base = {"browser": "Chrome", "os": "Windows", "device_type": "desktop"}
    return SeenDevice(fingerprint(signals), signals, **{**base, **facts})


def profile(*devices: SeenDevice) -> IdentityProfile:
    return IdentityProfile("me", devices=devices)


def ids(p: IdentityProfile) -> set[str]:
    return {o.id for o in analyze(p, NONE) if o.category is Category.HUMANITY}


# --- fingerprint ---------------------------------------------------------------


def test_the_same_signals_give_the_same_fingerprint() -> None:
    again = DeviceSignals.from_dict(LAPTOP.to_dict())
    assert again == LAPTOP
    assert fingerprint(again) == fingerprint(LAPTOP)
    assert len(fingerprint(LAPTOP)) == 32 and int(fingerprint(LAPTOP), 16) >= 0


def test_volatile_signals_do_not_change_the_fingerprint() -> None:
    updated_browser = CHROME_WINDOWS.replace("131.0.0.0", "132.0.6834.83")
    for variant in (
        dataclasses.replace(
            LAPTOP, user_agent=updated_browser, brands=("Chromium 132", "Google Chrome 132", "Not_A Brand 24")
        ),  # fmt: skip
        dataclasses.replace(LAPTOP, window=Window(800, 600, 816, 710)),
        dataclasses.replace(LAPTOP, screen=Screen(1080, 1920, 1080, 1880, 24, 1.0)),  # turned sideways
        dataclasses.replace(LAPTOP, notification_permission="granted", cookie_enabled=False),
        dataclasses.replace(LAPTOP, fonts=tuple(reversed(LAPTOP.fonts))),
    ):
        assert fingerprint(variant) == fingerprint(LAPTOP), variant


def test_stable_signals_do_change_the_fingerprint() -> None:
    for variant in (
        dataclasses.replace(LAPTOP, canvas="00000000"),
        dataclasses.replace(LAPTOP, webgl_renderer="ANGLE (NVIDIA GeForce RTX 3060)"),
        dataclasses.replace(LAPTOP, hardware_concurrency=16),
        dataclasses.replace(LAPTOP, timezone="America/New_York"),
        dataclasses.replace(LAPTOP, fonts=(*LAPTOP.fonts, "Comic Sans MS")),
        dataclasses.replace(LAPTOP, user_agent=CHROME_WINDOWS.replace("Chrome/", "Edg/")),
    ):
        assert fingerprint(variant) != fingerprint(LAPTOP), variant


# --- the device report ------------------------------------------------------------


def report(**signals: Any) -> dict[str, Any]:
    return {"session": "s" * 32, "url": "https://app.example/signup?token=secret#x",
            "signals": {"userAgent": CHROME_WINDOWS, **signals}}  # fmt: skip


def test_a_tracker_report_reads_into_signals() -> None:
    read = read_report(
        report(
            uaData={"brands": [{"brand": "Chromium", "version": "131"}], "mobile": False, "platform": "Windows"},
            screen={"width": 1920, "height": 1080, "colorDepth": 24, "pixelRatio": 1.25},
            webgl={"vendor": "Google Inc.", "renderer": "ANGLE"},
            hardwareConcurrency=8,
            webdriver=True,
            automation=["playwright"],
            unknownFutureSignal=1,
        )  # fmt: skip
    )
    assert read is not None
    signals = signals_of(read)
    assert signals.brands == ("Chromium 131",) and signals.platform_hint == "Windows"
    assert signals.screen.pixel_ratio == 1.25 and signals.webgl_renderer == "ANGLE"
    assert signals.webdriver is True and signals.automation == ("playwright",)


def test_a_malformed_report_is_refused() -> None:
    for bad in (
        "fingerprint-string",
        {"signals": {}},
        {"signals": {"userAgent": ""}},
        report(hardwareConcurrency="eight"),
        report(screen={"width": -1}),
        report(fonts=["x"] * 1000),
        {**report(), "session": "has spaces"},
        report(userAgent="nul\x00"),
    ):
        assert read_report(bad) is None, bad


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner,
                                                                               max_size=4), max_leaves=20))  # fmt: skip
def test_reading_any_json_never_raises(raw: Any) -> None:
    found = read_report(raw)
    if found is not None:
        assert fingerprint(signals_of(found))


def test_the_recorded_page_has_no_query_or_fragment() -> None:
    assert page_url("https://app.example/reset?token=secret#top") == "https://app.example/reset"
    assert page_url("javascript:alert(1)") is None
    assert page_url(None) is None
    record = device_record(LAPTOP, session="s1", url="https://a.example/x?y=1", ip="192.0.2.1",
                           agent=AgentFacts(browser="Chrome"), network=NetworkFacts(country_code="DE"))  # fmt: skip
    assert record["fingerprint"] == fingerprint(LAPTOP) and record["url"] == "https://a.example/x"
    assert DeviceSignals.from_dict(record["signals"]) == LAPTOP


# --- Humanity from devices --------------------------------------------------------------


def test_a_real_browser_scores_high_and_says_why() -> None:
    found = analyze(profile(seen()), NONE)
    assert {o.id for o in found if o.category is Category.HUMANITY} == {"humanity.real-browser"}
    assert category_scores(found)[Category.HUMANITY] >= 75


def test_automation_is_seen_and_sinks_humanity() -> None:
    driven = dataclasses.replace(LAPTOP, webdriver=True, automation=("playwright",))
    found = analyze(profile(seen(driven)), NONE)
    (automation,) = [o for o in found if o.id == "humanity.automation"]
    assert "navigator.webdriver" in automation.explanation
    assert automation.metadata["signals"] == ["navigator.webdriver is set", "automation marker playwright"]
    assert "humanity.real-browser" not in {o.id for o in found}
    assert category_scores(found)[Category.HUMANITY] <= 15


def test_a_script_user_agent_is_automation() -> None:
    script = dataclasses.replace(LAPTOP, user_agent="python-requests/2.32.3")
    assert "humanity.automation" in ids(profile(seen(script, browser="Python Requests", device_type="bot")))


def test_headless_chrome_is_seen_by_its_tells() -> None:
    headless_ua = CHROME_WINDOWS.replace("Chrome/", "HeadlessChrome/")
    for variant in (
        dataclasses.replace(LAPTOP, user_agent=headless_ua),
        dataclasses.replace(LAPTOP, window=Window(1280, 720, 0, 0)),
        dataclasses.replace(LAPTOP, notification_permission="denied", permission_state="prompt"),
        dataclasses.replace(LAPTOP, chrome=False),
    ):
        (hit,) = [o for o in analyze(profile(seen(variant)), NONE) if o.id == "humanity.headless-browser"]
        assert hit.value <= 0.05, variant
    software = dataclasses.replace(LAPTOP, webgl_renderer="Google SwiftShader", plugins=())
    (weak,) = [o for o in analyze(profile(seen(software)), NONE) if o.id == "humanity.headless-browser"]
    assert weak.value == 0.3 and "software graphics" in weak.explanation


def test_a_spoofed_user_agent_contradicts_the_browser() -> None:
    mac_ua = (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
        "Safari/605.1.15"
    )
    spoofed = dataclasses.replace(LAPTOP, user_agent=mac_ua)  # a Windows Chrome claiming to be Safari on a Mac
    (hit,) = [o for o in analyze(profile(seen(spoofed)), NONE) if o.id == "humanity.inconsistent-browser"]
    assert "navigator.platform says Win32" in hit.explanation
    firefox = dataclasses.replace(
        LAPTOP, user_agent="Mozilla/5.0 (Windows NT 10.0; rv:133.0) Gecko/20100101 Firefox/133.0"
    )
    assert "humanity.inconsistent-browser" in ids(profile(seen(firefox)))
    android = dataclasses.replace(
        LAPTOP,
        user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
        "Mobile Safari/537.36",
        platform="Linux armv81", platform_hint="Android", mobile_hint=True, max_touch_points=5,
    )  # fmt: skip
    assert "humanity.inconsistent-browser" not in ids(profile(seen(android, os="Android", device_type="mobile")))


def test_impossible_hardware_is_seen() -> None:
    for variant in (
        dataclasses.replace(LAPTOP, hardware_concurrency=0),
        dataclasses.replace(LAPTOP, device_memory=3),
        dataclasses.replace(LAPTOP, screen=Screen(0, 0, 0, 0, 24, 1)),
        dataclasses.replace(LAPTOP, window=Window(7000, 900, 7000, 1000)),
    ):
        assert "humanity.implausible-hardware" in ids(profile(seen(variant))), variant
    assert "humanity.implausible-hardware" not in ids(profile(seen()))


def test_a_data_centre_network_is_a_doubt_not_a_verdict() -> None:
    found = analyze(profile(seen(hosting=True, asn_label="AMAZON-02")), NONE)
    (hit,) = [o for o in found if o.id == "humanity.datacenter-network"]
    assert "AMAZON-02" in hit.explanation and hit.value == 0.25
    assert "humanity.real-browser" not in {o.id for o in found}


def test_devices_without_signals_and_identities_without_devices_are_not_judged() -> None:
    assert ids(profile(SeenDevice("fp-from-server-data", None))) == set()
    assert ids(profile()) == set()
    bare = dataclasses.replace(LAPTOP, fonts=(), plugins=(), webgl_renderer=None)
    assert device_humanity.real_browser(profile(seen(bare)), NONE) is None  # nothing to vouch with


def test_a_profile_with_devices_survives_the_decision_record() -> None:
    p = profile(seen(), SeenDevice("fp-2", None, hosting=True))
    assert IdentityProfile.from_dict(p.to_dict()) == p


def test_lists_the_browser_does_not_offer_may_be_null() -> None:
    read = read_report(report(fonts=None, plugins=None, languages=None, automation=None, uaData={"brands": None}))
    assert read is not None
    signals = signals_of(read)
    assert signals.fonts == signals.plugins == signals.languages == signals.automation == signals.brands == ()


def test_a_client_the_apps_server_reports_is_judged_by_its_agent_and_network() -> None:
    assert reported_client({"ip": "203.0.113.5", "user_agent": "curl/8"}) == ("203.0.113.5", "curl/8")
    assert reported_client({"clientIp": "198.51.100.1", "User-Agent": "x"}) == ("198.51.100.1", "x")
    assert reported_client({"plan": "pro"}) == (None, None)

    def judged(*clients: SeenDevice) -> IdentityProfile:
        return IdentityProfile("u1", clients=clients)

    script = SeenDevice("k1", None, "Python Requests", None, "bot")
    found = device_humanity.script_client(judged(script), Datasets())
    assert found is not None and found.value <= 0.1 and "Python Requests" in found.explanation
    headless = SeenDevice("k2", None, "HeadlessChrome", "Linux", "desktop")
    assert device_humanity.script_client(judged(headless), Datasets()) is not None
    # a person on the app's own mobile client, or an agent the parser could not name: not judged a script
    for app in (SeenDevice("k3", None, "okhttp", None, "bot"), SeenDevice("k4", None, None, None, "bot")):
        assert device_humanity.script_client(judged(app), Datasets()) is None
    person = SeenDevice("k5", None, "Mobile Safari", "iOS", "mobile")
    assert device_humanity.script_client(judged(person), Datasets()) is None
    hosted = SeenDevice("k6", None, "Chrome", "Windows", "desktop", hosting=True, asn_label="AMAZON-02")
    cloud = device_humanity.datacenter(judged(hosted), Datasets())
    assert cloud is not None and "AMAZON-02" in cloud.explanation


DAY_US = 86_400 * 1_000_000


def test_an_intruders_automation_is_judged_as_a_takeover_not_as_the_owners_humanity() -> None:
    """A person's account of a month, then a driven browser and a script's requests that arrive with failed
    logins and a new password: the intruder's, not the owner's. The owner is still a person; the takeover is
    Behavior's finding."""
    t0 = 1_764_000_000 * 1_000_000
    attack = t0 + 30 * DAY_US
    history = Activity()
    for day in range(0, 30, 2):
        history.observe(t0 + day * DAY_US, "LOGIN")
        history.observe(t0 + day * DAY_US + 90_000_000, "PURCHASE")
    for i in range(4):
        history.observe(attack + i * 20_000_000, "LOGIN_FAILED")
    history.observe(attack + 100_000_000, "LOGIN")
    history.observe(attack + 200_000_000, "EMAIL_CHANGE")
    owners = seen()
    driven = seen(dataclasses.replace(LAPTOP, webdriver=True, automation=("playwright",), canvas="0badc0de"))
    script = SeenDevice("stuffer", None, "Python Requests", None, "bot", first_seen=attack)
    sources = ((KeyKind.DEVICE, owners.fingerprint, t0), (KeyKind.DEVICE, driven.fingerprint, attack))
    victim = IdentityProfile("me", activity=history, sources=sources, devices=(owners, driven), clients=(script,))
    found = analyze(victim, NONE)
    scores = category_scores(found)
    assert scores[Category.HUMANITY] >= 65 and scores[Category.BEHAVIOR] <= 25
    assert {"humanity.automation", "humanity.script-client"}.isdisjoint(o.id for o in found)
    assert "behavior.account-takeover-signal" in {o.id for o in found}
    # the twin: the same driven browser and script from the account's first day are the account's own
    farmed = IdentityProfile(
        "me",
        activity=history,
        sources=((KeyKind.DEVICE, driven.fingerprint, t0),),
        devices=(driven,),
        clients=(dataclasses.replace(script, first_seen=t0),),
    )
    assert {"humanity.automation", "humanity.script-client"} <= ids(farmed)
    # and a driven browser that arrives later with no takeover around it (a farm automating a made account)
    # is judged as the account's own too
    quiet = Activity()
    for day in range(0, 30, 2):
        quiet.observe(t0 + day * DAY_US, "LOGIN")
    late = IdentityProfile(
        "me",
        activity=quiet,
        sources=(*sources[:1], (KeyKind.DEVICE, driven.fingerprint, attack)),
        devices=(owners, driven),
    )
    assert "humanity.automation" in ids(late)
