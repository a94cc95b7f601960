"""Migrations that rebuild a table keep every row: comment_gram becomes WITHOUT ROWID on SQLite (0004)
and goes back on downgrade, with the same bigram rows and search still finding the same comments."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from alembic import command
from sqlalchemy import select, text

from app import models
from app.db import Database, utcnow
from app.migrate import alembic_config
from app.services.comments import CommentInput, Submission
from app.services.importing import import_draft
from app.services.review import Filters, list_comments
from app.services.writer import CommentWriter
from app.timeutil import today
from tests.conftest import SLUG

TEXTS = ["建议明确数据交易场所的监管责任", "第十三条的数字基础设施应当覆盖农村", "Data 与 数据 都应保护"]


def _migrate(db: Database, revision: str, down: bool = False) -> None:
    config = alembic_config()
    with db.write.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _grams(db: Database) -> set[tuple[str, int]]:
    with db.reading() as session:
        rows = session.execute(select(models.CommentGram.gram, models.CommentGram.comment_id))
        return {tuple(row) for row in rows}


def _layout(db: Database) -> str | None:
    """The table's CREATE statement on SQLite (None elsewhere)."""
    if db.write.dialect.name != "sqlite":
        return None
    with db.write.connect() as conn:
        return conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'comment_gram'"))


def _found(db: Database, version_id: int, query: str) -> list[str]:
    """What the drafters' search finds, newest first."""
    return [row.content for row in list_comments(db, version_id, Filters(q=query)).rows]


def test_comment_gram_rebuild_keeps_rows(settings, sample_draft):
    db = Database.connect(settings.database_url)
    try:
        _rebuild_and_back(db, sample_draft, settings)
    finally:
        db.dispose()


def _rebuild_and_back(db: Database, sample_draft, settings) -> None:
    # Rows are written with today's models (at head), then the table goes back to 0003's layout and forward
    # again.
    _migrate(db, "head")
    start = today(utcnow())
    version_id = import_draft(
        db,
        sample_draft,
        slug=SLUG,
        stage="征求意见稿",
        opens=start - timedelta(days=1),
        closes=start + timedelta(days=29),
    ).version_id
    writer = CommentWriter(db, settings)
    writer.start()
    try:
        for n, content in enumerate(TEXTS):
            asyncio.run(writer.submit(Submission(SLUG, CommentInput("art-13", content), f"client-{n}")))
    finally:
        writer.stop()
    before = _grams(db)
    assert len(before) == 14 + 16 + 7  # bigrams of each text, none across a space
    _migrate(db, "0003", down=True)
    assert _grams(db) == before
    assert "WITHOUT ROWID" not in (_layout(db) or "")

    _migrate(db, "head")
    assert _grams(db) == before
    assert _layout(db) is None or _layout(db).rstrip().endswith("WITHOUT ROWID")
    assert _found(db, version_id, "数据") == [TEXTS[2], TEXTS[0]]

    _migrate(db, "0003", down=True)
    assert _grams(db) == before
    assert "WITHOUT ROWID" not in (_layout(db) or "")
    _migrate(db, "head")
    assert _found(db, version_id, "数字基础") == [TEXTS[1]]
