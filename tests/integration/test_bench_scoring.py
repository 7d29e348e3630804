"""bench/scoring_quality.py and its traffic generator on a tiny population: structure only, no
timing and no quality goal, so the benchmark cannot rot unnoticed."""

import math
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from faker import Faker

from adapters.bootstrap import Container
from bench import scoring_quality as bench
from bench.traffic import END, GOOD_POPULATIONS, LEGIT, LOCALES, POPULATIONS, START, generate
from domain.scoring.categories import ORDER

PER_CLASS = 5

# Faker imports a locale's providers at its first use, and pytest rewrites them on import (faker is a pytest
# plugin) with ast.parse, which CPython 3.11.7 cannot run while another thread of the process also builds an
# AST ("AST constructor recursion depth mismatch", python/cpython#106905, fixed in 3.11.8): import them here,
# at collection, before any test has started a thread.
for _locale in LOCALES:
    Faker(_locale)


def test_the_generator_is_deterministic_and_labels_every_population() -> None:
    first, again, other = generate(PER_CLASS, seed=3), generate(PER_CLASS, seed=3), generate(PER_CLASS, seed=4)
    assert [(i.id, i.population, i.variant, i.events) for i in first] == [
        (i.id, i.population, i.variant, i.events) for i in again
    ]
    assert [i.id for i in first] != [i.id for i in other]
    assert Counter(i.population for i in first) == dict.fromkeys(POPULATIONS, PER_CLASS)
    assert len({i.id for i in first}) == len(first)
    assert {i.population for i in first if not i.bad} == GOOD_POPULATIONS == {LEGIT}
    for identity in first:
        assert identity.events, identity
        assert all(START <= e.at < END < datetime.now(UTC) for e in identity.events), identity.id
        assert all(isinstance(e.type, str) and e.type for e in identity.events)


@pytest.fixture
def team() -> Iterator[tuple[Container, UUID]]:
    with tempfile.TemporaryDirectory() as tmp:
        container, team_id = bench.open_team(Path(tmp))
        try:
            yield container, team_id
        finally:
            container.close()


def test_the_quality_pipeline_scores_every_identity(
    team: tuple[Container, UUID], capsys: pytest.CaptureFixture[str]
) -> None:
    container, team_id = team
    identities = generate(PER_CLASS, seed=1)
    run = bench.run_quality(container, team_id, identities)
    assert run.events == sum(len(i.events) for i in identities)
    assert run.unscored() == []
    for scored in run.scored.values():
        assert scored.observations, scored.identity.id
        assert all(v is None or 0 <= v <= 100 for v in scored.scores.values())
    # Events with a device went in as browser events, so Humanity judged the devices' signals too.
    found = {o["id"] for s in run.scored.values() for o in s.observations}
    device_findings = {f for f in found if f.startswith("humanity.") and f != "humanity.event-timing"}
    assert "humanity.real-browser" in device_findings
    assert device_findings & {"humanity.automation", "humanity.headless-browser"}
    results = bench.report_quality(run, explain=2)
    assert set(results) == set(ORDER)
    for category, targets in bench.TARGETS.items():
        assert targets and set(targets) <= set(POPULATIONS) - GOOD_POPULATIONS
        value = bench.category_auc(run, category, targets)
        assert not math.isnan(value) and 0.0 <= value <= 1.0
        assert results[category] == value
    printed = capsys.readouterr().out
    for category in ORDER:
        assert f"  {category.value:<13}" in printed
    assert "counts as 50" in printed and ("PASS" in printed or "FAIL" in printed)

    costs = bench.measure_cycle_cost(container, team_id, sizes=(10, 50), runs=2, warmup=1, seed=1)
    assert [c.events for c in costs] == [10, 50]
    assert all(len(c.cycle_ms) == 2 and c.keys > 0 for c in costs)
    assert bench.report_cost(costs, runs=2, warmup=1) > 0
