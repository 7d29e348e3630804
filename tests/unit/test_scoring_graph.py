"""The identity graph's keys and links, and the analyzers that read them: Uniqueness and
registration bombing. Each fires on what it looks for and stays quiet otherwise."""

from hypothesis import given
from hypothesis import strategies as st

from domain.devices.signals import DeviceSignals, common_model
from domain.scoring.activity import OPENING_KEPT, Activity
from domain.scoring.analyzer_badges import analyzer_badges
from domain.scoring.analyzers import behavior, humanity, takeover, uniqueness
from domain.scoring.categories import Category
from domain.scoring.combination import category_scores
from domain.scoring.datasets import Datasets, overlay
from domain.scoring.link_keys import (
    KeyKind,
    behavior_key,
    context_keys,
    graph_keys,
    identity_keys,
    mailbox,
    mailbox_local,
    mailbox_stem,
    name_key,
    promo_key,
)
from domain.scoring.links import LinkType, SharedKey, links_from
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile
from domain.scoring.review_writer import LIKELY_COMPROMISED, LIKELY_FRAUD, LIKELY_LEGITIMATE, write_review
from domain.scoring.seen_device import SeenDevice
from tests.unit.test_scoring_analyzers import T0, S, activity

NONE = Datasets()


def shared(other: str, kind: KeyKind, key: str, sharers: int = 2, own: int = T0, theirs: int = T0) -> SharedKey:
    return SharedKey(other, kind, key, sharers, own, theirs)


def profile(*keys: SharedKey, key_count: int = 3, registrations: int = 0) -> IdentityProfile:
    activity = Activity()
    for i in range(registrations):
        activity.observe(T0 + i * S, "REGISTRATION")
    return IdentityProfile("me", activity=activity, key_count=key_count, shared=keys)


# --- keys ---------------------------------------------------------------------


def test_mailboxes_fold_provider_aliases() -> None:
    assert mailbox("A.Lee+promo@googlemail.com") == "alee@gmail.com"
    assert mailbox("a.lee@gmail.com") == mailbox("alee+x@gmail.com") == "alee@gmail.com"
    assert mailbox("ann+tag@outlook.com") == "ann@outlook.com"
    assert mailbox("a.lee@company.example") == "a.lee@company.example"  # dots matter elsewhere
    assert mailbox("a+b@company.example") == "a+b@company.example"  # so do plus signs
    assert mailbox("not an address") is None
    assert mailbox_stem("ann.lee1@gmail.com") == mailbox_stem("annlee02@gmail.com") == "annlee@gmail.com"
    assert mailbox_stem("annlee@gmail.com") is None  # no counter, no stem
    assert mailbox_stem("a1@gmail.com") is None  # too short to mean anything


def test_a_distinctive_mailbox_name_matches_at_any_provider() -> None:
    assert mailbox_local("p.pavlov1@rambler.ru") == mailbox_local("ppavlov1@mail.ru") == "ppavlov1"
    assert mailbox_local("Ann.Lee+shop@gmail.com") is None  # `annlee`: strangers share short names
    assert mailbox_local("sixten.nilsson@gmail.com") == "sixtennilsson"
    assert mailbox_local("nobody") is None


def test_ipv6_addresses_link_by_their_64_and_ipv4_by_the_address() -> None:
    monday = graph_keys({KeyKind.IP: "2a01:4f8:10a:1::8a2e:370:7334", KeyKind.DEVICE: "fp"})
    tuesday = graph_keys({KeyKind.IP: "2a01:4f8:10a:1:5d1:99:ab:1"})
    assert monday == {KeyKind.IP: "2a01:4f8:10a:1::/64", KeyKind.DEVICE: "fp"}
    assert tuesday[KeyKind.IP] == monday[KeyKind.IP]
    assert graph_keys({KeyKind.IP: "2a01:4f8:10a:2::1"})[KeyKind.IP] != monday[KeyKind.IP]
    assert graph_keys({KeyKind.IP: "192.0.2.7"}) == {KeyKind.IP: "192.0.2.7"}
    assert graph_keys({KeyKind.IP: "not-an-ip"}) == {KeyKind.IP: "not-an-ip"}


def test_names_compare_without_case_accents_or_order() -> None:
    assert name_key("José  García") == name_key("garcia jose") == "garcia jose"
    assert name_key("Cher") is None


def test_identity_and_context_keys() -> None:
    keys = identity_keys({"EMAIL": "Ann.Lee7@gmail.com", "FIRST_NAME": "Ann", "LAST_NAME": "Lee"})
    assert keys == {
        (KeyKind.EMAIL, "annlee7@gmail.com"),
        (KeyKind.EMAIL_STEM, "annlee@gmail.com"),
        (KeyKind.NAME, "ann lee"),
    }
    found = context_keys({"ip_address": "10.0.0.1", "sessionId": "s-1", "device_id": "fp", "other": "x"})
    assert found == {KeyKind.IP: "10.0.0.1", KeyKind.SESSION: "s-1", KeyKind.DEVICE: "fp"}
    assert context_keys({"ip": 12, "session": "  "}) == {}
    assert context_keys({"device_id": "[REDACTED]"}) == {}  # a redacted value links nobody


