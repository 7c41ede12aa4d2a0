"""Drill attempts: written messages, voicemail and "may I contact them now?" (issue 16).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05

Only adds a table: sessions, turns and reviews recorded under 0002 are untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callsim.core.store import JSONType, UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drill_attempts",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("trainee", sa.String(200), nullable=False),
        sa.Column("drill_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("jurisdiction", sa.String(10), nullable=False),
        sa.Column("taken", UTCDateTime, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("n_rules", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("data", JSONType, nullable=False),
    )
    op.create_index("ix_drill_attempts_trainee_taken", "drill_attempts", ["trainee", "taken"])
    op.create_index("ix_drill_attempts_taken", "drill_attempts", ["taken"])


def downgrade() -> None:
    raise NotImplementedError("callsim never downgrades a session database: restore the .bak copy instead")
