"""themes of comments, their history and runs; the public feedback report; consent to be named

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 22:00:00.000000

``comment.name_consent`` is asked on the comment form apart from consent to process personal data: may
the commenter's name be published if the comment is adopted. New tables only otherwise.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _version_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["version_id"], ["version.id"], name=op.f(f"fk_{table}_version_id_version"), ondelete="CASCADE"
    )


def upgrade() -> None:
    # Plain ADD COLUMN: never a batch rebuild of ``comment`` (others reference it with ON DELETE CASCADE).
    op.add_column("comment", sa.Column("name_consent", sa.Boolean(), server_default="0", nullable=False))
    op.create_table(
        "theme_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("user_name", sa.String(length=80), nullable=False),
        sa.Column("started_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("finished_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("themes", sa.Integer(), nullable=False),
        sa.Column("unassigned", sa.Integer(), nullable=False),
        _version_fk("theme_run"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_run")),
    )
    op.create_index(op.f("ix_theme_run_version_id"), "theme_run", ["version_id"], unique=False)
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("decided", sa.Boolean(), nullable=False),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("handling", sa.Text(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
        _version_fk("theme"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
    )
    op.create_index(op.f("ix_theme_version_id"), "theme", ["version_id"], unique=False)
    op.create_table(
        "theme_member",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("closeness", sa.Float(), nullable=False),
        sa.Column("voice_id", sa.Integer(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comment.id"],
            name=op.f("fk_theme_member_comment_id_comment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["theme.id"], name=op.f("fk_theme_member_theme_id_theme"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("comment_id", name=op.f("pk_theme_member")),
    )
    op.create_index(op.f("ix_theme_member_theme_id"), "theme_member", ["theme_id"], unique=False)
    op.create_table(
        "theme_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("user_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        _version_fk("theme_event"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_event")),
    )
    op.create_index(op.f("ix_theme_event_version_id"), "theme_event", ["version_id"], unique=False)
    op.create_table(
        "feedback_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("generated_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("edited_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("edited_by", sa.String(length=80), nullable=False),
        sa.Column("published_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("published_by", sa.String(length=80), nullable=False),
        _version_fk("feedback_report"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_report")),
        sa.UniqueConstraint("version_id", name=op.f("uq_feedback_report_version_id")),
    )


def downgrade() -> None:
    for table in ("feedback_report", "theme_event", "theme_member", "theme", "theme_run"):
        op.drop_table(table)
    op.drop_column("comment", "name_consent")
