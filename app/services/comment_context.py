"""One comment in its context, as a drafter answering it sees it: the article's text with the targeted
paragraph marked, its cluster siblings, every answer given so far (the saved reason fills the form), and
its neighbours in the filtered list (上一条 / 下一条 / 下一条未处理). Read engine only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app import models
from app.db import Database, storable
from app.services.errors import ServiceError
from app.services.review import C, CommentRow, Filters, P, comment_rows, filtered
from versions.vocabulary import paragraph_label


@dataclass(frozen=True)
class HistoryEntry:
    value: str
    reason: str
    user_name: str
    created_at: datetime


@dataclass(frozen=True)
class CommentDetail:
    """One comment, the version it belongs to and every disposition given to it, oldest first."""

    comment: CommentRow
    slug: str
    version_number: int
    history: list[HistoryEntry] = field(default_factory=list)
    # The article's paragraphs (label, text, whether the comment targets it), and the comment's cluster.
    article_text: list[tuple[str, str, bool]] = field(default_factory=list)
    siblings: list[CommentRow] = field(default_factory=list)

    @property
    def saved_reason(self) -> str:
        """The reason of the latest answer, to fill the form with."""
        return self.history[-1].reason if self.history else ""


def comment_detail(db: Database, comment_id: int) -> CommentDetail:
    """The comment ``comment_id`` with its disposition history; ServiceError comment_not_found."""
    if not storable(comment_id):
        raise ServiceError("comment_not_found")
    V, K = models.Version.__table__, models.Consultation.__table__
    with db.read.connect() as conn:
        rows = comment_rows(conn, select(C.c.id).where(C.c.id == comment_id))
        if not rows:
            raise ServiceError("comment_not_found")
        where = conn.execute(
            select(K.c.slug, V.c.number)
            .join(V, V.c.consultation_id == K.c.id)
            .join(C, C.c.version_id == V.c.id)
            .where(C.c.id == comment_id)
        ).one()
        D = models.Disposition.__table__
        history = [
            HistoryEntry(r.value, r.reason, r.user_name, r.created_at)
            for r in conn.execute(select(D).where(D.c.comment_id == comment_id).order_by(D.c.id))
        ]
        row = conn.execute(select(C.c.article_id, C.c.paragraph_id).where(C.c.id == comment_id)).one()
        article_text = (
            [
                (paragraph_label(p.position + 1), p.text, p.id == row.paragraph_id)
                for p in conn.execute(
                    select(P.c.id, P.c.position, P.c.text)
                    .where(P.c.article_id == row.article_id)
                    .order_by(P.c.position)
                )
            ]
            if row.article_id is not None
            else []
        )
        cluster = rows[0].cluster_id
        siblings = (
            comment_rows(
                conn,
                select(C.c.id)
                .where(C.c.cluster_id == cluster, C.c.id != comment_id)
                .order_by(C.c.id.desc())
                .limit(20),
            )
            if cluster is not None
            else []
        )
    return CommentDetail(rows[0], where.slug, where.number, history, article_text, siblings)


@dataclass(frozen=True)
class Neighbours:
    """The comments around one in the filtered list (newest first): the one above, below, and the next
    unanswered one below (or, when there is none below, the first unanswered from the top)."""

    previous: int | None
    next: int | None
    next_open: int | None


def neighbours(
    db: Database, version_ids: int | tuple[int, ...], filters: Filters, comment_id: int
) -> Neighbours:
    """``comment_id``'s neighbours in the list filtered by ``filters``."""
    with db.read.connect() as conn:
        ids = filtered(conn, select(C.c.id), version_ids, filters)
        above = conn.scalar(ids.where(C.c.id > comment_id).order_by(C.c.id).limit(1))
        below = conn.scalar(ids.where(C.c.id < comment_id).order_by(C.c.id.desc()).limit(1))
        open_ = ids.where(C.c.disposition == "", C.c.id != comment_id)
        next_open = conn.scalar(open_.where(C.c.id < comment_id).order_by(C.c.id.desc()).limit(1))
        if next_open is None:
            next_open = conn.scalar(open_.order_by(C.c.id.desc()).limit(1))
    return Neighbours(above, below, next_open)
