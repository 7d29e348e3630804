from uuid import uuid4

from application.accounts.key_cache import KeyCache, KeyGrant


def grant() -> KeyGrant:
    return KeyGrant(uuid4(), uuid4())


def test_a_grant_expires_after_its_ttl() -> None:
    now = [100.0]
    cache = KeyCache(ttl=2.0, clock=lambda: now[0])
    g = grant()
    cache.put("h", g)
    now[0] += 2.0
    assert cache.get("h") == g  # good for exactly its ttl, whatever the machine's load
    now[0] += 0.001
    assert cache.get("h") is None


def test_forgetting_is_immediate_and_the_size_is_bounded() -> None:
    cache = KeyCache(ttl=60, max_entries=3)
    grants = {f"h{n}": grant() for n in range(5)}
    for key, g in grants.items():
        cache.put(key, g)
    assert [cache.get(f"h{n}") is not None for n in range(5)] == [False, False, True, True, True]
    cache.forget("h4")
    assert cache.get("h4") is None
