"""Team-lead reviews, the rubric version of each session, and indexes for filtered listings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Only adds: sessions recorded under 0001 keep every value; their rubric_version becomes 1 (the only
rubric there was) and their review count 0.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callsim.core.store import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("rubric_version", sa.Integer, nullable=False, server_default=sa.text("1")))
    op.add_column("sessions", sa.Column("n_reviews", sa.Integer, nullable=False, server_default=sa.text("0")))
    op.add_column("sessions", sa.Column("review_score", sa.Float, nullable=True))
    op.create_index("ix_sessions_trainee_started", "sessions", ["trainee", "started"])
    op.create_index("ix_sessions_scenario_started", "sessions", ["scenario_id", "started"])
    op.create_index("ix_sessions_passed_started", "sessions", ["passed", "started"])
    op.create_index("ix_sessions_trainee_ended", "sessions", ["trainee", "ended"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(16), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created", UTCDateTime, nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("override_score", sa.Float, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
    )
    op.create_index("ix_reviews_session", "reviews", ["session_id"])


def downgrade() -> None:
    raise NotImplementedError("callsim never downgrades a session database: restore the .bak copy instead")
