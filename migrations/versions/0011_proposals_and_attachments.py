"""proposed wording, attachments and adoptions (issue 17)

Revision ID: 0011
Revises: 0006
Create Date: 2026-12-01 22:00:00.000000

``comment.proposed_text`` holds a commenter's 修改建议稿 for the provision they target. ``attachment`` holds
the metadata of the files sent with a comment (the bytes are kept in the data folder under their SHA-256).
``adoption`` records which comment's wording a drafter adopted into which provision of a round being
prepared, with the disposition given at the same time.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0011"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: never a batch rebuild of ``comment`` (others reference it with ON DELETE CASCADE).
    op.add_column("comment", sa.Column("proposed_text", sa.Text(), server_default="", nullable=False))
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("personal", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comment.id"], name=op.f("fk_attachment_comment_id_comment"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    op.create_index(op.f("ix_attachment_comment_id"), "attachment", ["comment_id"])
    op.create_index(op.f("ix_attachment_sha256"), "attachment", ["sha256"])
    op.create_table(
        "adoption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("disposition_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comment.id"], name=op.f("fk_adoption_comment_id_comment"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["version.id"], name=op.f("fk_adoption_version_id_version"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["disposition_id"],
            ["disposition.id"],
            name=op.f("fk_adoption_disposition_id_disposition"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adoption")),
    )
    op.create_index(op.f("ix_adoption_comment_id"), "adoption", ["comment_id"])
    op.create_index(op.f("ix_adoption_version_id"), "adoption", ["version_id"])


def downgrade() -> None:
    op.drop_table("adoption")
    op.drop_table("attachment")
    op.drop_column("comment", "proposed_text")
