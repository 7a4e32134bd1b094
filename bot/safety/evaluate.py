"""``make eval-safety``: measure the crisis screen on labelled utterances.

    .venv/bin/python -m bot.safety.evaluate [--file data/safety/eval.jsonl]

Each line of the file is ``{"text", "level", "category", "kind"}``. Printed: n per level;
crisis recall (crisis lines flagged crisis), recall counting a check-in as caught; precision
of crisis flags; false-positive rate on ``none`` lines (flagged crisis or check_in); how
check_in lines are handled; accuracy per kind; every missed crisis line and every false
alarm with its cues; and a final ``SUMMARY recall X precision Y fpr Z`` line.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path

from bot.safety import LEVELS, SafetyResult, screen

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "safety" / "eval.jsonl"
NEAR_DUPLICATE = 0.6  # Jaccard similarity of two lines' word sets


def load(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("level") not in LEVELS:
            raise ValueError(f"{path}:{n}: level must be one of {LEVELS}")
        rows.append(row)
    return rows


def near_duplicates(texts: list[str], others: list[str],
                    threshold: float = NEAR_DUPLICATE) -> list[tuple[int, int, float]]:
    """(i, j, similarity) for every pair whose word sets overlap by Jaccard >= threshold.

    Independent writers reach for the same stock phrases, so a training line can all but
    repeat a line of a calibration or test set; such lines are kept out of training so the
    measured figures are not flattered (a test enforces it)."""
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer(binary=True, token_pattern=r"[a-z']+", lowercase=True)
    vec.fit(texts + others)
    a, b = vec.transform(texts), vec.transform(others)
    inter = (a @ b.T).tocoo()
    size_a, size_b = a.sum(axis=1).A1, b.sum(axis=1).A1
    pairs = []
    for i, j, k in zip(inter.row, inter.col, inter.data):
        if size_a[i] >= 4 and size_b[j] >= 4:
            sim = k / (size_a[i] + size_b[j] - k)
            if sim >= threshold:
                pairs.append((int(i), int(j), float(sim)))
    return pairs


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _cues(r: SafetyResult) -> str:
    return ", ".join(f"{c.cue_id}:{c.text!r}" for c in r.cues) or "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = ap.parse_args(argv)
    rows = load(args.file)
    screen("warm up")  # load the patterns outside the timing
    t0 = time.perf_counter()
    results = [screen(r["text"]) for r in rows]
    ms = (time.perf_counter() - t0) * 1000 / max(len(rows), 1)

    gold = [r["level"] for r in rows]
    pred = [r.label for r in results]
    n = Counter(gold)
    print(f"file {args.file}  n={len(rows)}  " + "  ".join(f"{lv}={n[lv]}" for lv in LEVELS)
          + f"  ({ms:.2f} ms per message)")

    crisis_idx = [i for i, g in enumerate(gold) if g == "crisis"]
    none_idx = [i for i, g in enumerate(gold) if g == "none"]
    check_idx = [i for i, g in enumerate(gold) if g == "check_in"]
    flagged = [i for i, p in enumerate(pred) if p == "crisis"]
    recall = _ratio(sum(pred[i] == "crisis" for i in crisis_idx), len(crisis_idx))
    caught = _ratio(sum(pred[i] != "none" for i in crisis_idx), len(crisis_idx))
    precision = _ratio(sum(gold[i] == "crisis" for i in flagged), len(flagged))
    fpr = _ratio(sum(pred[i] != "none" for i in none_idx), len(none_idx))
    fpr_crisis = _ratio(sum(pred[i] == "crisis" for i in none_idx), len(none_idx))

    print(f"\ncrisis recall (flagged crisis)          {recall:.3f}  "
          f"({sum(pred[i] == 'crisis' for i in crisis_idx)}/{len(crisis_idx)})")
    print(f"crisis recall (crisis or check_in)      {caught:.3f}")
    print(f"precision of crisis flags               {precision:.3f}  "
          f"({sum(gold[i] == 'crisis' for i in flagged)}/{len(flagged)})")
    print(f"false-positive rate on none lines       {fpr:.3f}  "
          f"({sum(pred[i] != 'none' for i in none_idx)}/{len(none_idx)}; "
          f"{fpr_crisis:.3f} flagged crisis)")
    if check_idx:
        got = Counter(pred[i] for i in check_idx)
        print("check_in lines given                    " + "  ".join(
            f"{lv} {_ratio(got[lv], len(check_idx)):.3f}" for lv in ("check_in", "crisis", "none")))

    print("\naccuracy per kind (gold level: kind  correct/n)")
    kinds: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for r, p in zip(rows, pred):
        kinds[(r["level"], r.get("kind", "-"))].append(p == r["level"])
    for (lv, kind), ok in sorted(kinds.items()):
        print(f"  {lv:<9} {kind:<20} {sum(ok):>3}/{len(ok):<3} {_ratio(sum(ok), len(ok)):.3f}")

    if any(g == "crisis" for g in gold):
        cat_ok = [results[i].category == rows[i].get("category") for i in crisis_idx
                  if pred[i] == "crisis"]
        print(f"\ncategory right on caught crisis lines   {_ratio(sum(cat_ok), len(cat_ok)):.3f}")

    missed = [i for i in crisis_idx if pred[i] != "crisis"]
    print(f"\nmissed crisis lines ({len(missed)}):")
    for i in missed:
        print(f"  [{pred[i]}] {rows[i]['text']!r}  cues: {_cues(results[i])}"
              + (f"  note: {results[i].note}" if results[i].note else ""))
    alarms = [i for i in none_idx if pred[i] != "none"]
    print(f"\nfalse alarms on none lines ({len(alarms)}):")
    for i in alarms:
        print(f"  [{pred[i]}] {rows[i]['text']!r}  cues: {_cues(results[i])}")
    wrong_check = [i for i in check_idx if pred[i] != "check_in"]
    print(f"\ncheck_in lines handled otherwise ({len(wrong_check)}):")
    for i in wrong_check:
        print(f"  [{pred[i]}] {rows[i]['text']!r}  cues: {_cues(results[i])}")

    print(f"\nSUMMARY recall {recall:.3f} precision {precision:.3f} fpr {fpr:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
