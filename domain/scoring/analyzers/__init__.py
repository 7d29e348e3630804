"""Every analyzer, run in a fixed order. RULES_VERSION names this set of rules: a
cycle records it, so an auditor knows which rules produced which scores. Change it
whenever an analyzer's logic or numbers change."""

from domain.scoring.analyzers import authenticity, behavior, device_humanity, humanity, uniqueness
from domain.scoring.datasets import Datasets
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile

RULES_VERSION = "2026.12.01-14"


def analyze(profile: IdentityProfile, datasets: Datasets) -> list[Observation]:
    found: list[Observation] = []
    for analyzer in (*humanity.ANALYZERS, *device_humanity.ANALYZERS, *authenticity.ANALYZERS):
        observation = analyzer(profile, datasets)
        if observation is not None:
            found.append(observation)
    found.extend(uniqueness.analyze(profile, datasets))
    found.extend(behavior.analyze(profile, datasets))
    return found
