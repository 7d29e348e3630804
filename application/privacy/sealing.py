"""What makes an application store personal fields sealed: its mapper and the sealed values' transcoding."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder, Mapper
from eventsourcing.popo import POPOApplicationRecorder

from application.privacy.key_ring import InMemoryKeyRing, KeyRing
from application.privacy.sealing_mapper import SealedAsText, SealingMapper


class SealsPersonalData(Application[UUID]):
    """An application whose events may hold an identity's personal data (domain/privacy/personal_data.py).

    `key_ring` is where the identities' keys are kept; only an application whose events live in memory may go
    without one (its keys then live in memory too): a persistent log sealed under keys that die with the
    process would be unreadable after a restart."""

    def __init__(self, env: dict[str, str] | None = None, *, key_ring: KeyRing | None = None, **kwargs: Any) -> None:
        self.key_ring = key_ring
        super().__init__(env, **kwargs)
        if key_ring is None and not isinstance(self.recorder, POPOApplicationRecorder):
            raise ValueError(f"{self.name} stores its events: it needs a key ring kept as long as they are")

    def construct_mapper(self) -> Mapper[UUID]:
        if self.key_ring is None:
            self.key_ring = InMemoryKeyRing()
        return SealingMapper(self.construct_transcoder(), self.key_ring)

    def make_keys(self, domain_events: Sequence[DomainEventProtocol[UUID]]) -> None:
        """Before a batch of new events is stored: their keys made together (SealingMapper.make_keys)."""
        assert isinstance(self.mapper, SealingMapper)
        self.mapper.make_keys(domain_events)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(SealedAsText())
