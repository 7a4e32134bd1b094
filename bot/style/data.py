"""The labelled utterances in ``data/style/`` and their grouped, seeded splits.

Splits hold out whole groups (writing batch + topic), so that near-paraphrases written for
one situation never sit on both sides of a split. The test split is never used for tuning.
``holdout_textbook.jsonl`` is written separately, in textbook style, and is never trained on.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.scenarios.schema import STYLES

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data" / "style"
HOLDOUT_FILE = DATA_DIR / "holdout_textbook.jsonl"
SEED = 13
TEST_SHARE = 0.2
DEV_SHARE = 0.15


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    group: str
    batch: str


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("label") not in STYLES:
            raise ValueError(f"{path}:{number}: label {row.get('label')!r} not in {STYLES}")
        rows.append(row)
    return rows


def load_examples(data_dir: Path = DATA_DIR) -> list[Example]:
    """The training pool: every ``batch_*.jsonl`` file (not the textbook holdout)."""
    examples = []
    for path in sorted(data_dir.glob("batch_*.jsonl")):
        for row in read_jsonl(path):
            batch = row.get("batch") or path.stem
            examples.append(Example(row["text"], row["label"], f"{batch}:{row.get('topic', '')}", batch))
    return examples


def load_holdout(path: Path = HOLDOUT_FILE) -> list[Example]:
    return [Example(r["text"], r["label"], "holdout", "holdout") for r in read_jsonl(path)]


def split(examples: list[Example], seed: int = SEED) -> dict[str, list[Example]]:
    """Assign whole groups to test, dev and train until each reaches its share of rows."""
    groups: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        groups[example.group].append(example)
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)
    total = len(examples)
    parts: dict[str, list[Example]] = {"test": [], "dev": [], "train": []}
    for key in keys:
        if len(parts["test"]) < TEST_SHARE * total:
            parts["test"].extend(groups[key])
        elif len(parts["dev"]) < DEV_SHARE * total:
            parts["dev"].extend(groups[key])
        else:
            parts["train"].extend(groups[key])
    return parts
