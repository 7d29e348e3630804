"""An identity's neighbourhood in the identity graph, as its page draws it: the identity, the identities it
links to (the GRAPH_SIZE most strongly linked), and the links among those that run through the identity's own
keys: two neighbours who hold one of its addresses, devices or mailboxes hold it together, and are linked as a
cycle would link them through it (domain.scoring.links.links_from). No second level, and no read per neighbour:
the page costs one read of the identity's cycle inputs however crowded its graph (reading each neighbour's took
13 reads, most of an identity page's time). A link two neighbours have through a key the identity does not hold
is left out; each neighbour's own page shows it."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Connection, select

from domain.scoring.link_keys import KeyKind
from domain.scoring.links import Link, LinkType, SharedKey, links_from
from projections.schema import identities
from projections.scoring.queries.links import Neighbourhood

GRAPH_SIZE = 12  # more would crowd the picture; the table lists them all
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
    conn: Connection, customer_id: UUID, identity: str, around: Neighbourhood, size: int = GRAPH_SIZE
) -> LinkGraph:
    """The identity's edges are exactly what its table lists (`around.links`, strongest first)."""
    neighbours = list(dict.fromkeys(item.link.other for item in around.links if item.link.other != identity))
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

    for item in around.links:
        add(identity, item.link)
    for one, shared in _shared_among(around.shared, set(drawn)).items():
        for link in links_from(shared):
            add(one, link)
    edges = [
        GraphEdge(source, target, tuple(sorted(kept.values(), key=lambda lk: (-lk.value, lk.type.value))))
        for (source, target), kept in sorted(pairs.items(), key=lambda p: (order[p[0][0]], order[p[0][1]]))
    ]
    return LinkGraph(_nodes(conn, customer_id, list(order)), edges, len(neighbours) - len(drawn))


def _shared_among(shared: Sequence[SharedKey], drawn: set[str]) -> dict[str, list[SharedKey]]:
    """Per drawn neighbour, the identity's keys it holds with other drawn neighbours, as its own SharedKeys."""
    holders: dict[tuple[KeyKind, str], dict[str, SharedKey]] = defaultdict(dict)
    for item in shared:
        if item.other in drawn:
            holders[(item.kind, item.key)][item.other] = item
    found: dict[str, list[SharedKey]] = defaultdict(list)
    for (kind, key), holding in holders.items():
        for one, mine in holding.items():
            found[one] += [SharedKey(other, kind, key, mine.sharers, mine.other_since, theirs.other_since)
                           for other, theirs in holding.items() if other != one]  # fmt: skip
    return found


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
