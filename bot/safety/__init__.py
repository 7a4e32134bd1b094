"""Crisis screen: every user message passes through ``screen`` before anything else.

``screen(text)`` returns a :class:`SafetyResult` (an :class:`~bot.results.Analysis`) whose
label is the level:

``crisis``    the writer may be at risk now (suicidal thoughts, a plan, self-harm, intent to
              hurt someone, being hurt or unsafe): stop the practice and offer help;
``check_in``  risk is mentioned but about someone else, hypothetical, a question, or past and
              resolved: pause gently and ask;
``none``      nothing to act on (idioms such as "my phone died" or "I could murder a coffee").

``category`` says what kind of risk (suicide, self_harm, harm_others, danger_abuse, none) and
``cues`` are the spans that decided it. The patterns are data in ``patterns.yml``; the engine
is in ``detector.py``. ``resources(locale)`` gives the crisis lines to show.

The screen never raises: odd input (None, bytes, binary junk, megabytes of text) is screened
as far as it can be, and an internal error yields a ``check_in`` result with a note, so a
failure errs towards asking rather than ignoring.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from bot.results import Analysis, Cue
from bot.safety.detector import (  # noqa: F401 - re-exported
    CATEGORIES,
    LEVELS,
    MAX_CHARS,
    clean,
    detector,
    route_of,
)

log = logging.getLogger(__name__)
MODEL_CHARS = 5000  # the classifier reads at most this much (the head and tail of a paste)

RESOURCES_FILE = Path(__file__).with_name("resources.yml")

__all__ = ["SafetyResult", "screen", "screen_many", "resources", "LEVELS", "CATEGORIES",
           "Cue"]


@dataclass
class SafetyResult(Analysis):
    """The crisis screen's verdict. ``label`` is the level; ``category`` the kind of risk."""

    category: str = "none"

    @property
    def crisis(self) -> bool:
        return self.label == "crisis"

    @property
    def level(self) -> str:
        return self.label

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["category"] = self.category
        data["crisis"] = self.crisis
        data["level"] = self.label
        return data


def _probabilities(label: str, scores: dict[str, float], n_cues: int, dropped: int) -> dict[str, float]:
    """Calibrated-looking shares derived from the pattern weights (not a trained model)."""
    top = max(scores.values(), default=0.0)
    if label == "crisis":
        conf = min(0.99, 0.78 + 0.08 * min(top - 1.0, 2.0) + 0.02 * min(n_cues, 4))
        rest = 1.0 - conf
        probs = {"crisis": conf, "check_in": rest * 0.75, "none": rest * 0.25}
    elif label == "check_in":
        conf = min(0.95, 0.62 + 0.05 * min(n_cues, 4))
        rest = 1.0 - conf
        lean = min(top, 0.99)  # a first-person check_in cue leans toward crisis
        probs = {"check_in": conf, "crisis": rest * (0.4 + 0.4 * lean),
                 "none": rest * (0.6 - 0.4 * lean)}
    else:
        conf = 0.8 if dropped else 0.97
        rest = 1.0 - conf
        probs = {"none": conf, "check_in": rest * 0.7, "crisis": rest * 0.3}
    total = sum(probs.values())
    return {k: probs[k] / total for k in LEVELS}


def _empty(note: str, truncated: bool = False) -> SafetyResult:
    return SafetyResult("none", {"crisis": 0.0, "check_in": 0.0, "none": 1.0}, 1.0, [],
                        truncated, note, "none")


