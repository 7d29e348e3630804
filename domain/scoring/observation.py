"""One analyzer's finding about one identity."""

from dataclasses import dataclass, field
from typing import Any

from domain.scoring.categories import Category


@dataclass(frozen=True)
class Observation:
    category: Category
    id: str  # the analyzer's id, e.g. "authenticity.disposable-email"
    label: str  # its human name, e.g. "Disposable Email"
    explanation: str  # one sentence saying why
    value: float  # 0 suspicious … 1 legitimate
    confidence: float  # 0 … 1
    weight: float  # influence on the category's score, relative to the other findings
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (0.0 <= self.value <= 1.0 and 0.0 <= self.confidence <= 1.0 and self.weight >= 0.0):
            raise ValueError(f"observation {self.id}: value and confidence must be 0..1, weight >= 0")

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category.value,
            "id": self.id,
            "label": self.label,
            "explanation": self.explanation,
            "value": self.value,
            "confidence": self.confidence,
            "weight": self.weight,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Observation":
        return cls(
            category=Category(data["category"]),
            id=data["id"],
            label=data["label"],
            explanation=data["explanation"],
            value=data["value"],
            confidence=data["confidence"],
            weight=data["weight"],
            metadata=dict(data.get("metadata") or {}),
        )
