"""Communication-style scoring: assertive, passive, aggressive or passive-aggressive.

``score(text, context)`` returns an :class:`~bot.results.Analysis` with the label, the
probabilities over the four styles, a confidence and the cue spans that explain it.
Input with nothing to score (empty, emoji-only, a filler word, another language) gets the
label ``unclear``; nothing raises.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Optional, Sequence

import yaml

from bot.results import Analysis, plain_quotes
from bot.scenarios.schema import STYLES, UNCLEAR
from bot.style.model import Parsed, StyleModel, parse  # imports spaCy via bot.nlp
from spacy.lang.en.stop_words import STOP_WORDS as _ENGLISH_STOP  # noqa: I001

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = REPO_ROOT / "models" / "style"
MODEL_FILE = MODEL_DIR / "classifier.joblib"
TEXTCAT_DIR = MODEL_DIR / "textcat"
META_FILE = MODEL_DIR / "meta.json"
CONTEXT_FILE = Path(__file__).with_name("context.yml")
MAX_CHARS = 1000
"""Longer messages are scored on their first MAX_CHARS characters (the result says so)."""

FILLERS = {"um", "umm", "uh", "uhh", "er", "erm", "hmm", "hm", "mm", "mmm", "ah", "oh", "eh",
           "huh", "lol", "haha", "hahaha", "lmao", "ha", "meh", "well", "so", "like", "ok?"}


class ModelMissing(RuntimeError):
    """The trained classifier has not been built yet (``make style-model``)."""


@functools.lru_cache(maxsize=1)
def load_classifier(model_dir: Path = MODEL_DIR) -> StyleModel:
    """Load the trained scorer once per process."""
    import json

    import joblib
    import spacy

    meta_file = model_dir / META_FILE.name
    if not meta_file.exists():
        raise ModelMissing(f"{model_dir} has no trained model: run `make style-model` to build it")
    meta = json.loads(meta_file.read_text())
    textcat = spacy.load(model_dir / TEXTCAT_DIR.name) if meta["weight"] < 1.0 else None
    return StyleModel(joblib.load(model_dir / MODEL_FILE.name), textcat, meta["weight"])


@functools.lru_cache(maxsize=1)
def _context_rules() -> list[dict]:
    rules = yaml.safe_load(CONTEXT_FILE.read_text(encoding="utf-8"))
    for rule in rules:
        rule["_reply"] = re.compile(rule["reply"], re.IGNORECASE)
        rule["_after"] = re.compile(r"\b(?:" + "|".join(rule["after"]) + r")\b", re.IGNORECASE)
    return rules


def clean(text: object) -> tuple[str, bool]:
    """Text safe to analyse, and whether it was cut to MAX_CHARS.

    Control characters and undecodable bytes are dropped; nothing else is changed, and the
    caller keeps the original for storage.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = "" if text is None else str(text)
    text = "".join(
        ch for ch in text
        if ch in "\n\t" or (unicodedata.category(ch)[0] != "C" and ch != "\ufffd")
    )
    text = plain_quotes(unicodedata.normalize("NFC", text)).strip()
    truncated = len(text) > MAX_CHARS
    return (text[:MAX_CHARS] if truncated else text), truncated


def _uniform(note: str, truncated: bool = False) -> Analysis:
    share = 1.0 / len(STYLES)
    return Analysis(UNCLEAR, {s: share for s in STYLES}, 0.0, [], truncated, note)


def _unscorable(parsed: Parsed, vocabulary: frozenset[str]) -> Optional[str]:
    letters = [ch for ch in parsed.text if ch.isalpha()]
    if not letters:
        return "no words to score"
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    if latin / len(letters) < 0.5:
        return "not in English; the coach scores English only"
    words = [t for t in parsed.tokens if any(ch.isalpha() for ch in t)]
    if all(w.strip(".!?") in FILLERS for w in words):
        return "only a filler word; say a little more"
    if len(words) >= 3 and not parsed.cues:
        known = sum(1 for w in words if w in vocabulary or w in _ENGLISH_STOP)
        if known / len(words) < 0.35:
            return "not in English; the coach scores English only"
    return None


def _apply_context(parsed: Parsed, probs: dict[str, float], context: Optional[str]) -> tuple[dict[str, float], str]:
    """Shift the probabilities when the previous line changes what a short reply means."""
    if not context:
        return probs, ""
    for rule in _context_rules():
        if rule["_reply"].fullmatch(parsed.text.strip()) and rule["_after"].search(context):
            weight = float(rule["weight"])
            shifted = {s: (1 - weight) * p for s, p in probs.items()}
            shifted[rule["label"]] += weight
            return shifted, rule["note"]
    return probs, ""


def _result(parsed: Parsed, row: Sequence[float], labels: list[str], context: Optional[str],
            truncated: bool) -> Analysis:
    probs = {label: float(p) for label, p in zip(labels, row)}
    probs, note = _apply_context(parsed, probs, context)
    label = max(probs, key=probs.__getitem__)
    ordered = {s: probs[s] for s in STYLES}
    if truncated:
        note = (note + " " if note else "") + f"Scored on the first {MAX_CHARS} characters."
    return Analysis(label, ordered, probs[label], parsed.cues, truncated, note)


def score(text: object, context: Optional[str] = None) -> Analysis:
    """Score one user message; ``context`` is the interlocutor's previous line, if any."""
    return score_many([text], [context])[0]


def score_many(texts: Sequence[object], contexts: Optional[Sequence[Optional[str]]] = None) -> list[Analysis]:
    """Score many messages in one classifier call (the batch CLI and evaluation use this)."""
    classifier = load_classifier()
    contexts = list(contexts) if contexts is not None else [None] * len(texts)
    results: list[Optional[Analysis]] = [None] * len(texts)
    todo: list[tuple[int, Parsed, bool]] = []
    for i, text in enumerate(texts):
        cleaned, truncated = clean(text)
        parsed = parse(cleaned)
        reason = _unscorable(parsed, classifier.vocabulary)
        if reason:
            results[i] = _uniform(reason, truncated)
        else:
            todo.append((i, parsed, truncated))
    if todo:
        rows = classifier.predict_proba([p for _, p, _ in todo])
        for (i, parsed, truncated), row in zip(todo, rows):
            results[i] = _result(parsed, row, list(STYLES), contexts[i], truncated)
    return [r for r in results if r is not None]


__all__ = ["MAX_CHARS", "ModelMissing", "clean", "load_classifier", "score", "score_many"]
