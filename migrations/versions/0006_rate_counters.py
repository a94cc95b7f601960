"""rate counters shared by every process (login, erasure and receipt throttles); installation state

Revision ID: 0006
Revises: 0010
Create Date: 2026-12-01 21:50:00.000000

The throttles used to live in each process's memory, so three processes allowed three times the limit and
a restart forgot them. ``rate_counter`` holds one fixed-window counter per key, updated with a single
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (atomic on SQLite and PostgreSQL).

``app_state`` records ``demo_seeded`` once the first-start demo is complete, so that a start killed while
seeding is redone on the next start. Databases that already hold a consultation are marked as seeded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0006"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_counter",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("window_start", app.db.UTCDateTime(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_counter")),
    )
    op.create_table(
        "app_state",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_state")),
    )
    op.execute(
        "INSERT INTO app_state (key, value) SELECT 'demo_seeded', 'before 0006' "
        "WHERE EXISTS (SELECT 1 FROM consultation)"
    )


def downgrade() -> None:
    op.drop_table("app_state")
    op.drop_table("rate_counter")
