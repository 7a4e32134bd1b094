from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect

from bot import storage

REPO = Path(__file__).resolve().parents[1]


def test_migrations_create_the_tables_and_are_idempotent(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    storage.migrate(url)
    storage.db.migrate.cache_clear()
    storage.migrate(url)
    tables = set(inspect(storage.get_engine(url)).get_table_names())
    assert {"practice_sessions", "turns", "alembic_version"} <= tables


def test_session_turns_and_transcript_round_trip(tmp_path):
    url = f"sqlite:///{tmp_path / 't.db'}"
    sid = storage.open_session("conv-1", "chores-partner", "hard", url=url)
    long_text = "é" * 50_000
    storage.record_turn("conv-1", "roleplay", long_text, url=url, session_id=sid,
                        style_label="passive", style={"label": "passive"}, reply_text="Hm?",
                        tension_before=3, tension_after=3)
    storage.record_turn("conv-1", "meta", "stop", url=url, session_id=sid)
    storage.end_session(sid, "stopped", url=url)
    data = storage.transcript("conv-1", url=url)
    assert data["sessions"][0]["status"] == "stopped" and data["sessions"][0]["ended_at"]
    assert [t["kind"] for t in data["turns"]] == ["roleplay", "meta"]
    assert data["turns"][0]["user_text"] == long_text  # stored whole
    assert storage.transcript("someone-else", url=url)["turns"] == []


def test_transcript_cli_json(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    storage.record_turn("conv-cli", "roleplay", "I'd like help on Tuesdays.", url=url,
                        style_label="assertive")
    env = {**os.environ, "DATABASE_URL": url}
    run = subprocess.run([sys.executable, "-m", "bot", "transcript", "conv-cli", "--json"],
                         capture_output=True, text=True, cwd=REPO, env=env, check=True)
    data = json.loads(run.stdout)
    assert data["turns"][0]["style_label"] == "assertive"
    missing = subprocess.run([sys.executable, "-m", "bot", "transcript", "nobody"],
                             capture_output=True, text=True, cwd=REPO, env=env)
    assert missing.returncode == 1 and "no stored turns" in missing.stderr


def test_flagged_turns_for_review_newest_first_and_cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'f.db'}"
    crisis = {"level": "crisis", "category": "suicide",
              "cues": [{"text": "want to die", "start": 2, "end": 13}]}
    storage.record_turn("conv-a", "roleplay", "Could you help on Tuesdays?", url=url)
    storage.record_turn("conv-a", "crisis", "I want to die", url=url, safety=crisis, flagged=True)
    storage.record_turn("conv-b", "crisis", "he hit me again", url=url, flagged=True,
                        safety={"level": "crisis", "category": "danger_abuse", "cues": []})
    turns = storage.flagged_turns(url=url)
    assert [t["user_text"] for t in turns] == ["he hit me again", "I want to die"]
    assert [t["conversation_id"] for t in storage.flagged_turns(url=url, conversation_id="conv-a")] == ["conv-a"]

    env = {**os.environ, "DATABASE_URL": url}
    run = subprocess.run([sys.executable, "-m", "bot", "flags", "--json"], capture_output=True,
                         text=True, env=env, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    assert [t["user_text"] for t in json.loads(run.stdout)] == ["he hit me again", "I want to die"]
    text = subprocess.run([sys.executable, "-m", "bot", "flags", "--days", "1"], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=120)
    assert "conversation conv-a (crisis, suicide; cues: want to die)" in text.stdout
    shown = subprocess.run([sys.executable, "-m", "bot", "transcript", "conv-a"],
                           capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert "I want to die  [FLAGGED: crisis screen]" in shown.stdout
    assert "Tuesdays?  [FLAGGED" not in shown.stdout