def test_the_opening_sequence_is_the_earliest_events_whatever_their_arrival() -> None:
    late_first = Activity()
    for i in (3, 4, 5, 6, 1, 2):
        late_first.observe(T0 + i * S, None, f"e{i}")
    assert late_first.opening_sequence() == ["e1", "e2", "e3", "e4", "e5"]
    assert len(late_first.opening) == OPENING_KEPT
    assert Activity.from_dict(late_first.to_dict()) == late_first
    assert behavior_key(T0, ["a", "b"]) == behavior_key(T0 + 60 * S, ["a", "b"])  # same ten minutes
    assert behavior_key(T0, ["a", "b"]) != behavior_key(T0, ["b", "a"])


# --- links --------------------------------------------------------------------


def test_links_rank_strong_evidence_first_and_keep_one_per_type() -> None:
    links = links_from(
        [
            shared("b", KeyKind.IP, "10.0.0.1"),
            shared("b", KeyKind.DEVICE, "fp"),
            shared("b", KeyKind.EMAIL_STEM, "annlee@x.com"),
            shared("b", KeyKind.EMAIL, "ann@x.com"),
            shared("c", KeyKind.NAME, "ann lee"),
        ]
    )
    assert [(lk.other, lk.type) for lk in links] == [
        ("b", LinkType.SAME_DEVICE),
        ("b", LinkType.SIMILAR_EMAIL),
        ("b", LinkType.SHARED_IP),
        ("c", LinkType.SIMILAR_NAME),
    ]
    assert links[1].value == 0.85  # the exact mailbox, not the weaker stem


def test_a_crowded_ip_is_weaker_evidence() -> None:
    (few,) = links_from([shared("b", KeyKind.IP, "ip", sharers=2)])
    (many,) = links_from([shared("b", KeyKind.IP, "ip", sharers=500)])
    assert many.value < few.value


# --- uniqueness ---------------------------------------------------------------


def _one(found: list[Observation], analyzer: str) -> Observation:
    (hit,) = [o for o in found if o.id == analyzer]
    return hit


def test_accounts_that_began_on_a_home_ip_within_a_day_are_strongly_linked() -> None:
    day = 86_400 * S
    began = T0 + 3 * day
    together = shared("b", KeyKind.IP, "192.0.2.7", own=began, theirs=began - 5 * 3600 * S)
    months_apart = shared("b", KeyKind.IP, "192.0.2.7", own=began, theirs=began - 90 * day)
    moved_here_later = shared("b", KeyKind.IP, "192.0.2.7", own=began + 30 * day, theirs=began + 30 * day)
    crowded = shared("b", KeyKind.IP, "192.0.2.7", sharers=40, own=began, theirs=began)
    (strong,) = links_from([together], began)
    assert strong.value == 0.6 and "within a day" in strong.explanation
    for weak in (months_apart, moved_here_later, crowded):
        (link,) = links_from([weak], began)
        assert link.value < strong.value, weak
    (unknown_start,) = links_from([together])
    assert unknown_start.value < strong.value


def test_a_distinct_identity_is_vouched_for_more_the_longer_it_was_watched() -> None:
    def distinct_confidence(days: float) -> float:
        activity = Activity()
        activity.observe(T0, "REGISTRATION")
        activity.observe(T0 + int(days * 86_400) * S, None, "login")
        (found,) = uniqueness.analyze(IdentityProfile("me", activity=activity, key_count=5), NONE)
        assert found.id == "uniqueness.distinct"
        return found.confidence

    minutes, week, month = distinct_confidence(0.001), distinct_confidence(7), distinct_confidence(30)
    assert minutes < 0.3 < week == month


def test_uniqueness_vouches_when_nothing_is_shared_and_says_nothing_without_keys() -> None:
    (distinct,) = uniqueness.analyze(profile(), NONE)
    assert distinct.id == "uniqueness.distinct" and distinct.value == 1.0
    assert uniqueness.analyze(profile(key_count=0), NONE) == []


def test_each_account_on_a_device_lowers_uniqueness() -> None:
    home = [shared(o, KeyKind.IP, "198.51.100.9", 4) for o in "bcd"]  # the device's accounts share its network too
    one = _one(
        uniqueness.analyze(profile(shared("b", KeyKind.DEVICE, "fp"), home[0]), NONE), "uniqueness.shared-device"
    )
    three = _one(
        uniqueness.analyze(profile(*(shared(o, KeyKind.DEVICE, "fp", 4) for o in "bcd"), *home), NONE),
        "uniqueness.shared-device",
    )
    assert three.value < one.value < 0.2
    assert three.metadata["linkedIdentities"] == 3


