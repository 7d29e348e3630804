"""Read-model tables. Times are integer microseconds since the epoch (UTC), which
sort and compare the same way on PostgreSQL and SQLite."""

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
    func,
    literal_column,
    text,
)
from sqlalchemy.sql.elements import ColumnElement

metadata = MetaData()

# Bump when a projection derives its rows differently with the same tables (e.g. how graph keys are
# made): read models built by another version are then rebuilt from the logs at start
# (adapters/views_db.py), as they are when a table changes.
READ_MODEL_VERSION = "2026-12-02.2"

read_model_version = Table(
    "read_model_version",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("fingerprint", String(64), nullable=False),
)

projection_positions = Table(
    "projection_positions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

# Notifications a projection could not apply and stepped over (projections/runner.py): the read
# models lack their effects until the next rebuild, which drops this table and tries them again.
projection_failures = Table(
    "projection_failures",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("notification_id", BigInteger, primary_key=True),
    Column("originator_id", String(64)),
    Column("topic", Text),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),  # failed transactions that held it, alone at least twice
    Column("first_failed_at", BigInteger, nullable=False),
    Column("last_failed_at", BigInteger, nullable=False),
)

identities = Table(
    "identities",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("identity_id", String(255), primary_key=True),
    Column("attributes", JSON, nullable=False),
    Column("display_name", String(255)),
    Column("display_email", String(255)),
    Column("display_username", String(255)),
    Column("disregarded", Boolean, nullable=False, default=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("last_tracked_at", BigInteger),
    Column("last_scored_at", BigInteger),
    Column("humanity_score", SmallInteger),
    Column("authenticity_score", SmallInteger),
    Column("uniqueness_score", SmallInteger),
    Column("behavior_score", SmallInteger),
    Column("event_count", Integer, nullable=False, default=0),
    Column("last_cycle_id", Integer),  # the scoring projection owns this and the score columns
    Column("erased_at", BigInteger),  # its personal data erased (projections/privacy/purge.py)
    Index("identities_last_tracked", "customer_id", "last_tracked_at"),
    # The few disregarded identities: a shared key's holders are counted without reading each holder's row.
    Index(
        "identities_disregarded",
        "customer_id",
        "identity_id",
        postgresql_where=text("disregarded"),
        sqlite_where=text("disregarded = 1"),
    ),
)

# Scoring inputs kept incrementally by the tracking projection, and the scoring queue:
# `pending` marks inputs newer than the last cycle (`scored_position`); `due_at` is
# when the coalescing window lets the next cycle run.
identity_features = Table(
    "identity_features",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("identity_id", String(255), primary_key=True),
    Column("activity", JSON, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("pending", Boolean, nullable=False),
    Column("due_at", BigInteger),
    Column("scored_position", BigInteger, nullable=False, default=0),  # owned by the scoring side
    Column("scored_with", String(255)),  # rules and datasets versions of the last cycle; scoring side
    Index("identity_features_due", "pending", "due_at"),
    # Identities never scored yet (a sign-up's first cycle): the scoring queue takes them first.
    Index(
        "identity_features_first_due",
        "due_at",
        postgresql_where=text("pending AND scored_position = 0"),
        sqlite_where=text("pending = 1 AND scored_position = 0"),
    ),
)

# The identity graph: which identity holds which device, session, IP, mailbox or name key.
identity_keys = Table(
    "identity_keys",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("identity_id", String(255), primary_key=True),
    Column("first_seen_at", BigInteger, nullable=False),
    Index("identity_keys_identity", "customer_id", "identity_id", "kind", "first_seen_at"),
    # A key's first holders, oldest first (a cycle's shared keys): a bounded range even when thousands hold the
    # key (a promotion code), where the primary key's order made every holder read and sorted, per cycle.
    Index("identity_keys_holders", "customer_id", "kind", "key", "first_seen_at", "identity_id"),
)

analyses = Table(
    "analyses",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("cycle_id", Integer, primary_key=True),
    Column("identity_id", String(255), nullable=False),
    Column("humanity_score", SmallInteger),
    Column("authenticity_score", SmallInteger),
    Column("uniqueness_score", SmallInteger),
    Column("behavior_score", SmallInteger),
    Column("observations", JSON, nullable=False),
    Column("event_count", Integer, nullable=False),
    Column("device_count", Integer, nullable=False),
    Column("started_at", BigInteger, nullable=False),
    Column("finished_at", BigInteger, nullable=False),
    Column("inputs_position", BigInteger, nullable=False),
    Column("rules_version", String(64), nullable=False),
    Column("datasets_version", String(190), nullable=False),
    Index("analyses_identity", "customer_id", "identity_id", "cycle_id"),
    # An identity's decisions in time order (its audit timeline, as of an instant): a page near either end of
    # its history is a short range, however many decisions it has.
    Index("analyses_identity_finished", "customer_id", "identity_id", "finished_at", "cycle_id"),
    # A team's decisions in a window, in finishing order (a rule's backtest: projections/alerting/queries/decided.py).
    Index("analyses_finished", "customer_id", "finished_at", "cycle_id"),
)

identity_badges = Table(
    "identity_badges",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("identity_id", String(255), primary_key=True),
    Column("slug", String(120), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("type", String(32)),
    Column("explanation", Text),
    Column("metadata", JSON, nullable=False),
    Column("priority", Integer, nullable=False, default=0),
    Index("identity_badges_slug", "customer_id", "slug"),
)

events = Table(
    "events",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("occurred_at", BigInteger, nullable=False),
    Column("received_at", BigInteger, nullable=False),
    Column("identity_id", String(255)),
    Column("event_name", String(128), nullable=False),
    Column("canonical_type", String(64)),
    Column("source", String(64)),
    Column("data", JSON, nullable=False),
    Column("search_text", Text, nullable=False),
    Column("groups", JSON, nullable=False),
    Column("fingerprint", String(128)),
    Column("session", String(128)),
    Column("ip", String(64)),
    Column("url", Text),
    Index("events_occurred", "customer_id", "occurred_at"),
    Index("events_identity", "customer_id", "identity_id", "occurred_at"),
    # An identity's events in the order Dregs received them (its audit timeline, export): a page near either
    # end of a million events reads a page of this index, not every event sorted.
    Index("events_identity_received", "customer_id", "identity_id", "received_at", "position"),
    Index("events_fingerprint", "customer_id", "fingerprint"),
    Index("events_session", "customer_id", "session"),
)
TRIGRAMS = "pg_trgm"


def _trigrams_installed(ddl: object, target: object, bind: Any, **_: Any) -> bool:
    return (
        bind.execute(text("SELECT 1 FROM pg_extension WHERE extname = :name"), {"name": TRIGRAMS}).first() is not None
    )


# The dashboard's search of events' text (`LIKE '%term%'`): a rare word is found from the index, not by reading
# every event, and ANALYZE keeps statistics of lower(search_text), without which PostgreSQL guesses a common word
# rare and sorts every match rather than walking events_occurred. PostgreSQL with pg_trgm only
# (adapters/views_db.py installs it where allowed); SQLite, the embedded default's, reads every event.
Index(
    "events_search_trigram",
    func.lower(events.c.search_text).label("search_lower"),
    postgresql_using="gin",
    postgresql_ops={"search_lower": "gin_trgm_ops"},
).ddl_if(dialect="postgresql", callable_=_trigrams_installed)


def _searched_together(*columns: Column[Any]) -> ColumnElement[str]:
    """The columns lowercased in one text, a line apart, so one `LIKE '%term%'` finds a term in any of them and one
    trigram index serves it (a term with a line break must be looked for field by field). Literals, not
    parameters: the query's expression must be the index's, word for word."""
    parts = [func.coalesce(c, literal_column("''")) if c.nullable else c for c in columns]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + literal_column("'\n'") + part
    return func.lower(joined)


# The identities' search (id, name, email, username): a rare term, an id or a name's count is found from the
# index, not by reading each of the team's identities.
IDENTITY_SEARCHED = (
    identities.c.identity_id,
    identities.c.display_name,
    identities.c.display_email,
    identities.c.display_username,
)
IDENTITY_SEARCH = _searched_together(*IDENTITY_SEARCHED)
Index(
    "identities_search_trigram",
    IDENTITY_SEARCH.label("search_lower"),
    postgresql_using="gin",
    postgresql_ops={"search_lower": "gin_trgm_ops"},
).ddl_if(dialect="postgresql", callable_=_trigrams_installed)

event_groups = Table(
    "event_groups",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("group_type", String(64), primary_key=True),
    Column("group_id", String(255), primary_key=True),
    Index("event_groups_group", "customer_id", "group_id"),
)

groups = Table(
    "groups",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("group_type", String(64), primary_key=True),
    Column("group_id", String(255), primary_key=True),
    Column("attributes", JSON, nullable=False),
    Column("display_name", String(255)),
    Column("identity_count", Integer, nullable=False, default=0),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("last_tracked_at", BigInteger),
)

group_members = Table(
    "group_members",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("group_type", String(64), primary_key=True),
    Column("group_id", String(255), primary_key=True),
    Column("identity_id", String(255), primary_key=True),
    Column("joined_at", BigInteger, nullable=False),
    Index("group_members_identity", "customer_id", "identity_id"),
)

devices = Table(
    "devices",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("fingerprint", String(128), primary_key=True),
    Column("ip", String(64)),
    Column("asn", String(32)),
    Column("asn_label", String(255)),
    Column("user_agent", Text),
    Column("city", String(128)),
    Column("region", String(128)),
    Column("country", String(128)),
    Column("country_code", String(8)),
    Column("timezone", String(64)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("hosting", Boolean, nullable=False, default=False),
    Column("browser", String(64)),
    Column("browser_version", String(32)),
    Column("os", String(64)),
    Column("os_version", String(32)),
    Column("device_type", String(16)),
    # The latest report of the tracker's signals, for the Humanity analyzers.
    Column("signals", JSON),
    Column("disregarded", Boolean, nullable=False, default=False),
    Column("first_seen_at", BigInteger, nullable=False),
    Column("last_seen_at", BigInteger, nullable=False),
)

identity_devices = Table(
    "identity_devices",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("identity_id", String(255), primary_key=True),
    Column("fingerprint", String(128), primary_key=True),
    Column("first_seen_at", BigInteger, nullable=False),
    Column("last_seen_at", BigInteger, nullable=False),
    Index("identity_devices_fingerprint", "customer_id", "fingerprint"),
)

# The clients an app's server reported for an identity's server-side events (their address and user agent,
# domain/devices/client.py), one row per client: what Humanity judges when there is no tracker.
identity_clients = Table(
    "identity_clients",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("identity_id", String(255), primary_key=True),
    Column("client_key", String(32), primary_key=True),
    Column("ip", String(64)),
    Column("user_agent", String(1024)),
    Column("browser", String(64)),
    Column("os", String(64)),
    Column("device_type", String(16)),
    Column("hosting", Boolean, nullable=False),
    Column("asn_label", String(255)),
    Column("first_seen_at", BigInteger, nullable=False),
    Column("last_seen_at", BigInteger, nullable=False),
    Index("identity_clients_recent", "customer_id", "identity_id", "last_seen_at"),
)

# A team's CUSTOMER mappings; a removed one keeps its row (target NULL) so the team's
# mapping version (the highest position) never goes back.
mappings = Table(
    "mappings",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("mapping_id", Uuid, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("source", String(128), nullable=False),
    Column("target", String(64)),
    Column("description", Text),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("position", BigInteger, nullable=False),
)

# A team's own dataset entries; a removed one keeps its row so the version never goes back.
dataset_entries = Table(
    "dataset_entries",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("slug", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("value", Text),
    Column("present", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("position", BigInteger, nullable=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("review_id", Integer, primary_key=True),
    Column("identity_id", String(255), nullable=False),
    Column("status", String(16), nullable=False),
    Column("feedback", Text),
    Column("summary", Text),
    Column("verdict", String(32)),
    Column("error_message", Text),
    Column("cycle_id", Integer),
    Column("created_at", BigInteger, nullable=False),
    Column("completed_at", BigInteger),
    Index("reviews_identity", "customer_id", "identity_id", "review_id"),
    Index("reviews_status", "status", "created_at"),
)

credentials = Table(
    "credentials",
    metadata,
    Column("credential_id", Uuid, primary_key=True),
    Column("customer_id", Uuid, nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("public_key", String(64), nullable=False, unique=True),
    Column("allowed_origins", JSON, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("revoked", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# Alerting (projections/alerting/). Times are µs since the epoch, like every other read model.
channels = Table(
    "channels",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("channel_id", Uuid, nullable=False, unique=True),  # the aggregate's id: later events name only it
    Column("slug", String(120), nullable=False),
    Column("name", String(100), nullable=False),
    Column("type", String(16), nullable=False),
    Column("config", JSON, nullable=False),  # never a secret: the aggregate keeps those sealed
    Column("events", JSON, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", Text),
    Column("deleted", Boolean, nullable=False),
    Column("failing_since", BigInteger),
    Column("last_success_at", BigInteger),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("channels_slug", "customer_id", "slug"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("delivery_id", Uuid, primary_key=True),
    Column("customer_id", Uuid, nullable=False),
    Column("channel", Integer, nullable=False),
    Column("event", String(40), nullable=False),
    Column("trigger", String(200), nullable=False),
    Column("identity_id", String(255)),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("next_attempt_at", BigInteger),
    Column("created_at", BigInteger, nullable=False),
    Column("delivered_at", BigInteger),
    Column("updated_at", BigInteger, nullable=False),
    Index("deliveries_channel", "customer_id", "channel", "created_at"),
    Index("deliveries_pending", "status", "next_attempt_at"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("delivery_id", Uuid, primary_key=True),
    Column("attempt", Integer, primary_key=True),
    Column("customer_id", Uuid, nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("succeeded", Boolean, nullable=False),
    Column("next_attempt_at", BigInteger),
)

# When an identity's rule delays run out (IdentityAlerts' due_at): the alerting timer evaluates it then.
alerting_timers = Table(
    "alerting_timers",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("identity_id", String(255), primary_key=True),
    Column("due_at", BigInteger, nullable=False),
    Index("alerting_timers_due", "due_at"),
)

# Whose IdentityAlerts aggregate is whose: its later events name only the aggregate id.
alerting_identities = Table(
    "alerting_identities",
    metadata,
    Column("alerts_id", Uuid, primary_key=True),
    Column("customer_id", Uuid, nullable=False),
    Column("identity_id", String(255), nullable=False),
)

# A team's members as the accounts log says (projections/accounts/projection.py): the worker emails the
# admins when it disables a channel. Never a password hash.
team_members = Table(
    "team_members",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("customer_id", Uuid, nullable=False, index=True),
    Column("email", String(320), nullable=False),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)

# Every team (customer) and the limits its operator set (domain/team/limits.py): NULL is unlimited.
teams = Table(
    "teams",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("events_per_month", BigInteger),
    Column("identities", BigInteger),
    Column("members", BigInteger),
    Column("rules", BigInteger),
    Column("channels", BigInteger),
    Column("retention_days", BigInteger),
)

# Events recorded per team and calendar month (UTC, by the time Dregs received them), against the monthly limit.
event_usage = Table(
    "event_usage",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("month", String(7), primary_key=True),  # YYYY-MM
    Column("events", BigInteger, nullable=False),
)

# The account activity log (domain/team/activity.py): who did what to the team's account and settings, when,
# from where. `position` (the accounts log's) orders entries recorded within one microsecond.
team_activity = Table(
    "team_activity",
    metadata,
    Column("activity_id", Uuid, primary_key=True),
    Column("customer_id", Uuid, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("actor_id", Uuid),
    Column("actor", String(400), nullable=False),
    Column("subject", String(320)),
    Column("detail", JSON, nullable=False),
    Column("ip", String(64)),
    Column("user_agent", String(512)),
    Index("team_activity_at", "customer_id", "at"),
)

# Invitations to join a team, as the admins list them (pending, accepted, revoked); never the token.
team_invitations = Table(
    "team_invitations",
    metadata,
    Column("invitation_id", Uuid, primary_key=True),
    Column("customer_id", Uuid, nullable=False, index=True),
    Column("email", String(320), nullable=False),
    Column("role", String(16), nullable=False),
    Column("invited_by", Uuid, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
)

# A rule's `version` is its aggregate's version: the rule version badges and escalations record.
badge_rules = Table(
    "badge_rules",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("rule_id", Uuid, nullable=False, unique=True),  # the aggregate's id: later events name only it
    Column("slug", String(120), nullable=False),
    Column("name", String(120), nullable=False),
    Column("type", String(16), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("conditions", JSON, nullable=False),
    Column("apply_delay_seconds", Integer, nullable=False),
    Column("remove_delay_seconds", Integer, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("badge_rules_slug", "customer_id", "slug"),
)

escalation_rules = Table(
    "escalation_rules",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("rule_id", Uuid, nullable=False, unique=True),
    Column("slug", String(120), nullable=False),
    Column("name", String(120), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("conditions", JSON, nullable=False),
    Column("channels", JSON, nullable=False),
    Column("effective_at", BigInteger, nullable=False),
    Column("open_after_seconds", Integer, nullable=False),
    Column("close_after_seconds", Integer),
    Column("enabled", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("escalation_rules_slug", "customer_id", "slug"),
)

escalations = Table(
    "escalations",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("escalation_id", Uuid, nullable=False, unique=True),
    Column("identity_id", String(255), nullable=False),
    Column("rule_number", Integer, nullable=False),
    Column("rule_slug", String(120), nullable=False),
    Column("rule_name", String(120), nullable=False),
    Column("rule_version", Integer, nullable=False),
    Column("rule_deleted", Boolean, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("severity_rank", SmallInteger, nullable=False),  # INFO 0, WARNING 1, CRITICAL 2: sorts by gravity
    Column("status", String(16), nullable=False),
    Column("scores", JSON, nullable=False),
    Column("badges", JSON, nullable=False),
    Column("conditions", JSON, nullable=False),
    Column("channels", JSON, nullable=False),
    Column("opens_at", BigInteger, nullable=False),
    Column("opened_at", BigInteger),
    Column("acknowledged_at", BigInteger),
    Column("acknowledged_by", Text),
    Column("closed_at", BigInteger),
    Column("closed_by", Text),
    Column("close_reason", String(64)),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("escalations_status", "customer_id", "status", "created_at"),
    Index("escalations_identity", "customer_id", "identity_id", "created_at"),
    Index("escalations_rule", "customer_id", "rule_number", "created_at"),
    Index("escalations_severity", "customer_id", "severity", "created_at"),
)

# Not read models, so kept in a metadata of their own that emptying the read models (a rebuild, an upgrade)
# leaves alone: where each policy that acts on a log (adapters/log_follower.py) has got to, which must never
# start again from the whole history; and when each API key was last used, which no event records.
policy_metadata = MetaData()
follower_positions = Table(
    "follower_positions",
    policy_metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

# When each credential last authenticated a request, to the minute (adapters/credential_usage.py): usage, not a
# decision, so not an event (a busy key would add one a minute for ever).
credential_usage = Table(
    "credential_usage",
    policy_metadata,
    Column("credential_id", Uuid, primary_key=True),
    Column("last_used_at", BigInteger, nullable=False),
)
