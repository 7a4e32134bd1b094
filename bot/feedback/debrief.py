"""The guided debrief: IPT communication analysis of the scene's most instructive turns.

For each chosen turn: show the exchange, ask what the user hoped would happen, reflect how
the other person probably heard it and what happened next, then invite a rephrase, score
it and acknowledge any progress. A what-if retry is shown as a pair (first try, second
try). Pure functions over the turn records kept in the ``turns`` slot.
"""

from __future__ import annotations

from typing import Any, Optional

from bot.feedback.notes import describe_style
from bot.scenarios.schema import STYLES, Scenario

MAX_ITEMS = 3


def _standing(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in turns if t.get("label") in STYLES]


def select(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Up to three items, in the order they happened.

    Preference: a retry pair (the clearest what-if), the biggest tension jump, the clearest
    non-assertive line, the best assertive line. A turn is used at most once.
    """
    scored = _standing(turns)
    by_id = {t.get("id"): t for t in scored if t.get("id") is not None}
    items: list[dict[str, Any]] = []
    used: set[int] = set()

    def add(kind: str, turn: dict[str, Any], first: Optional[dict[str, Any]] = None) -> None:
        items.append({"kind": kind, "turn": turn, "first": first})
        used.add(id(turn))
        if first is not None:
            used.add(id(first))

    retry = next((t for t in scored if t.get("retry_of") in by_id), None)
    if retry is not None:
        add("retry", retry, by_id[retry["retry_of"]])
    fresh = [t for t in scored if id(t) not in used]
    jumps = [t for t in fresh if t["tension"] - t["tension_before"] > 0]
    if jumps and len(items) < MAX_ITEMS:
        add("jump", max(jumps, key=lambda t: t["tension"] - t["tension_before"]))
    fresh = [t for t in scored if id(t) not in used and t["label"] != "assertive"]
    if fresh and len(items) < MAX_ITEMS:
        add("unclear_style", max(fresh, key=lambda t: t.get("confidence", 0.5)))
    best = [t for t in scored if id(t) not in used and t["label"] == "assertive"]
    if best and len(items) < MAX_ITEMS:
        add("strength", max(best, key=lambda t: (t["tension_before"] - t["tension"], t.get("confidence", 0.5))))
    order = {id(t): i for i, t in enumerate(turns)}
    items.sort(key=lambda item: order.get(id(item["turn"]), 0))
    return [{"kind": i["kind"], "turn": i["turn"], "first": i["first"]} for i in items]


def _q(text: str) -> str:
    return f"\u201c{text}\u201d"


def opening(scenario: Scenario, item: dict[str, Any], number: int, total: int) -> str:
    name = scenario.persona.name
    turn = item["turn"]
    head = f"Moment {number} of {total}."
    if item["kind"] == "retry":
        first = item["first"]
        return (f"{head} Your first try: {_q(first['text'])} ({describe_style(first['label'])}). "
                f"{name} answered: {_q(first['reply'])}\n"
                f"Your second try: {_q(turn['text'])} ({describe_style(turn['label'])}). "
                f"{name} answered: {_q(turn['reply'])}\n"
                "What were you hoping would happen when you tried it the second way?")
    return (f"{head} You said: {_q(turn['text'])}\n{name} answered: {_q(turn['reply'])}\n"
            "What were you hoping would happen when you said that?")


def reflection(scenario: Scenario, item: dict[str, Any], seed: int) -> tuple[str, bool]:
    """What the other person probably heard and what happened next; and whether to invite a
    rephrase (not for a line that already worked)."""
    name = scenario.persona.name
    turn = item["turn"]
    heard = scenario.persona.heard_as[turn["label"]]
    line = heard[seed % len(heard)]
    before, after = turn["tension_before"], turn["tension"]
    if after > before:
        happened = f"What happened next: {name} got more tense ({before:g} \u2192 {after:g} out of 10)."
    elif after < before:
        happened = f"What happened next: {name} eased off ({before:g} \u2192 {after:g} out of 10)."
    else:
        happened = f"What happened next: the mood stayed where it was ({after:g} out of 10)."
    parts = [f"Thanks. {line}", happened]
    if item["kind"] == "retry" and item["first"]:
        first = item["first"]
        delta = (first["tension"] - first["tension_before"]) - (after - before)
        if delta > 0:
            parts.append("The second way landed better: that's the shift to practise.")
        else:
            parts.append("Both tries landed about the same.")
    invite = turn["label"] != "assertive"
    if invite:
        parts.append(f"How could you say it so {name} hears what you meant? Type your rephrase "
                     "(or say 'skip').")
    else:
        parts.append("That line worked: clear about what you need, without an attack.")
    return " ".join(parts), invite


def acknowledgement(original_label: str, new_label: str, cue_words: list[str],
                    alternative: Optional[str]) -> str:
    if new_label == "assertive":
        change = ("" if original_label == "assertive" else
                  f" (before, it came across as {describe_style(original_label)})")
        return f"That comes across as assertive{change}. That's real progress."
    words = ", ".join(_q(w) for w in cue_words[:3])
    text = f"That still comes across as {describe_style(new_label)}"
    text += f", mostly because of {words}." if words else "."
    if alternative:
        text += f" One way to say it: {_q(alternative)}"
    return text