def test_a_carriers_ip_shared_by_dozens_barely_moves_uniqueness() -> None:
    crowd = [shared(f"o{i}", KeyKind.IP, "100.64.0.1", sharers=60) for i in range(50)]
    hit = _one(uniqueness.analyze(profile(*crowd), NONE), "uniqueness.shared-ip")
    assert hit.value > 0.85
    small = _one(uniqueness.analyze(profile(shared("b", KeyKind.IP, "10.0.0.1")), NONE), "uniqueness.shared-ip")
    assert small.value < hit.value


def test_alias_emails_sink_uniqueness() -> None:
    found = uniqueness.analyze(profile(shared("b", KeyKind.EMAIL, "alee@gmail.com")), NONE)
    hit = _one(found, "uniqueness.similar-email")
    assert hit.value < 0.2 and hit.confidence >= 0.85 and hit.category is Category.UNIQUENESS


# --- registration bombing -----------------------------------------------------


def test_many_accounts_from_one_ip_within_the_hour_is_registration_bombing() -> None:
    burst = [shared(f"o{i}", KeyKind.IP, "ip", sharers=6, theirs=T0 + i * 60 * S) for i in range(5)]
    hit = behavior.registration_bombing(profile(*burst, registrations=1))
    assert hit is not None and hit.value <= 0.1 and hit.metadata["accounts"] == 6
    assert analyzer_badges([hit], 7)[0]["slug"] == "behavior.registration-bombing"


def test_registration_bombing_stays_quiet_when_spread_out_or_without_sign_up() -> None:
    spread = [shared(f"o{i}", KeyKind.IP, "ip", sharers=6, theirs=T0 + i * 3 * 3600 * S) for i in range(1, 6)]
    assert behavior.registration_bombing(profile(*spread, registrations=1)) is None
    burst = [shared(f"o{i}", KeyKind.IP, "ip", sharers=6) for i in range(5)]
    assert behavior.registration_bombing(profile(*burst)) is None  # never signed up: not its sign-up
    names = [shared(f"o{i}", KeyKind.NAME, "ann lee", sharers=6) for i in range(5)]
    assert behavior.registration_bombing(profile(*names, registrations=1)) is None


@given(st.lists(st.sampled_from(list(KeyKind)), max_size=12), st.integers(2, 80))
def test_uniqueness_findings_stay_in_range(kinds: list[KeyKind], sharers: int) -> None:
    keys = [shared(f"o{i}", kind, f"k{i % 3}", sharers) for i, kind in enumerate(kinds)]
    for o in uniqueness.analyze(profile(*keys), NONE):
        assert 0.0 <= o.value <= 1.0 and 0.0 <= o.confidence <= 1.0


# --- datasets, badges, reviews --------------------------------------------------


def test_a_team_overlay_adds_to_the_global_lists_and_names_its_version() -> None:
    base = Datasets({"disposable_email_domains": frozenset({"a.example"})}, "pkg==1")
    mixed = overlay(base, {"disposable_email_domains": frozenset({"b.example"})}, "c9")
    assert mixed.contains("disposable_email_domains", "a.example")
    assert mixed.contains("disposable_email_domains", "b.example")
    assert mixed.version == "pkg==1+c9" and overlay(base, {}, "c0").version == "pkg==1+c0"


def test_badges_need_a_clear_finding() -> None:
    def ato(value: float, confidence: float) -> Observation:
        return Observation(Category.BEHAVIOR, "behavior.account-takeover-signal", "ATO", "why", value, confidence, 3.0)

    assert [b["name"] for b in analyzer_badges([ato(0.05, 0.85)], 1)] == ["Account Takeover Suspected"]
    assert analyzer_badges([ato(0.4, 0.85)], 1) == analyzer_badges([ato(0.05, 0.3)], 1) == []
    other = Observation(Category.BEHAVIOR, "behavior.failed-logins", "F", "why", 0.0, 1.0, 3.0)
    assert analyzer_badges([other], 1) == []


def test_a_review_puts_the_suspicious_findings_first() -> None:
    bad = Observation(Category.AUTHENTICITY, "authenticity.disposable-email", "Disposable Email",
                      "A throwaway address.", 0.05, 0.95, 3.0)  # fmt: skip
    good = Observation(Category.BEHAVIOR, "behavior.activity", "Normal Activity", "Fine.", 0.85, 0.5, 1.0)
    links = links_from([shared("twin", KeyKind.DEVICE, "fp")])
    written = write_review(
        "u1", {Category.AUTHENTICITY: 12, Category.BEHAVIOR: 80}, [good, bad], links, "check the device"
    )
    assert written.verdict == LIKELY_FRAUD
    lines = written.summary.splitlines()
    assert lines[0] == "Likely fraudulent: identity u1."
    assert lines[1] == "Scores: Authenticity 12, Behavior 80."
    assert lines.index("- Disposable Email (Authenticity, value 0.05, confidence 0.95): A throwaway address.") < (
        lines.index("- Normal Activity (Behavior, value 0.85, confidence 0.50): Fine.")
    )
    assert "twin" in written.summary and 'note: "check the device"' in written.summary
    clean = write_review("u2", {Category.AUTHENTICITY: 90, Category.BEHAVIOR: 80}, [good], [], None)
    assert clean.verdict == LIKELY_LEGITIMATE and "Not linked" in clean.summary
    assert write_review("u3", {}, [], [], None).verdict == "INCONCLUSIVE"


