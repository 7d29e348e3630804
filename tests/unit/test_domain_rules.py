"""Unit and property tests of the pure domain rules: group types, redaction,
the default mappings, and the limits build_tracked_event enforces."""

import json
import re
import string
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import event as hypothesis_event
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.tracking import limits
from domain.tracking.event_request import EventInput, GroupInput, build_tracked_event, normalized_groups
from domain.tracking.group_types import DEFAULT_GROUP_TYPE, normalize_group_type
from domain.tracking.mappings import (
    _DEFAULT_EVENT_TYPES,
    EVENT_TYPES,
    canonical_event_type,
    canonical_fields,
    display_fields,
    group_display_name,
)
from domain.tracking.redaction import DIGEST_PREFIX, REDACTED, redact
from domain.tracking.tracked_event import TrackedEvent

NOW = datetime(2026, 3, 14, 15, 9, 26, tzinfo=UTC)
CUSTOMER = UUID("0b5c2c9e-52a7-4c35-9a0e-6f4f3b7c2d11")

json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=15,
)


# --- group types --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "ParentCompany",
        "parent-company",
        "parent_company",
        "Parent Company",
        "parentCompany",
        "PARENT_COMPANY",
        "  parent.company  ",
        "parent--company",
        "_parent__company_",
    ],
)
def test_spellings_of_one_group_type_normalize_alike(raw: str) -> None:
    assert normalize_group_type(raw) == "parent_company"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPServer", "http_server"),
        ("getHTTPResponseCode", "get_http_response_code"),
        ("Team", "team"),
        ("organization", "organization"),
        ("abc123Def", "abc123_def"),
        ("ABC", "abc"),
        ("!!!", ""),
        ("", ""),
    ],
)
def test_group_type_examples(raw: str, expected: str) -> None:
    assert normalize_group_type(raw) == expected


@given(st.text())
@example("HTTPServer")
@example("İstanbul")
@example("ß-ǅ-ﬃ")
@settings(max_examples=300, deadline=None)
def test_normalize_group_type_is_idempotent(raw: str) -> None:
    once = normalize_group_type(raw)
    assert normalize_group_type(once) == once


@given(st.text())
@settings(max_examples=200, deadline=None)
def test_normalized_group_type_is_lower_snake_case(raw: str) -> None:
    normalized = normalize_group_type(raw)
    assert re.fullmatch(r"([a-z0-9]+(_[a-z0-9]+)*)?", normalized), normalized


@given(
    st.lists(st.sampled_from(["parent", "company", "http", "server", "x1"]), min_size=1, max_size=4),
    st.sampled_from(["_", "-", " ", ".", "/", "__", " - "]),
)
@settings(max_examples=100, deadline=None)
def test_separators_between_lowercase_words_do_not_matter(words: list[str], separator: str) -> None:
    assert normalize_group_type(separator.join(words)) == "_".join(words)


# --- redaction ----------------------------------------------------------------

SENSITIVE_KEYS = [
    "password",
    "Password",
    "PASSWORD",
    "userPassword",
    "new_password",
    "password_confirmation",
    "passwd",
    "pwd",
    "passphrase",
    "apiKey",
    "api_key",
    "API_KEY",
    "APIKey",
    "api-key",
    "access_token",
    "accessToken",
    "auth_token",
    "refresh-token",
    "X-Auth-Token",
    "cardNumber",
    "card_number",
    "CARD_NUMBER",
    "creditCard",
    "credit-card",
    "cc_number",
    "secret",
    "client_secret",
    "mfaSecret",
    "cvv",
    "CVC",
    "ssn",
    "otp",
    "pan",
    "pin",
    "iban",
    "Authorization",
    "cookie",
    "Set-Cookie",
    "privateKey",
    "private_key",
]
ORDINARY_KEYS = [
    "tokens_used",
    "tokenizer",
    "email",
    "name",
    "first_name",
    "plan",
    "secretary",
    "passwordless",
    "pinned",
    "spin",
    "company",
    "panel",
    "description",
    "session",
    "card",
    "key",
    "api",
    "number",
]


