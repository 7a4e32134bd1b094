"""Tables the action server writes: practice sessions and their turns.

Rasa's own tracker store keeps its ``events`` table in the same database; these tables are
separate and change only through Alembic migrations (``migrations/``).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class PracticeSession(Base):
    """One scene played by one conversation (Rasa sender id)."""

    __tablename__ = "practice_sessions"

    id = Column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    conversation_id = Column(String(255), nullable=False, index=True)
    scenario_id = Column(String(100), nullable=False)
    difficulty = Column(String(10), nullable=False)
    mode = Column(String(20), nullable=False, default="client")
    coach_mode = Column(Boolean, nullable=False, default=True)
    status = Column(String(20), nullable=False, default="active")  # active|paused|ended|stopped
    ending = Column(String(20))
    outcome = Column(Text)
    final_tension = Column(Float)
    final_progress = Column(Float)
    started_at = Column(DateTime, nullable=False, default=_now)
    ended_at = Column(DateTime)

    turns = relationship("Turn", back_populates="session", order_by="Turn.id")


class Turn(Base):
    """Every user message, stored whole, with what the coach made of it."""

    __tablename__ = "turns"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    session_id = Column(String(36), ForeignKey("practice_sessions.id"), index=True)
    kind = Column(String(20), nullable=False)  # roleplay|retry|crisis|meta|debrief
    user_text = Column(Text, nullable=False)
    style_label = Column(String(30))
    style = Column(JSON)
    safety = Column(JSON)
    flagged = Column(Boolean, nullable=False, default=False)
    reply_text = Column(Text)
    tension_before = Column(Float)
    tension_after = Column(Float)
    progress_before = Column(Float)
    progress_after = Column(Float)
    replaces_turn_id = Column(Integer, ForeignKey("turns.id"))
    created_at = Column(DateTime, nullable=False, default=_now)

    session = relationship("PracticeSession", back_populates="turns")
