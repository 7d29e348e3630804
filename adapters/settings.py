"""Settings from the environment. Unset DATABASE_URL means the embedded default:
SQLite files in DREGS_DATA_DIR and in-process runners, nothing to install."""

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from adapters.data_dir import private_file, private_folder
from adapters.rate_limits import RULES, RateLimitConfigError, parse_rules


class SettingsError(Exception):
    pass


DEFAULT_DB_POOL_SIZE = 4
# With one connection per pool the web process's ingestion writer and every request's read of the
# log head would take turns on the tracking store's only connection.
MIN_DB_POOL_SIZE = 2
MAX_DB_POOL_SIZE = 50
# Background scoring rests between cycles so that it takes what the requests leave (see ScoringEngine.duty).
DEFAULT_SCORING_DUTY = 0.5


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    redis_url: str | None
    data_dir: Path
    host: str
    port: int
    jwt_secret: str
    key_hash_secret: str
    token_ttl_seconds: int = 12 * 3600
    # Time a read waits for the projections to reflect every write committed before it.
    read_consistency_timeout: float = 2.0
    # How long the ingestion writer waits for more events before it commits a batch.
    ingest_linger_seconds: float = 0.0
    # Rate-limit rule → "N/period" or "off" (DREGS_RATE_LIMIT_<RULE>); unset rules take their defaults.
    rate_limits: dict[str, str] = field(default_factory=dict)
    # Prefix of every key Dregs keeps in Redis, so deployments can share one server.
    redis_key_prefix: str = "dregs"
    # An identity's events within this window after the first are scored in one cycle.
    scoring_coalesce_seconds: float = 2.0
    # A new identity's first events are scored at once rather than after the window (DREGS_SCORE_NEW_AT_ONCE).
    scoring_new_identities_at_once: bool = True
    # How often identities scored with other rules or datasets are queued again.
    scoring_sweep_seconds: float = 600.0
    # Identities a scoring process scores at once (DREGS_SCORING_CONCURRENCY): its cycles wait on the database.
    scoring_concurrency: int = 1
    # How much less CPU priority `dregs run scoring` takes than the web (DREGS_SCORING_NICE, Unix nice).
    scoring_nice: int = 10
    # The share of its time each scoring worker spends in cycles (DREGS_SCORING_DUTY): it rests after each.
    scoring_duty: float = DEFAULT_SCORING_DUTY
    # Reverse proxies (addresses or networks) whose X-Forwarded-For names the real client; nobody else's is
    # believed, or any browser could choose the IP address its events are recorded with.
    trusted_proxies: tuple[str, ...] = ()
    # The most connections each PostgreSQL pool of a process opens. A process has four pools (the accounts,
    # tracking and scoring event stores, and the read models), so it never holds more than 4 x this many.
    db_pool_size: int = DEFAULT_DB_POOL_SIZE
    # How long a process waits at start for PostgreSQL and Redis before it gives up.
    start_timeout_seconds: float = 60.0
    # Webhook and Slack destinations may be private, loopback or plain http: only for receivers inside the
    # operator's own network, and for tests. Off, every destination must be a public https address.
    webhooks_allow_private_networks: bool = False
    # smtp://user:pass@host:port (STARTTLS) or smtps://… (TLS); unset, mail is written as .eml files under
    # $DREGS_DATA_DIR/mail/ and logged.
    smtp_url: str | None = None
    # POST /api/events?decide=true answers without scores when its cycle takes longer than this.
    decide_timeout_seconds: float = 0.5
    # How often the delivery workers queue again every PENDING delivery that is due (the database is the truth).
    delivery_sweep_seconds: float = 30.0
    # Deliveries one worker process tries at once.
    delivery_concurrency: int = 10
    # Where people reach this Dregs: links in Slack cards and emails. Unset: http://HOST:PORT.
    public_url: str | None = None
    # The From of every email; unset: dregs@<the public URL's host>.
    mail_from: str | None = None

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def sender_address(self) -> str:
        return self.mail_from or f"dregs@{urlsplit(self.base_url).hostname or 'localhost'}"

    @property
    def embedded(self) -> bool:
        return self.database_url is None


def _kept_secret(data_dir: Path, name: str) -> str:
    """A secret generated once and kept in the data folder, readable by its owner only."""
    path = data_dir / name
    if path.exists():
        private_file(path)
        return path.read_text().strip()
    private_folder(data_dir)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


def _secret(env: dict[str, str], variable: str, data_dir: Path, embedded: bool, file_name: str) -> str:
    value = env.get(variable)
    if value:
        if len(value) < 32:
            raise SettingsError(f"{variable} must be at least 32 characters long")
        return value
    if not embedded:
        raise SettingsError(f"{variable} is required when DATABASE_URL is set")
    return _kept_secret(data_dir, file_name)


def _number(env: dict[str, str], variable: str, default: float, low: float, high: float) -> float:
    try:
        value = float(env.get(variable) or default)
    except ValueError:
        raise SettingsError(f"{variable} must be a number") from None
    if not low <= value <= high:
        raise SettingsError(f"{variable} must be between {low:g} and {high:g}")
    return value


# Background scoring yields to requests: a cycle costs several times what accepting an event does, and
# on a machine the web shares, scoring every event at once left no core for the requests (bench/
# decide_latency.py at half load: p99 5 s with 4 cycles at once at normal priority, 0.5 s with one niced).
DEFAULT_SCORING_NICE = 10


