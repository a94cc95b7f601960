"""Attachment rows (issue 17): finding a file for a drafter's download, the office marking whether a file
carries personal data, erasure removing those that do (rows, index entries, then files no row names any
more), and the text theme analysis reads. The checks and the file store are app/services/attachments.py.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select

from app import models
from app.db import storable
from app.services.attachments import path_of, remove_unreferenced
from app.services.errors import ServiceError
from app.services.search import index_comments


def find(db, data_dir: Path, attachment_id: int) -> tuple[Path, str, str]:
    """(file path, name as sent, kind) of attachment ``attachment_id``; ServiceError attachment_not_found
    when there is no such row or its file is gone (erased)."""

    if not storable(attachment_id):
        raise ServiceError("attachment_not_found")
    with db.reading() as session:
        row = session.execute(
            select(models.Attachment.sha256, models.Attachment.filename, models.Attachment.kind).where(
                models.Attachment.id == attachment_id
            )
        ).first()
    if row is None:
        raise ServiceError("attachment_not_found")
    path = path_of(data_dir, row.sha256)
    if not path.is_file():
        raise ServiceError("attachment_not_found")
    return path, row.filename, row.kind


def erase_personal(session, comment) -> set[str]:
    """Deletes (in the caller's transaction) the attachments of ``comment`` marked personal and rebuilds
    its search index without their text; returns the content hashes whose files may now be unused."""

    att = models.Attachment
    rows = session.execute(select(att.id, att.sha256).where(att.comment_id == comment.id, att.personal)).all()
    if not rows:
        return set()
    session.execute(delete(att).where(att.id.in_([r.id for r in rows])))
    kept = session.scalars(select(att.text).where(att.comment_id == comment.id)).all()
    session.execute(delete(models.CommentGram).where(models.CommentGram.comment_id == comment.id))
    index_comments(session.connection(), [(comment.id, "\n".join([comment.content, *kept]))])
    return {r.sha256 for r in rows}


def remove_files(db, data_dir: Path, hashes: set[str]) -> int:
    """Deletes the files of ``hashes`` that no attachment row names any more; returns how many."""

    with db.reading() as session:
        used = set(
            session.scalars(select(models.Attachment.sha256).where(models.Attachment.sha256.in_(hashes)))
        )
    return remove_unreferenced(data_dir, hashes, used)


def set_personal(db, attachment_id: int, personal: bool) -> int:
    """Marks whether attachment ``attachment_id`` carries personal data (the office decides; erasure
    removes those that do); returns its comment's id. ServiceError attachment_not_found."""

    with db.writing() as session:
        row = session.get(models.Attachment, attachment_id)
        if row is None:
            raise ServiceError("attachment_not_found")
        row.personal = personal
        return row.comment_id


def analysis_texts(db, version_id: int) -> dict[int, str]:
    """{comment id: its text followed by the text extracted from its attachments} for every comment of
    version ``version_id``: what theme analysis reads, so that a comment whose substance is in a Word
    file counts by that substance (images contribute nothing)."""

    comment, att = models.Comment, models.Attachment
    with db.reading() as session:
        texts = dict(
            session.execute(select(comment.id, comment.content).where(comment.version_id == version_id)).all()
        )
        for comment_id, text in session.execute(
            select(att.comment_id, att.text)
            .join(comment, comment.id == att.comment_id)
            .where(comment.version_id == version_id, att.text != "")
            .order_by(att.comment_id, att.position)
        ):
            texts[comment_id] += "\n" + text
    return texts
