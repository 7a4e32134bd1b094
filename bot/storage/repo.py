"""The few writes and reads the coach needs, each in its own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import select

from bot.storage.db import migrate, session_scope
from bot.storage.models import PracticeSession, Turn


def _ready(url: Optional[str]) -> None:
    migrate(url)


def open_session(
    conversation_id: str, scenario_id: str, difficulty: str, mode: str = "client",
    coach_mode: bool = True, url: Optional[str] = None,
) -> str:
    _ready(url)
    with session_scope(url) as db:
        row = PracticeSession(conversation_id=conversation_id, scenario_id=scenario_id,
                              difficulty=difficulty, mode=mode, coach_mode=coach_mode,
                              status="active")
        db.add(row)
        db.flush()
        return row.id


def end_session(
    session_id: str, status: str, ending: Optional[str] = None, outcome: Optional[str] = None,
    tension: Optional[float] = None, progress: Optional[float] = None, url: Optional[str] = None,
) -> None:
    _ready(url)
    with session_scope(url) as db:
        row = db.get(PracticeSession, session_id)
        if row is None:
            return
        row.status = status
        if status in ("ended", "stopped"):
            row.ended_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        row.ending, row.outcome = ending or row.ending, outcome or row.outcome
        row.final_tension = tension if tension is not None else row.final_tension
        row.final_progress = progress if progress is not None else row.final_progress


def record_turn(conversation_id: str, kind: str, user_text: str, url: Optional[str] = None,
                **fields: Any) -> int:
    """Store one user message whole, with whatever analysis and reply it got."""
    _ready(url)
    with session_scope(url) as db:
        row = Turn(conversation_id=conversation_id, kind=kind, user_text=user_text, **fields)
        db.add(row)
        db.flush()
        return row.id


def _turn_dict(t: Turn) -> dict[str, Any]:
    return {
        "id": t.id, "session_id": t.session_id, "kind": t.kind, "user_text": t.user_text,
        "style_label": t.style_label, "style": t.style, "safety": t.safety,
        "flagged": t.flagged, "reply_text": t.reply_text,
        "tension_before": t.tension_before, "tension_after": t.tension_after,
        "progress_before": t.progress_before, "progress_after": t.progress_after,
        "replaces_turn_id": t.replaces_turn_id, "created_at": t.created_at.isoformat(),
    }


def session_turns(session_id: str, url: Optional[str] = None) -> list[dict[str, Any]]:
    _ready(url)
    with session_scope(url) as db:
        rows = db.execute(select(Turn).where(Turn.session_id == session_id).order_by(Turn.id))
        return [_turn_dict(t) for t in rows.scalars()]


def transcript(conversation_id: str, url: Optional[str] = None) -> dict[str, Any]:
    """Every stored session and turn of one Rasa conversation (sender id), oldest first."""
    _ready(url)
    with session_scope(url) as db:
        sessions = db.execute(
            select(PracticeSession).where(PracticeSession.conversation_id == conversation_id)
            .order_by(PracticeSession.started_at)
        ).scalars().all()
        turns = db.execute(
            select(Turn).where(Turn.conversation_id == conversation_id).order_by(Turn.id)
        ).scalars().all()
        return {
            "conversation_id": conversation_id,
            "sessions": [
                {"id": s.id, "scenario_id": s.scenario_id, "difficulty": s.difficulty,
                 "mode": s.mode, "status": s.status, "ending": s.ending, "outcome": s.outcome,
                 "final_tension": s.final_tension, "final_progress": s.final_progress,
                 "started_at": s.started_at.isoformat(),
                 "ended_at": s.ended_at.isoformat() if s.ended_at else None}
                for s in sessions
            ],
            "turns": [_turn_dict(t) for t in turns],
        }


def flagged_turns(url: Optional[str] = None, since: Optional[dt.datetime] = None,
                  conversation_id: Optional[str] = None) -> list[dict[str, Any]]:
    """Turns the crisis screen flagged, newest first, for a therapist's review on this machine."""
    _ready(url)
    query = select(Turn).where(Turn.flagged.is_(True))
    if since is not None:
        query = query.where(Turn.created_at >= since)
    if conversation_id is not None:
        query = query.where(Turn.conversation_id == conversation_id)
    with session_scope(url) as db:
        rows = db.execute(query.order_by(Turn.created_at.desc(), Turn.id.desc())).scalars()
        return [{"conversation_id": t.conversation_id, **_turn_dict(t)} for t in rows]
