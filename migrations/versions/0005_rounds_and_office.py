"""rounds: publication, explanatory note and published answers; the consulting office's contacts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:40:00.000000

A consultation names the body that consults and how to reach it (shown on every public page). Each
version is a round: ``note`` is its 起草说明; ``published_at`` is when the office published it (NULL: a
round being prepared, never shown to the public); ``answers_published_at`` is when the office made the
round's dispositions and reasons visible on receipts (NULL: not yet). Rounds that existed before this
migration were public from the moment they were imported, so they count as published then.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: never a batch rebuild of ``version`` (see downgrade).
    for name, length in (
        ("office_name", 200),
        ("office_address", 300),
        ("office_email", 200),
        ("office_phone", 80),
    ):
        op.add_column(
            "consultation", sa.Column(name, sa.String(length=length), server_default="", nullable=False)
        )
    op.add_column("version", sa.Column("note", sa.Text(), server_default="", nullable=False))
    op.add_column("version", sa.Column("published_at", app.db.UTCDateTime(), nullable=True))
    op.add_column("version", sa.Column("answers_published_at", app.db.UTCDateTime(), nullable=True))
    op.execute("UPDATE version SET published_at = created_at")


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch rebuild would drop and recreate ``version``,
    # and its ON DELETE CASCADE would take every article and comment with it.
    for name in ("answers_published_at", "published_at", "note"):
        op.drop_column("version", name)
    for name in ("office_phone", "office_email", "office_address", "office_name"):
        op.drop_column("consultation", name)
