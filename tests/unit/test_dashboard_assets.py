"""The third-party files the dashboard serves are the ones its manifest names: their sha256, their licences,
and nothing in the folder the manifest does not list (api/dashboard/static/vendor/manifest.json)."""

import hashlib
import json
from pathlib import Path

from api.dashboard.templates import FOLDER, STATIC

VENDOR = STATIC / "vendor"
MANIFEST = json.loads((VENDOR / "manifest.json").read_text())


def test_every_vendored_file_has_the_hash_and_licence_its_manifest_states() -> None:
    for entry in MANIFEST["files"]:
        data = (VENDOR / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["version"] in entry["file"]  # the name carries the version: a year's cache is safe
        assert (VENDOR / entry["licenseFile"]).read_text().strip(), entry["licenseFile"]


def test_nothing_is_served_that_the_manifest_does_not_list() -> None:
    listed = {e["file"] for e in MANIFEST["files"]} | {"manifest.json"}
    served = {p.name for p in VENDOR.iterdir() if p.is_file()}
    assert served == listed


def test_the_pages_load_only_files_that_exist() -> None:
    names = {p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file()}
    for template in Path(FOLDER).rglob("*.html"):
        text = template.read_text()
        for part in text.split('"/static/')[1:]:
            asked = part.split('"', 1)[0].split("?", 1)[0]
            assert asked in names, (template.name, asked)
