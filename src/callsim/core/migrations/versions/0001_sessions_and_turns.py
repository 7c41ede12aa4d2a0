"""First schema: sessions and their turns.

Revision ID: 0001
Revises:
Create Date: 2026-11-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callsim.core.store import JSONType, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("trainee", sa.String(200), nullable=False),
        sa.Column("scenario_id", sa.String(200), nullable=False),
        sa.Column("scenario_version", sa.Integer, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("started", UTCDateTime, nullable=False),
        sa.Column("updated", UTCDateTime, nullable=False),
        sa.Column("ended", UTCDateTime, nullable=True),
        sa.Column("n_turns", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("state", JSONType, nullable=True),
        sa.Column("outcome_id", sa.String(100), nullable=True),
        sa.Column("outcome_label", sa.String(300), nullable=True),
        sa.Column("outcome_result", sa.String(40), nullable=True),
        sa.Column("empathy", sa.Float, nullable=True),
        sa.Column("deescalation", sa.Float, nullable=True),
        sa.Column("expectations_met", sa.Float, nullable=True),
        sa.Column("overall", sa.Float, nullable=True),
        sa.Column("compliance_passed", sa.Boolean, nullable=True),
        sa.Column("passed", sa.Boolean, nullable=True),
        sa.Column("violations", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("record", JSONType, nullable=True),
    )
    op.create_index("ix_sessions_started", "sessions", ["started"])
    op.create_table(
        "turns",
        sa.Column("session_id", sa.String(16), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("taken", UTCDateTime, nullable=False),
        sa.Column("node", sa.String(200), nullable=False),
        sa.Column("reply", sa.Text, nullable=False),
        sa.Column("debtor", sa.Text, nullable=False),
        sa.Column("empathy", sa.Float, nullable=True),
        sa.Column("deescalation", sa.Float, nullable=True),
        sa.Column("violations", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("data", JSONType, nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("callsim never downgrades a session database: restore the .bak copy instead")
