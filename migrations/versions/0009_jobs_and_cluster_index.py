"""background jobs and the persistent near-duplicate index

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01 21:50:00.000000

``job`` is the drafters' view of background work (app/services/jobs.py; the queue itself is huey's, in its
own tables). ``comment_minhash`` and ``comment_band`` keep every comment's MinHash and LSH bands so that a
new comment joins its near-duplicate cluster as it is stored, without recomputing the version.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("started_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("finished_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", app.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    op.create_index("ix_job_state_kind", "job", ["state", "kind"])
    op.create_index("ix_job_created_at", "job", ["created_at"])
    op.create_table(
        "comment_minhash",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("text_key", sa.BigInteger(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comment.id"],
            name=op.f("fk_comment_minhash_comment_id_comment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("comment_id", name=op.f("pk_comment_minhash")),
    )
    op.create_index("ix_comment_minhash_version_text", "comment_minhash", ["version_id", "text_key"])
    op.create_table(
        "comment_band",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comment.id"],
            name=op.f("fk_comment_band_comment_id_comment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "band", "key", "comment_id", name=op.f("pk_comment_band")),
    )
    op.create_index("ix_comment_band_comment_id", "comment_band", ["comment_id"])


def downgrade() -> None:
    op.drop_index("ix_comment_band_comment_id", table_name="comment_band")
    op.drop_table("comment_band")
    op.drop_index("ix_comment_minhash_version_text", table_name="comment_minhash")
    op.drop_table("comment_minhash")
    op.drop_index("ix_job_created_at", table_name="job")
    op.drop_index("ix_job_state_kind", table_name="job")
    op.drop_table("job")
