"""Shared fixtures. Every test run uses its own throwaway database."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Optional

import pytest

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
_DB_DIR = Path(tempfile.mkdtemp(prefix="coach-tests-"))
os.environ["DATABASE_URL"] = f"sqlite:///{_DB_DIR / 'test.db'}"

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def scenarios():
    from bot.scenarios import load_scenarios

    return load_scenarios()


@pytest.fixture(scope="session")
def chores(scenarios):
    return next(s for s in scenarios if s.id == "chores-partner")


class MemoryStorage:
    """Records what the coach stores, without a database."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.turns: list[dict[str, Any]] = []

    def open_session(self, conversation_id, scenario_id, difficulty, mode, coach_mode) -> str:
        sid = f"s{len(self.sessions) + 1}"
        self.sessions[sid] = {"conversation_id": conversation_id, "scenario_id": scenario_id,
                              "difficulty": difficulty, "status": "active"}
        return sid

    def end_session(self, session_id, status, **fields) -> None:
        self.sessions[session_id].update(status=status, **fields)

    def record_turn(self, conversation_id, kind, user_text, **fields) -> int:
        self.turns.append({"id": len(self.turns) + 1, "conversation_id": conversation_id,
                           "kind": kind, "user_text": user_text, **fields})
        return len(self.turns)


class NoRisk:
    label = "none"
    category = "none"

    def to_dict(self) -> dict:
        return {"label": "none"}


class Conversation:
    """Drives bot.dialogue.Coach like the Rasa actions do, keeping the slots between turns."""

    def __init__(self, scenarios, storage: Optional[MemoryStorage] = None, seed: int = 7,
                 screen=None) -> None:
        self.scenarios = scenarios
        self.storage = storage or MemoryStorage()
        self.slots: dict[str, Any] = {}
        self.seed = seed
        self.screen = screen

    def send(self, command: str, text: str, confidence: float = 0.95, **entities):
        from bot.dialogue import Coach, UserMessage

        kwargs = {"screen": self.screen} if self.screen else {}
        coach = Coach("tester", dict(self.slots), scenarios=self.scenarios,
                      storage=self.storage, seed=self.seed, **kwargs)
        reply = coach.handle(UserMessage(text, command, confidence=confidence, entities=entities))
        self.slots.update(reply.slots)
        return reply


@pytest.fixture
def conversation(scenarios):
    return Conversation(scenarios)
