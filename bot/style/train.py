"""Build the style scorer: ``python -m bot.style.train`` (``make style-model``).

On the grouped splits (``bot.style.data``), with every seed fixed:
1. tune the logistic regression's C on dev (fitted on train);
2. train spaCy's textcat with ``spacy train`` on train, selecting the best step on dev;
3. choose the ensemble weight on dev;
4. refit the logistic regression on train + dev and save everything to ``models/style/``.
The test split and the textbook holdout are never seen here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from bot.scenarios.schema import STYLES
from bot.style import MODEL_DIR, META_FILE, MODEL_FILE, TEXTCAT_DIR
from bot.style.data import DATA_DIR, SEED, load_examples, split
from bot.style.model import StyleClassifier, StyleModel, parse

C_GRID = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
WEIGHT_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def data_fingerprint(data_dir: Path = DATA_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted(data_dir.glob("batch_*.jsonl")):
        digest.update(path.read_bytes())
    for name in ("patterns.yml", "model.py", "data.py", "textcat.cfg", "train.py"):
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()[:16]


def _macro(gold: list[str], probs: np.ndarray) -> float:
    return float(f1_score(gold, [STYLES[i] for i in probs.argmax(axis=1)], average="macro"))


def build(out_dir: Path = MODEL_DIR, seed: int = SEED) -> dict:
    from bot.style.textcat import train_textcat

    parts = split(load_examples(), seed)
    parsed = {e.text: parse(e.text) for part in parts.values() for e in part}
    train, dev = parts["train"], parts["dev"]
    dev_gold = [e.label for e in dev]
    dev_parsed = [parsed[e.text] for e in dev]

    by_c = {}
    for c in C_GRID:
        lr = StyleClassifier(c=c, seed=seed).fit([parsed[e.text] for e in train], [e.label for e in train])
        by_c[c] = _macro(dev_gold, StyleModel(lr, None, 1.0).predict_proba(dev_parsed))
    best_c = max(C_GRID, key=lambda c: (round(by_c[c], 3), -c))
    lr_train = StyleClassifier(c=best_c, seed=seed).fit([parsed[e.text] for e in train], [e.label for e in train])

    work = Path(tempfile.mkdtemp(prefix="style-textcat-"))
    textcat = train_textcat(train, dev, work)
    by_w = {w: _macro(dev_gold, StyleModel(lr_train, textcat, w).predict_proba(dev_parsed))
            for w in WEIGHT_GRID}
    best_w = max(WEIGHT_GRID, key=lambda w: (round(by_w[w], 3), -abs(w - 0.5)))

    final = train + dev
    lr_final = StyleClassifier(c=best_c, seed=seed).fit([parsed[e.text] for e in final], [e.label for e in final])
    import joblib

    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(lr_final, out_dir / MODEL_FILE.name, compress=3)
    shutil.rmtree(out_dir / TEXTCAT_DIR.name, ignore_errors=True)
    shutil.copytree(work / "out" / "model-best", out_dir / TEXTCAT_DIR.name)
    shutil.rmtree(work, ignore_errors=True)
    return {
        "weight": best_w, "c": best_c,
        "dev_macro_f1_by_c": {str(k): round(v, 4) for k, v in by_c.items()},
        "dev_macro_f1_by_weight": {str(k): round(v, 4) for k, v in by_w.items()},
        "sizes": {k: len(v) for k, v in parts.items()}, "seed": seed,
        "data_fingerprint": data_fingerprint(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = build(args.out)
    info["train_seconds"] = round(time.perf_counter() - started, 1)
    (args.out / META_FILE.name).write_text(json.dumps(info, indent=2) + "\n")
    print(f"style model: C={info['c']} weight(LR)={info['weight']} "
          f"dev macro-F1 by weight {info['dev_macro_f1_by_weight']} sizes {info['sizes']} "
          f"in {info['train_seconds']} s -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