@pytest.mark.parametrize("key", SENSITIVE_KEYS)
def test_sensitive_keys_are_redacted(key: str) -> None:
    assert redact({key: "hunter2", "plan": "pro"}) == {key: REDACTED, "plan": "pro"}


@pytest.mark.parametrize("key", ["sessionId", "session_id", "X-Session-Id"])
def test_session_ids_are_kept_as_digests_that_still_tell_sessions_apart(key: str) -> None:
    one, again, other = redact({key: "s3cr3t-session"}), redact({key: "s3cr3t-session"}), redact({key: "other"})
    assert one == again != other
    assert one[key].startswith(DIGEST_PREFIX) and "s3cr3t" not in one[key]
    assert redact(one) == one  # a digest sent back (an edit of what was read) stays as it is
    assert redact({key: {"nested": "x"}}) == {key: {"nested": "x"}}  # only plain values are digested
    assert redact({"session_token": "abc"}) == {"session_token": REDACTED}  # a token is a token


@pytest.mark.parametrize("key", ORDINARY_KEYS)
def test_ordinary_keys_are_kept(key: str) -> None:
    assert redact({key: "value 1"}) == {key: "value 1"}


def test_redaction_applies_at_any_depth() -> None:
    data = {
        "user": {"profile": {"password": "p", "apiKey": "k", "nick": "ada"}},
        "cards": [{"cardNumber": "x", "last4": "1111"}, [{"access_token": {"nested": "t"}}]],
        "tokens_used": 12,
        "auth_token": {"anything": ["at", "all"]},
    }
    assert redact(data) == {
        "user": {"profile": {"password": REDACTED, "apiKey": REDACTED, "nick": "ada"}},
        "cards": [{"cardNumber": REDACTED, "last4": "1111"}, [{"access_token": REDACTED}]],
        "tokens_used": 12,
        "auth_token": REDACTED,
    }


@pytest.mark.parametrize(
    "value",
    [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "378282246310005",
        "5555555555554444",
        "4222222222222",
        "6011111111111117",
        "3530111333300000",
    ],
)
def test_luhn_valid_card_numbers_in_values_are_redacted(value: str) -> None:
    assert redact({"note": value, "list": [value]}) == {"note": REDACTED, "list": [REDACTED]}
    assert redact(value) == REDACTED


@pytest.mark.parametrize(
    "value",
    [
        "4111111111111112",
        "1234",
        "+1 555 123 4567",
        "411111111111",
        "41111111111111111111",
        "4111 1111 1111 1111 extra",
        "2026-03-14",
        "order 4111111111111111",
    ],
)
def test_other_values_are_kept(value: str) -> None:
    assert redact({"note": value}) == {"note": value}


def _luhn_complete(body: str) -> str:
    for check in string.digits:
        digits = body + check
        total = 0
        for i, ch in enumerate(reversed(digits)):
            d = int(ch)
            if i % 2 == 1:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


@given(st.text(alphabet=string.digits, min_size=12, max_size=18), st.sampled_from(["", " ", "-"]))
@settings(max_examples=100, deadline=None)
def test_any_luhn_valid_13_to_19_digit_number_is_redacted(body: str, separator: str) -> None:
    digits = _luhn_complete(body)
    grouped = separator.join(digits[i : i + 4] for i in range(0, len(digits), 4))
    assert redact({"value": grouped}) == {"value": REDACTED}


@given(json_values)
@settings(max_examples=200, deadline=None)
def test_redact_is_idempotent_and_keeps_shape(value: Any) -> None:
    before = json.dumps(value, sort_keys=True)
    once = redact(value)
    assert json.dumps(value, sort_keys=True) == before  # the input is never mutated
    assert redact(once) == once
    if isinstance(value, dict):
        assert list(once) == list(value)


