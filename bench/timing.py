"""What the bench scripts share: a cold-start load time and latency percentiles."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_seconds(code: str, runs: int = 3) -> float:
    """Median wall time of ``code`` in a fresh interpreter; the code prints its own figure
    (seconds) as its last line, so interpreter start-up is not counted but imports are."""
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  cwd=REPO, check=True).stdout.strip().splitlines()[-1])
             for _ in range(runs)]
    return statistics.median(times)


def percentiles(ms: list[float]) -> tuple[float, float]:
    """(p50, p95) of a list of milliseconds, rounded to 0.01."""
    ordered = sorted(ms)
    return round(ordered[len(ordered) // 2], 2), round(ordered[int(len(ordered) * 0.95)], 2)
