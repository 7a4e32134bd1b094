"""One result shape for every analyser (style scorer, crisis screen).

Text and context go in; a label, probabilities and the cited spans that explain it come out,
so feedback, storage and tests treat every analyser alike.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

_TYPOGRAPHIC = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                              "\u2032": "'", "\u00b4": "'", "\u2014": "-", "\u2013": "-"})


def plain_quotes(text: str) -> str:
    """Phone keyboards type curly apostrophes; patterns are written with straight ones.

    One-for-one replacements, so character offsets into the original text stay valid.
    """
    return text.translate(_TYPOGRAPHIC)


@dataclass(frozen=True)
class Cue:
    """A span of the user's text that pushed the decision, with the pattern that found it."""

    start: int
    end: int
    text: str
    cue_id: str
    cue_type: str
    points_to: str


@dataclass
class Analysis:
    label: str
    probabilities: dict[str, float]
    confidence: float
    cues: list[Cue] = field(default_factory=list)
    truncated: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["probabilities"] = {k: round(v, 4) for k, v in self.probabilities.items()}
        data["confidence"] = round(self.confidence, 4)
        return data

    def cues_for(self, label: str) -> list[Cue]:
        return [c for c in self.cues if c.points_to == label]
