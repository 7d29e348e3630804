"""What dregs.js would report (docs/tracker-protocol.md) from the synthetic traffic's devices.

Each device of bench/traffic.py has a kind, and its signals are drawn from a generator of its
own (seeded by the device id), so adding browsers leaves the traffic's own random stream as
it was:

  laptop      a person's computer: Chrome, Edge, Firefox or Safari on Windows, macOS or Linux
  phone       an iPhone with Safari, or an Android phone with Chrome
  tablet      an iPad (which presents itself as a Mac) or an Android tablet
  antidetect  a multi-accounting browser: plausible spoofed signals, now and then a slip
  headless    headless Chrome as a script launches it: the webdriver flag, software graphics
  stealth     headless Chrome with the stealth patches: no webdriver flag, a normal user agent,
              faked plugins; software graphics give some away, others pass as real
  driven      a real desktop Chrome driven by Selenium or Playwright: real hardware, webdriver set
"""

import random
from typing import Any

KINDS = ("laptop", "phone", "tablet", "antidetect", "headless", "stealth", "driven")
PEOPLES_KINDS = frozenset({"laptop", "phone", "tablet"})

_CHROME = "Mozilla/5.0 ({os}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36"
_EDGE = _CHROME + " Edg/{v}.0.0.0"
_FIREFOX = "Mozilla/5.0 ({os}; rv:{v}.0) Gecko/20100101 Firefox/{v}.0"
_SAFARI = "Mozilla/5.0 ({os}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v}.1 Safari/605.1.15"
_OS = {
    "windows": ("Windows NT 10.0; Win64; x64", "Win32", "Windows"),
    "mac": ("Macintosh; Intel Mac OS X 10_15_7", "MacIntel", "macOS"),
    "linux": ("X11; Linux x86_64", "Linux x86_64", "Linux"),
}
_SCREENS = ((1920, 1080, 1), (1366, 768, 1), (1536, 864, 1.25), (2560, 1440, 1), (1440, 900, 2), (1680, 1050, 2))
_GPUS = {
    "windows": ("Google Inc. (Intel)", "ANGLE (Intel, Intel(R) UHD Graphics 620 Direct3D11 vs_5_0 ps_5_0, D3D11)",
                "Google Inc. (NVIDIA)", "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)"),
    "mac": ("Apple Inc.", "Apple M1", "Apple Inc.", "Apple M2 Pro"),
    "linux": ("Intel", "Mesa Intel(R) UHD Graphics 630 (CFL GT2)", "AMD", "AMD Radeon RX 6600 (radeonsi, navi23)"),
}  # fmt: skip
_FONTS = {
    "windows": ["Arial", "Calibri", "Cambria", "Consolas", "Segoe UI", "Tahoma", "Times New Roman", "Verdana"],
    "mac": ["Arial", "Avenir", "Helvetica Neue", "Menlo", "Monaco", "San Francisco", "Times"],
    "linux": ["DejaVu Sans", "DejaVu Serif", "Liberation Mono", "Liberation Sans", "Noto Sans", "Ubuntu"],
}
_PDF_PLUGINS = ["PDF Viewer", "Chrome PDF Viewer", "Chromium PDF Viewer", "Microsoft Edge PDF Viewer",
                "WebKit built-in PDF"]  # fmt: skip
_SOFTWARE_GL = (
    "Google Inc. (Google)",
    "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)",
)
_LANGUAGES = (
    ["en-US", "en"],
    ["de-DE", "de", "en"],
    ["fr-FR", "fr"],
    ["es-ES", "es"],
    ["pt-BR", "pt"],
    ["en-GB", "en"],
)
_ZONES = ("America/New_York", "America/Chicago", "Europe/Berlin", "Europe/Paris", "Europe/London", "Asia/Tokyo")


def _desktop(r: random.Random, os_name: str, browser: str) -> dict[str, Any]:
    agent_os, platform, hint_platform = _OS[os_name]
    version = r.randint(128, 132) if browser != "safari" else r.randint(16, 18)
    template = {"chrome": _CHROME, "edge": _EDGE, "firefox": _FIREFOX, "safari": _SAFARI}[browser]
    width, height, ratio = r.choice(_SCREENS)
    vendor, renderer = r.choice([_GPUS[os_name][0:2], _GPUS[os_name][2:4]])
    chromium = browser in ("chrome", "edge")
    signals: dict[str, Any] = {
        "userAgent": template.format(os=agent_os, v=version if browser != "firefox" else version + 4),
        "platform": platform,
        "vendor": {"chrome": "Google Inc.", "edge": "Google Inc.", "firefox": "", "safari": "Apple Computer, Inc."}[
            browser
        ],
        "languages": r.choice(_LANGUAGES),
        "timezone": r.choice(_ZONES),
        "screen": {"width": width, "height": height, "availWidth": width, "availHeight": height - 40,
                   "colorDepth": 24 if os_name != "mac" else 30, "pixelRatio": ratio},
        "window": {"innerWidth": width - r.randint(0, 300), "innerHeight": height - r.randint(120, 260),
                   "outerWidth": width, "outerHeight": height - 40},
        "hardwareConcurrency": r.choice((4, 8, 8, 12, 16)),
        "maxTouchPoints": 0,
        "canvas": f"{r.getrandbits(32):08x}",
        "webgl": {"vendor": vendor, "renderer": renderer},
        "fonts": sorted(r.sample(_FONTS[os_name], k=len(_FONTS[os_name]) - r.randint(0, 2))),
        "plugins": _PDF_PLUGINS if browser != "safari" else [],
        "cookieEnabled": True,
        "pdfViewerEnabled": True,
        "webdriver": False,
        "automation": [],
        "chrome": chromium,
        "notificationPermission": "default",
        "permissionState": "prompt",
    }  # fmt: skip
    if chromium:
        signals["deviceMemory"] = r.choice((4, 8, 8))
        brand = "Microsoft Edge" if browser == "edge" else "Google Chrome"
        signals["uaData"] = {"brands": [{"brand": brand, "version": str(version)}, {"brand": "Chromium",
                             "version": str(version)}], "mobile": False, "platform": hint_platform}  # fmt: skip
    return signals


