"""Every analyzer fires on what it looks for and stays quiet (or vouches) otherwise;
scores combine its findings deterministically; activity is kept in constant space."""

import json
import random

import disposable_email_domains
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.scoring.activity import RECENT_KEPT, Activity
from domain.scoring.analyzers import analyze, authenticity, behavior, humanity, takeover
from domain.scoring.categories import Category
from domain.scoring.combination import category_scores
from domain.scoring.datasets import DISPOSABLE_EMAIL_DOMAINS, Datasets
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile
from domain.scoring.text_signals import mash_reason

DATASETS = Datasets({DISPOSABLE_EMAIL_DOMAINS: frozenset(disposable_email_domains.blocklist)}, "test")
S = 1_000_000  # µs
T0 = 1_764_000_000 * S


def profile(activity: Activity | None = None, **fields: str) -> IdentityProfile:
    return IdentityProfile("u1", {k.upper(): v for k, v in fields.items()}, activity or Activity())


def activity(*events: tuple[float, str | None]) -> Activity:
    a = Activity()
    for seconds, kind in events:
        a.observe(T0 + int(seconds * S), kind)
    return a


# --- authenticity -------------------------------------------------------------


def test_disposable_email() -> None:
    hit = authenticity.disposable_email(profile(email="x@mailinator.com"), DATASETS)
    assert hit is not None and hit.value < 0.1 and hit.confidence > 0.9
    sub = authenticity.disposable_email(profile(email="x@eu.mailinator.com"), DATASETS)
    assert sub is not None and sub.value < 0.1
    clean = authenticity.disposable_email(profile(email="ada@gmail.com"), DATASETS)
    assert clean is not None and clean.value > 0.8
    assert authenticity.disposable_email(profile(email="not an address"), DATASETS).value <= 0.1  # type: ignore[union-attr]
    assert authenticity.disposable_email(profile(full_name="Ada"), DATASETS) is None


def test_role_address() -> None:
    assert authenticity.role_address(profile(email="info@acme.io"), DATASETS) is not None
    assert authenticity.role_address(profile(email="ada.lovelace@acme.io"), DATASETS) is None


@pytest.mark.parametrize(
    "name", ["asdfgh", "Qwerty Uiop", "aaa bbb", "xkcdqz", "test test", "Jjjjohn", "Bcdfghk Smith", "zxcvb"]
)
def test_keyboard_mash_fires(name: str) -> None:
    found = authenticity.name_quality(profile(full_name=name), DATASETS)
    assert found is not None and found.value <= 0.1, (name, found)


@pytest.mark.parametrize(
    "name",
    ["Ada Lovelace", "Gerty Cori", "Arnold Schwarzenegger", "Szczepański", "Nguyễn Thị Minh", "Bertyn", "O'Brien",
     "Li Na", "Yusuf"],
)  # fmt: skip
def test_keyboard_mash_stays_quiet_on_real_names(name: str) -> None:
    assert mash_reason(name) is None, name
    found = authenticity.name_quality(profile(full_name=name), DATASETS)
    assert found is not None and found.value > 0.8


def test_test_data() -> None:
    for fields in ({"full_name": "John Doe"}, {"username": "testuser"}, {"email": "ada@example.com"},
                   {"email": "test123@gmail.com"}):  # fmt: skip
        found = authenticity.test_data(profile(**fields), DATASETS)
        assert found is not None and found.value < 0.2, fields
    assert authenticity.test_data(profile(full_name="Ada Lovelace", email="ada@lovelace.dev"), DATASETS) is None


