"""A trained second opinion for the crisis screen (``make safety-model``).

The patterns in ``patterns.yml`` explain every flag with the words that caused it, but
people describe risk in more ways than any list anticipates ("I've given the cat to my
neighbour and cancelled everything"). A logistic regression over word and character
n-grams, trained on ``data/safety/train.jsonl`` and ``dev.jsonl``, catches some of those.
It can only raise a level the patterns gave (none -> check_in or crisis), never lower one.

Its thresholds come from out-of-fold predictions on the training data, combined with the
pattern detector exactly as at run time: the lowest threshold whose false-positive rate on
``none`` lines stays within ``MAX_FPR``. No evaluation set is used to choose anything.
"""

from __future__ import annotations

import argparse
import re
import functools
import json
import logging
import time
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = [REPO_ROOT / "data" / "safety" / "train.jsonl", REPO_ROOT / "data" / "safety" / "dev.jsonl"]
MODEL_DIR = REPO_ROOT / "models" / "safety"
MODEL_FILE = MODEL_DIR / "classifier.joblib"
LEVELS = ("crisis", "check_in", "none")
CATEGORIES = ("suicide", "self_harm", "harm_others", "danger_abuse")
MAX_FPR = 0.03
SEED = 13
log = logging.getLogger(__name__)


# "End it/things with him" is a break-up, common in role-dispute practice; the model's
# n-grams cannot tell it from "end it tonight", so it does not act on it (patterns still do).
RELATIONSHIP_ENDING = re.compile(
    r"\b(end|ending|ended|finish|finishing|call)\w* (it|things|this|us)( off)? with "
    r"(him|her|them|my|your|our|\w+'s)\b", re.IGNORECASE)


class RiskClassifier:
    def __init__(self, c: float = 4.0) -> None:
        self.words = TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, min_df=1,
                                     token_pattern=r"(?u)\b\w[\w']*\b")
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                     min_df=2)
        self.level = LogisticRegression(C=c, max_iter=4000, class_weight="balanced",
                                        random_state=SEED)
        self.category = LogisticRegression(C=c, max_iter=4000, class_weight="balanced",
                                           random_state=SEED)
        self.crisis_threshold = 1.0
        self.check_in_threshold = 1.0

    def _x(self, texts: Sequence[str], fit: bool = False):
        texts = [t.lower() for t in texts]
        if fit:
            return hstack([self.words.fit_transform(texts), self.chars.fit_transform(texts)]).tocsr()
        return hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()

    def fit(self, texts: Sequence[str], levels: Sequence[str], categories: Sequence[str]) -> "RiskClassifier":
        x = self._x(texts, fit=True)
        self.level.fit(x, list(levels))
        risky = [i for i, lv in enumerate(levels) if lv != "none" and categories[i] in CATEGORIES]
        self.category.fit(x[risky], [categories[i] for i in risky])
        return self

    def proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        x = self._x(texts)
        levels = self.level.predict_proba(x)
        return [{str(k): float(v) for k, v in zip(self.level.classes_, row)} for row in levels]

    def category_of(self, text: str) -> str:
        return str(self.category.predict(self._x([text]))[0])

    def upgrade(self, text: str) -> Optional[tuple[str, str, float]]:
        """(level, category, probability) if the model raises a 'none' message, else None."""
        if RELATIONSHIP_ENDING.search(text):
            return None
        p = self.proba([text])[0]
        if p.get("crisis", 0.0) >= self.crisis_threshold:
            return "crisis", self.category_of(text), p["crisis"]
        risk = p.get("crisis", 0.0) + p.get("check_in", 0.0)
        if risk >= self.check_in_threshold:
            return "check_in", self.category_of(text), risk
        return None


def read_rows(paths: Sequence[Path] = DATA) -> list[dict]:
    from bot.safety.evaluate import load  # the one validating reader of the safety sets

    return [row for path in paths if path.exists() for row in load(path)]


def _choose_thresholds(rows: list[dict], probs: list[dict[str, float]], pattern: list[str]) -> tuple[float, float, dict]:
    """Lowest thresholds keeping the combined false-positive rate on 'none' within MAX_FPR."""
    gold = [r["level"] for r in rows]
    none_idx = [i for i, g in enumerate(gold) if g == "none"]
    crisis_idx = [i for i, g in enumerate(gold) if g == "crisis"]

    def combined(t_crisis: float, t_check: float) -> list[str]:
        out = []
        for p, lv in zip(probs, pattern):
            if lv != "open":
                out.append(lv)
            elif p.get("crisis", 0) >= t_crisis:
                out.append("crisis")
            elif p.get("crisis", 0) + p.get("check_in", 0) >= t_check:
                out.append("check_in")
            else:
                out.append("none")
        return out

    best = (1.0, 1.0)
    best_score = (-1.0, 0.0)
    for t_crisis in np.arange(0.30, 0.96, 0.025):
        for t_check in np.arange(max(0.4, t_crisis), 1.0, 0.05):
            pred = combined(t_crisis, t_check)
            fpr = sum(pred[i] != "none" for i in none_idx) / max(1, len(none_idx))
            if fpr > MAX_FPR:
                continue
            recall = sum(pred[i] == "crisis" for i in crisis_idx) / max(1, len(crisis_idx))
            score = (recall, -fpr)
            if score > best_score:
                best, best_score = (float(t_crisis), float(t_check)), score
    pred = combined(*best)
    pattern_recall = sum(pattern[i] == "crisis" for i in crisis_idx) / max(1, len(crisis_idx))
    stats = {"out_of_fold_recall": round(best_score[0], 4), "pattern_only_recall": round(pattern_recall, 4),
             "out_of_fold_fpr": round(sum(pred[i] != "none" for i in none_idx) / max(1, len(none_idx)), 4)}
    return best[0], best[1], stats


def build(out: Path = MODEL_FILE) -> dict:
    from bot.safety import detector

    rows = read_rows()
    texts = [r["text"] for r in rows]
    levels = [r["level"] for r in rows]
    cats = [r["category"] for r in rows]
    decided = [detector().decide(t) for t in texts]
    # the classifier may only act where no pattern matched at all (as at run time)
    pattern = [d["label"] if (d["label"] != "none" or d["dropped"] or d["cues"]) else "open"
               for d in decided]
    probs: list[dict[str, float]] = [{}] * len(rows)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    for train_idx, test_idx in folds.split(texts, levels):
        model = RiskClassifier().fit([texts[i] for i in train_idx], [levels[i] for i in train_idx],
                                     [cats[i] for i in train_idx])
        for i, p in zip(test_idx, model.proba([texts[i] for i in test_idx])):
            probs[i] = p
    t_crisis, t_check, stats = _choose_thresholds(rows, probs, pattern)
    final = RiskClassifier().fit(texts, levels, cats)
    final.crisis_threshold, final.check_in_threshold = t_crisis, t_check
    import joblib

    out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(final, out, compress=3)
    info = {"rows": len(rows), "crisis_threshold": t_crisis, "check_in_threshold": t_check,
            "max_fpr": MAX_FPR, **stats}
    out.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    return info


@functools.lru_cache(maxsize=1)
def load(path: Path = MODEL_FILE) -> Optional[RiskClassifier]:
    """The trained model, or None (patterns only) when it has not been built."""
    if not path.exists():
        log.error("crisis classifier %s missing (run `make safety-model`); patterns only", path)
        return None
    import joblib

    return joblib.load(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = build(args.out)
    print(f"safety model: {info} in {time.perf_counter() - started:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    # Pickle the class under its import path, not as __main__.RiskClassifier.
    from bot.safety.model import main as _main

    raise SystemExit(_main())