# --- behavior: resets, new sources, repetition ----------------------------------


def test_password_reset_velocity() -> None:
    burst = behavior.password_reset_velocity(activity(*((i * 600, "PASSWORD_RESET") for i in range(5))))
    assert burst is not None and burst.value <= 0.1
    spread = activity(*((i * 2 * 86_400, "PASSWORD_RESET") for i in range(5)))
    assert behavior.password_reset_velocity(spread) is None


def test_a_takeover_victims_review_says_compromised_not_fraudulent() -> None:
    taken = Observation(Category.BEHAVIOR, takeover.ID, "Account Takeover Signal", "why", 0.05, 0.85, 3.0)
    genuine = {Category.HUMANITY: 82, Category.AUTHENTICITY: 78, Category.UNIQUENESS: 70, Category.BEHAVIOR: 14}
    victim = write_review("u1", genuine, [taken], [], None)
    assert victim.verdict == LIKELY_COMPROMISED
    assert victim.summary.startswith("Likely compromised")
    # a fraudster whose data is fake as well stays likely fraudulent, takeover signal or not
    fake = write_review("u2", {**genuine, Category.AUTHENTICITY: 10}, [taken], [], None)
    assert fake.verdict == LIKELY_FRAUD


def test_counts_in_reviews_and_findings_agree_with_their_nouns() -> None:
    one = links_from([shared("twin", KeyKind.DEVICE, "fp")])
    summary = write_review("u1", {Category.BEHAVIOR: 80}, [], one, None).summary
    assert "Linked to 1 other identity;" in summary
    stem = shared("twin", KeyKind.EMAIL_STEM, "ann@x.io")
    found = uniqueness.analyze(IdentityProfile("u1", shared=(stem,)), Datasets())
    assert any(o.explanation == "1 other identity has an email address like its own." for o in found), found
    single = behavior.analyze(IdentityProfile("u1", activity=activity((0, "LOGIN"))), Datasets())
    assert any(o.explanation.startswith("1 recognised event,") for o in single), single


def ato(p: IdentityProfile) -> Observation | None:
    """The account-takeover finding, if any."""
    return next((o for o in takeover.analyze(p) if o.id == takeover.ID), None)


DAY = 86_400


def test_keys_changed_from_a_never_seen_device_on_an_old_account_is_a_takeover_signal() -> None:
    # the password, then the email within the day: the owner locked out
    history = activity((0, "REGISTRATION"), (3 * DAY, "LOGIN"), (10 * DAY, "PASSWORD_CHANGE"),
                       (10 * DAY + 900, "EMAIL_CHANGE"))  # fmt: skip
    change = T0 + 10 * DAY * S
    own = (KeyKind.DEVICE, "laptop", T0)
    new_device = IdentityProfile("me", activity=history, sources=(own, (KeyKind.DEVICE, "other", change - 30 * S)))
    hit = ato(new_device)
    assert hit is not None and hit.id == "behavior.account-takeover-signal" and hit.value <= 0.1
    assert ato(IdentityProfile("me", activity=history, sources=(own,))) is None
    # A phone's new address inside its carrier's network is not a new place, when devices are unknown.
    carrier = ((KeyKind.IP, "100.64.3.7", T0), (KeyKind.IP, "100.64.3.99", change - 60 * S))
    assert ato(IdentityProfile("me", activity=history, sources=carrier)) is None
    abroad = ((KeyKind.IP, "100.64.3.7", T0), (KeyKind.IP, "203.0.113.9", change - 60 * S))
    assert ato(IdentityProfile("me", activity=history, sources=abroad)) is not None
    fresh = activity((0, "REGISTRATION"), (600, "PASSWORD_CHANGE"))  # a new account's first change
    assert ato(IdentityProfile("me", activity=fresh, sources=((KeyKind.DEVICE, "d", T0),))) is None


def test_a_forgotten_password_is_one_flow_a_reset_then_the_new_password() -> None:
    """The reset and the password it leads to are not the intruder's second step; the email after them is."""
    sources = ((KeyKind.DEVICE, "laptop", T0), (KeyKind.DEVICE, "new-phone", T0 + (10 * DAY - 30) * S))
    forgot = activity((0, "REGISTRATION"), (DAY, "LOGIN"), (10 * DAY, "PASSWORD_RESET"),
                      (10 * DAY + 120, "PASSWORD_CHANGE"))  # fmt: skip
    assert ato(IdentityProfile("me", activity=forgot, sources=sources)) is None
    locked_out = activity((0, "REGISTRATION"), (DAY, "LOGIN"), (10 * DAY, "PASSWORD_RESET"),
                          (10 * DAY + 120, "PASSWORD_CHANGE"), (10 * DAY + 600, "EMAIL_CHANGE"))  # fmt: skip
    hit = ato(IdentityProfile("me", activity=locked_out, sources=sources))
    assert hit is not None and hit.metadata["followedBy"] == "EMAIL_CHANGE"


