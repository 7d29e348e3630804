"""An identity's links in the identity graph, as a cycle would see them now."""

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Connection

from domain.scoring.links import Link, SharedKey
from projections.scoring.queries.scoring_queue import load_inputs
from projections.tracking.queries.identities import display_names


@dataclass(frozen=True)
class LinkedIdentity:
    link: Link
    display_name: str | None


@dataclass(frozen=True)
class Neighbourhood:
    links: list[LinkedIdentity]  # strongest first
    shared: tuple[SharedKey, ...]  # the keys behind them: who else holds each of the identity's keys


def identity_links(conn: Connection, customer_id: UUID, identity: str) -> list[LinkedIdentity]:
    return neighbourhood(conn, customer_id, identity).links


def neighbourhood(conn: Connection, customer_id: UUID, identity: str) -> Neighbourhood:
    """The identity's links and the shared keys they stand on, from one read of a cycle's inputs."""
    inputs = load_inputs(conn, customer_id, identity)
    if inputs is None:
        return Neighbourhood([], ())
    links = inputs.profile.links()  # with when the account began, as a cycle ranks them
    names = display_names(conn, customer_id, {link.other for link in links})
    return Neighbourhood([LinkedIdentity(link, names.get(link.other)) for link in links], inputs.profile.shared)
