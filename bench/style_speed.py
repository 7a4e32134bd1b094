"""Style scorer speed: load time, one-utterance latency (p50/p95), batch throughput.

    .venv/bin/python bench/style_speed.py      (also run by `make bench`)

Targets (issue 3): load <= 3 s; one utterance p95 <= 5 ms; >= 1,000 utterances/s in batch.
Load is measured in a fresh interpreter, so imports count.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says

from bench.timing import load_seconds, percentiles  # noqa: E402


LOAD = ("import time; t=time.perf_counter(); from bot.style import score; score('warm up'); "
        "print(time.perf_counter()-t)")


def main() -> int:
    from bot.style import score, score_many
    from bot.style.data import load_examples

    texts = [e.text for e in load_examples()]
    for text in texts[:50]:
        score(text)
    single = []
    for text in texts[:1000]:
        started = time.perf_counter()
        score(text)
        single.append((time.perf_counter() - started) * 1000)
    batch = (texts * 4)[:5000]
    started = time.perf_counter()
    for i in range(0, len(batch), 512):
        score_many(batch[i:i + 512])
    rate = len(batch) / (time.perf_counter() - started)
    p50, p95 = percentiles(single)
    figures = {
        "load_seconds": round(load_seconds(LOAD), 2),
        "single_p50_ms": p50,
        "single_p95_ms": p95,
        "batch_utterances_per_second": round(rate),
    }
    print(json.dumps(figures))
    print(f"style scorer: load {figures['load_seconds']} s | one utterance p50 "
          f"{figures['single_p50_ms']} ms, p95 {figures['single_p95_ms']} ms | batch "
          f"{figures['batch_utterances_per_second']} utterances/s (1 thread)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