def test_a_lone_password_reset_from_a_new_device_is_a_doubt_not_an_accusation() -> None:
    """An owner on a new phone who forgot the password: nothing follows the reset."""
    lone = activity((0, "REGISTRATION"), *((i * DAY, "LOGIN") for i in range(1, 9)), (10 * DAY, "PASSWORD_RESET"))
    change = T0 + 10 * DAY * S
    sources = ((KeyKind.DEVICE, "laptop", T0), (KeyKind.DEVICE, "new-phone", change - 30 * S))
    profile = IdentityProfile("me", activity=lone, sources=sources)
    assert ato(profile) is None
    found = behavior.analyze(profile, Datasets())
    assert {o.id for o in found} == {"behavior.key-change-from-new-device", "behavior.activity"}
    assert category_scores(found)[Category.BEHAVIOR] >= 50
    # the same reset, then a purchase within the day, from a person's network: an owner buying on a new phone, or
    # an intruder cashing in; a doubt that no rule at 30 acts on alone
    cashed = activity((0, "REGISTRATION"), (DAY, "LOGIN"), (10 * DAY, "PASSWORD_RESET"), (10 * DAY + 600, "PURCHASE"))
    home, away = (KeyKind.IP, "192.0.2.10", T0), (KeyKind.IP, "203.0.113.9", change - 20 * S)
    mobile = IdentityProfile("me", activity=cashed, sources=(*sources, home, away))
    hit = ato(mobile)
    assert hit is not None and 0.2 < hit.value < 0.5 and hit.metadata["followedBy"] == "PURCHASE"
    assert analyzer_badges([hit], 1) == []
    assert category_scores(behavior.analyze(mobile, Datasets()))[Category.BEHAVIOR] > 30
    # from a server in a data centre: the intruder cashing in
    server = SeenDevice("new-phone", None, hosting=True)
    hit = ato(IdentityProfile("me", activity=cashed, sources=(*sources, home, away), devices=(server,)))
    assert hit is not None and hit.value <= 0.1 and analyzer_badges([hit], 1)
    # but a new computer on the account's own network is the owner at home, whatever they buy next
    at_home = IdentityProfile("me", activity=cashed, sources=(*sources, home))
    assert ato(at_home) is None
    (doubt,) = takeover.analyze(at_home)
    assert doubt.id == "behavior.key-change-from-new-device" and "network it had used" in doubt.explanation


def test_a_first_login_from_a_new_phone_on_mobile_data_keeps_behavior_above_the_middle() -> None:
    history = activity((0, "REGISTRATION"), *((i * DAY, "LOGIN") for i in range(1, 12)))
    last = T0 + 11 * DAY * S
    sources = ((KeyKind.DEVICE, "laptop", T0), (KeyKind.IP, "192.0.2.10", T0),
               (KeyKind.DEVICE, "phone", last - 10 * S), (KeyKind.IP, "100.71.8.9", last - 10 * S))  # fmt: skip
    found = behavior.analyze(IdentityProfile("me", activity=history, sources=sources), Datasets())
    assert "behavior.new-device-login" in {o.id for o in found}
    assert category_scores(found)[Category.BEHAVIOR] >= 50


def test_a_forgotten_password_from_the_owners_own_device_is_not_a_takeover() -> None:
    forgot = activity((0, "LOGIN"), *((DAY + i * 40, "LOGIN_FAILED") for i in range(4)), (DAY + 300, "PASSWORD_RESET"))
    laptop = ((KeyKind.DEVICE, "laptop", T0), (KeyKind.IP, "192.0.2.10", T0))
    assert ato(IdentityProfile("me", activity=forgot, sources=laptop)) is None
    attacker = (*laptop, (KeyKind.DEVICE, "attacker", T0 + DAY * S), (KeyKind.IP, "198.51.100.3", T0 + DAY * S))
    # from a new phone, with nothing after the reset: the owner on a new phone, or an intruder's first step
    assert ato(IdentityProfile("me", activity=forgot, sources=attacker)) is None
    (doubt,) = takeover.analyze(IdentityProfile("me", activity=forgot, sources=attacker))
    assert doubt.id == "behavior.key-change-from-new-device"
    # and the owner's tries before it read as a forgotten password, not as guessing
    tries = activity((0, "LOGIN"), *((DAY + i * 40, "LOGIN_FAILED") for i in range(6)), (DAY + 300, "PASSWORD_RESET"))
    assert behavior.failed_logins(tries).value >= 0.4
    # then the email changed: the owner locked out
    locked_out = activity((0, "LOGIN"), *((DAY + i * 40, "LOGIN_FAILED") for i in range(4)),
                          (DAY + 300, "PASSWORD_RESET"), (DAY + 900, "EMAIL_CHANGE"))  # fmt: skip
    hit = ato(IdentityProfile("me", activity=locked_out, sources=attacker))
    assert hit is not None and hit.value <= 0.05 and hit.metadata["newSource"]
    # a guessing script tries many more times than a person before a reset
    guessing = activity(*((DAY + i * 20, "LOGIN_FAILED") for i in range(12)), (DAY + 300, "PASSWORD_RESET"))
    assert behavior.failed_logins(guessing).value <= 0.1


