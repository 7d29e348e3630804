"""Settings from the environment, and the `dregs serve` command over HTTPS."""

import os
import shutil
import ssl
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from adapters.settings import SettingsError, load_settings
from tests.support import free_port


def test_embedded_default_generates_secrets_once_readable_by_the_owner_only(tmp_path: Path) -> None:
    first = load_settings({"DREGS_DATA_DIR": str(tmp_path)})
    again = load_settings({"DREGS_DATA_DIR": str(tmp_path)})
    assert first.embedded and first.database_url is None
    assert first.jwt_secret == again.jwt_secret and len(first.jwt_secret) >= 32
    assert first.key_hash_secret == again.key_hash_secret and first.key_hash_secret != first.jwt_secret
    for name in ("jwt_secret", "key_hash_secret"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600


def test_production_requires_its_secrets() -> None:
    env = {"DATABASE_URL": "postgresql://postgres@127.0.0.1/x"}
    with pytest.raises(SettingsError, match="DREGS_JWT_SECRET"):
        load_settings(env)
    with pytest.raises(SettingsError, match="at least 32"):
        load_settings({**env, "DREGS_JWT_SECRET": "short", "DREGS_KEY_HASH_SECRET": "k" * 40})
    settings = load_settings({**env, "DREGS_JWT_SECRET": "j" * 40, "DREGS_KEY_HASH_SECRET": "k" * 40, "PORT": "9000"})
    assert not settings.embedded and settings.port == 9000


def test_bad_database_url_and_port_are_refused() -> None:
    with pytest.raises(SettingsError):
        load_settings({"DATABASE_URL": "mysql://x"})
    with pytest.raises(SettingsError):
        load_settings({"PORT": "eighty", "DREGS_DATA_DIR": "/tmp/dregs-settings-test"})


def test_background_scoring_takes_half_the_cores_at_a_lower_priority_unless_told(tmp_path: Path) -> None:
    base = {"DREGS_DATA_DIR": str(tmp_path)}
    settings = load_settings(base)
    cores = len(os.sched_getaffinity(0))
    assert settings.scoring_concurrency == max(1, min(4, cores // 2))
    assert settings.scoring_nice == 10
    told = load_settings(base | {"DREGS_SCORING_CONCURRENCY": "8", "DREGS_SCORING_NICE": "0"})
    assert (told.scoring_concurrency, told.scoring_nice) == (8, 0)
    for wrong in ("20", "-1", "low"):
        with pytest.raises(SettingsError, match="DREGS_SCORING_NICE"):
            load_settings(base | {"DREGS_SCORING_NICE": wrong})
    assert settings.scoring_duty == 0.5  # background cycles rest as long as they work
    assert load_settings(base | {"DREGS_SCORING_DUTY": "1"}).scoring_duty == 1.0
    for wrong in ("0", "1.5", "half"):
        with pytest.raises(SettingsError, match="DREGS_SCORING_DUTY"):
            load_settings(base | {"DREGS_SCORING_DUTY": wrong})


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_serve_speaks_https_with_a_certificate(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    env = {**os.environ, "DREGS_DATA_DIR": str(tmp_path / "var"), "PORT": str(port)}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--tls-cert", str(cert), "--tls-key", str(key)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"https://127.0.0.1:{port}/health", verify=ssl.create_default_context(cafile=str(cert)))
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert r.status_code == 200 and "max-age" in r.headers["strict-transport-security"]
    finally:
        process.terminate()
        process.wait(10)


def test_ingest_linger_is_read_in_milliseconds_and_bounded(tmp_path: Path) -> None:
    base = {"DREGS_DATA_DIR": str(tmp_path)}
    assert load_settings(base).ingest_linger_seconds == 0
    assert load_settings({**base, "DREGS_INGEST_LINGER_MS": "2.5"}).ingest_linger_seconds == 0.0025
    for bad in ("-1", "101", "soon"):
        with pytest.raises(SettingsError, match="DREGS_INGEST_LINGER_MS"):
            load_settings({**base, "DREGS_INGEST_LINGER_MS": bad})


def test_scoring_window_and_sweep_are_read_and_bounded(tmp_path: Path) -> None:
    base = {"DREGS_DATA_DIR": str(tmp_path)}
    default = load_settings(base)
    assert (default.scoring_coalesce_seconds, default.scoring_sweep_seconds) == (2.0, 600.0)
    tuned = load_settings({**base, "DREGS_SCORING_COALESCE_MS": "500", "DREGS_SCORING_SWEEP_SECONDS": "60"})
    assert (tuned.scoring_coalesce_seconds, tuned.scoring_sweep_seconds) == (0.5, 60.0)
    for variable, bad in (
        ("DREGS_SCORING_COALESCE_MS", "-5"),
        ("DREGS_SCORING_COALESCE_MS", "never"),
        ("DREGS_SCORING_SWEEP_SECONDS", "0"),
        ("DREGS_SCORING_SWEEP_SECONDS", "86401"),
    ):
        with pytest.raises(SettingsError, match=variable):
            load_settings({**base, variable: bad})
