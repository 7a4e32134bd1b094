"""Latency of one role-play turn over REST, against the real servers.

    .venv/bin/python bench/turn_latency.py [--turns 200]   (also run by `make bench`)

Starts the action server and the Rasa server on free ports with a throwaway database,
plays scenes (start, choose difficulty, then role-play lines until the scene ends, then a
new scene) and times every role-play line: NLU, rule policy, action call (crisis screen,
style score, engine, coach note, two database writes) and the reply. Prints p50/p95/max.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e_support import start_servers  # noqa: E402

LINES = [
    "I'd like us to talk about how we split the evenings.",
    "Sorry, maybe it's nothing, I just wondered if you could help a bit?",
    "You never do anything around here and I'm sick of it!",
    "Oh great, thanks so much for all your help, as usual.",
    "I know you're tired. Could you take over dinner on Tuesdays?",
    "Whatever you think is fine, I don't mind.",
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    servers = start_servers(Path(tempfile.mkdtemp(prefix="bench-")))
    startup = time.perf_counter() - started
    timings = []
    try:
        lines = itertools.cycle(LINES)
        while len(timings) < args.turns:
            sender = f"bench-{uuid.uuid4().hex[:8]}"
            servers.send(sender, '/start_scenario{"scenario_id":"chores-partner"}')
            servers.send(sender, '/choose_difficulty{"difficulty":"hard"}')
            for _ in range(12):
                t0 = time.perf_counter()
                reply = servers.send(sender, next(lines))
                timings.append((time.perf_counter() - t0) * 1000)
                if any("summary" in m.get("custom", {}) for m in reply) or len(timings) >= args.turns:
                    break
    finally:
        servers.stop()
    timings.sort()
    figures = {"server_start_seconds": round(startup, 1), "turns": len(timings),
               "p50_ms": round(statistics.median(timings), 1),
               "p95_ms": round(timings[int(len(timings) * 0.95)], 1), "max_ms": round(timings[-1], 1)}
    print(json.dumps(figures))
    print(f"role-play turn over REST: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
          f"max {figures['max_ms']} ms over {figures['turns']} turns "
          f"(servers ready in {figures['server_start_seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