def default_scoring_concurrency() -> int:
    """Half the cores this process may use (at least 1, at most 4): the other half is the requests'."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores // 2))


def _integer(env: dict[str, str], variable: str, default: int, low: int, high: int) -> int:
    try:
        value = int(env.get(variable) or default)
    except ValueError:
        raise SettingsError(f"{variable} must be a whole number") from None
    if not low <= value <= high:
        raise SettingsError(f"{variable} must be between {low} and {high}")
    return value


def _networks(env: dict[str, str], variable: str) -> tuple[str, ...]:
    found = []
    for item in (env.get(variable) or "").split(","):
        if item.strip():
            try:
                found.append(str(ipaddress.ip_network(item.strip(), strict=False)))
            except ValueError:
                raise SettingsError(f"{variable}: {item.strip()!r} is not an IP address or network") from None
    return tuple(found)


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    database_url = env.get("DATABASE_URL") or None
    if database_url and not database_url.startswith(("postgresql://", "postgres://")):
        raise SettingsError("DATABASE_URL must be a postgresql:// URL")
    data_dir = Path(env.get("DREGS_DATA_DIR") or "./var").resolve()
    embedded = database_url is None
    try:
        port = int(env.get("PORT") or 8000)
    except ValueError:
        raise SettingsError("PORT must be a number") from None
    linger_ms = _number(env, "DREGS_INGEST_LINGER_MS", 0, 0, 100)
    coalesce_ms = _number(env, "DREGS_SCORING_COALESCE_MS", 2000, 0, 3_600_000)
    sweep_seconds = _number(env, "DREGS_SCORING_SWEEP_SECONDS", 600, 1, 86_400)
    pool_size = _integer(env, "DREGS_DB_POOL_SIZE", DEFAULT_DB_POOL_SIZE, MIN_DB_POOL_SIZE, MAX_DB_POOL_SIZE)
    start_timeout = _number(env, "DREGS_START_TIMEOUT_SECONDS", 60, 0, 3600)
    rate_limits = {rule: value for rule in RULES if (value := env.get(f"DREGS_RATE_LIMIT_{rule.upper()}"))}
    try:
        parse_rules(rate_limits)
    except RateLimitConfigError as exc:
        raise SettingsError(f"DREGS_RATE_LIMIT_*: {exc}") from None
    allow_private = (env.get("DREGS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS") or "false").strip().lower()
    if allow_private not in ("true", "false", "1", "0", "yes", "no"):
        raise SettingsError("DREGS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS must be true or false")
    smtp_url = env.get("DREGS_SMTP_URL") or None
    if smtp_url and not smtp_url.startswith(("smtp://", "smtps://")):
        raise SettingsError("DREGS_SMTP_URL must be an smtp:// or smtps:// URL")
    new_at_once = (env.get("DREGS_SCORE_NEW_AT_ONCE") or "true").strip().lower()
    if new_at_once not in ("true", "false", "1", "0", "yes", "no"):
        raise SettingsError("DREGS_SCORE_NEW_AT_ONCE must be true or false")
    scoring_concurrency = _integer(env, "DREGS_SCORING_CONCURRENCY", default_scoring_concurrency(), 1, 32)
    scoring_nice = _integer(env, "DREGS_SCORING_NICE", DEFAULT_SCORING_NICE, 0, 19)
    scoring_duty = _number(env, "DREGS_SCORING_DUTY", DEFAULT_SCORING_DUTY, 0.05, 1.0)
    decide_timeout_ms = _number(env, "DREGS_DECIDE_TIMEOUT_MS", 500, 10, 30_000)
    delivery_sweep_seconds = _number(env, "DREGS_DELIVERY_SWEEP_SECONDS", 30, 0.1, 86_400)
    delivery_concurrency = _integer(env, "DREGS_DELIVERY_CONCURRENCY", 10, 1, 200)
    public_url = (env.get("DREGS_PUBLIC_URL") or "").strip() or None
    if public_url and not public_url.startswith(("http://", "https://")):
        raise SettingsError("DREGS_PUBLIC_URL must be an http:// or https:// URL")
    return Settings(
        scoring_new_identities_at_once=new_at_once in ("true", "1", "yes"),
        decide_timeout_seconds=decide_timeout_ms / 1000,
        delivery_sweep_seconds=delivery_sweep_seconds,
        delivery_concurrency=delivery_concurrency,
        public_url=public_url,
        mail_from=(env.get("DREGS_MAIL_FROM") or "").strip() or None,
        webhooks_allow_private_networks=allow_private in ("true", "1", "yes"),
        smtp_url=smtp_url,
        ingest_linger_seconds=linger_ms / 1000,
        scoring_coalesce_seconds=coalesce_ms / 1000,
        scoring_sweep_seconds=sweep_seconds,
        scoring_concurrency=scoring_concurrency,
        scoring_duty=scoring_duty,
        scoring_nice=scoring_nice,
        trusted_proxies=_networks(env, "DREGS_TRUSTED_PROXIES"),
        db_pool_size=pool_size,
        start_timeout_seconds=start_timeout,
        rate_limits=rate_limits,
        redis_key_prefix=env.get("DREGS_REDIS_PREFIX") or "dregs",
        database_url=database_url,
        redis_url=env.get("REDIS_URL") or None,
        data_dir=data_dir,
        host=env.get("HOST") or "127.0.0.1",
        port=port,
        jwt_secret=_secret(env, "DREGS_JWT_SECRET", data_dir, embedded, "jwt_secret"),
        key_hash_secret=_secret(env, "DREGS_KEY_HASH_SECRET", data_dir, embedded, "key_hash_secret"),
    )
