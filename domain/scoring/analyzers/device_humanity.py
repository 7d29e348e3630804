"""Humanity from the devices an identity used: automation frameworks announce themselves,
headless browsers lack what a screen-bound browser has, a spoofed user agent contradicts the
rest of the browser, emulated hardware has impossible numbers, and people rarely browse from a
data centre. Each finding names the device and the signals behind it; a device that shows none
of them, with the fonts, plugins and graphics of a real machine, is evidence of a person.

Every check reads what dregs.js reports (docs/tracker-protocol.md); a device known only from
a server event's data carries no signals and is not judged here. What an app's server reports of
the client behind its events (user agent, address: domain/devices/client.py) is judged by the
two checks that need no tracker: a script's agent, and a data centre's network. A device that arrived on an
established account with a takeover (analyzers/takeover.py intruder_devices) is the intruder's, not the
owner's, and is left out."""

from collections.abc import Callable

from domain.devices.signals import DeviceSignals
from domain.scoring.analyzers.takeover import arrived_with_intruder, intruder_devices
from domain.scoring.categories import Category
from domain.scoring.datasets import Datasets
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile
from domain.scoring.seen_device import SeenDevice

H = Category.HUMANITY

# Renderers of machines without a graphics card: virtual machines, containers, headless servers.
_SOFTWARE_RENDERERS = ("swiftshader", "llvmpipe", "softpipe", "software rasterizer", "mesa offscreen")
# Chrome rounds navigator.deviceMemory to a power of two.
_DEVICE_MEMORY = frozenset({0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0})
_COLOR_DEPTHS = frozenset({16, 24, 30, 32, 48})

Check = Callable[[SeenDevice, DeviceSignals], list[str]]


def automation_markers(device: SeenDevice, s: DeviceSignals) -> list[str]:
    found = [f"automation marker {m}" for m in s.automation]
    if s.webdriver:
        found.insert(0, "navigator.webdriver is set")
    if device.device_type == "bot":
        found.append(f"the user agent is a script's or crawler's ({device.browser or 'unknown'})")
    return found


def headless_tells(device: SeenDevice, s: DeviceSignals) -> list[str]:
    found = []
    ua = s.user_agent.lower()
    if "headless" in ua or (device.browser or "").lower().startswith("headless"):
        found.append("the user agent says HeadlessChrome")
    if s.window.outer_width == 0 and s.window.outer_height == 0:
        found.append("the browser window has no outer size")
    if s.notification_permission == "denied" and s.permission_state == "prompt":
        found.append("notification permission contradicts the permissions API, as in headless Chrome")
    chromium = "chrome/" in ua and "edg/" not in ua and "opr/" not in ua
    if chromium and s.chrome is False:
        found.append("a Chrome user agent without window.chrome")
    return found


def weak_headless_tells(device: SeenDevice, s: DeviceSignals) -> list[str]:
    found = []
    renderer = (s.webgl_renderer or "").lower()
    if any(soft in renderer for soft in _SOFTWARE_RENDERERS):
        found.append(f"software graphics ({s.webgl_renderer})")
    desktop_chrome = device.device_type == "desktop" and (device.browser or "").startswith("Chrome")
    if desktop_chrome and not s.plugins:
        found.append("a desktop Chrome with no PDF viewer plugins")
    return found


def _os_of_platform(platform: str) -> str | None:
    p = platform.lower()
    for prefix, os in (("win", "windows"), ("mac", "mac"), ("iphone", "ios"), ("ipad", "ios"), ("linux", "linux")):
        if p.startswith(prefix):
            return os
    return None


def _os_of_agent(ua: str) -> str | None:
    u = ua.lower()
    if "iphone" in u or "ipad" in u:
        return "ios"
    if "android" in u:
        return "android"
    if "windows" in u:
        return "windows"
    if "macintosh" in u or "mac os x" in u:
        return "mac"
    if "linux" in u or "x11" in u or "cros" in u:
        return "linux"
    return None


