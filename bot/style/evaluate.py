"""``make eval-style``: measure the style scorer honestly.

1. The shipped model (trained on train + dev) on the grouped test split: per-class
   precision/recall/F1, macro-F1, confusion matrix, worst errors.
2. Generalisation: leave-one-writing-batch-out (train on the other batches, test on it) and
   the textbook-style holdout that no model ever trains on.
3. The parts of the shipped ensemble alone (logistic regression, spaCy textcat) on the same
   data, so the model choice is shown.
"""

from __future__ import annotations

import argparse
import logging

from sklearn.metrics import classification_report, confusion_matrix, f1_score

from bot.scenarios.schema import STYLES
from bot.style import load_classifier, score_many
from bot.style.data import Example, load_examples, load_holdout, split
from bot.style.model import StyleClassifier, StyleModel, parse

SHORT = {"assertive": "ASS", "passive": "PAS", "aggressive": "AGG", "passive_aggressive": "P-A"}


def _report(name: str, gold: list[str], pred: list[str]) -> float:
    macro = f1_score(gold, pred, labels=list(STYLES), average="macro")
    print(f"\n== {name}: n={len(gold)} macro-F1 {macro:.3f}")
    print(classification_report(gold, pred, labels=list(STYLES), digits=3, zero_division=0))
    matrix = confusion_matrix(gold, pred, labels=list(STYLES))
    print("confusion (rows = gold, columns = predicted)")
    print("        " + " ".join(f"{SHORT[s]:>5}" for s in STYLES))
    for s, row in zip(STYLES, matrix):
        print(f"  {SHORT[s]:>5} " + " ".join(f"{v:>5}" for v in row))
    return macro


def _worst(examples: list[Example], n: int) -> None:
    results = score_many([e.text for e in examples])
    errors = [(r.probabilities[r.label] - r.probabilities.get(e.label, 0.0), e, r)
              for e, r in zip(examples, results) if r.label != e.label]
    errors.sort(key=lambda t: -t[0])
    print(f"\nworst {min(n, len(errors))} of {len(errors)} errors (gold -> predicted, margin):")
    for margin, e, r in errors[:n]:
        cues = ", ".join(f"{c.cue_id}:{c.text!r}" for c in r.cues[:4])
        print(f"  {SHORT[e.label]} -> {SHORT.get(r.label, r.label)} ({margin:.2f}) {e.text!r}  [{cues}]")


def _lobo(examples: list[Example], c: float) -> dict[str, float]:
    parsed = {e.text: parse(e.text) for e in examples}
    scores = {}
    for batch in sorted({e.batch for e in examples}):
        train = [e for e in examples if e.batch != batch]
        test = [e for e in examples if e.batch == batch]
        model = StyleClassifier(c=c).fit([parsed[e.text] for e in train], [e.label for e in train])
        scores[batch] = f1_score([e.label for e in test], model.predict(parsed[e.text] for e in test),
                                 average="macro")
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worst", type=int, default=15)
    args = parser.parse_args(argv)
    logging.getLogger("spacy").setLevel(logging.ERROR)

    examples = load_examples()
    parts = split(examples)
    holdout = load_holdout()
    model = load_classifier()
    print(f"data: {len(examples)} utterances in {len({e.batch for e in examples})} writing batches; "
          f"split by group: " + ", ".join(f"{k} {len(v)}" for k, v in parts.items())
          + f"; textbook holdout {len(holdout)}; C={model.c}")

    test = parts["test"]
    test_pred = [r.label for r in score_many([e.text for e in test])]
    main_f1 = _report("shipped model on the TEST split", [e.label for e in test], test_pred)
    _worst(test, args.worst)
    hold_pred = [r.label for r in score_many([e.text for e in holdout])]
    hold_f1 = _report("shipped model on the TEXTBOOK holdout (never trained on)",
                      [e.label for e in holdout], hold_pred)
    lobo = _lobo(examples, model.c)
    print("\nleave-one-batch-out macro-F1: " + ", ".join(f"{b} {v:.3f}" for b, v in lobo.items())
          + f"; mean {sum(lobo.values()) / len(lobo):.3f}")

    print("\n== model comparison (macro-F1)                         test split  textbook holdout")
    for name, weight in (("spaCy textcat BOW alone (spacy train)", 0.0),
                         ("logistic regression over tokens + cues alone", 1.0),
                         (f"ensemble, LR weight {model.weight} chosen on dev (shipped)", model.weight)):
        variant = StyleModel(model.classifier, model.textcat, weight)
        row = []
        for items in (test, holdout):
            probs = variant.predict_proba([parse(e.text) for e in items])
            row.append(f1_score([e.label for e in items], [STYLES[i] for i in probs.argmax(axis=1)],
                                average="macro"))
        print(f"   {name:<52} {row[0]:.3f}       {row[1]:.3f}")
    print(f"\nSUMMARY test macro-F1 {main_f1:.3f} | textbook holdout macro-F1 {hold_f1:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
