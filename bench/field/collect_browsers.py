"""Collect real dregs.js device reports from Debian's Chromium into data/chromium_reports.json.

Not run by the benchmark: run it again only to refresh the fixture (needs `apt-get install chromium xvfb`).

A tiny local HTTP server serves a page that loads the project's own tracker (api/tracking/dregs.js, as
`GET /dregs.js` serves it, unminified) and collects what the tracker POSTs to `/api/events` on the same
origin. Each browser loads the page once, the script identifies a user and tracks one event; the
collected bodies' `device.signals` are what a real browser of that kind reports. Kinds:

  headless            `chromium --headless` (the new headless mode), no automation driver
  headful-xvfb        `chromium` with a window under `xvfb-run` (software GL), no automation driver
  playwright-headless Chromium driven by Playwright (the `playwright` package, Debian's binary), headless
  playwright-headful  the same with a window under Xvfb

    /work/main/.venv/bin/python bench/field/collect_browsers.py
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRACKER = ROOT / "api" / "tracking" / "dregs.js"
OUT = Path(__file__).with_name("data") / "chromium_reports.json"
CHROMIUM = "/usr/bin/chromium"

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
<script>
  window.dregs = window.dregs || function () { (window.dregs.q = window.dregs.q || []).push(arguments); };
  dregs('init', { key: 'pk_fixture' });
  dregs.identify('fixture-user', {});
  dregs.track('product_viewed', {sku: 'A-1'});
</script>
<script src="/dregs.js" async></script></head><body><h1>Shop</h1></body></html>"""


def serve(collected: list[dict]) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            body, kind = (
                (TRACKER.read_bytes(), "application/javascript")
                if self.path.startswith("/dregs.js")
                else (PAGE.encode(), "text/html; charset=utf-8")
            )
            self.send_response(200)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("content-length") or 0)
            event = json.loads(self.rfile.read(length) or b"{}")
            event["_kind"] = self.headers.get("x-kind") or Handler.kind
            collected.append(event)
            body = b'{"status":"success","id":null,"fingerprint":null}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        kind = ""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.handler = Handler  # type: ignore[attr-defined]
    return server


def run_cli(url: str, headless: bool, profile: str) -> None:
    cmd = [CHROMIUM, "--no-sandbox", "--no-first-run", "--no-default-browser-check", f"--user-data-dir={profile}"]
    if headless:
        cmd.append("--headless")
    else:
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", *cmd, "--window-size=1366,768"]
    proc = subprocess.Popen([*cmd, url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(12)
    os.killpg(proc.pid, 15)
    proc.wait(10)


def run_playwright(url: str, headless: bool) -> None:
    code = (
        "import sys,time\nfrom playwright.sync_api import sync_playwright\n"
        "with sync_playwright() as p:\n"
        f"    b = p.chromium.launch(executable_path={CHROMIUM!r}, headless={headless!r}, args=['--no-sandbox'])\n"
        "    pg = b.new_page(); pg.goto(sys.argv[1]); time.sleep(6); b.close()\n"
    )
    cmd = [sys.executable, "-c", code, url]
    if not headless:
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", *cmd]
    subprocess.run(cmd, check=True, timeout=90, stdout=subprocess.DEVNULL)


def main() -> int:
    if not shutil.which(CHROMIUM) or not shutil.which("xvfb-run"):
        print("needs /usr/bin/chromium and xvfb-run: apt-get install -y chromium xvfb", file=sys.stderr)
        return 2
    collected: list[dict] = []
    server = serve(collected)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    for kind, runner in [
        ("headless", lambda: run_cli(url, True, tempfile.mkdtemp())),
        ("headful-xvfb", lambda: run_cli(url, False, tempfile.mkdtemp())),
        ("playwright-headless", lambda: run_playwright(url, True)),
        ("playwright-headful", lambda: run_playwright(url, False)),
    ]:
        server.handler.kind = kind  # type: ignore[attr-defined]
        runner()
        print(kind, sum(1 for e in collected if e["_kind"] == kind), "events")
    server.shutdown()
    reports = {}
    for event in collected:
        signals = (event.get("device") or {}).get("signals")
        if signals and event["_kind"] not in reports:
            reports[event["_kind"]] = signals
    OUT.write_text(
        json.dumps({"collected_with": version, "reports": reports}, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    )
    print(f"wrote {OUT}: {sorted(reports)}")
    return 0 if len(reports) == 4 else 1


if __name__ == "__main__":
    raise SystemExit(main())
