"""Coach notes after each scored line: the style, the words behind it, how the persona
probably heard it, and (when it was not assertive) a concrete tip.

Text comes from ``tips.yml`` (data, with several wordings each); the choice among wordings
is seeded by the turn so a replay gives the same notes.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path
from typing import Any, Optional

import yaml

from bot.engine import StepResult
from bot.results import Analysis, Cue
from bot.scenarios.schema import UNCLEAR, Scenario

TIPS_FILE = Path(__file__).with_name("tips.yml")
STYLE_NAMES = {"assertive": "assertive", "passive": "passive", "aggressive": "aggressive",
               "passive_aggressive": "passive-aggressive", UNCLEAR: "unclear"}


@functools.lru_cache(maxsize=1)
def tips() -> dict[str, Any]:
    return yaml.safe_load(TIPS_FILE.read_text(encoding="utf-8"))


def describe_style(label: str) -> str:
    return STYLE_NAMES.get(label, label)


def _quote(cues: list[Cue], limit: int = 3) -> str:
    """The cue words, longest span first where spans overlap, in the order they were said."""
    kept: list[Cue] = []
    for cue in sorted(cues, key=lambda c: -(c.end - c.start)):
        if not any(cue.start < k.end and k.start < cue.end for k in kept):
            kept.append(cue)
    kept.sort(key=lambda c: c.start)
    return ", ".join(f"\u201c{c.text}\u201d" for c in kept[:limit])


def _certainty(confidence: float) -> str:
    if confidence >= 0.85:
        return "clearly"
    if confidence >= 0.6:
        return "mostly"
    return "possibly"


def _mood(scenario: Scenario, result: StepResult) -> str:
    name = scenario.persona.name
    delta = result.state.tension - result.before.tension
    if delta >= 1.5:
        return f"{name} got a lot more tense."
    if delta > 0:
        return f"{name} got a little more tense."
    if delta <= -1:
        return f"{name} relaxed a bit."
    return f"{name}'s mood didn't change much."


def coach_note(scenario: Scenario, result: StepResult, style: Analysis, text: str,
               alternative: Optional[str] = None) -> str:
    rng = random.Random(f"{result.state.seed}:{result.state.turn}:note")
    label = style.label
    if label == UNCLEAR:
        return rng.choice(tips()["unclear"]).format(reason=style.note or "nothing to score")
    own = style.cues_for(label)
    parts = [f"That came across {_certainty(style.confidence)} as {describe_style(label)}."]
    if own:
        parts.append(f"The words that made it so: {_quote(own)}.")
    parts.append(rng.choice(scenario.persona.heard_as[label]) + " " + _mood(scenario, result))
    if label != "assertive":
        cue_types = [c.cue_type for c in own]
        by_type = tips()["by_cue_type"]
        tip_pool = next((by_type[t] for t in cue_types if t in by_type), tips()["by_style"][label])
        parts.append("Try: " + rng.choice(tip_pool))
        if alternative:
            parts.append(f"For example: \u201c{alternative}\u201d")
    elif result.move:
        parts.append(rng.choice(tips()["move_praise"]))
    return " ".join(parts)
