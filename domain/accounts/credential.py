"""An API credential: a public browser key and a secret server key.

Only a keyed hash of the secret key is ever recorded; the aggregate id is
derived from that hash so authentication is a single lookup by id."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import Conflict
from domain.ids import credential_id_for_key_hash


class Credential(Aggregate):
    @staticmethod
    def create_id(secret_key_hash: str) -> UUID:
        return credential_id_for_key_hash(secret_key_hash)

    @event("Issued")
    def __init__(
        self,
        customer_id: UUID,
        name: str,
        public_key: str,
        secret_key_hash: str,
        allowed_origins: list[str],
        issued_by: UUID,
    ) -> None:
        self.customer_id = customer_id
        self.name = name
        self.public_key = public_key
        self.secret_key_hash = secret_key_hash
        self.allowed_origins = list(allowed_origins)
        self.issued_by = issued_by
        self.enabled = True
        self.revoked = False

    @property
    def usable(self) -> bool:
        return self.enabled and not self.revoked

    def disable(self) -> None:
        self._check_usable()
        if self.enabled:
            self._disabled()

    def enable(self) -> None:
        self._check_usable()
        if not self.enabled:
            self._enabled()

    def rename(self, name: str) -> None:
        self._check_usable()
        if name != self.name:
            self._renamed(name=name)

    def allow_origins(self, origins: list[str]) -> None:
        """The browser origins its public key may send events from (a fix needs no new key pair)."""
        self._check_usable()
        if list(origins) != self.allowed_origins:
            self._origins_changed(allowed_origins=list(origins))

    def _check_usable(self) -> None:
        if self.revoked:
            raise Conflict("A revoked credential cannot be changed")

    def revoke(self) -> None:
        if not self.revoked:
            self._revoked()

    @event("Disabled")
    def _disabled(self) -> None:
        self.enabled = False

    @event("Enabled")
    def _enabled(self) -> None:
        self.enabled = True

    @event("Revoked")
    def _revoked(self) -> None:
        self.revoked = True
        self.enabled = False

    @event("Renamed")
    def _renamed(self, name: str) -> None:
        self.name = name

    @event("OriginsChanged")
    def _origins_changed(self, allowed_origins: list[str]) -> None:
        self.allowed_origins = list(allowed_origins)
