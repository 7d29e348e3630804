"""Material from maintained packages and from real browsers, and a few small curated lists.

- Disposable domains: the union of two maintained lists, `disposable-email-domains` (the list behind
  github.com/disposable-email-domains) and `mailchecker` (FGRibreau/mailchecker's list, far larger and
  only partly overlapping), plus the most used throwaway services by name (mailinator, guerrillamail,
  yopmail, 10minutemail, temp-mail...) as long as the lists carry them. Each domain is tagged with the
  lists that carry it, so the report can show how Dregs does on domains only the second list knows.
- Bot user agents: `crawler-user-agents` (monperrus/crawler-user-agents), the example instances of its
  `http-library` and `browser-automation` patterns (python-requests, Go-http-client, curl, okhttp,
  axios, node-fetch, Scrapy, HeadlessChrome, Puppeteer, Selenium, PhantomJS...).
- People's browsers: `browserforge` with `apify-fingerprint-datapoints` (a Bayesian network trained on
  real browser fingerprints collected by Apify; the rare draws no real browser makes are redrawn, see
  consistent()), turned into the report dregs.js sends
  (docs/tracker-protocol.md). The fonts dregs.js probes for are taken from what each OS ships (Microsoft's
  "Windows 10 font list", Apple's "Fonts included with macOS/iOS", Android's Roboto/Noto).
- Bots' browsers: the real reports of Debian's Chromium in data/chromium_reports.json
  (collect_browsers.py): plain headless, headful under Xvfb, Playwright-driven headless and headful; and
  a "stealth" variant of the headless one patched as puppeteer-extra-plugin-stealth does (UA without
  "Headless", navigator.webdriver false).
- Datacenter networks: blocks of AWS, Google Cloud, Azure, DigitalOcean, OVH, Hetzner, Linode, Vultr and
  two Tor-exit hosting ranges (checked in the server's IP database like cultures.NETWORKS).

The held-out seed draws its disposable domains, bot user agents and fake names from halves of these
lists the dev seed never sees (split by a hash of the item).
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import json
import random
import zoneinfo
from datetime import datetime
from pathlib import Path

DATA = Path(__file__).with_name("data")


def half(item: str, held_out: bool) -> bool:
    """Whether item belongs to the dev half (False) or the held-out half (True) of a list."""
    return (hashlib.sha256(item.encode()).digest()[0] & 1) == int(held_out)


# --- disposable domains ------------------------------------------------------------------------

WELL_KNOWN_DISPOSABLE = (
    "mailinator.com", "guerrillamail.com", "10minutemail.com", "temp-mail.org", "yopmail.com", "sharklasers.com",
    "trashmail.com", "maildrop.cc", "getnada.com", "dispostable.com", "tempmail.plus", "mohmal.com",
    "emailondeck.com", "throwawaymail.com", "fakeinbox.com", "mailnesia.com", "tempr.email", "mintemail.com",
    "spamgourmet.com", "33mail.com", "burnermail.io", "tempmailo.com", "mail.tm", "1secmail.com", "emailfake.com",
    "inboxkitten.com", "moakt.com", "grr.la", "harakirimail.com", "guerrillamailblock.com",
)  # fmt: skip


@functools.cache
def disposable_domains() -> dict[str, str]:
    """domain → which lists carry it: 'both', 'dea' (disposable-email-domains only), 'mailchecker'."""
    import disposable_email_domains  # noqa: PLC0415
    import MailChecker  # noqa: PLC0415

    dea = set(disposable_email_domains.blocklist)
    mc = set(MailChecker.MailChecker.blacklist)

    def plausible(domain: str) -> bool:  # a domain someone types, not a list's generated sub-sub-domain
        return 4 <= len(domain) <= 28 and domain.count(".") <= 2 and "gmail" not in domain and domain.isascii()

    out = {}
    for domain in sorted(dea | mc):
        if plausible(domain):
            out[domain] = "both" if domain in dea and domain in mc else "dea" if domain in dea else "mailchecker"
    return out


def pick_disposable(rng: random.Random, held_out: bool) -> tuple[str, str]:
    """(domain, source): 40 % a well-known service, 60 % any domain of the merged lists."""
    domains = disposable_domains()
    if rng.random() < 0.4:
        known = [d for d in WELL_KNOWN_DISPOSABLE if d in domains and half(d, held_out)]
        domain = rng.choice(known)
    else:
        pool = _disposable_pool(held_out)
        domain = rng.choice(pool)
    return domain, domains[domain]


@functools.cache
def _disposable_pool(held_out: bool) -> list[str]:
    return [d for d in disposable_domains() if half(d, held_out)]


# --- bot user agents ---------------------------------------------------------------------------


@functools.cache
def bot_user_agents(held_out: bool) -> tuple[str, ...]:
    import crawleruseragents  # noqa: PLC0415

    out = []
    for entry in crawleruseragents.CRAWLER_USER_AGENTS_DATA:
        tags = set(entry.get("tags") or ())
        if tags & {"http-library", "browser-automation"}:
            out.extend(i for i in entry.get("instances") or () if i and len(i) < 300)
    return tuple(sorted(ua for ua in set(out) if half(ua, held_out)))


# --- fake sign-up material (curated) ---------------------------------------------------------------
# Famous fake and placeholder names: the ones support teams and fraud write-ups quote (Mickey Mouse,
# Santa Claus, "Test User", "John Doe", "asdf asdf"), and placeholder names from form-design guides.

FAKE_NAMES = (
    "Santa Claus", "Mickey Mouse", "Donald Duck", "Name Surname", "Test User", "John Doe", "Jane Doe",
    "Max Mustermann", "Erika Mustermann", "Homer Simpson", "Bugs Bunny", "Darth Vader", "Harry Potter",
    "Test Test", "First Last", "Foo Bar", "Asdf Asdf", "Qwerty Qwerty", "Batman", "Elon Musk", "Donald Trump",
    "Jan Kowalski", "Juan Pérez", "Fulano de Tal", "Иван Иванов", "Tester McTest", "Your Name", "Abc Def",
    "User Name", "Anonymous", "No Name", "Xxx Xxx", "Lorem Ipsum", "Test Account", "Demo User",
)  # fmt: skip
ROLE_LOCALS = ("admin", "test", "demo", "info", "support", "noreply", "sales", "contact", "root", "webmaster", "user")
ROLE_DOMAINS = ("admin.com", "demo.com", "test.com", "example.com", "mail.com", "company.com", "domain.com")
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop", "azertyuiop", "1234567890")


def keyboard_mash(rng: random.Random) -> str:
    """A run along a keyboard row, or random letters, as people type to get past a form."""
    if rng.random() < 0.5:
        row = rng.choice(KEYBOARD_ROWS[:5])
        start = rng.randrange(0, len(row) - 3)
        word = row[start : start + rng.randint(3, 7)]
        if rng.random() < 0.3:
            word += word[: rng.randint(1, 3)]
    else:
        word = "".join(rng.choice("bcdfghjklmnpqrstvwxzaeiou") for _ in range(rng.randint(4, 9)))
    return word


# --- networks ----------------------------------------------------------------------------------

DATACENTER = (
    ("3.0.0.0/9", "AS16509 Amazon AWS"), ("34.64.0.0/10", "AS139070 Google Cloud"), ("20.0.0.0/11", "AS8075 Azure"),
    ("134.209.0.0/16", "AS14061 DigitalOcean"), ("159.65.0.0/16", "AS14061 DigitalOcean"),
    ("51.38.0.0/16", "AS16276 OVH"), ("88.198.0.0/16", "AS24940 Hetzner"), ("95.216.0.0/16", "AS24940 Hetzner"),
    ("139.162.0.0/16", "AS63949 Linode"), ("45.32.0.0/16", "AS20473 Vultr"),
    ("185.220.100.0/22", "AS4224 Calyx (Tor exits)"), ("104.244.72.0/21", "AS53667 FranTech (Tor exits)"),
)  # fmt: skip


def address_in(block: str, rng: random.Random) -> str:
    net = ipaddress.ip_network(block)
    return str(net.network_address + rng.randrange(2, max(3, net.num_addresses - 2)))


# --- browsers ------------------------------------------------------------------------------------

PROBE_FONTS_BY_OS = {
    "windows": ("Arial", "Arial Black", "Calibri", "Cambria", "Comic Sans MS", "Consolas", "Courier New", "Georgia",
                "Impact", "Segoe UI", "Tahoma", "Times New Roman", "Trebuchet MS", "Verdana"),
    "macos": ("Arial", "Arial Black", "Comic Sans MS", "Courier New", "Georgia", "Helvetica", "Helvetica Neue",
              "Impact", "Lucida Grande", "Menlo", "Monaco", "Tahoma", "Times New Roman", "Trebuchet MS", "Verdana"),
    "ios": ("Arial", "Courier New", "Georgia", "Helvetica", "Helvetica Neue", "Menlo", "Times New Roman",
            "Trebuchet MS", "Verdana"),
    "android": ("Noto Sans", "Roboto"),
    "linux": ("DejaVu Sans", "Liberation Sans", "Noto Sans", "Ubuntu"),
}  # fmt: skip


def _fnv(text: str) -> str:
    h = 0x811C9DC5
    for ch in text:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


PDF_PLUGINS = (
    "PDF Viewer",
    "Chrome PDF Viewer",
    "Chromium PDF Viewer",
    "Microsoft Edge PDF Viewer",
    "WebKit built-in PDF",
)
PLATFORM_OF = {"Windows": "Win", "Macintosh": "Mac", "iPhone": "iPhone", "iPad": "iPad", "Android": "Linux"}


def consistent(fp, device: str) -> bool:
    """Whether browserforge's draw is a browser that exists: the user agent's OS agrees with
    navigator.platform, client hints only on Chromium and agreeing about being a phone, a hardware GPU.
    Its network, trained on collected fingerprints, now and then mixes these (a Windows user agent on a
    Linux platform, a Firefox user agent with Chromium's client hints, SwiftShader graphics)."""
    nav = fp.navigator
    ua = nav.userAgent or ""
    for marker, platform in PLATFORM_OF.items():
        if marker in ua and not (nav.platform or "").startswith(platform):
            return False
    if "Linux" in ua and "Android" not in ua and not (nav.platform or "").startswith("Linux"):
        return False
    chromium = "Chrome/" in ua and "Firefox" not in ua
    hints = nav.userAgentData or None
    if bool(hints) != chromium or (hints and bool(hints.get("mobile")) != ("Mobile" in ua)):
        return False
    if ("Mobile" in ua) != (device == "mobile"):
        return False
    renderer = (fp.videoCard.renderer if fp.videoCard else "") or ""
    return not any(x in renderer for x in ("SwiftShader", "llvmpipe", "Software"))


@functools.cache
def _generator():
    from browserforge.fingerprints import FingerprintGenerator  # noqa: PLC0415

    return FingerprintGenerator()


def person_browser(
    rng: random.Random, device: str, os_name: str, languages: tuple[str, ...], timezone: str, when: datetime
) -> dict:
    """A real-world-distributed browser of a person (browserforge), as dregs.js reports it.

    device: 'desktop' or 'mobile'; os_name: windows, macos, linux, ios, android."""
    random.seed(rng.random())  # browserforge draws from the random module
    for _ in range(50):  # redraw the few mixes no real browser reports (see consistent())
        fp = _generator().generate(device=device, os=os_name, locale=languages[0])
        if consistent(fp, device):
            break
    nav, scr = fp.navigator, fp.screen
    ua = nav.userAgent
    chromium = "Chrome/" in ua or "CriOS" in ua or "Edg/" in ua
    ua_data = nav.userAgentData or None
    offset = zoneinfo.ZoneInfo(timezone).utcoffset(when)
    signals = {
        "userAgent": ua,
        "platform": nav.platform,
        "vendor": nav.vendor,
        "language": languages[0],
        "languages": list(languages),
        "timezone": timezone,
        "timezoneOffset": -int(offset.total_seconds() // 60) if offset is not None else 0,
        "screen": {
            "width": scr.width, "height": scr.height, "availWidth": scr.availWidth, "availHeight": scr.availHeight,
            "colorDepth": scr.colorDepth, "pixelRatio": scr.devicePixelRatio,
        },
        "window": {
            "innerWidth": scr.innerWidth or scr.width, "innerHeight": scr.innerHeight or scr.height,
            "outerWidth": scr.outerWidth or scr.width, "outerHeight": scr.outerHeight or scr.height,
        },
        "hardwareConcurrency": nav.hardwareConcurrency,
        "maxTouchPoints": nav.maxTouchPoints,
        "canvas": _fnv(f"{os_name}|{ua.split(')')[0]}|{fp.videoCard.renderer if fp.videoCard else ''}"),
        "fonts": list(PROBE_FONTS_BY_OS.get(os_name, ())),
        # Since 2021 every desktop browser reports the same five PDF plugins (HTML spec), phones none.
        "plugins": [] if device == "mobile" else list(PDF_PLUGINS),
        "cookieEnabled": True,
        "webdriver": False,
        "automation": [],
        "chrome": chromium,
        "notificationPermission": "default",
        "permissionState": "prompt",
    }  # fmt: skip
    if ua_data:
        signals["uaData"] = {k: ua_data.get(k) for k in ("brands", "mobile", "platform")}
    if nav.deviceMemory:
        signals["deviceMemory"] = nav.deviceMemory
    if fp.videoCard:
        signals["webgl"] = {"vendor": fp.videoCard.vendor, "renderer": fp.videoCard.renderer}
    if chromium or "Firefox" in ua:
        signals["pdfViewerEnabled"] = os_name not in ("android", "ios")
    return {k: v for k, v in signals.items() if v is not None}


@functools.cache
def chromium_reports() -> dict[str, dict]:
    """The real Chromium reports (data/chromium_reports.json) plus the stealth-patched headless one."""
    reports = json.loads((DATA / "chromium_reports.json").read_text())["reports"]
    stealth = dict(reports["headless"])
    stealth["userAgent"] = stealth["userAgent"].replace("HeadlessChrome", "Chrome")
    stealth["webdriver"] = False
    stealth["automation"] = []
    stealth["languages"] = ["en-US", "en"]
    reports["stealth-headless"] = stealth
    return reports


def bot_browser(kind: str, rng: random.Random) -> dict:
    """A bot's browser report: one of the real Chromium reports; the canvas as it rendered there
    (hashing the same software renderer), the timezone of the server (UTC)."""
    report = dict(chromium_reports()[kind])
    if "canvas" not in report:
        report["canvas"] = _fnv(kind + "swiftshader")
    return report
