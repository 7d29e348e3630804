"""Identity events recorded before they named who asked (version 1) read back with no one named."""

from uuid import uuid4

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from application.tracking.application import TrackingApplication
from domain.tracking.identity import Identity


def test_version_1_edits_and_disregards_read_back_with_no_one_named() -> None:
    app = TrackingApplication()
    customer = uuid4()
    v1 = {
        Identity.AttributesEdited: b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-01-01T00:00:00+00:00"},'
        b'"customer_id":{"_type_":"uuid_hex","_data_":"' + customer.hex.encode() + b'"},"identity":"u1",'
        b'"attributes":{"_type_":"client_data","_data_":"{\\"plan\\":\\"pro\\"}"}}',
        Identity.DisregardChanged: b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-01-01T00:00:00+00:00"},'
        b'"customer_id":{"_type_":"uuid_hex","_data_":"' + customer.hex.encode() + b'"},"identity":"u1",'
        b'"disregarded":true}',
    }
    read = {
        cls: app.mapper.to_domain_event(StoredEvent(uuid4(), 2, get_topic(cls), state)) for cls, state in v1.items()
    }
    edited, changed = read[Identity.AttributesEdited], read[Identity.DisregardChanged]
    assert edited.edited_by is None and dict(edited.attributes) == {"plan": "pro"}  # type: ignore[attr-defined]
    assert changed.changed_by is None and changed.disregarded is True  # type: ignore[attr-defined]


def test_edits_and_disregards_name_who_asked() -> None:
    app = TrackingApplication()
    customer = uuid4()
    app.edit_identity(customer, "u1", attributes={"plan": "pro"}, disregarded=True, by="user:42")
    events = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 10)]
    named = {type(e).__name__: e for e in events}
    assert named["AttributesEdited"].edited_by == "user:42"  # type: ignore[attr-defined]
    assert named["DisregardChanged"].changed_by == "user:42"  # type: ignore[attr-defined]
