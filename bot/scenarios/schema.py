"""The scenario file format, validated with pydantic.

A scenario is data: an author writes ``scenarios/<id>.yml`` and never touches Python
or retrains Rasa. ``docs/authoring-scenarios.md`` walks through every field.
"""

from __future__ import annotations

import re
from typing import Dict, List, Literal, Optional

from pydantic import BaseModel, Field, root_validator, validator

STYLES: tuple[str, ...] = ("assertive", "passive", "aggressive", "passive_aggressive")
"""The labels the style scorer gives a scorable message."""

UNCLEAR = "unclear"
"""The label for a message with nothing to score (empty, emoji-only, other language)."""

BANDS: tuple[str, ...] = ("calm", "tense", "heated")
"""Tension bands a persona reply is chosen by."""

Area = Literal["role_dispute", "grief", "role_transition", "interpersonal_deficits"]
AREA_NAMES: dict[str, str] = {
    "role_dispute": "Role dispute",
    "grief": "Grief",
    "role_transition": "Role transition",
    "interpersonal_deficits": "Interpersonal deficits",
}

Lines = List[str]


class _Strict(BaseModel):
    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True
        min_anystr_length = 1


def _distinct(lines: list[str], field: str) -> list[str]:
    seen: set[str] = set()
    for line in lines:
        key = line.casefold()
        if key in seen:
            raise ValueError(f"{field} repeats the line {line!r}")
        seen.add(key)
    return lines


class Persona(_Strict):
    name: str
    relationship: str = Field(description="Who the persona is to the user, e.g. 'partner'.")
    traits: List[str] = Field(min_items=1)
    wants: str
    sensitive_to: List[str] = Field(min_items=1)
    heard_as: Dict[str, Lines] = Field(
        description="Per style, how this persona is likely to hear a message of that style "
        "(third person, used by the coach)."
    )

    @validator("heard_as")
    def _covers_styles(cls, value: Dict[str, Lines]) -> Dict[str, Lines]:
        missing = [s for s in STYLES if not value.get(s)]
        if missing:
            raise ValueError(f"needs at least one line for each style; missing {missing}")
        unknown = sorted(set(value) - set(STYLES))
        if unknown:
            raise ValueError(f"unknown styles {unknown}; expected {list(STYLES)}")
        return value


class Level(_Strict):
    """How hard one difficulty level makes the persona."""

    start_tension: float = Field(ge=0, le=10)
    resistance: float = Field(ge=0, lt=1, description="Share of each progress gain lost.")
    escalation: float = Field(gt=0, le=3, description="Multiplier on tension increases.")


class Effect(_Strict):
    tension: float = 0.0
    progress: float = 0.0


class Move(_Strict):
    """Something the user may say that matters to this persona (a request, an apology...)."""

    id: str = Field(regex=r"^[a-z][a-z0-9_]*$")
    phrases: List[str] = Field(min_items=1, description="Case-insensitive phrases that signal it.")
    styles: List[str] = Field(
        default_factory=lambda: ["assertive"],
        description="Styles in which the move counts; said aggressively it may not.",
    )
    effect: Effect
    reply: Lines = Field(min_items=1, description="Said the first time the move counts.")

    @validator("styles", each_item=True)
    def _known_style(cls, value: str) -> str:
        if value not in STYLES:
            raise ValueError(f"unknown style {value!r}; expected one of {list(STYLES)}")
        return value


class Banded(_Strict):
    calm: Lines = Field(min_items=2)
    tense: Lines = Field(min_items=2)
    heated: Lines = Field(min_items=2)


class Ending(_Strict):
    lines: Lines = Field(min_items=2)
    outcome: str


class Endings(_Strict):
    goal: Ending
    walkout: Ending
    turn_limit: Ending


