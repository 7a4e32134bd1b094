"""Print a real transcript of a crisis line sent mid role-play, over the REST channel.

    .venv/bin/python scripts/demo_crisis.py     (after `make test` has trained the models)

Starts the action server and Rasa on free ports with a throw-away database (as the e2e
tests do), plays a few turns of a scene, sends a crisis line, answers the safety check,
resumes on explicit request, then prints the stored, flagged turn.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e_support import REPO, start_servers  # noqa: E402

TURNS = [
    '/start_scenario{"scenario_id":"chores-partner"}',
    '/choose_difficulty{"difficulty":"medium"}',
    "I'm exhausted. Could you take over dinner on Tuesdays?",
    "Sam, I can't keep doing this. Honestly I just want to die.",
    "I'm safe right now, I'm at home with my sister",
    "hello?",
    "/resume",
]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        servers = start_servers(Path(tmp))
        sender = f"demo-{uuid.uuid4().hex[:6]}"
        try:
            for text in TURNS:
                print(f"\n>>> you: {text}")
                for msg in servers.send(sender, text):
                    custom = msg.get("custom") or {}
                    body = textwrap.indent(custom.get("text") or msg.get("text") or "", "      ")
                    print(f"  [{custom.get('speaker', '?')}]\n{body}")
                    if msg.get("buttons"):
                        print("      buttons: " + " | ".join(b["title"] for b in msg["buttons"]))
            run = subprocess.run([sys.executable, "-m", "bot", "flags", "--conversation", sender],
                                 capture_output=True, text=True, cwd=REPO, env=servers.env())
            print("\n$ python -m bot flags --conversation " + sender)
            print(run.stdout.strip())
        finally:
            servers.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
