"""An identity's neighbourhood in the identity graph, as its page draws it: the identity, the identities it
links to (the GRAPH_SIZE most strongly linked), and the links among those. No second level: a neighbour's
links to identities not drawn are left out, and each neighbour's links are read as a cycle reads them (bounded
however crowded its keys), so the page's cost is bounded by GRAPH_SIZE."""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Connection, select

from domain.scoring.links import Link, LinkType
from projections.schema import identities
from projections.scoring.queries.links import LinkedIdentity
from projections.scoring.queries.scoring_queue import load_inputs

GRAPH_SIZE = 12  # each drawn neighbour costs a bounded read of its links: a cycle's inputs, a few indexed statements
_SCORES = ("humanity_score", "authenticity_score", "uniqueness_score", "behavior_score")


@dataclass(frozen=True)
class GraphNode:
    identity_id: str
    display_name: str | None
    worst_score: int | None  # the lowest of its scores (None: never scored)


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    links: tuple[Link, ...]  # one per link type, strongest first


@dataclass(frozen=True)
class LinkGraph:
    nodes: list[GraphNode]  # the identity first, then its neighbours, strongest link first
    edges: list[GraphEdge]
    left_out: int  # linked identities beyond GRAPH_SIZE, in the table but not drawn


def link_graph(
    conn: Connection, customer_id: UUID, identity: str, links: Sequence[LinkedIdentity], size: int = GRAPH_SIZE
) -> LinkGraph:
    """`links` are the identity's own (projections.scoring.queries.links.identity_links, strongest first): its
    edges are exactly what its table lists. Between two neighbours each side's view is read, and per link type
    the stronger kept (a link's strength can differ by side: which of the two began on a shared address)."""
    neighbours = list(dict.fromkeys(item.link.other for item in links if item.link.other != identity))
    drawn = neighbours[:size]
    order = {name: n for n, name in enumerate([identity, *drawn])}
    pairs: dict[tuple[str, str], dict[LinkType, Link]] = {}

    def add(one: str, link: Link) -> None:
        if link.other not in order or link.other == one:
            return
        pair = (one, link.other) if order[one] < order[link.other] else (link.other, one)
        kept = pairs.setdefault(pair, {})
        if link.type not in kept or link.value > kept[link.type].value:
            kept[link.type] = link

    for item in links:
        add(identity, item.link)
    for other in drawn:
        inputs = load_inputs(conn, customer_id, other)
        for link in inputs.profile.links() if inputs else ():
            if link.other != identity:  # the identity's own view of that edge is the one its table shows
                add(other, link)
    edges = [
        GraphEdge(source, target, tuple(sorted(kept.values(), key=lambda lk: (-lk.value, lk.type.value))))
        for (source, target), kept in sorted(pairs.items(), key=lambda p: (order[p[0][0]], order[p[0][1]]))
    ]
    return LinkGraph(_nodes(conn, customer_id, list(order)), edges, len(neighbours) - len(drawn))


def _nodes(conn: Connection, customer_id: UUID, ids: list[str]) -> list[GraphNode]:
    i = identities.c
    rows = conn.execute(
        select(i.identity_id, i.display_name, *(i[c] for c in _SCORES)).where(
            i.customer_id == customer_id, i.identity_id.in_(ids)
        )
    )
    found = {r.identity_id: r for r in rows}
    nodes = []
    for identity in ids:
        row = found.get(identity)
        scores = [s for s in (getattr(row, c) for c in _SCORES) if s is not None] if row else []
        nodes.append(GraphNode(identity, row.display_name if row else None, min(scores) if scores else None))
    return nodes
