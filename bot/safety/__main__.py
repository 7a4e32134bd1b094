"""Batch screening: one utterance per line on stdin, one JSON object per line on stdout.

    .venv/bin/python -m bot.safety < lines.txt > verdicts.jsonl

Lines are read as UTF-8 with undecodable bytes replaced; output order and line count match
the input (an empty line gives a ``none`` verdict). Each object is ``SafetyResult.to_dict()``:
label/level, crisis, category, probabilities, cues, note.
"""

from __future__ import annotations

import io
import json
import sys

from bot.safety import screen


def main() -> int:
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="\n")
    out = sys.stdout
    for line in stdin:
        result = screen(line.rstrip("\n").rstrip("\r"))
        out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
