"""Each team's own dataset entries as they stood at any position of the Scoring log, rebuilt by following it.

A cycle records its team datasets version as "c<position>": the log position of the team's latest entry change
the cycle's read models had applied ("c0": none yet). The entries a cycle scored against are therefore those
of every change of the team up to and including that position, whatever changed after it."""

from bisect import bisect_right
from collections.abc import Mapping
from types import MappingProxyType
from uuid import UUID

from domain.scoring.datasets import Datasets, overlay
from domain.scoring.fraud_decision import NO_TEAM_DATASETS

EMPTY: Mapping[str, frozenset[str]] = MappingProxyType({})


def team_position(team_version: str) -> int | None:
    """The log position a team datasets version names; None if it is no such label."""
    if team_version == NO_TEAM_DATASETS:
        return 0
    digits = team_version[1:]
    if team_version[:1] != "c" or not digits.isascii() or not digits.isdigit():
        return None
    return int(digits)


class TeamDatasetsHistory:
    """Fed every DatasetEntry change in log order; answers what a team's lists held at a position."""

    def __init__(self) -> None:
        self._teams: dict[UUID, _Team] = {}

    def apply(self, position: int, customer_id: UUID, slug: str, key: str, *, present: bool) -> None:
        team = self._teams.get(customer_id)
        if team is None:
            team = self._teams[customer_id] = _Team()
        team.apply(position, slug, key, present)

    def entries_at(self, customer_id: UUID, position: int) -> Mapping[str, frozenset[str]] | None:
        """The team's entries by slug just after its change at `position` (none at 0); None when no change of
        this team was recorded at that position, so the version cannot be what the log holds."""
        if position == 0:
            return EMPTY
        team = self._teams.get(customer_id)
        return None if team is None else team.entries_at(position)


class _Team:
    """One team's changes, and its entries as of the position last asked for: decisions, read in log order,
    mostly ask for the latest change or one a little older, so the state only moves forward between asks."""

    def __init__(self) -> None:
        self.positions: list[int] = []
        self.changes: list[tuple[str, str, bool]] = []  # (slug, key, present), as self.positions
        self._state: dict[tuple[str, str], bool] = {}
        self._upto = 0  # changes folded into _state
        self._asked: tuple[int, Mapping[str, frozenset[str]]] | None = None

    def apply(self, position: int, slug: str, key: str, present: bool) -> None:
        if self.positions and position <= self.positions[-1]:
            raise ValueError(f"dataset changes must come in log order: {position} after {self.positions[-1]}")
        self.positions.append(position)
        self.changes.append((slug, key, present))

    def entries_at(self, position: int) -> Mapping[str, frozenset[str]] | None:
        if self._asked is not None and self._asked[0] == position:
            return self._asked[1]
        upto = bisect_right(self.positions, position)
        if upto == 0 or self.positions[upto - 1] != position:
            return None
        if upto < self._upto:
            self._state, self._upto = {}, 0
        for slug, key, present in self.changes[self._upto : upto]:
            self._state[(slug, key)] = present
        self._upto = upto
        found: dict[str, set[str]] = {}
        for (slug, key), present in self._state.items():
            if present:
                found.setdefault(slug, set()).add(key)
        entries = MappingProxyType({slug: frozenset(keys) for slug, keys in found.items()})
        self._asked = (position, entries)
        return entries


class ReplayDatasets:
    """The datasets recorded decisions were scored with: this installation's GLOBAL ones (`shipped`) overlaid by
    each team's own entries as of a team version. Overlaying copies the GLOBAL lists a team adds to, so each
    team's is made once per version it is asked for in a row."""

    def __init__(self, shipped: Datasets, history: TeamDatasetsHistory) -> None:
        self.shipped = shipped
        self.history = history
        self._last: dict[UUID, tuple[str, Datasets]] = {}

    def at(self, customer_id: UUID, team_version: str) -> Datasets | None:
        """None when the version names no change of the team's that the log holds."""
        last = self._last.get(customer_id)
        if last is not None and last[0] == team_version:
            return last[1]
        position = team_position(team_version)
        entries = None if position is None else self.history.entries_at(customer_id, position)
        if entries is None:
            return None
        datasets = overlay(self.shipped, entries, team_version)
        self._last[customer_id] = (team_version, datasets)
        return datasets