def _screen(text: object, context: Iterable[str] = ()) -> SafetyResult:
    context = tuple(context)
    cleaned = clean(text)
    if not cleaned.strip():
        return _empty("empty message")
    truncated = False
    if len(cleaned) > MAX_CHARS:
        # screen the head and the tail; a crisis at the end of a huge paste is still found
        half = MAX_CHARS // 2
        cleaned = cleaned[:half] + "\n" + " " * (len(cleaned) - 2 * half - 1) + cleaned[-half:]
        truncated = True
    if not any(ch.isalpha() for ch in cleaned):
        return _empty("nothing to screen (no letters)", truncated)
    out = detector().decide(cleaned, context)
    cues: list[Cue] = out["cues"]
    raw = text if isinstance(text, str) else None
    if raw is not None and len(raw) == len(cleaned):
        # cleaning is one character for one, so the spans hold; cite the caller's characters
        # (curly quotes and all), not the cleaned ones
        cues = [replace(c, text=raw[c.start:c.end]) for c in cues]
    label = out["label"]
    category = out["category"]
    notes = list(out["notes"])
    # The classifier is for wordings no pattern anticipated ("open"), and a stricter second
    # look where a pattern matched but was set aside as negated, hyperbole or someone else's
    # ("guarded"). It can only raise the level.
    route = route_of(out)
    if route != "crisis":
        from bot.safety.model import load

        model = load()
        head = cleaned if len(cleaned) <= MODEL_CHARS else (
            cleaned[:MODEL_CHARS // 2] + "\n" + cleaned[-MODEL_CHARS // 2:])
        # reuse the patterns' work when the model reads the same text with no scene context
        same = head is cleaned and not context
        raised = model.upgrade(head, route, out["judged"] if same else None) \
            if model is not None else None
        if raised is not None and LEVELS.index(raised[0]) < LEVELS.index(label):
            label, category, p = raised
            notes.insert(0, f"trained classifier: {label} ({p:.2f}); no single phrase decided it")
    probs = _probabilities(label, out["scores"], len(cues), out["dropped"])
    note = "; ".join(notes[:8])
    if truncated:
        note = (note + "; " if note else "") + f"only the first and last {MAX_CHARS // 2} characters were screened"
    return SafetyResult(label, probs, probs[label], cues, truncated, note, category)


def screen(text: object, context: Iterable[str] = ()) -> SafetyResult:
    """Screen one user message. Never raises.

    ``context``: what the conversation around it is about, e.g. ``{"grief"}`` in a scene
    about a death, where "I should join him" is read as being about the dead person."""
    try:
        return _screen(text, context)
    except Exception as exc:  # noqa: BLE001 - the screen must not take the conversation down
        log.exception("crisis screen failed")
        probs = {"crisis": 0.2, "check_in": 0.6, "none": 0.2}
        return SafetyResult("check_in", probs, 0.6, [], False,
                            f"screen error ({type(exc).__name__}); asking to be safe", "none")


def screen_many(texts: list[object]) -> list[SafetyResult]:
    return [screen(t) for t in texts]


# ---------------------------------------------------------------------------- resources
_ALIASES = {"GB": "UK", "EN_GB": "UK", "EN_US": "US", "EN_IE": "IE", "EN_CA": "CA", "FR_CA": "CA",
            "EN_AU": "AU", "DEFAULT": "GENERIC", "": "GENERIC"}


def _resources_file() -> Path:
    override = os.environ.get("COACH_CRISIS_RESOURCES")
    return Path(override) if override else RESOURCES_FILE


def _load_resources(path: Path) -> dict[str, dict]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        locales = data.get("locales", data)
        return {str(k).upper(): v for k, v in locales.items() if isinstance(v, dict)}
    except Exception:  # noqa: BLE001 - a broken override must not hide help
        log.exception("could not read crisis resources from %s", path)
        if path != RESOURCES_FILE:
            return _load_resources(RESOURCES_FILE)
        return {}


_FALLBACK = {
    "name": "Anywhere else",
    "emergency": "your local emergency number",
    "lines": [{"name": "Emergency help",
               "contact": "contact your local emergency services or go to the nearest "
                          "emergency department"}],
    "note": "contact your local emergency services or go to the nearest emergency department",
}


def _normalise_locale(locale: Optional[str]) -> str:
    key = (locale or "").strip().upper().replace("-", "_")
    if key in _ALIASES:
        return _ALIASES[key]
    if "_" in key:  # en_GB, en-US, fr_CA ...
        region = key.rsplit("_", 1)[-1]
        return _ALIASES.get(region, region)
    return key


def resources(locale: Optional[str] = None) -> dict:
    """Crisis resources for a locale (argument, else $COACH_LOCALE, else generic).

    Case-insensitive; "en_GB"/"en-US" style tags use their region; unknown -> generic.
    The file can be replaced with $COACH_CRISIS_RESOURCES.
    """
    wanted = locale if locale else os.environ.get("COACH_LOCALE", "generic")
    table = _load_resources(_resources_file())
    key = _normalise_locale(wanted)
    entry = table.get(key) or table.get("GENERIC") or _FALLBACK
    result = dict(entry)
    result.setdefault("lines", [])
    result.setdefault("emergency", _FALLBACK["emergency"])
    result["locale"] = key if key in table else "GENERIC"
    return result
