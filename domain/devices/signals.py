"""What dregs.js reports about the browser it runs in, and the device fingerprint derived from it.

The fingerprint hashes only the signals a browser keeps from one visit to the next: the
hardware and rendering stack, screen, languages, timezone, fonts and plugins, and the
browser and platform without their version numbers. The page, the session, the window's
size and the browser's version are left out, so an update or a resized window is still the
same device."""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

# "Chrome/131.0.6778.85" and "Chrome/132.0.6834.83" are one browser, updated.
_VERSION = re.compile(r"\d+(?:[._]\d+)*")


@dataclass(frozen=True)
class Screen:
    width: int | None = None
    height: int | None = None
    avail_width: int | None = None
    avail_height: int | None = None
    color_depth: int | None = None
    pixel_ratio: float | None = None


@dataclass(frozen=True)
class Window:
    inner_width: int | None = None
    inner_height: int | None = None
    outer_width: int | None = None
    outer_height: int | None = None


@dataclass(frozen=True)
class DeviceSignals:
    user_agent: str
    brands: tuple[str, ...] = ()  # navigator.userAgentData: "Chromium 131", …
    mobile_hint: bool | None = None
    platform_hint: str | None = None
    platform: str | None = None
    vendor: str | None = None
    language: str | None = None
    languages: tuple[str, ...] = ()
    timezone: str | None = None
    timezone_offset: int | None = None  # minutes, as getTimezoneOffset() gives it
    screen: Screen = field(default_factory=Screen)
    window: Window = field(default_factory=Window)
    hardware_concurrency: int | None = None
    device_memory: float | None = None
    max_touch_points: int | None = None
    canvas: str | None = None
    webgl_vendor: str | None = None
    webgl_renderer: str | None = None
    fonts: tuple[str, ...] = ()
    plugins: tuple[str, ...] = ()
    cookie_enabled: bool | None = None
    pdf_viewer_enabled: bool | None = None
    webdriver: bool | None = None
    automation: tuple[str, ...] = ()
    chrome: bool | None = None
    notification_permission: str | None = None
    permission_state: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DeviceSignals":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["screen"] = Screen(**data.get("screen") or {})
        values["window"] = Window(**data.get("window") or {})
        for name in ("brands", "languages", "fonts", "plugins", "automation"):
            values[name] = tuple(data.get(name) or ())
        return cls(**values)


def browser_family(user_agent: str) -> str:
    """The user agent without its version numbers."""
    return _VERSION.sub("#", user_agent)


def fingerprint(signals: DeviceSignals) -> str:
    """A stable 128-bit hex id of the device: equal signals give an equal id on any server."""
    s = signals.screen
    # A phone turned sideways is the same phone.
    sides = sorted(x for x in (s.width, s.height) if x is not None)
    stable = {
        "browser": browser_family(signals.user_agent),
        "brands": sorted(_VERSION.sub("#", b) for b in signals.brands),
        "mobile": signals.mobile_hint,
        "platforms": [signals.platform, signals.platform_hint, signals.vendor],
        "languages": list(signals.languages) or [signals.language],
        "timezone": signals.timezone,
        "screen": [sides, s.color_depth, s.pixel_ratio],
        "hardware": [signals.hardware_concurrency, signals.device_memory, signals.max_touch_points],
        "rendering": [signals.canvas, signals.webgl_vendor, signals.webgl_renderer],
        "fonts": sorted(signals.fonts),
        "plugins": sorted(signals.plugins),
    }
    digest = hashlib.sha256(json.dumps(stable, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return digest[:32]


# What a browser reports in place of its real GPU, the same on every unit of a model line: Safari and every iOS
# browser say "Apple GPU"; Firefox resisting fingerprinting (and Tor Browser) say "Mozilla".
_MASKED_RENDERERS = frozenset({"apple gpu", "mozilla"})


def common_model(signals: DeviceSignals) -> bool:
    """Whether every unit of the device's model, set to the same language and time zone, gives this very
    fingerprint: a masked GPU, and with it the canvas and fonts its OS version draws on every unit. Two strangers'
    iPhones of one model in one city are one fingerprint, so sharing it says little about one person."""
    return (signals.webgl_renderer or "").strip().lower() in _MASKED_RENDERERS