@pytest.mark.parametrize("key", ["stripe_api_key", "X-Api-Key", "customerCardNumber", "password2"])
def test_prefixed_sensitive_key_names_are_redacted(key: str) -> None:
    assert redact({key: "sk_live_abc"}) == {key: REDACTED}


# --- mappings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({"name": "Ada Lovelace"}, ("Ada Lovelace", None, None)),
        ({"first_name": "Ada", "last_name": "Lovelace"}, ("Ada Lovelace", None, None)),
        ({"firstName": "Ada", "LastName": "Lovelace"}, ("Ada Lovelace", None, None)),
        ({"First-Name": "Ada"}, ("Ada", None, None)),
        ({"surname": "Lovelace"}, ("Lovelace", None, None)),
        ({"FULL_NAME": "Ada L", "first_name": "X", "last_name": "Y"}, ("Ada L", None, None)),
        ({"Email": " ada@example.com "}, (None, "ada@example.com", None)),
        ({"e-mail": "a@b.c"}, (None, "a@b.c", None)),
        ({"emailAddress": "a@b.c"}, (None, "a@b.c", None)),
        ({"userName": "ada"}, (None, None, "ada")),
        ({"user_name": "ada"}, (None, None, "ada")),
        ({"HANDLE": "ada"}, (None, None, "ada")),
        ({"name": "  ", "fullName": "Ada"}, ("Ada", None, None)),
        ({"name": 5, "display_name": "Ada"}, ("Ada", None, None)),
        ({"name": "A", "fullName": "B"}, ("A", None, None)),
        ({"plan": "pro", "title": "CEO"}, (None, None, None)),
        ({}, (None, None, None)),
    ],
)
def test_display_fields(attributes: dict[str, Any], expected: tuple[str | None, ...]) -> None:
    assert display_fields(attributes) == expected


@given(st.dictionaries(st.text(max_size=12), json_scalars, max_size=8))
@settings(max_examples=150, deadline=None)
def test_display_fields_are_non_blank_stripped_strings(attributes: dict[str, Any]) -> None:
    for value in display_fields(attributes):
        assert value is None or (isinstance(value, str) and value == value.strip() and value)
    for value in canonical_fields(attributes).values():
        assert value == value.strip() and value


@pytest.mark.parametrize(
    ("event_type", "expected"),
    [
        ("signup", "REGISTRATION"),
        ("user.signup", "REGISTRATION"),
        ("Sign-Up", "REGISTRATION"),
        ("USER_SIGNUP", "REGISTRATION"),
        ("login", "LOGIN"),
        ("login_failed", "LOGIN_FAILED"),
        ("LoginFailed", "LOGIN_FAILED"),
        ("failed.login", "LOGIN_FAILED"),
        ("logout", "LOGOUT"),
        ("order.completed", "PURCHASE"),
        ("2fa_enabled", "MFA_CHANGE"),
        ("pageview", "PAGE_VIEW"),
        ("foo", None),
        ("", None),
        ("signup!!x", None),
    ],
)
def test_canonical_event_type(event_type: str, expected: str | None) -> None:
    assert canonical_event_type(event_type) == expected


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_canonical_names_map_to_themselves(name: str) -> None:
    assert canonical_event_type(name) == name


@given(st.sampled_from(sorted(_DEFAULT_EVENT_TYPES)), st.data())
@settings(max_examples=150, deadline=None)
def test_event_type_spelling_ignores_case_and_separators(key: str, data: st.DataObject) -> None:
    expected = _DEFAULT_EVENT_TYPES[key]
    spelled = "".join(
        data.draw(st.sampled_from([ch.lower(), ch.upper()])) + data.draw(st.sampled_from(["", "", "_", ".", "-", " "]))
        for ch in key
    )
    assert canonical_event_type(spelled) == expected


@given(st.text(max_size=30))
@settings(max_examples=150, deadline=None)
def test_canonical_event_type_is_known_or_none(event_type: str) -> None:
    assert canonical_event_type(event_type) in EVENT_TYPES | {None}