def inconsistencies(_: SeenDevice, s: DeviceSignals) -> list[str]:
    found = []
    agent_os = _os_of_agent(s.user_agent)
    platform_os = _os_of_platform(s.platform or "")
    # Android reports a Linux platform; iPadOS may present itself as a Mac.
    compatible = {("android", "linux"), ("ios", "mac"), ("mac", "ios")}
    if agent_os and platform_os and agent_os != platform_os and (agent_os, platform_os) not in compatible:
        found.append(f"the user agent says {agent_os} but navigator.platform says {s.platform}")
    hint_os = _os_of_platform(s.platform_hint or "") or (
        "android" if (s.platform_hint or "").lower() == "android" else None
    )
    if agent_os and hint_os and agent_os != hint_os and (agent_os, hint_os) not in compatible:
        found.append(f"the user agent says {agent_os} but client hints say {s.platform_hint}")
    ua = s.user_agent.lower()
    mobile_agent = "mobile" in ua or "iphone" in ua
    if s.mobile_hint is not None and s.mobile_hint != mobile_agent and "ipad" not in ua:
        found.append("client hints and the user agent disagree about being a phone")
    if "firefox/" in ua and s.brands:
        found.append("a Firefox user agent in a browser with Chromium's client hints")
    if "chrome/" in ua and s.vendor is not None and s.vendor not in ("Google Inc.", ""):
        found.append(f"a Chrome user agent with the vendor {s.vendor!r}")
    return found


def impossible_hardware(_: SeenDevice, s: DeviceSignals) -> list[str]:
    found = []
    if s.hardware_concurrency is not None and not 1 <= s.hardware_concurrency <= 256:
        found.append(f"{s.hardware_concurrency} CPU cores")
    if s.device_memory is not None and s.device_memory not in _DEVICE_MEMORY:
        found.append(f"{s.device_memory:g} GB of device memory, which no browser reports")
    screen = s.screen
    if screen.width == 0 or screen.height == 0:
        found.append("a screen of zero pixels")
    if screen.color_depth is not None and screen.color_depth not in _COLOR_DEPTHS:
        found.append(f"a colour depth of {screen.color_depth} bits")
    ua = s.user_agent.lower()
    if ("iphone" in ua or "android" in ua and "mobile" in ua) and s.max_touch_points == 0:
        found.append("a phone's user agent on a device without a touch screen")
    inner, width = s.window.inner_width, screen.width
    if inner is not None and width and inner > width * 1.5 + 100:
        found.append(f"a window ({inner} px) far wider than its screen ({width} px)")
    return found


def _owners(profile: IdentityProfile) -> list[SeenDevice]:
    """The devices that speak for the account's owner: not one that arrived with a takeover's failed logins or
    changed keys on an established account (an intruder's automation is not the victim's)."""
    intruders = intruder_devices(profile)
    return [d for d in profile.devices if d.fingerprint not in intruders]


def _owners_clients(profile: IdentityProfile) -> list[SeenDevice]:
    """The same for the clients the app's server reported: a stuffing script's hit on a person's account."""
    return [c for c in profile.clients if not arrived_with_intruder(profile, c.first_seen)]


def _judged(profile: IdentityProfile) -> list[tuple[SeenDevice, DeviceSignals]]:
    return [(d, d.signals) for d in _owners(profile) if d.signals is not None]


def _worst(profile: IdentityProfile, check: Check) -> tuple[SeenDevice, list[str]] | None:
    findings = [(d, check(d, s)) for d, s in _judged(profile)]
    findings = [(d, f) for d, f in findings if f]
    return max(findings, key=lambda found: len(found[1])) if findings else None


def _finding(  # noqa: PLR0913 - one finding's wording and weight
    profile: IdentityProfile, check: Check, analyzer: str, label: str, lead: str, numbers: tuple[float, float, float]
) -> Observation | None:
    """The finding of one check on the identity's device that shows most of it, or None."""
    worst = _worst(profile, check)
    if worst is None:
        return None
    device, signs = worst
    value, confidence, weight = numbers
    return Observation(H, analyzer, label, f"{lead}: {'; '.join(signs)}.", value, confidence, weight,
                       {"fingerprint": device.fingerprint, "signals": signs})  # fmt: skip


def automation(profile: IdentityProfile, _: Datasets) -> Observation | None:
    return _finding(profile, automation_markers, "humanity.automation", "Browser Automation",
                    "An automated browser or script", (0.0, 0.95, 4.0))  # fmt: skip