def test_name_email_consistency() -> None:
    match = authenticity.name_email_consistency(profile(full_name="Ada Lovelace", email="ada.l@gmail.com"), DATASETS)
    initials = authenticity.name_email_consistency(
        profile(full_name="Ada Lovelace", email="al1815@gmail.com"), DATASETS
    )
    other = authenticity.name_email_consistency(profile(full_name="Ada Lovelace", email="coolcat@gmail.com"), DATASETS)
    assert match is not None and initials is not None and other is not None
    assert match.value > 0.8 and initials.value > 0.8
    assert 0.3 < other.value < 0.6 and other.confidence < 0.5  # mild: many real addresses say nothing
    assert authenticity.name_email_consistency(profile(email="ada@gmail.com"), DATASETS) is None


# --- behavior -------------------------------------------------------------------


def test_failed_login_burst() -> None:
    burst = activity(*((i * 20, "LOGIN_FAILED") for i in range(6)))
    found = behavior.failed_logins(burst)
    assert found is not None and found.value <= 0.1 and found.metadata["failedLogins"] == 6
    spread = activity(*((i * 3600, "LOGIN_FAILED") for i in range(6)))  # one a hour: forgetful, not an attack
    assert behavior.failed_logins(spread) is None


def ato(p: IdentityProfile) -> Observation | None:
    """The account-takeover finding, if any."""
    return next((o for o in takeover.analyze(p) if o.id == takeover.ID), None)


def test_account_takeover_signal_without_context_data() -> None:
    attack = activity(*((i * 30, "LOGIN_FAILED") for i in range(4)), (400, "LOGIN"))
    found = ato(profile(attack))
    assert found is not None and found.id == "behavior.account-takeover-signal"
    assert found.metadata["followedBy"] == "LOGIN" and not found.metadata["newSource"]
    assert found.value <= 0.2 and found.confidence < 0.85  # no devices or IPs: it cannot tell who it was
    # tries, then a reset: a forgotten password, unless the owner is locked out after it
    forgot = activity(*((i * 30, "LOGIN_FAILED") for i in range(4)), (400, "PASSWORD_RESET"), (500, "PASSWORD_CHANGE"))
    assert ato(profile(forgot)) is None
    locked_out = activity(*((i * 30, "LOGIN_FAILED") for i in range(4)), (400, "PASSWORD_RESET"), (900, "EMAIL_CHANGE"))
    found = ato(profile(locked_out))
    assert found is not None and found.metadata["followedBy"] == "EMAIL_CHANGE" and found.value <= 0.2
    late = activity(*((i * 30, "LOGIN_FAILED") for i in range(4)), (3 * 3600, "PASSWORD_RESET"))
    assert ato(profile(late)) is None
    assert ato(profile(activity((0, "LOGIN_FAILED"), (60, "LOGIN")))) is None


def test_promo_velocity() -> None:
    assert behavior.promo_velocity(activity(*((i * 600, "PROMO_REDEEM") for i in range(3)))) is not None
    assert behavior.promo_velocity(activity(*((i * 86400 * 2, "PROMO_REDEEM") for i in range(3)))) is None


def test_normal_activity_vouches_only_without_risk() -> None:
    normal = behavior.analyze(profile(activity((0, "REGISTRATION"), (90, "LOGIN"), (4000, "PURCHASE"))), DATASETS)
    assert [o.id for o in normal] == ["behavior.activity"] and normal[0].value > 0.8
    risky = behavior.analyze(profile(activity(*((i * 10, "LOGIN_FAILED") for i in range(6)))), DATASETS)
    assert [o.id for o in risky] == ["behavior.failed-logins"]
    assert behavior.analyze(profile(activity((0, None))), DATASETS) == []  # nothing recognised, nothing said


# --- humanity ---------------------------------------------------------------------


def test_event_timing() -> None:
    clockwork = humanity.event_timing(profile(activity(*((i * 2.0, "LOGIN") for i in range(12)))), DATASETS)
    instant = humanity.event_timing(profile(activity(*((i * 0.01, None) for i in range(12)))), DATASETS)
    human_gaps = [0, 4, 31, 35, 160, 171, 900, 905, 2000, 2600, 2610]
    person = humanity.event_timing(profile(activity(*((t, None) for t in human_gaps))), DATASETS)
    assert clockwork is not None and clockwork.value <= 0.1
    assert instant is not None and instant.value <= 0.1
    assert person is not None and person.value > 0.8
    assert humanity.event_timing(profile(activity((0, None), (5, None))), DATASETS) is None  # too little to tell


