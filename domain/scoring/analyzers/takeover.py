"""Account takeover: someone other than the owner getting in, and changing the keys.

What separates an attacker from an owner who forgot a password is where they come
from: a device the account never used, or a network (an IPv4 /24, an IPv6 /64) it
never used; a carrier or an ISP hands its own customers new addresses inside the
same networks. All windows are measured from the identity's own events."""

from collections.abc import Iterable

from domain.scoring.categories import Category
from domain.scoring.link_keys import KeyKind, network
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile
from domain.scoring.windows import DAY, HOUR, MINUTE, densest

B = Category.BEHAVIOR
ID = "behavior.account-takeover-signal"
LABEL = "Account Takeover Signal"
KEY_CHANGES = ("PASSWORD_RESET", "PASSWORD_CHANGE", "EMAIL_CHANGE")


def new_sources(profile: IdentityProfile, start: int, end: int) -> list[str]:
    """Devices, and networks, first used by the account between start and end: never before start."""
    earlier_networks = {network(key) for kind, key, since in profile.sources if kind is KeyKind.IP and since < start}
    found: list[str] = []
    for kind, key, since in profile.sources:
        if not start <= since <= end:
            continue
        if kind is KeyKind.DEVICE:
            found.append("device")
        elif network(key) not in earlier_networks:
            found.append("network")
    return found


def arrived_with_intruder(profile: IdentityProfile, since: int | None) -> bool:
    """Whether a device or client first seen at `since` came to an account at least a day old within the hour
    of failed logins or of its keys being changed: an intruder's, or the owner's new phone at a reset. Either
    way it says nothing of whether the account's owner is a person, which the owner's own devices tell; an
    intruder is judged as a takeover, here."""
    activity = profile.activity
    if since is None or activity.first_seen is None or since - activity.first_seen < DAY:
        return False
    return any(
        abs(since - moment) <= HOUR for kind in ("LOGIN_FAILED", *KEY_CHANGES) for moment in activity.times(kind)
    )


def intruder_devices(profile: IdentityProfile) -> frozenset[str]:
    """The tracked devices that arrived with an intruder (arrived_with_intruder)."""
    return frozenset(
        key for kind, key, since in profile.sources if kind is KeyKind.DEVICE and arrived_with_intruder(profile, since)
    )


def _sends(profile: IdentityProfile, kind: KeyKind) -> bool:
    """Whether the app's events carry this kind of source (devices, IP addresses) at all."""
    return any(found is kind for found, _, _ in profile.sources)


def _owner_may_have_spent(profile: IdentityProfile, then: str, start: int, end: int) -> bool:
    """Whether what followed a change of the keys was only money or codes spent, from a new device that was not
    in a data centre (first used between start and end): an owner on a new phone buying is as likely as an
    intruder cashing in. Without devices from the app, nothing tells the two apart."""
    if then not in _CASHING_IN or not _sends(profile, KeyKind.DEVICE):
        return False
    new = {key for kind, key, since in profile.sources if kind is KeyKind.DEVICE and start <= since <= end}
    return not any(d.hosting for d in profile.devices if d.fingerprint in new)


def _first_after(times: Iterable[int], start: int, end: int) -> int | None:
    return next((t for t in times if start <= t <= end), None)


def guessed_then_in(profile: IdentityProfile) -> Observation | None:
    """Failed logins, then a way in or a change of the keys, from somewhere the account never was."""
    activity = profile.activity
    failures = activity.times("LOGIN_FAILED")
    for window, needed, follow_within in ((30 * MINUTE, 3, HOUR), (DAY, 3, DAY)):
        burst, first, last = densest(failures, window)
        if burst < needed or first is None or last is None:
            continue
        reset = _first_after(activity.times("PASSWORD_RESET"), last, last + follow_within)
        if reset is not None:
            # Tries, then a reset: a password forgotten, and an intruder could only reset it holding the owner's
            # mailbox. What follows the reset's flow tells the two apart.
            found = _intruder_after_reset(profile, burst, first, reset)
            if found is not None:
                return found
            continue
        for follow_up in (*KEY_CHANGES, "LOGIN"):
            at = _first_after(activity.times(follow_up), last, last + follow_within)
            if at is None:
                continue
            novel = new_sources(profile, first - 10 * MINUTE, at + MINUTE)
            if not novel and (profile.sources or window == DAY):
                # The owner, from their own device and network, who forgot a password; and a day of
                # scattered failures says nothing unless they came from somewhere new.
                continue
            sure = 0.85 if novel else 0.6  # without context data we cannot tell the owner from an attacker
            where = f" from a new {novel[0]}" if novel else ""
            return Observation(B, ID, LABEL,
                               f"{burst} failed logins, then {follow_up.lower().replace('_', ' ')}{where}: "
                               "the pattern of an account takeover.",
                               0.05 if novel else 0.2, sure, 3.0,
                               {"failedLogins": burst, "followedBy": follow_up, "newSource": bool(novel)})  # fmt: skip
    return None


def _intruder_after_reset(profile: IdentityProfile, burst: int, first: int, reset: int) -> Observation | None:
    """After failed logins and a reset from somewhere new, the intruder's next step: another key changed (the
    email: the owner locked out), or money or codes spent from a data centre (or where no device is known)."""
    novel = new_sources(profile, first - 10 * MINUTE, reset + MINUTE)
    then = _followed_up(profile, "PASSWORD_RESET", reset)
    if then is None or (not novel and profile.sources):
        return None
    if _owner_may_have_spent(profile, then, first - 10 * MINUTE, reset + MINUTE):
        return None
    where = f" from a new {novel[0]}" if novel else ""
    return Observation(B, ID, LABEL,
                       f"{burst} failed logins, then password reset{where} and {then.lower().replace('_', ' ')}: "
                       "the pattern of an account takeover.",
                       0.05 if novel else 0.2, 0.85 if novel else 0.6, 3.0,
                       {"failedLogins": burst, "followedBy": then, "newSource": bool(novel)})  # fmt: skip


