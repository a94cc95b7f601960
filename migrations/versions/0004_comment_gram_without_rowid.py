"""comment_gram as a WITHOUT ROWID table on SQLite

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 22:00:00.000000

The bigram index is all primary key (gram, comment_id). As an ordinary SQLite table it is two B-trees, the
rowid table and the index of its primary key, and every comment adds ~35 rows to both; WITHOUT ROWID keeps
one, clustered on the key (docs/benchmarks.md, ingest). SQLite cannot change this in place, so the table is
built anew and its rows copied. PostgreSQL has no rowid: nothing to do there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_table(
        "comment_gram_new",
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comment.id"],
            name=op.f("fk_comment_gram_comment_id_comment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("gram", "comment_id", name=op.f("pk_comment_gram")),
        sqlite_with_rowid=with_rowid,
    )
    op.execute("INSERT INTO comment_gram_new (gram, comment_id) SELECT gram, comment_id FROM comment_gram")
    op.drop_table("comment_gram")
    op.rename_table("comment_gram_new", "comment_gram")


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