def test_slow_guessing_from_new_networks_then_a_login_is_a_takeover() -> None:
    slow = activity((0, "LOGIN"), *((DAY + i * 2 * 3600, "LOGIN_FAILED") for i in range(6)), (DAY + 13 * 3600, "LOGIN"))
    sources = (
        (KeyKind.IP, "192.0.2.10", T0),
        *((KeyKind.IP, f"203.0.{i}.1", T0 + (DAY + i * 7200) * S) for i in range(6)),
    )
    hit = ato(IdentityProfile("me", activity=slow, sources=sources))
    assert hit is not None and hit.metadata["failedLogins"] == 6


def test_repetitive_usage_needs_one_action_at_a_steady_pace() -> None:
    steady = activity(*((i * 10.0, "PROMO_REDEEM") for i in range(40)))
    hit = behavior.repetitive_usage(steady)
    assert hit is not None and hit.metadata["type"] == "PROMO_REDEEM"
    human = activity(*((i * 10.0 + (i * i) % 37 * 7, "PAGE_VIEW") for i in range(40)))
    assert behavior.repetitive_usage(human) is None
    mixed = activity(*((i * 10.0, ["LOGIN", "PAGE_VIEW", "PURCHASE"][i % 3]) for i in range(40)))
    assert behavior.repetitive_usage(mixed) is None


def test_weak_links_that_agree_about_one_identity_add_up() -> None:
    weak = [shared("twin", KeyKind.IP, "10.0.0.1"), shared("twin", KeyKind.NAME, "ann lee"),
            shared("twin", KeyKind.EMAIL_STEM, "annlee@x.com")]  # fmt: skip
    hit = _one(uniqueness.analyze(profile(*weak), NONE), "uniqueness.corroborated-link")
    assert hit.metadata["other"] == "twin" and hit.value < 0.5
    scattered = [shared("a", KeyKind.IP, "10.0.0.1"), shared("b", KeyKind.NAME, "ann lee")]
    assert all(o.id != "uniqueness.corroborated-link" for o in uniqueness.analyze(profile(*scattered), NONE))


def test_accounts_created_together_from_one_source_are_one_batch() -> None:
    batch = [shared(f"o{i}", KeyKind.IP, "10.9.9.9", sharers=30, theirs=T0 + i * 60 * S) for i in range(29)]
    hit = _one(uniqueness.analyze(profile(*batch, registrations=1), NONE), "uniqueness.co-registered")
    assert hit.value < 0.05 and hit.metadata["accounts"] == 30
    office = [shared(f"o{i}", KeyKind.IP, "10.9.9.9", sharers=30, theirs=T0 + i * 86_400 * S) for i in range(1, 30)]
    assert all(o.id != "uniqueness.co-registered" for o in uniqueness.analyze(profile(*office, registrations=1), NONE))


def test_accounts_a_script_tried_together_are_a_campaign_an_owners_account_is_not() -> None:
    """Two or three attempts per account are too few for any account's own timing; the accounts first tried
    from one address within the same minutes are one script's list."""
    tried = activity((0, "LOGIN_FAILED"), (45, "LOGIN_FAILED"))
    campaign = tuple(shared(f"acct{i}", KeyKind.IP, "203.0.113.7", 20, T0, T0 + i * 3 * S) for i in range(1, 20))
    found = humanity.tried_together(IdentityProfile("me", activity=tried, shared=campaign), NONE)
    assert found is not None and found.metadata["accounts"] == 20
    assert category_scores([found])[Category.HUMANITY] <= 20
    # the owner of a real account the same script tried: its life did not begin with the script
    owned = activity((-40 * DAY, "REGISTRATION"), (-2 * DAY, "LOGIN"), (0, "LOGIN_FAILED"), (45, "LOGIN_FAILED"))
    assert humanity.tried_together(IdentityProfile("me", activity=owned, shared=campaign), NONE) is None
    # a conference's Wi-Fi: people first seen on it over the morning, one of them mistyping a password
    morning = tuple(shared(f"guest{i}", KeyKind.IP, "198.51.100.9", 20, T0, T0 + i * 900 * S) for i in range(1, 20))
    assert humanity.tried_together(IdentityProfile("me", activity=tried, shared=morning), NONE) is None
    # and a few accounts are not a campaign
    few = campaign[:3]
    assert humanity.tried_together(IdentityProfile("me", activity=tried, shared=few), NONE) is None


