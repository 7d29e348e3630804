"""An identity's links in the identity graph, as a cycle would see them now."""

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Connection

from domain.scoring.links import Link
from projections.scoring.queries.scoring_queue import load_inputs
from projections.tracking.queries.identities import display_names


@dataclass(frozen=True)
class LinkedIdentity:
    link: Link
    display_name: str | None


def identity_links(conn: Connection, customer_id: UUID, identity: str) -> list[LinkedIdentity]:
    inputs = load_inputs(conn, customer_id, identity)
    if inputs is None:
        return []
    links = inputs.profile.links()  # with when the account began, as a cycle ranks them
    names = display_names(conn, customer_id, {link.other for link in links})
    return [LinkedIdentity(link, names.get(link.other)) for link in links]