def test_group_display_name() -> None:
    assert group_display_name({"title": " Acme "}) == "Acme"
    assert group_display_name({"name": "", "displayName": "Acme"}) == "Acme"
    assert group_display_name({"plan": "pro"}) is None


# --- build_tracked_event ------------------------------------------------------


BROWSER_DEVICE = {"fingerprint": "0f" * 16, "session": "s1", "url": None, "ip": "192.0.2.1"}


def build(request: EventInput, *, identity_required: bool = True, device: dict[str, Any] | None = None) -> TrackedEvent:
    return build_tracked_event(
        CUSTOMER, request, now=NOW, credential_id=None, identity_required=identity_required, device=device
    )


def event(**kwargs: Any) -> EventInput:
    kwargs.setdefault("type", "signup")
    kwargs.setdefault("identity_id", "u1")
    return EventInput(**kwargs)


def rejected(
    request: EventInput,
    *,
    identity_required: bool = True,
    match: str | None = None,
    device: dict[str, Any] | None = None,
) -> None:
    with pytest.raises(InvalidInput, match=match):
        build(request, identity_required=identity_required, device=device)


def test_a_valid_event_is_built_with_everything_it_carries() -> None:
    built = build(
        event(
            id="evt-1",
            data={"plan": "pro", "password": "x"},
            identity_data={"name": "Ada"},
            groups=(GroupInput("ParentCompany", "acme", {"name": "Acme", "apiKey": "k"}),),
            source="web",
            timestamp=NOW - timedelta(hours=1),
        )
    )
    assert built.id == TrackedEvent.create_id(CUSTOMER, "evt-1")
    assert (built.event_id, built.event_type, built.identity_id, built.source) == ("evt-1", "signup", "u1", "web")
    assert built.data == {"plan": "pro", "password": REDACTED}
    assert built.identity_data == {"name": "Ada"}
    assert built.groups == [{"type": "parent_company", "id": "acme", "data": {"name": "Acme", "apiKey": REDACTED}}]
    assert built.occurred_at == NOW - timedelta(hours=1)
    assert built.received_at == NOW


@pytest.mark.parametrize("given_id", [None, ""])
def test_an_event_without_id_gets_a_server_id(given_id: str | None) -> None:
    first = build(event(id=given_id))
    second = build(event(id=given_id))
    assert first.event_id.startswith(limits.RESERVED_EVENT_ID_PREFIX)
    assert first.event_id != second.event_id
    assert len(first.event_id) <= limits.MAX_EVENT_ID


def test_defaults() -> None:
    built = build(event(source="", groups=(GroupInput(None, "acme"),)))
    assert built.source is None
    assert built.occurred_at == NOW
    assert built.groups == [{"type": DEFAULT_GROUP_TYPE, "id": "acme", "data": {}}]


@pytest.mark.parametrize("event_id", ["dregs-1", "dregs-", "dregs-" + "a" * 20])
def test_reserved_event_id_prefix_is_refused(event_id: str) -> None:
    rejected(event(id=event_id), match="dregs-")


def test_other_spellings_of_the_prefix_are_client_ids() -> None:
    assert build(event(id="Dregs-1")).event_id == "Dregs-1"
    assert build(event(id="x-dregs-1")).event_id == "x-dregs-1"


def test_event_id_length() -> None:
    assert build(event(id="e" * 64)).event_id == "e" * 64
    assert build(event(id="é" * 64)).event_id == "é" * 64  # characters, not bytes
    rejected(event(id="e" * 65), match="64")


@pytest.mark.parametrize("event_type", ["", " ", "\t\n", "t" * 129])
def test_event_type_is_required_and_bounded(event_type: str) -> None:
    rejected(event(type=event_type), match="type")


def test_event_type_of_128_characters_is_accepted() -> None:
    assert build(event(type="t" * 128)).event_type == "t" * 128