def test_a_login_from_a_new_device_and_network_on_an_established_account() -> None:
    history = activity((0, "REGISTRATION"), (30 * DAY, "LOGIN"), (30 * DAY + 600, "PURCHASE"))
    login = T0 + 30 * DAY * S
    home = ((KeyKind.DEVICE, "laptop", T0), (KeyKind.IP, "192.0.2.10", T0))
    stranger = (*home, (KeyKind.DEVICE, "unknown", login), (KeyKind.IP, "203.0.113.50", login))
    (hit,) = takeover.analyze(IdentityProfile("me", activity=history, sources=stranger))
    assert hit.id == "behavior.new-device-login" and hit.metadata["purchaseWithinHour"] and hit.value < 0.4
    # people log in to buy: a purchase after a new phone's first login is a doubt, not a takeover
    kinds = ("LOGIN", "OTHER", "PURCHASE")
    visits = ((i * DAY + k * 97, kind) for i in range(1, 30, 3) for k, kind in enumerate(kinds))
    everyday = activity((0, "REGISTRATION"), *visits, (30 * DAY, "LOGIN"), (30 * DAY + 600, "PURCHASE"))
    found = behavior.analyze(IdentityProfile("me", activity=everyday, sources=stranger), Datasets())
    assert 30 < category_scores(found)[Category.BEHAVIOR] < 60
    new_phone_at_home = (*home, (KeyKind.DEVICE, "phone", login))  # same network: the owner's new phone
    assert takeover.analyze(IdentityProfile("me", activity=history, sources=new_phone_at_home)) == []


def test_a_key_change_from_a_new_network_alone_is_a_weaker_sign() -> None:
    history = activity((0, "REGISTRATION"), (10 * DAY, "PASSWORD_CHANGE"))
    change = T0 + 10 * DAY * S
    own = ((KeyKind.DEVICE, "laptop", T0), (KeyKind.IP, "192.0.2.10", T0))
    (weak,) = takeover.analyze(
        IdentityProfile("me", activity=history, sources=(*own, (KeyKind.IP, "203.0.113.9", change)))
    )
    assert weak.id == "behavior.key-change-from-new-network" and 0.2 < weak.value < 0.5
    assert takeover.analyze(IdentityProfile("me", activity=history, sources=own)) == []


def test_a_households_shared_tablet_is_not_one_person_with_two_accounts() -> None:
    tablet = shared("partner", KeyKind.DEVICE, "family-tablet")
    home = shared("partner", KeyKind.IP, "198.51.100.20")
    # the tablet and a phone of its own; the household's device and its home IP are one fact, not two
    member = uniqueness.analyze(IdentityProfile("me", shared=(tablet, home), device_count=2), Datasets())
    assert "uniqueness.corroborated-link" not in {o.id for o in member}
    assert category_scores(member)[Category.UNIQUENESS] >= 40
    # two members who began on it weeks apart, neither with a device of its own
    later = shared("partner", KeyKind.DEVICE, "family-tablet", theirs=T0 + 30 * 86_400 * S)
    apart = uniqueness.analyze(IdentityProfile("me", shared=(later, home), device_count=1), Datasets())
    assert category_scores(apart)[Category.UNIQUENESS] >= 40
    # an account that lives only on the device another account uses, begun with it, is a second account
    alt = IdentityProfile("me", shared=(tablet, home), device_count=1)
    assert category_scores(uniqueness.analyze(alt, Datasets()))[Category.UNIQUENESS] < 25
    # a phone's fingerprint and nothing else in common: common models coincide, so a doubt
    stranger = uniqueness.analyze(IdentityProfile("me", shared=(tablet,), device_count=1), Datasets())
    assert 25 <= category_scores(stranger)[Category.UNIQUENESS] < 50
    # and a shared device plus a shared mailbox stem is one person, phone of its own or not
    stem = shared("partner", KeyKind.EMAIL_STEM, "annlee@x.io")
    twin = IdentityProfile("me", shared=(tablet, stem), device_count=2)
    assert category_scores(uniqueness.analyze(twin, Datasets()))[Category.UNIQUENESS] < 25


def _device(fingerprint: str, renderer: str) -> SeenDevice:
    return SeenDevice(fingerprint, DeviceSignals(user_agent="Mozilla/5.0", webgl_renderer=renderer))


IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"