def _laptop(r: random.Random) -> dict[str, Any]:
    os_name = r.choices(("windows", "mac", "linux"), (70, 25, 5))[0]
    browsers = {"windows": ("chrome", "edge", "firefox"), "mac": ("chrome", "safari", "firefox"),
                "linux": ("chrome", "firefox")}[os_name]  # fmt: skip
    return _desktop(r, os_name, r.choice(browsers))


def _phone(r: random.Random, *, tablet: bool = False) -> dict[str, Any]:
    canvas = f"{r.getrandbits(32):08x}"
    if r.random() < 0.5:  # Apple
        if tablet:  # iPadOS asks for the desktop site: it says Macintosh, with a touch screen
            agent, platform, width, height = (
                _SAFARI.format(os="Macintosh; Intel Mac OS X 10_15_7", v=17),
                "MacIntel",
                820,
                1180,
            )
        else:
            agent = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                     "Version/17.5 Mobile/15E148 Safari/604.1")  # fmt: skip
            platform, width, height = "iPhone", 390, 844
        return {"userAgent": agent, "platform": platform, "vendor": "Apple Computer, Inc.", "languages": ["en-US"],
                "timezone": r.choice(_ZONES), "screen": {"width": width, "height": height, "colorDepth": 24,
                "pixelRatio": 3}, "maxTouchPoints": 5, "canvas": canvas,
                "webgl": {"vendor": "Apple Inc.", "renderer": "Apple GPU"}, "fonts": ["Helvetica Neue", "Menlo"],
                "cookieEnabled": True, "webdriver": False, "automation": [], "chrome": False}  # fmt: skip
    model = "SM-X710" if tablet else r.choice(("Pixel 8", "SM-S911B", "moto g84"))
    mobile = "" if tablet else "Mobile "
    return {"userAgent": f"Mozilla/5.0 (Linux; Android 14; {model}) AppleWebKit/537.36 (KHTML, like Gecko) "
                         f"Chrome/131.0.0.0 {mobile}Safari/537.36",
            "uaData": {"brands": [{"brand": "Google Chrome", "version": "131"}], "mobile": not tablet,
                       "platform": "Android"},
            "platform": "Linux armv81", "vendor": "Google Inc.", "languages": r.choice(_LANGUAGES),
            "timezone": r.choice(_ZONES), "screen": {"width": 800 if tablet else 412, "height": 1280 if tablet else 915,
            "colorDepth": 24, "pixelRatio": 2.625}, "hardwareConcurrency": 8, "deviceMemory": 8, "maxTouchPoints": 5,
            "canvas": canvas, "webgl": {"vendor": "Qualcomm", "renderer": "Adreno (TM) 740"},
            "fonts": ["Roboto", "Noto Sans"], "plugins": [], "cookieEnabled": True, "webdriver": False,
            "automation": [], "chrome": True}  # fmt: skip


def _server_chrome(r: random.Random, *, stealth: bool) -> dict[str, Any]:
    """Chrome on a server: Linux, software graphics, the container's few cores."""
    signals = _desktop(r, "linux", "chrome")
    signals.update(hardwareConcurrency=r.choice((2, 4)), languages=["en-US"], timezone="UTC")
    signals["screen"] = {"width": 800, "height": 600, "availWidth": 800, "availHeight": 600, "colorDepth": 24,
                         "pixelRatio": 1}  # fmt: skip
    if not stealth:
        signals["userAgent"] = signals["userAgent"].replace("Chrome/", "HeadlessChrome/")
        signals.update(webdriver=True, automation=["webdriver"], plugins=[], chrome=False)
        signals["window"] = {"innerWidth": 800, "innerHeight": 600, "outerWidth": 0, "outerHeight": 0}
        signals["notificationPermission"] = "denied"
        signals["webgl"] = {"vendor": _SOFTWARE_GL[0], "renderer": _SOFTWARE_GL[1]}
    elif r.random() < 0.5:  # the stealth patches leave the graphics as they are
        signals["webgl"] = {"vendor": _SOFTWARE_GL[0], "renderer": _SOFTWARE_GL[1]}
    return signals


def bot_kind(seed: int, operator: str) -> str:
    """The browser an operator's bots run in."""
    return random.Random(f"{seed}:{operator}").choices(("headless", "stealth", "driven"), (40, 35, 25))[0]


def campaign_kind(seed: int, campaign: str) -> str:
    """The browser a registration campaign's tool runs."""
    return random.Random(f"{seed}:{campaign}").choices(("headless", "stealth", "antidetect"), (35, 30, 35))[0]


def report(kind: str, device: str, seed: int) -> dict[str, Any]:
    """The tracker's `signals` for one of the traffic's devices: always the same for the same device."""
    r = random.Random(f"{seed}:{device}")
    if kind == "phone":
        return _phone(r)
    if kind == "tablet":
        return _phone(r, tablet=True)
    if kind == "headless":
        return _server_chrome(r, stealth=False)
    if kind == "stealth":
        return _server_chrome(r, stealth=True)
    signals = _laptop(r)
    if kind == "driven":
        signals.update(webdriver=True, automation=["webdriver"])
    elif kind == "antidetect" and r.random() < 0.15:  # a spoofed profile that contradicts itself
        signals["platform"] = "Linux x86_64" if signals["platform"] != "Linux x86_64" else "Win32"
    return signals
