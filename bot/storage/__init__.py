"""Persistence of practice sessions and turns (SQLAlchemy; SQLite or PostgreSQL)."""

from bot.storage.db import database_url, get_engine, migrate, session_scope
from bot.storage.models import PracticeSession, Turn
from bot.storage.repo import (
    flagged_turns,
    end_session,
    open_session,
    record_turn,
    session_turns,
    transcript,
)

__all__ = [
    "flagged_turns",
    "PracticeSession",
    "Turn",
    "database_url",
    "end_session",
    "get_engine",
    "migrate",
    "open_session",
    "record_turn",
    "session_scope",
    "session_turns",
    "transcript",
]