class Rules(_Strict):
    max_turns: int = Field(12, ge=3, le=40)
    goal_progress: float = Field(3.0, gt=0)
    walkout_tension: float = Field(9.0, gt=0, le=10)
    tense_from: float = Field(4.0, gt=0)
    heated_from: float = Field(7.0, gt=0)

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: dict) -> dict:
        if not values["tense_from"] < values["heated_from"] <= values["walkout_tension"]:
            raise ValueError("needs tense_from < heated_from <= walkout_tension")
        return values


DEFAULT_EFFECTS: dict[str, Effect] = {
    "assertive": Effect(tension=-1.0, progress=1.0),
    "passive": Effect(tension=0.0, progress=0.0),
    "aggressive": Effect(tension=2.0, progress=-0.5),
    "passive_aggressive": Effect(tension=1.0, progress=0.0),
    UNCLEAR: Effect(tension=0.0, progress=0.0),
}


class Scenario(_Strict):
    id: str = Field(regex=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    area: Area
    mode: Literal["client", "trainee"] = "client"
    summary: str = Field(description="One line for menus.")
    setup: str = Field(description="One paragraph that sets the scene for the user.")
    user_role: str = Field("yourself", description="Who the user plays.")
    goal: str
    content_notes: List[str] = Field(default_factory=list)
    keywords: List[str] = Field(default_factory=list, description="Words that pick it by name.")
    persona: Persona
    difficulty: Dict[Literal["easy", "medium", "hard"], Level]
    rules: Rules = Field(default_factory=Rules)
    effects: Dict[str, Effect] = Field(default_factory=dict)
    moves: List[Move] = Field(default_factory=list)
    opening: Lines = Field(min_items=2)
    replies: Dict[str, Banded]
    endings: Endings
    source_path: Optional[str] = Field(None, exclude=True)

    @validator("difficulty")
    def _all_levels(cls, value: dict) -> dict:
        missing = [d for d in ("easy", "medium", "hard") if d not in value]
        if missing:
            raise ValueError(f"needs levels easy, medium and hard; missing {missing}")
        return value

    @validator("effects")
    def _known_effect_labels(cls, value: Dict[str, Effect]) -> Dict[str, Effect]:
        unknown = sorted(set(value) - set(STYLES) - {UNCLEAR})
        if unknown:
            raise ValueError(f"unknown labels {unknown}")
        return value

    @validator("replies")
    def _replies_cover_labels(cls, value: Dict[str, Banded]) -> Dict[str, Banded]:
        expected = set(STYLES) | {UNCLEAR}
        missing = sorted(expected - set(value))
        unknown = sorted(set(value) - expected)
        if missing or unknown:
            raise ValueError(
                f"needs exactly the labels {sorted(expected)}; missing {missing}, unknown {unknown}"
            )
        return value

    @root_validator(skip_on_failure=True)
    def _persona_not_deceased(cls, values: dict) -> dict:
        # A grief scene rehearses talking with the living; the bot never plays the dead.
        if values["area"] == "grief":
            rel = values["persona"].relationship.casefold()
            if re.search(r"\b(late|deceased|dead|died)\b", rel):
                raise ValueError("a grief scenario's persona must be a living person")
        return values

    @root_validator(skip_on_failure=True)
    def _distinct_lines(cls, values: dict) -> dict:
        _distinct(list(all_persona_lines_from(values)), "the persona")
        return values

    def effect(self, label: str) -> Effect:
        return self.effects.get(label, DEFAULT_EFFECTS[label])

    def persona_lines(self) -> list[str]:
        """Every line the persona can say, for counting and checks."""
        return list(all_persona_lines_from(self.__dict__))


def all_persona_lines_from(values: dict):
    yield from values["opening"]
    for banded in values["replies"].values():
        yield from banded.calm
        yield from banded.tense
        yield from banded.heated
    for move in values["moves"]:
        yield from move.reply
    endings: Endings = values["endings"]
    for ending in (endings.goal, endings.walkout, endings.turn_limit):
        yield from ending.lines
