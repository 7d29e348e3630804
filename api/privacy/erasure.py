"""DELETE /api/identities/{id} (routed with the identity's other methods, api/tracking/identities.py): erase an
identity's personal data (application/privacy/erasure.py).

Answers once the read models no longer hold it: the Tracking projection has purged them and, on the embedded
default's SQLite, the write-ahead log is emptied (projections/privacy/purge.py)."""

import msgspec

from adapters.bootstrap import Container
from api.auth import Caller, limit_key
from api.errors import NotFound
from api.team.activity import RequestActivity
from api.time import format_time
from domain.team.activity import Kind
from domain.tracking import limits
from projections.read_models import TRACKING
from projections.tracking.queries.identities import get_identity

ERASE_DOC = """Erase the identity's personal data (attributes, e-mails, names, addresses, user agents, event data,
the explanations that quote them) everywhere, for good: its key is destroyed, so every stored copy is unreadable,
and the read models drop theirs. Its scores and non-personal history (event types and times, decisions' scores)
stay, and it shows as erased. What the app sends about it afterwards is stored already erased. Asking again
changes nothing and answers with the first erasure's time."""


class ErasedOut(msgspec.Struct, rename="camel"):
    identity_id: str
    erased_at: str  # when it was first erased
    already_erased: bool  # erased before this request: nothing changed now


def erase_identity(container: Container, caller: Caller, activity: RequestActivity, identity: str) -> ErasedOut:
    limits.check_text("identity id", identity, limits.MAX_IDENTITY_ID)
    read_models = container.read_models
    with read_models.current(TRACKING) as conn:
        if get_identity(conn, caller.customer_id, identity) is None:
            raise NotFound("Identity not found")
    erased = container.erasure.erase(caller.customer_id, identity, limit_key(caller))
    if erased.now:
        container.purged_through(erased.position)
        activity.note(Kind.IDENTITY_ERASED, identity)
    return ErasedOut(identity, format_time(erased.erased_at) or "", already_erased=not erased.now)