# What an intruder does once the keys are theirs: locks the owner out for good, or cashes in.
_CASHING_IN = ("PURCHASE", "PROMO_REDEEM")


# A reset and the new password it leads to are one forgotten password, not two changes of the keys.
_ONE_FLOW = frozenset({"PASSWORD_RESET", "PASSWORD_CHANGE"})


def _followed_up(profile: IdentityProfile, change: str, at: int) -> str | None:
    """What followed a change of the keys within the day: another key changed (the email after the
    password), or money or codes spent."""
    activity = profile.activity
    flow = _ONE_FLOW if change in _ONE_FLOW else frozenset({change})
    for then in (*(c for c in KEY_CHANGES if c not in flow), *_CASHING_IN):
        if _first_after(activity.times(then), at, at + DAY) is not None:
            return then
    return None


def keys_changed_from_new_device(profile: IdentityProfile) -> Observation | None:
    """On an account at least a day old, a password or email changed within the hour of a new device and a
    new network (or, when the app sends no devices, a new network) showing up, and the intruder's next step
    within the day (another key changed, a purchase, a code redeemed): a stolen session or credentials. The
    same change with nothing after it, or from a new device on the account's own network, is mostly an owner
    on a new device who forgot a password: weak."""
    activity = profile.activity
    if activity.first_seen is None:
        return None
    has_devices = _sends(profile, KeyKind.DEVICE)
    has_networks = _sends(profile, KeyKind.IP)
    weak: Observation | None = None
    for change in KEY_CHANGES:
        for at in activity.times(change):
            if at - activity.first_seen < DAY:
                continue
            novel = new_sources(profile, at - HOUR, at + MINUTE)
            if "device" in novel or (not has_devices and "network" in novel):
                source = "device" if "device" in novel else "network"
                what = change.lower().replace("_", " ")
                then = _followed_up(profile, change, at)
                # A new device on a network the account already used is the owner's new computer at home (or a
                # housemate's), whatever follows; an intruder comes from elsewhere.
                if then is not None and ("network" in novel or not has_networks):
                    meta = {"change": change, "newSource": source, "followedBy": then}
                    done = f"{what} from a {source} this account had never used, then {then.lower().replace('_', ' ')}"
                    if _owner_may_have_spent(profile, then, at - HOUR, at + MINUTE):
                        # An owner on a new phone resets a forgotten password to buy something; an intruder
                        # who only buys, from a person's network rather than a server's, is the rarer reading.
                        return Observation(B, ID, LABEL,
                                           f"{done} within the day: an owner on a new phone buying, or an intruder "
                                           "cashing in.", 0.3, 0.6, 2.0, meta)  # fmt: skip
                    return Observation(B, ID, LABEL, f"{done} within the day.", 0.1, 0.8, 3.0, meta)
                if weak is None:
                    why = (
                        "on a network it had used: most likely the owner's new device"
                        if then is not None
                        else "nothing after it yet: an owner on a new device, or an intruder's first step"
                    )
                    weak = Observation(B, "behavior.key-change-from-new-device", "Key Change From A New Device",
                                       f"{what} from a {source} this account had never used, {why}.",
                                       0.4, 0.45, 1.0, {"change": change, "newSource": source})  # fmt: skip
            if "network" in novel and weak is None:
                # A script sends no device: a change from a new network alone, on an account whose
                # owner uses known devices, is a weaker sign (people also reset passwords at work).
                weak = Observation(B, "behavior.key-change-from-new-network", "Key Change From A New Network",
                                   f"{change.lower().replace('_', ' ')} from a network this account had never used.",
                                   0.3, 0.55, 1.5, {"change": change})  # fmt: skip
    return weak


def new_device_login(profile: IdentityProfile) -> Observation | None:
    """On an established account, a login from a device and a network it never used, at once: a new
    phone on holiday, or stolen credentials. Weak alone, somewhat stronger when money moves within the hour
    (people log in to buy, so a purchase alone does not make it a takeover; a key changed does, above)."""
    activity = profile.activity
    if activity.first_seen is None:
        return None
    for at in activity.times("LOGIN"):
        if at - activity.first_seen < 7 * DAY:
            continue
        novel = new_sources(profile, at - 5 * MINUTE, at + MINUTE)
        if "device" in novel and "network" in novel:
            # A new phone on mobile data is both at once, and people get new phones: weak alone.
            spent = _first_after(activity.times("PURCHASE"), at, at + HOUR) is not None
            return Observation(B, "behavior.new-device-login", "New Device Login",
                               "Logged in from a device and a network this account had never used"
                               + (", and made a purchase within the hour." if spent else "."),
                               0.35 if spent else 0.4, 0.55 if spent else 0.45, 1.5 if spent else 1.0,
                               {"purchaseWithinHour": spent})  # fmt: skip
    return None


def analyze(profile: IdentityProfile) -> list[Observation]:
    stolen = guessed_then_in(profile) or keys_changed_from_new_device(profile)
    if stolen is not None:
        return [stolen]
    found = new_device_login(profile)
    return [found] if found is not None else []
