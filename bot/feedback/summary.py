"""The end-of-scene summary: style mix, tension over the turns, outcome, one strength with
the user's own words, one thing to practise next, and a suggested next step."""

from __future__ import annotations

from collections import Counter
from typing import Any, Optional

from bot.engine import SceneState
from bot.feedback.notes import describe_style
from bot.scenarios.schema import STYLES, Scenario

NEXT_FOCUS = {
    "passive": "saying your request plainly, with a day or a task in it, and no apology first",
    "aggressive": "describing one specific event and how it affected you, without labels or 'always'",
    "passive_aggressive": "saying what bothers you openly instead of through sarcasm or hints",
}


def _current(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The turns that stand: a retried line is replaced by its retry."""
    replaced = {t.get("retry_of") for t in turns if t.get("retry_of")}
    return [t for t in turns if t.get("id") not in replaced or t.get("id") is None]


def summary_for(scenario: Scenario, state: Optional[SceneState], turns: list[dict[str, Any]]) -> dict[str, Any]:
    standing = [t for t in _current(turns) if t["label"] in STYLES]
    counts = Counter(t["label"] for t in standing)
    total = sum(counts.values())
    shares = {s: round(counts[s] / total, 3) if total else 0.0 for s in STYLES}
    tension = ([standing[0]["tension_before"]] if standing else []) + [t["tension"] for t in standing]
    goal_reached = bool(state and state.ending == "goal")
    best = max((t for t in standing if t["label"] == "assertive"),
               key=lambda t: t["tension_before"] - t["tension"] + len(t["cues"]) * 0.1, default=None)
    weak = Counter(t["label"] for t in standing if t["label"] != "assertive").most_common(1)
    focus_style = weak[0][0] if weak else None
    difficulty = state.difficulty if state else "medium"
    if goal_reached and difficulty != "hard":
        suggestion = f"try this scene again on {'medium' if difficulty == 'easy' else 'hard'}"
    elif goal_reached:
        suggestion = "try a different scenario"
    else:
        suggestion = "try this scene again" + (" on easy" if difficulty != "easy" else "")

    lines = [f"Summary: {scenario.title}"]
    if total:
        mix = ", ".join(f"{describe_style(s)} {counts[s]}" for s in STYLES if counts[s])
        lines.append(f"Your {total} line{'s' if total != 1 else ''}: {mix}.")
        lines.append("Tension over the scene: " + " \u2192 ".join(f"{v:g}" for v in tension) + " (0 calm, 10 walk-out).")
    lines.append("Goal reached: " + ("yes. " if goal_reached else "not this time. ") + scenario.goal)
    if best:
        lines.append(f"Strength: you said \u201c{best['text']}\u201d, which was clear and respectful.")
    if focus_style:
        lines.append(f"To practise next: {NEXT_FOCUS[focus_style]}.")
    lines.append(f"Next: {suggestion}.")
    return {
        "scenario_id": scenario.id, "turns": total, "counts": {s: counts[s] for s in STYLES},
        "shares": shares, "tension": tension, "goal_reached": goal_reached,
        "ending": state.ending if state else None,
        "strength": best["text"] if best else None, "practise_next": focus_style,
        "suggestion": suggestion, "text": "\n".join(lines),
    }
