"""practice sessions and turns

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("difficulty", sa.String(10), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("coach_mode", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("ending", sa.String(20)),
        sa.Column("outcome", sa.Text()),
        sa.Column("final_tension", sa.Float()),
        sa.Column("final_progress", sa.Float()),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime()),
    )
    op.create_index("ix_practice_sessions_conversation_id", "practice_sessions", ["conversation_id"])
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("session_id", sa.String(36), sa.ForeignKey("practice_sessions.id")),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("user_text", sa.Text(), nullable=False),
        sa.Column("style_label", sa.String(30)),
        sa.Column("style", sa.JSON()),
        sa.Column("safety", sa.JSON()),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("reply_text", sa.Text()),
        sa.Column("tension_before", sa.Float()),
        sa.Column("tension_after", sa.Float()),
        sa.Column("progress_before", sa.Float()),
        sa.Column("progress_after", sa.Float()),
        sa.Column("replaces_turn_id", sa.Integer(), sa.ForeignKey("turns.id")),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_turns_conversation_id", "turns", ["conversation_id"])
    op.create_index("ix_turns_session_id", "turns", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_turns_session_id", "turns")
    op.drop_index("ix_turns_conversation_id", "turns")
    op.drop_table("turns")
    op.drop_index("ix_practice_sessions_conversation_id", "practice_sessions")
    op.drop_table("practice_sessions")
