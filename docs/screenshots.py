"""`make screenshots`: a PNG of each dashboard page, taken in Debian's Chromium from a fresh `dregs serve` (the
embedded default, in a temporary folder) fed `dregs demo`'s traffic, into docs/screenshots/. The README shows two.

Run from the clone's folder: `.venv/bin/python docs/screenshots.py [--out DIR] [--only NAME ...]`."""

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from api.demo.seed import Seeded, seed
from api.demo.traffic import TAKEN_OVER

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
DREGS = Path(sys.executable).parent / "dregs"
VIEWPORT = {"width": 1280, "height": 860}
# name → the page's path; "identity" is filled in with one of the demo's taken-over accounts.
PAGES = {
    "home": "/",
    "identities": "/identities",
    "identity": "/identities/{identity}",
    "devices": "/devices",
    "events": "/events",
    "escalations": "/escalations",
    "settings-keys": "/settings/keys",
    "settings-rules": "/settings/rules",
    "settings-channels": "/settings/channels",
    "settings-mappings": "/settings/mappings",
    "settings-datasets": "/settings/datasets",
    "settings-team": "/settings/team",
    "settings-activity": "/settings/activity",
    "settings-account": "/settings/account",
    "login": "/login",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dregs_serve(folder: Path) -> Iterator[str]:
    """`dregs serve` on the embedded default in `folder`, until the block ends."""
    port = _free_port()
    env = {**os.environ, "DREGS_DATA_DIR": str(folder / "data"), "HOST": "127.0.0.1", "PORT": str(port)}
    env.pop("DATABASE_URL", None)
    env.pop("DREGS_DATABASE_URL", None)
    with open(folder / "server.log", "wb") as log:
        proc = subprocess.Popen([str(DREGS), "serve", "--log-level", "warning"], cwd=folder, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(base + "/health", timeout=2).status_code == 200:
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"dregs serve did not start: {(folder / 'server.log').read_text()[-2000:]}")
                time.sleep(0.3)
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)


def shoot(base: str, made: Seeded, out: Path, only: set[str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    identity = next(who.id for who in made.identities if who.kind == TAKEN_OVER)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
        page.goto(base + "/login")
        if "login" in only:
            written.append(_take(page, out / "login.png"))
        page.fill("input[name=email]", made.email)
        page.fill("input[name=password]", made.password)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/")
        for name, path in PAGES.items():
            if name == "login" or name not in only:
                continue
            answer = page.goto(base + path.format(identity=identity))
            if answer is None or answer.status != 200:
                raise SystemExit(f"{path}: HTTP {answer.status if answer else '?'}")
            page.wait_for_load_state("networkidle")
            # Charts draw after the page loads: wait for each chart's canvas, not for a fixed time.
            page.wait_for_function("[...document.querySelectorAll('.chart')].every(c => c.querySelector('canvas'))")
            written.append(_take(page, out / f"{name}.png"))
        browser.close()
    return written


def _take(page, path: Path) -> Path:  # noqa: ANN001 - playwright's Page
    page.screenshot(path=str(path), full_page=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", choices=sorted(PAGES), help="only these pages (default: all)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dregs-screenshots-") as folder, dregs_serve(Path(folder)) as base:
        print(f"seeding the demo team on {base} …", flush=True)
        made = seed(base, "demo@example.com")
        for path in shoot(base, made, args.out, set(args.only or PAGES)):
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