@pytest.mark.parametrize("where", ["data", "identity_data", "group"])
def test_attribute_limits(where: str) -> None:
    def with_data(data: dict[str, Any]) -> EventInput:
        if where == "group":
            return event(groups=(GroupInput("team", "g1", data),))
        return event(**{where: data})

    build(with_data({f"k{i}": i for i in range(100)}))
    rejected(with_data({f"k{i}": i for i in range(101)}), match="101 keys")
    build(with_data({"k": "x" * 1022}))  # 1024 bytes of JSON with its quotes
    rejected(with_data({"k": "x" * 1023}), match="1025 bytes")
    build(with_data({"k": "é" * 511}))
    rejected(with_data({"k": "é" * 512}), match="bytes")  # UTF-8 bytes, not characters
    rejected(with_data({"k": [["x" * 600], {"y": "z" * 600}]}), match="bytes")
    rejected(with_data({"": 1}), match="keys")
    rejected(with_data({"k" * 129: 1}), match="keys")
    build(with_data({"k" * 128: 1}))


@pytest.mark.parametrize(
    "types",
    [
        ("ParentCompany", "parent-company"),
        ("team", "Team"),
        ("HTTPServer", "http_server"),
        (None, "organization"),
        ("Parent Company", "parent_company"),
    ],
)
def test_two_groups_of_one_normalized_type_are_refused(types: tuple[str | None, str]) -> None:
    rejected(event(groups=(GroupInput(types[0], "a"), GroupInput(types[1], "b"))), match="at most one group per type")


def test_at_most_ten_groups() -> None:
    groups = tuple(GroupInput(f"type{i}", "g") for i in range(11))
    assert len(build(event(groups=groups[:10])).groups) == 10
    rejected(event(groups=groups), match="at most 10 groups")


@pytest.mark.parametrize(
    "group",
    [GroupInput("!!!", "g"), GroupInput("t" * 65, "g"), GroupInput("team", ""), GroupInput("team", "g" * 256)],
)
def test_invalid_groups_are_refused(group: GroupInput) -> None:
    rejected(event(groups=(group,)))


def test_group_limits_at_the_edge() -> None:
    built = build(event(groups=(GroupInput("t" * 64, "g" * 255),)))
    assert built.groups[0]["id"] == "g" * 255


def test_identity_is_required_for_server_events() -> None:
    rejected(event(identity_id=None), match="identity.id is required")
    browser = build(event(identity_id=None), identity_required=False, device=BROWSER_DEVICE)
    assert browser.identity_id is None and browser.device == BROWSER_DEVICE
    # A browser event with neither says nothing about anyone.
    rejected(event(identity_id=None), identity_required=False, match="an identity.id or a device")


def test_identity_rules() -> None:
    rejected(event(identity_id=""), match="identity.id")
    rejected(event(identity_id="u" * 256), match="identity.id")
    assert build(event(identity_id="u" * 255)).identity_id == "u" * 255
    anonymous = {"identity_required": False, "device": BROWSER_DEVICE}
    rejected(event(identity_id=None, identity_data={"name": "Ada"}), match="identity.data", **anonymous)
    rejected(event(identity_id=None, groups=(GroupInput("team", "g"),)), match="groups", **anonymous)


def test_source_length() -> None:
    assert build(event(source="s" * 64)).source == "s" * 64
    rejected(event(source="s" * 65), match="source")


def test_timestamp_bounds() -> None:
    earliest = limits.EARLIEST_TIMESTAMP
    assert build(event(timestamp=earliest)).occurred_at == earliest
    rejected(event(timestamp=earliest - timedelta(microseconds=1)), match="2000")
    rejected(event(timestamp=datetime(1970, 1, 1, tzinfo=UTC)), match="2000")
    assert build(event(timestamp=NOW + timedelta(hours=24))).occurred_at == NOW + timedelta(hours=24)
    rejected(event(timestamp=NOW + timedelta(hours=24, microseconds=1)), match="24 hours")
    # Other offsets compare as instants.
    tokyo = timezone(timedelta(hours=9))
    assert build(event(timestamp=datetime(2000, 1, 1, 9, tzinfo=tokyo))).occurred_at == earliest
    rejected(event(timestamp=datetime(2000, 1, 1, 8, 59, tzinfo=tokyo)))