def test_a_scheduled_script_is_clockwork_inside_its_visits() -> None:
    # Every hour, ten requests five seconds apart: irregular overall, clockwork inside each run.
    runs = [hour * 3600.0 + i * 5.0 for hour in range(4) for i in range(10)]
    cron = humanity.event_timing(profile(activity(*((t, "PAGE_VIEW") for t in runs))), DATASETS)
    assert cron is not None and cron.value <= 0.1 and cron.metadata["gapsInVisits"] == 36


def test_randomised_pauses_are_too_even_for_a_person() -> None:
    rng = random.Random(4)
    t, times = 0.0, []
    for _ in range(60):
        t += rng.uniform(20, 40)  # a sleep(uniform(20, 40)) loop: variation about 0.2
        times.append(t)
    bot = humanity.event_timing(profile(activity(*((x, "PAGE_VIEW") for x in times))), DATASETS)
    assert bot is not None and bot.value <= 0.15
    person_times = [0.0]
    for _ in range(60):
        person_times.append(person_times[-1] + rng.lognormvariate(3.0, 1.2))  # heavy-tailed, as people are
    person = humanity.event_timing(profile(activity(*((x, "PAGE_VIEW") for x in person_times))), DATASETS)
    assert person is not None and person.value > 0.8


# --- combination --------------------------------------------------------------------

observations = st.builds(
    Observation,
    category=st.sampled_from(list(Category)),
    id=st.just("x"),
    label=st.just("X"),
    explanation=st.just("x"),
    value=st.floats(0, 1),
    confidence=st.floats(0, 1),
    weight=st.floats(0, 5),
)


@given(st.lists(observations, max_size=12))
def test_scores_are_integers_0_to_100_for_categories_with_evidence_only(found: list[Observation]) -> None:
    scores = category_scores(found)
    with_evidence = {o.category for o in found if o.weight * o.confidence > 0}
    assert set(scores) == with_evidence
    assert all(isinstance(v, int) and 0 <= v <= 100 for v in scores.values())
    assert category_scores(list(reversed(found))) == scores  # order does not matter


@given(st.lists(observations, max_size=8), st.floats(0, 1), st.floats(0.1, 1), st.floats(0.1, 5))
def test_a_finding_pulls_the_score_towards_its_value(found: list[Observation], v: float, c: float, w: float) -> None:
    before = category_scores(found).get(Category.BEHAVIOR)
    after = category_scores([*found, Observation(Category.BEHAVIOR, "x", "X", "x", v, c, w)])[Category.BEHAVIOR]
    if before is not None:
        assert min(before, 100 * v) - 1 <= after <= max(before, 100 * v) + 1


def test_one_disposable_address_outweighs_ordinary_findings() -> None:
    fake = analyze(profile(email="zz@mailinator.com", full_name="Ada Lovelace"), DATASETS)
    real = analyze(profile(email="ada.lovelace@gmail.com", full_name="Ada Lovelace"), DATASETS)
    assert category_scores(fake)[Category.AUTHENTICITY] < 40 < 80 < category_scores(real)[Category.AUTHENTICITY]


# --- activity -----------------------------------------------------------------------


def test_activity_stays_small_and_round_trips() -> None:
    a = activity(*((i * 7.0, "LOGIN_FAILED" if i % 2 else "LOGIN") for i in range(5000)))
    assert a.event_count == 5000
    assert all(len(times) <= RECENT_KEPT for times in a.recent.values())
    stored = json.loads(json.dumps(a.to_dict()))
    assert Activity.from_dict(stored) == a
    assert len(json.dumps(stored)) < 4000  # no growth with history
