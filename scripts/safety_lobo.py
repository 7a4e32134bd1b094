"""Leave-one-batch-out check of the crisis classifier: a dev measure that reads no holdout.

For each chosen training batch: train the classifier on every other training file, choose
its thresholds on the calibration sets exactly as the build does, then screen the held-out
batch (patterns + classifier). Each batch was written by a different writer, so this asks
how the screen does on a writer it has never seen. Used to compare model settings without
touching the blind ``holdout_*.jsonl`` sets.

    .venv/bin/python scripts/safety_lobo.py [--batches d,h,l,m,n,v,w,x,y] [--c 16]

Prints recall (crisis lines flagged crisis), false-positive rate (none lines flagged at all)
and ROC AUC of the crisis probability, per batch and pooled. About a minute per batch.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.safety.detector import route_of  # noqa: E402
from bot.safety.encoder import VectorCache  # noqa: E402
from bot.safety.model import (CALIBRATION_FILES, MAX_FPR, MIN_THRESHOLD,  # noqa: E402
                              VECTORS_DIR, RiskClassifier, choose_thresholds,
                              decide_all, everyday_rows, read_rows, training_files)

REALISTIC = "d,h,l,m,n,v,w,x,y"  # the batches written like real use rather than themed


def batch_name(path: Path) -> str:
    return "base" if path.name in ("train.jsonl", "dev.jsonl") else path.name.split("_")[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", default=REALISTIC, help="comma-separated batch letters, or 'all'")
    ap.add_argument("--c", type=float, default=16.0, help="inverse regularisation strength")
    ap.add_argument("--max-fpr", default=str(MAX_FPR),
                    help="false-positive budget(s) on the calibration sets when choosing "
                    "thresholds, comma-separated; each is reported (one fit per batch)")
    ap.add_argument("--open-none-weight", type=float, default=1.0,
                    help="sample weight of none lines with no pattern cue (variant)")
    ap.add_argument("--min-threshold", type=float, default=MIN_THRESHOLD,
                    help="lowest threshold the calibration may choose (variant)")
    ap.add_argument("--everyday", action="store_true",
                    help="also train on everyday practice talk as none lines (model.everyday_rows)")
    ap.add_argument("--errors", type=Path, help="write each held-out miss and false alarm here "
                    "(JSON lines), to study what the screen gets wrong on unseen writers")
    args = ap.parse_args(argv)

    batches: dict[str, list[dict]] = {}
    for path in training_files():
        batches.setdefault(batch_name(path), []).extend(read_rows([path]))
    decided: dict[str, dict] = {}
    if args.everyday:
        batches["everyday"] = everyday_rows(decided)
    calibration = read_rows(CALIBRATION_FILES)
    every = [r["text"] for rows in batches.values() for r in rows] + [r["text"] for r in calibration]
    decide_all(every, decided)
    wanted = list(batches) if args.batches == "all" else args.batches.split(",")
    cache = VectorCache(VECTORS_DIR)  # the build's sentence vectors; new lines are added
    vector_of = dict(zip(every, cache.embed(every)))
    cache.save()

    def vectors(rows: list[dict]) -> np.ndarray:
        return np.stack([vector_of[r["text"]] for r in rows])

    def fit(rows: list[dict]) -> RiskClassifier:
        return RiskClassifier(c=args.c, open_none_weight=args.open_none_weight).fit(
            [r["text"] for r in rows], [r["level"] for r in rows], [r["category"] for r in rows],
            [decided[r["text"]]["judged"] for r in rows], vectors(rows))

    def probs(clf: RiskClassifier, rows: list[dict]) -> list[dict[str, float]]:
        return clf.proba([r["text"] for r in rows], [decided[r["text"]]["judged"] for r in rows],
                         vectors(rows))

    budgets = [float(b) for b in args.max_fpr.split(",")]
    pooled: dict[float, list[tuple[str, bool, bool, float]]] = {b: [] for b in budgets}
    errors: list[dict] = []
    for name in wanted:
        started = time.perf_counter()
        clf = fit([r for b, rows in batches.items() if b != name for r in rows])
        calibration_probs = probs(clf, calibration)
        rows = batches[name]
        held_probs = probs(clf, rows)
        for budget in budgets:
            clf.thresholds, _ = choose_thresholds(
                calibration, calibration_probs, [route_of(decided[r["text"]]) for r in calibration],
                [decided[r["text"]]["label"] for r in calibration], budget, args.min_threshold)
            result = []
            for row, p in zip(rows, held_probs):
                d = decided[row["text"]]
                route = route_of(d)
                raised = clf.decide(row["text"], route, p)  # as the screen does
                level = raised[0] if raised else d["label"]
                result.append((row["level"], level == "crisis", level != "none", p.get("crisis", 0.0)))
                missed = row["level"] == "crisis" and level != "crisis"
                false_alarm = row["level"] == "none" and level != "none"
                if budget == budgets[0] and (missed or false_alarm):
                    errors.append({"batch": name, "gold": row["level"], "got": level, "route": route,
                                   "p_crisis": round(p.get("crisis", 0.0), 3), "text": row["text"]})
            pooled[budget] += result
            report(name, result, f"max_fpr {budget}, thresholds {clf.thresholds}, "
                   f"{time.perf_counter() - started:.0f} s")
    for budget in budgets:
        report("ALL", pooled[budget], f"C={args.c}, max_fpr {budget}")
    if args.errors:
        args.errors.write_text("".join(json.dumps(e) + "\n" for e in errors), encoding="utf-8")
    return 0


def report(name: str, result: list[tuple[str, bool, bool, float]], extra: str) -> None:
    crisis = [flag for gold, flag, _, _ in result if gold == "crisis"]
    none = [any_flag for gold, _, any_flag, _ in result if gold == "none"]
    auc = roc_auc_score([gold == "crisis" for gold, *_ in result], [p for *_, p in result])
    print(f"{name:5s} n={len(result):5d}  recall {np.mean(crisis):.3f}  fpr {np.mean(none):.3f}"
          f"  auc {auc:.4f}  ({extra})", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