# Anything a client can send: the builder either builds an event within every limit or says why not.
texts = st.text(max_size=20) | st.sampled_from(["", " ", "dregs-x", "x" * 70, "t" * 130, "ParentCompany"])
plain = st.sampled_from(["signup", "u1", "Team", "g-1", "é/ü @x"])
small_attributes = (
    st.dictionaries(plain | texts, json_values, max_size=4)
    | st.just({})
    | st.builds(lambda n: {f"k{i}": i for i in range(n)}, st.integers(99, 101))
)
group_inputs = st.builds(
    GroupInput,
    type=st.none() | st.sampled_from(["team", "Team", "ParentCompany", "parent-company", "!!", "t" * 70]) | texts,
    id=plain | texts,
    data=small_attributes,
)
event_inputs = st.builds(
    EventInput,
    type=plain | texts,
    id=st.none() | plain | texts,
    data=small_attributes,
    identity_id=st.none() | plain | texts,
    identity_data=small_attributes,
    groups=st.just(()) | st.lists(group_inputs, max_size=3).map(tuple) | st.lists(group_inputs, max_size=12).map(tuple),
    source=st.none() | plain | texts,
    timestamp=st.none()
    | st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)),
)


@given(event_inputs, st.booleans())
@settings(max_examples=90, deadline=None)
def test_build_tracked_event_accepts_only_what_fits_the_limits(request: EventInput, identity_required: bool) -> None:
    try:
        built = build(request, identity_required=identity_required)
    except InvalidInput as exc:
        assert exc.message
        hypothesis_event("rejected")
        return
    hypothesis_event("accepted")
    assert built.event_type.strip() and len(built.event_type) <= limits.MAX_EVENT_TYPE
    if request.id:
        assert built.event_id == request.id and not built.event_id.startswith(limits.RESERVED_EVENT_ID_PREFIX)
    else:
        assert built.event_id.startswith(limits.RESERVED_EVENT_ID_PREFIX)
    assert len(built.event_id) <= limits.MAX_EVENT_ID
    assert built.id == TrackedEvent.create_id(CUSTOMER, built.event_id)
    if identity_required:
        assert built.identity_id is not None
    if built.identity_id is not None:
        assert 0 < len(built.identity_id) <= limits.MAX_IDENTITY_ID
    else:
        assert not built.identity_data and not built.groups
    assert len(built.groups) <= limits.MAX_GROUPS
    assert len({g["type"] for g in built.groups}) == len(built.groups)
    for g in built.groups:
        assert g["type"] and 0 < len(g["id"]) <= limits.MAX_GROUP_ID
        assert normalize_group_type(g["type"]) == g["type"]
    for data in [built.data, built.identity_data, *(g["data"] for g in built.groups)]:
        assert len(data) <= limits.MAX_KEYS
        assert redact(data) == data
    assert limits.EARLIEST_TIMESTAMP <= built.occurred_at <= NOW + limits.MAX_FUTURE_SKEW
    assert built.source is None or 0 < len(built.source) <= limits.MAX_SOURCE


@given(st.text(alphabet="aAbB-_ ", min_size=1, max_size=limits.MAX_GROUP_TYPE))
@example("aA" * 32)
@settings(max_examples=50, deadline=None)
def test_accepted_group_types_fit_the_limit(raw_type: str) -> None:
    try:
        groups = normalized_groups((GroupInput(raw_type, "g"),))
    except InvalidInput:
        return
    assert len(groups[0]["type"]) <= limits.MAX_GROUP_TYPE


def test_tracked_event_id_is_per_customer() -> None:
    other = uuid4()
    assert TrackedEvent.create_id(CUSTOMER, "e1") != TrackedEvent.create_id(other, "e1")
    assert TrackedEvent.create_id(CUSTOMER, "e1") == TrackedEvent.create_id(CUSTOMER, "e1")
