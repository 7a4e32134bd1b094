"""The role-play engine: a pure function of (scenario, state, scored message, seed).

It knows nothing of Rasa, storage or the scorer; it takes a label (and the text, for the
scenario's moves) and returns the persona's next lines and the new state. The same function
serves any mode whose scenario declares replies per label.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Optional

from bot.results import plain_quotes
from bot.scenarios.schema import UNCLEAR, Move, Scenario

DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True)
class SceneState:
    scenario_id: str
    difficulty: str
    seed: int
    tension: float
    progress: float = 0.0
    turn: int = 0
    moves_done: tuple[str, ...] = ()
    said: tuple[str, ...] = ()
    ending: Optional[str] = None

    @property
    def ended(self) -> bool:
        return self.ending is not None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["moves_done"] = list(self.moves_done)
        data["said"] = list(self.said)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "SceneState":
        data = dict(data)
        data["moves_done"] = tuple(data.get("moves_done", ()))
        data["said"] = tuple(data.get("said", ()))
        return cls(**data)


@dataclass(frozen=True)
class StepResult:
    lines: list[str]
    state: SceneState
    before: SceneState
    band: str
    move: Optional[str] = None
    outcome: Optional[str] = None
    deltas: dict[str, float] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        return self.state.ended


def band_of(scenario: Scenario, tension: float) -> str:
    if tension >= scenario.rules.heated_from:
        return "heated"
    if tension >= scenario.rules.tense_from:
        return "tense"
    return "calm"


def _rng(state: SceneState, salt: str) -> random.Random:
    return random.Random(f"{state.seed}:{state.turn}:{salt}")


def _pick(lines: list[str], state: SceneState, salt: str) -> str:
    """A seeded choice that avoids lines this persona has already said in the scene."""
    fresh = [line for line in lines if line not in state.said]
    pool = fresh or [line for line in lines if not state.said or line != state.said[-1]] or lines
    return _rng(state, salt).choice(pool)


def _phrase_regex(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])" + re.escape(plain_quotes(phrase).casefold()) + r"(?![\w'])")


def matched_move(scenario: Scenario, state: SceneState, label: str, text: str) -> Optional[Move]:
    """The first move not yet made whose phrase appears in a message of an allowed style."""
    lowered = plain_quotes(text).casefold()
    for move in scenario.moves:
        if move.id in state.moves_done or label not in move.styles:
            continue
        if any(_phrase_regex(p).search(lowered) for p in move.phrases):
            return move
    return None


def start(scenario: Scenario, difficulty: str = "medium", seed: int = 0) -> tuple[SceneState, str]:
    """A new scene and the persona's opening line."""
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {DIFFICULTIES}, not {difficulty!r}")
    level = scenario.difficulty[difficulty]
    state = SceneState(scenario.id, difficulty, seed, tension=level.start_tension)
    line = _pick(scenario.opening, state, "opening")
    return replace(state, said=(line,)), line


def step(scenario: Scenario, state: SceneState, label: str, text: str = "") -> StepResult:
    """Apply one scored user message; return the persona's reply and the new state."""
    if state.ended:
        raise ValueError("the scene has ended; start a new one")
    level = scenario.difficulty[state.difficulty]
    effect = scenario.effect(label)
    d_tension, d_progress = effect.tension, effect.progress
    move = matched_move(scenario, state, label, text) if label != UNCLEAR else None
    if move is not None:
        d_tension += move.effect.tension
        d_progress += move.effect.progress
    if d_tension > 0:
        d_tension *= level.escalation
    if d_progress > 0:
        d_progress *= 1 - level.resistance

    counted = label != UNCLEAR  # an emoji or a blank does not use up a turn
    new = replace(
        state,
        tension=round(min(10.0, max(0.0, state.tension + d_tension)), 3),
        progress=round(max(0.0, state.progress + d_progress), 3),
        turn=state.turn + (1 if counted else 0),
        moves_done=state.moves_done + ((move.id,) if move else ()),
    )
    rules = scenario.rules
    ending = None
    if new.progress >= rules.goal_progress:
        ending = "goal"
    elif new.tension >= rules.walkout_tension:
        ending = "walkout"
    elif new.turn >= rules.max_turns:
        ending = "turn_limit"

    band = band_of(scenario, new.tension)
    outcome = None
    if ending is not None:
        chosen = getattr(scenario.endings, ending)
        line, outcome = _pick(chosen.lines, new, "ending"), chosen.outcome
    elif move is not None:
        line = _pick(move.reply, new, move.id)
    else:
        line = _pick(getattr(scenario.replies[label], band), new, label)
    new = replace(new, said=new.said + (line,), ending=ending)
    return StepResult(
        lines=[line], state=new, before=state, band=band, move=move.id if move else None,
        outcome=outcome,
        deltas={"tension": round(new.tension - state.tension, 3),
                "progress": round(new.progress - state.progress, 3)},
    )
