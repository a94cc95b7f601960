"""bulk answers that can be undone; accounts that can be disabled

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:45:00.000000

A bulk answer (a selection, everything matching a filter, a cluster) is one ``bulk_action`` row; each
disposition it wrote carries its id in ``disposition.batch_id``. Undoing it writes new disposition rows
(``undo_of`` = the action) restoring what each comment had before: the history keeps every change.
``app_user.disabled_at`` marks an account an administrator has disabled. ``ix_comment_version_tally``
lets the overview of every round count by type, source and disposition without reading the comments.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bulk_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=80), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("undone_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("undone_by", sa.String(length=80), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_bulk_action_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_bulk_action_user_id_app_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_action")),
    )
    op.create_index(op.f("ix_bulk_action_consultation_id"), "bulk_action", ["consultation_id"])
    # Plain ADD COLUMN (no batch rebuild: comment rows reference these tables with ON DELETE CASCADE).
    op.add_column("disposition", sa.Column("batch_id", sa.Integer(), nullable=True))
    op.add_column("disposition", sa.Column("undo_of", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_disposition_batch_id"), "disposition", ["batch_id"])
    op.add_column("app_user", sa.Column("disabled_at", app.db.UTCDateTime(), nullable=True))
    # The overview's totals by type, source and disposition over every round, read from this index alone.
    op.create_index(
        "ix_comment_version_tally", "comment", ["version_id", "commenter_type", "source", "disposition"]
    )


def downgrade() -> None:
    op.drop_index("ix_comment_version_tally", table_name="comment")
    op.drop_column("app_user", "disabled_at")
    op.drop_index(op.f("ix_disposition_batch_id"), table_name="disposition")
    op.drop_column("disposition", "undo_of")
    op.drop_column("disposition", "batch_id")
    op.drop_index(op.f("ix_bulk_action_consultation_id"), table_name="bulk_action")
    op.drop_table("bulk_action")