def headless(profile: IdentityProfile, _: Datasets) -> Observation | None:
    return _finding(profile, headless_tells, "humanity.headless-browser", "Headless Browser",
                    "A browser without a screen, as scripts run it", (0.05, 0.9, 3.0)) or _finding(
        profile, weak_headless_tells, "humanity.headless-browser", "Headless Browser",
        "Signs of a browser on a server rather than a person's machine", (0.3, 0.5, 1.5))  # fmt: skip


def inconsistent(profile: IdentityProfile, _: Datasets) -> Observation | None:
    return _finding(profile, inconsistencies, "humanity.inconsistent-browser", "Inconsistent Browser",
                    "The browser is not what its user agent claims", (0.15, 0.75, 2.5))  # fmt: skip


def hardware(profile: IdentityProfile, _: Datasets) -> Observation | None:
    return _finding(profile, impossible_hardware, "humanity.implausible-hardware", "Implausible Hardware",
                    "A hardware profile no consumer device has", (0.2, 0.7, 2.0))  # fmt: skip


# HTTP libraries of native mobile apps: a person behind an app, not a script, when an app's server
# forwards the agent of its own app's requests.
_APP_LIBRARIES = frozenset({"okhttp", "dart", "alamofire", "cfnetwork", "ktor"})


def _scripted(client: SeenDevice) -> bool:
    """A named crawler, script library or headless browser; an agent the parser could not name is not
    judged (Dart's own agent says nothing of who runs it)."""
    name = (client.browser or "").lower()
    return bool(name) and ((client.device_type == "bot" and name not in _APP_LIBRARIES) or name.startswith("headless"))


def script_client(profile: IdentityProfile, _: Datasets) -> Observation | None:
    """The app's server reported a script's or crawler's user agent for this identity's requests: the
    only sign of a bot that sends a few logins and never loads a page (credential stuffing)."""
    scripts = [c for c in _owners_clients(profile) if _scripted(c)]
    if not scripts:
        return None
    name = scripts[0].browser or "a script"
    return Observation(H, "humanity.script-client", "Script Client",
                       f"The app's server reported requests from a script's or crawler's user agent ({name}).",
                       0.05, 0.85, 3.0, {"agent": name, "clients": len(scripts)})  # fmt: skip


def datacenter(profile: IdentityProfile, _: Datasets) -> Observation | None:
    hosted = [d for d in (*_owners(profile), *_owners_clients(profile)) if d.hosting]
    if not hosted:
        return None
    device = hosted[0]
    label = device.asn_label or "a hosting provider"
    # People do use VPNs, which often run in data centres: a doubt, not a verdict.
    return Observation(H, "humanity.datacenter-network", "Data Centre Network",
                       f"Connected from a data centre's network ({label}), where scripts run.",
                       0.25, 0.6, 1.5, {"fingerprint": device.fingerprint, "network": label})  # fmt: skip


_CHECKS: tuple[Check, ...] = (automation_markers, headless_tells, weak_headless_tells, inconsistencies,
                              impossible_hardware)  # fmt: skip


def real_browser(profile: IdentityProfile, _: Datasets) -> Observation | None:
    """A device that passes every check and renders like a real machine vouches for a person."""
    clean = [
        (d, s)
        for d, s in _judged(profile)
        if not d.hosting and not any(check(d, s) for check in _CHECKS) and (s.fonts or s.plugins or s.webgl_renderer)
    ]
    if not clean:
        return None
    device, s = clean[0]
    confidence = 0.6 if len(clean) == 1 else 0.75
    what = f"{device.browser or 'a browser'} on {device.os or 'its OS'}"
    return Observation(H, "humanity.real-browser", "Real Browser",
                       f"A consistent browser on real hardware ({what}, {len(s.fonts)} fonts, "
                       f"{s.webgl_renderer or 'no WebGL'}).",
                       1.0, confidence, 2.0, {"fingerprint": device.fingerprint, "devices": len(clean)})  # fmt: skip


ANALYZERS = (automation, headless, inconsistent, hardware, script_client, datacenter, real_browser)
