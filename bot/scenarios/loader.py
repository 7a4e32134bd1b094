"""Load and validate scenario files; find one from what the user typed."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Iterable, Optional

import yaml
from pydantic import ValidationError

from bot.scenarios.schema import AREA_NAMES, Scenario

REPO_ROOT = Path(__file__).resolve().parents[2]


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names file, field and expectation."""


def scenarios_dir() -> Path:
    """Where scenario files live: ``$COACH_SCENARIOS_DIR`` or ``scenarios/`` in the repo."""
    return Path(os.environ.get("COACH_SCENARIOS_DIR", REPO_ROOT / "scenarios"))


def _describe(error: ValidationError, path: Path) -> str:
    lines = [f"{path}: {len(error.errors())} problem(s)"]
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"] if part != "__root__") or "(file)"
        lines.append(f"  - {where}: {item['msg']}")
    return "\n".join(lines)


def load_scenario(path: Path | str) -> Scenario:
    """Parse and validate one file; raise ScenarioError with a readable report."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read the file ({exc})") from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: expected a mapping of fields at the top level")
    try:
        scenario = Scenario.parse_obj(raw)
    except ValidationError as exc:
        raise ScenarioError(_describe(exc, path)) from exc
    if scenario.id != path.stem:
        raise ScenarioError(
            f"{path}: id: is {scenario.id!r} but must match the file name {path.stem!r}"
        )
    return scenario.copy(update={"source_path": str(path)})


def load_scenarios(directory: Optional[Path] = None) -> list[Scenario]:
    """Every scenario in the directory, sorted by area then title."""
    return list(_load_all(str(directory or scenarios_dir())))


@functools.lru_cache(maxsize=4)
def _load_all(directory: str) -> tuple[Scenario, ...]:
    files = sorted(Path(directory).glob("*.yml"))
    scenarios = [load_scenario(path) for path in files]
    order = list(AREA_NAMES)
    scenarios.sort(key=lambda s: (order.index(s.area), s.title.casefold()))
    return tuple(scenarios)


def reload() -> None:
    """Forget cached files (authors editing while the server runs, tests)."""
    _load_all.cache_clear()


_WORD = re.compile(r"[a-z0-9']+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


_NUMBER_WORDS = {
    "one": 1, "first": 1, "two": 2, "second": 2, "three": 3, "third": 3, "four": 4,
    "fourth": 4, "five": 5, "fifth": 5, "six": 6, "sixth": 6, "seven": 7, "seventh": 7,
    "eight": 8, "eighth": 8, "nine": 9, "ninth": 9, "ten": 10, "tenth": 10,
    "eleven": 11, "eleventh": 11, "twelve": 12, "twelfth": 12,
}
_STOP = {"the", "a", "an", "to", "with", "my", "about", "i", "want", "practise", "practice",
         "one", "scenario", "let's", "lets", "do", "try", "can", "please", "start", "me", "and"}


def find_scenario(
    text: str, scenarios: Iterable[Scenario], scenario_id: Optional[str] = None
) -> Optional[Scenario]:
    """Pick a scenario by id, by its number in the menu, or by words from its title/keywords."""
    listed = list(scenarios)
    if scenario_id:
        return next((s for s in listed if s.id == scenario_id.strip()), None)
    lowered = text.casefold()
    for s in listed:
        if s.id in lowered:
            return s
    words = _words(text)
    numbers = [int(w) for w in words if w.isdigit()] + [_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS]
    content = words - _STOP - set(_NUMBER_WORDS)
    best, best_score = None, 0
    for s in listed:
        vocab = _words(" ".join([s.title, s.persona.name, s.persona.relationship, *s.keywords]))
        score = len(content & vocab)
        if score > best_score:
            best, best_score = s, score
    if best is not None:
        return best
    if len(numbers) == 1 and 1 <= numbers[0] <= len(listed):
        return listed[numbers[0] - 1]
    return None