def test_strangers_on_a_common_phone_model_are_a_crowd_not_one_person() -> None:
    """Every iPhone of one model in one city gives one fingerprint (Safari names its GPU "Apple GPU"), and its
    owners share their carrier's addresses too: the two together are still strangers."""
    iphone = SeenDevice("iphone-fp", DeviceSignals(user_agent=IPHONE, webgl_renderer="Apple GPU"))
    assert common_model(iphone.signals) and not common_model(_device("pc", "ANGLE (NVIDIA GeForce RTX 4070)").signals)
    phone = shared("stranger", KeyKind.DEVICE, "iphone-fp", sharers=3)
    other = shared("another", KeyKind.DEVICE, "iphone-fp", sharers=3)
    carrier = shared("stranger", KeyKind.IP, "100.64.1.7", sharers=3)
    me = IdentityProfile("me", shared=(phone, other, carrier), device_count=1, devices=(iphone,))
    found = uniqueness.analyze(me, NONE)
    assert "uniqueness.corroborated-link" not in {o.id for o in found}
    assert "common model" in _one(found, "uniqueness.shared-device").explanation
    assert category_scores(found)[Category.UNIQUENESS] >= 40
    # the twin: the same sharing on a computer whose GPU it names is one person's machine
    desktop = _device("iphone-fp", "ANGLE (NVIDIA, NVIDIA GeForce RTX 4070 SUPER Direct3D11)")
    pc = IdentityProfile("me", shared=(phone, other, carrier), device_count=1, devices=(desktop,))
    assert category_scores(uniqueness.analyze(pc, NONE))[Category.UNIQUENESS] < 25
    # a common model with a personal key in common is one person's phone
    stem = shared("stranger", KeyKind.EMAIL_STEM, "annlee@x.io")
    mine = IdentityProfile("me", shared=(phone, stem), device_count=1, devices=(iphone,))
    assert category_scores(uniqueness.analyze(mine, NONE))[Category.UNIQUENESS] < 25
    # and a popular model among a big team's users is a crowd that says less the bigger it is
    crowd = tuple(shared(f"c{i}", KeyKind.DEVICE, "iphone-fp", sharers=300) for i in range(299))
    many = IdentityProfile("me", shared=crowd, device_count=1, devices=(iphone,))
    assert category_scores(uniqueness.analyze(many, NONE))[Category.UNIQUENESS] >= 50


def test_a_family_computer_joined_on_different_days_is_a_household() -> None:
    """Neither member has a device of its own; they joined on different days, with nothing personal in common.
    The second account of one person is opened on the spot, for the offer, and stays one."""
    pc = shared("partner", KeyKind.DEVICE, "family-pc", theirs=T0 + 3 * 86_400 * S)
    home = shared("partner", KeyKind.IP, "198.51.100.20", theirs=T0 + 3 * 86_400 * S)
    family = uniqueness.analyze(IdentityProfile("me", shared=(pc, home), device_count=1), NONE)
    assert "uniqueness.corroborated-link" not in {o.id for o in family}
    assert category_scores(family)[Category.UNIQUENESS] >= 40
    on_the_spot = shared("partner", KeyKind.DEVICE, "family-pc", theirs=T0 + 3 * 3600 * S)
    second = uniqueness.analyze(IdentityProfile("me", shared=(on_the_spot, home), device_count=1), NONE)
    assert category_scores(second)[Category.UNIQUENESS] < 25


def test_a_ring_passing_one_code_around_is_one_operator_a_public_code_is_not() -> None:
    assert promo_key({"promo_code": " summer 20 "}) == promo_key({"coupon": "SUMMER20"}) == "SUMMER20"
    assert promo_key({"plan": "pro"}) is None
    day = 86_400 * S
    ring = tuple(shared(f"ring{i}", KeyKind.PROMO, "FRIEND50", 6, T0, T0 + i * 600 * S) for i in range(5))
    found = uniqueness.analyze(IdentityProfile("me", shared=ring), Datasets())
    code = next(o for o in found if o.id == "uniqueness.shared-promo-code")
    assert code.value <= 0.3 and "ring" in links_from(ring)[0].explanation
    assert category_scores(found)[Category.UNIQUENESS] < 40
    # a public campaign's customers redeem the same code over weeks: a crowd, barely a link
    public = tuple(shared(f"c{i}", KeyKind.PROMO, "SUMMER20", 900, T0, T0 + i * 3 * day) for i in range(5))
    crowd = uniqueness.analyze(IdentityProfile("me", shared=public), Datasets())
    assert category_scores(crowd)[Category.UNIQUENESS] >= 50


def test_a_popular_public_code_redeemed_by_a_few_on_the_same_day_is_not_a_ring() -> None:
    day = 86_400 * S
    same_day = [shared(f"d{i}", KeyKind.PROMO, "WELCOME10", 47, T0, T0 + i * 3600 * S) for i in range(4)]
    over_weeks = [shared(f"w{i}", KeyKind.PROMO, "WELCOME10", 47, T0, T0 + (i + 2) * 3 * day) for i in range(42)]
    links = links_from([*same_day, *over_weeks])
    assert all("ring" not in link.explanation for link in links)
    found = uniqueness.analyze(IdentityProfile("me", shared=(*same_day, *over_weeks)), Datasets())
    assert category_scores(found)[Category.UNIQUENESS] >= 50
