"""personal data erasure

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00.000000

Adds to ``comment`` when its personal fields were erased at the commenter's request (个人信息保护法
第四十七条), and the failed online attempts with the lock they lead to (app/services/erasure.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", app.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("erasure_failures", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("erasure_locked_until", app.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_column("erasure_locked_until")
        batch_op.drop_column("erasure_failures")
        batch_op.drop_column("erased_at")
