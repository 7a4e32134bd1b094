"""Start the real action server and Rasa server on free ports for end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "models" / "rasa" / "coach.tar.gz"
RASA = Path(sys.executable).with_name("rasa")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Servers:
    url: str
    db_url: str
    workdir: Path
    processes: list[subprocess.Popen]

    def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.db_url}

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def start_servers(workdir: Path, timeout: float = 300) -> Servers:
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: `make test` trains it first (or run `make train`)")
    db_file = workdir / "coach.db"
    db_url = f"sqlite:///{db_file}"
    action_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{db_file}"\n')
    env = {**os.environ, "DATABASE_URL": db_url, "RASA_TELEMETRY_ENABLED": "false",
           "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=REPO, env=env, check=True,
                   capture_output=True)
    logs = [open(workdir / name, "w") for name in ("actions.log", "rasa.log")]
    processes = [
        subprocess.Popen([sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port",
                          str(action_port)], cwd=REPO, env=env, stdout=logs[0], stderr=subprocess.STDOUT),
        subprocess.Popen([str(RASA), "run", "-m", str(MODEL), "--endpoints", str(endpoints),
                          "--credentials", "credentials.yml", "-i", "127.0.0.1", "-p", str(rasa_port)],
                         cwd=REPO, env=env, stdout=logs[1], stderr=subprocess.STDOUT),
    ]
    servers = Servers(f"http://127.0.0.1:{rasa_port}", db_url, workdir, processes)
    ready = [f"{servers.url}/webhooks/rest/", f"http://127.0.0.1:{action_port}/health"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            break
        try:
            for target in ready:
                urllib.request.urlopen(target, timeout=2).read()
            return servers
        except OSError:
            time.sleep(1)
    servers.stop()
    tail = "\n".join((workdir / n).read_text()[-3000:] for n in ("actions.log", "rasa.log"))
    raise RuntimeError(f"servers did not start within {timeout:.0f} s:\n{tail}")
