"""The `device` object dregs.js adds to an event (docs/tracker-protocol.md), bounded field by field.

A report that does not fit is not an error the page could act on: the event is quietly not
recorded, as the manual describes for a malformed device signature."""

from collections.abc import Iterator
from typing import Annotated, Any

import msgspec

from application.ports import DeviceFactsPort
from domain.devices.report import device_record
from domain.devices.signals import DeviceSignals, Screen, Window
from domain.text import unstorable_reason

Text = Annotated[str, msgspec.Meta(max_length=512)]
Short = Annotated[str, msgspec.Meta(max_length=128)]
Pixels = Annotated[int, msgspec.Meta(ge=0, le=100_000)]


class Brand(msgspec.Struct):
    brand: Short
    version: Short = ""


class ClientHints(msgspec.Struct):
    brands: Annotated[list[Brand], msgspec.Meta(max_length=16)] | None = None
    mobile: bool | None = None
    platform: Short | None = None


class ScreenIn(msgspec.Struct, rename="camel"):
    width: Pixels | None = None
    height: Pixels | None = None
    avail_width: Pixels | None = None
    avail_height: Pixels | None = None
    color_depth: Annotated[int, msgspec.Meta(ge=0, le=64)] | None = None
    pixel_ratio: Annotated[float, msgspec.Meta(ge=0, le=64)] | None = None


class WindowIn(msgspec.Struct, rename="camel"):
    inner_width: Pixels | None = None
    inner_height: Pixels | None = None
    outer_width: Pixels | None = None
    outer_height: Pixels | None = None


class WebGLIn(msgspec.Struct):
    vendor: Text | None = None
    renderer: Text | None = None


class SignalsIn(msgspec.Struct, rename="camel"):
    user_agent: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
    ua_data: ClientHints | None = None
    platform: Short | None = None
    vendor: Short | None = None
    language: Short | None = None
    languages: Annotated[list[Short], msgspec.Meta(max_length=32)] | None = None
    timezone: Short | None = None
    timezone_offset: Annotated[int, msgspec.Meta(ge=-1440, le=1440)] | None = None
    screen: ScreenIn | None = None
    window: WindowIn | None = None
    hardware_concurrency: Annotated[int, msgspec.Meta(ge=0, le=4096)] | None = None
    device_memory: Annotated[float, msgspec.Meta(ge=0, le=4096)] | None = None
    max_touch_points: Annotated[int, msgspec.Meta(ge=0, le=1024)] | None = None
    canvas: Short | None = None
    webgl: WebGLIn | None = None
    fonts: Annotated[list[Short], msgspec.Meta(max_length=128)] | None = None
    plugins: Annotated[list[Text], msgspec.Meta(max_length=64)] | None = None
    cookie_enabled: bool | None = None
    pdf_viewer_enabled: bool | None = None
    webdriver: bool | None = None
    automation: Annotated[list[Short], msgspec.Meta(max_length=32)] | None = None
    chrome: bool | None = None
    notification_permission: Short | None = None
    permission_state: Short | None = None


class DeviceReport(msgspec.Struct):
    signals: SignalsIn
    session: Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")] | None = None
    url: Annotated[str, msgspec.Meta(max_length=2048)] | None = None


def read_report(raw: Any) -> DeviceReport | None:
    """The report, or None when it is malformed."""
    try:
        report = msgspec.convert(raw, DeviceReport)
    except (msgspec.ValidationError, TypeError, RecursionError):
        return None
    if any(unstorable_reason(text) for text in _texts(msgspec.to_builtins(report))):
        return None  # the device record would hold text no read model can (domain/text.py)
    return report


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _texts(inner)


def signals_of(report: DeviceReport) -> DeviceSignals:
    s = report.signals
    hints = s.ua_data or ClientHints()
    screen = s.screen or ScreenIn()
    window = s.window or WindowIn()
    webgl = s.webgl or WebGLIn()
    return DeviceSignals(
        user_agent=s.user_agent,
        brands=tuple(f"{b.brand} {b.version}".strip() for b in hints.brands or ()),
        mobile_hint=hints.mobile,
        platform_hint=hints.platform,
        platform=s.platform,
        vendor=s.vendor,
        language=s.language,
        languages=tuple(s.languages or ()),
        timezone=s.timezone,
        timezone_offset=s.timezone_offset,
        screen=Screen(
            screen.width, screen.height, screen.avail_width, screen.avail_height, screen.color_depth, screen.pixel_ratio
        ),  # fmt: skip
        window=Window(window.inner_width, window.inner_height, window.outer_width, window.outer_height),
        hardware_concurrency=s.hardware_concurrency,
        device_memory=s.device_memory,
        max_touch_points=s.max_touch_points,
        canvas=s.canvas,
        webgl_vendor=webgl.vendor,
        webgl_renderer=webgl.renderer,
        fonts=tuple(s.fonts or ()),
        plugins=tuple(s.plugins or ()),
        cookie_enabled=s.cookie_enabled,
        pdf_viewer_enabled=s.pdf_viewer_enabled,
        webdriver=s.webdriver,
        automation=tuple(s.automation or ()),
        chrome=s.chrome,
        notification_permission=s.notification_permission,
        permission_state=s.permission_state,
    )


def record_of(report: DeviceReport, ip: str | None, facts: DeviceFactsPort) -> dict[str, Any]:
    """The device record a browser event carries: the report's signals, and what `facts` add."""
    signals = signals_of(report)
    hints = msgspec.to_builtins(report.signals.ua_data) if report.signals.ua_data is not None else None
    return device_record(
        signals,
        session=report.session,
        url=report.url,
        ip=ip,
        agent=facts.agent(signals.user_agent, hints),
        network=facts.network(ip),
    )
