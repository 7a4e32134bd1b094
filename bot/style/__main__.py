"""Batch scoring: one utterance per line on stdin, one JSON object per line on stdout.

    .venv/bin/python -m bot.style < lines.txt > scores.jsonl

Lines are read as UTF-8 with undecodable bytes replaced; output order matches input order.
"""

from __future__ import annotations

import io
import json
import sys

from bot.style import score_many

BATCH = 512


def main() -> int:
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="\n")
    out = sys.stdout
    batch: list[str] = []

    def flush() -> None:
        for result in score_many(batch):
            out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        batch.clear()

    for line in stdin:
        batch.append(line.rstrip("\n").rstrip("\r"))
        if len(batch) >= BATCH:
            flush()
    flush()
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
