"""A terminal client for the coach over Rasa's REST channel (``make chat``).

It shows who is speaking (the persona by name, the coach, the system, the safety notice),
numbers any buttons so you can answer with a digit, and keeps one conversation id per
machine in ``var/`` so a paused scene is still there next time.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Optional

REPO_ROOT = Path(__file__).resolve().parents[1]
SENDER_FILE = REPO_ROOT / "var" / "chat-sender"
COLOURS = {"interlocutor": "\033[1;36m", "coach": "\033[0;33m", "system": "\033[0;37m",
           "safety": "\033[1;31m"}
RESET = "\033[0m"


def post(url: str, sender: str, message: str, timeout: float = 60.0) -> list[dict[str, Any]]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def wait_ready(url: str, actions: Optional[str], timeout: float) -> bool:
    """Poll until the Rasa server has loaded its model and the action server answers."""
    deadline = time.monotonic() + timeout
    targets = [f"{url}/webhooks/rest/"] + ([f"{actions}/health"] if actions else [])
    while time.monotonic() < deadline:
        try:
            for target in targets:
                urllib.request.urlopen(target, timeout=2).read()
            return True
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(1)
    return False


def _sender() -> str:
    SENDER_FILE.parent.mkdir(parents=True, exist_ok=True)
    if not SENDER_FILE.exists():
        SENDER_FILE.write_text(f"terminal-{uuid.uuid4().hex[:12]}\n")
    return SENDER_FILE.read_text().strip()


def render(message: dict[str, Any], colour: bool) -> str:
    custom = message.get("custom") or {}
    speaker = custom.get("speaker", "system")
    text = custom.get("text") or message.get("text") or ""
    label = {"interlocutor": custom.get("name", "Them"), "coach": "Coach", "safety": "Important",
             "system": ""}.get(speaker, "")
    width = 88
    body = "\n".join(textwrap.fill(p, width) if p.strip() else p for p in text.split("\n"))
    out = f"{label}: {body}" if label else body
    if speaker == "coach":
        out = textwrap.indent(out, "    ")
    if colour:
        out = f"{COLOURS.get(speaker, '')}{out}{RESET}"
    return out


def run(url: str, sender: Optional[str] = None) -> int:
    sender = sender or _sender()
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    print("Role-play coach. Type your message; 'help' for commands, 'stop' to end a scene, "
          "Ctrl-D to quit.\n")
    buttons: list[dict[str, str]] = []
    outgoing = "hello"
    while True:
        try:
            replies = post(url, sender, outgoing)
        except (urllib.error.URLError, OSError) as exc:
            print(f"(The coach is not answering: {exc}. Your message was not lost: try again.)")
            replies = []
        buttons = []
        for message in replies:
            print(render(message, colour))
            buttons.extend(message.get("buttons") or [])
        if buttons:
            print("  " + "  ".join(f"[{i}] {b['title']}" for i, b in enumerate(buttons, 1)))
        try:
            typed = input("\nYou: ")
        except (EOFError, KeyboardInterrupt):
            print("\nBye. Your practice is saved on this machine.")
            return 0
        choice = typed.strip()
        if choice.isdigit() and buttons and 1 <= int(choice) <= len(buttons):
            outgoing = buttons[int(choice) - 1]["payload"]
        else:
            outgoing = typed
