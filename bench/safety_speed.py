"""Crisis screen speed: load time, one-message latency (p50/p95) and the batch CLI's rate.

    .venv/bin/python bench/safety_speed.py      (also run by `make bench`)

Messages are the training lines (data/safety/train.jsonl and parts/), so every route is
exercised: pattern crises, cues set aside, and the classifier on messages with no cue.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from bench.timing import load_seconds, percentiles  # noqa: E402


LOAD = ("import time; t=time.perf_counter(); from bot.safety import screen; "
        "screen('warm up'); print(time.perf_counter()-t)")


def main() -> int:
    from bot.safety import screen
    from bot.safety.model import read_rows

    texts = [r["text"] for r in read_rows()]
    for text in texts[:50]:
        screen(text)
    single = []
    for text in texts[:2000]:
        started = time.perf_counter()
        screen(text)
        single.append((time.perf_counter() - started) * 1000)
    lines = "\n".join(t.replace("\n", " ") for t in texts[:3000]) + "\n"
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bot.safety"], input=lines.encode("utf-8"),
                          capture_output=True, cwd=REPO, check=True)
    cli_seconds = time.perf_counter() - started
    assert len(proc.stdout.decode("utf-8").splitlines()) == 3000
    p50, p95 = percentiles(single)
    figures = {
        "load_seconds": round(load_seconds(LOAD), 2),
        "single_p50_ms": p50,
        "single_p95_ms": p95,
        "cli_3000_lines_seconds": round(cli_seconds, 1),
    }
    print(json.dumps(figures))
    print(f"crisis screen: load {figures['load_seconds']} s | one message p50 "
          f"{figures['single_p50_ms']} ms, p95 {figures['single_p95_ms']} ms | "
          f"python -m bot.safety: 3,000 lines in {figures['cli_3000_lines_seconds']} s "
          "(start-up included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
