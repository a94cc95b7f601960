"""Answering comments: one disposition (采纳/部分采纳/不采纳/已有规定/待研究 with a reason) for one comment,
a selection, everything matching a filter or a whole near-duplicate cluster, in one transaction, each
change kept in the history. A bulk answer is recorded as a BulkAction; the latest one of a consultation
can be undone, which writes the earlier answers back as new history rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update

from app import models
from app.db import Database, utcnow
from app.services.auth import UserInfo
from app.services.errors import ServiceError
from versions.vocabulary import DISPOSITIONS, NO_REASON_NEEDED

MAX_REASON = 2000
MAX_SELECTION = 5000
C, D = models.Comment.__table__, models.Disposition.__table__
B = models.BulkAction.__table__
SCOPES = ("selection", "filter", "cluster")


def validate(value: str, reason: str) -> str:
    """The reason, trimmed; ServiceError disposition_invalid, reason_required or reason_too_long."""
    reason = (reason or "").replace("\r\n", "\n").strip()
    if value not in DISPOSITIONS:
        raise ServiceError("disposition_invalid")
    if not reason and value not in NO_REASON_NEEDED:
        raise ServiceError("reason_required")
    if len(reason) > MAX_REASON:
        raise ServiceError("reason_too_long")
    return reason


def dispose(
    db: Database,
    user: UserInfo,
    value: str,
    reason: str,
    *,
    comment_ids: list[int] | None = None,
    cluster_id: int | None = None,
    now: datetime | None = None,
    bulk: tuple[int, str] | None = None,
) -> int:
    """Gives every comment of ``comment_ids`` (or every member of cluster ``cluster_id``) the disposition
    ``value`` with ``reason`` by ``user``; returns how many comments were answered. All or nothing:
    ServiceError selection_empty / comment_not_found (when any id is unknown) writes nothing. ``bulk``
    (consultation id, scope) records the answer as one BulkAction that ``undo`` can take back."""
    reason = validate(value, reason)
    now = now or utcnow()
    wanted = sorted(set(comment_ids or []))
    if (not wanted and cluster_id is None) or len(wanted) > MAX_SELECTION:
        raise ServiceError("selection_empty")
    with db.writing() as session:
        conn = session.connection()
        if cluster_id is not None:
            ids = list(conn.scalars(select(C.c.id).where(C.c.cluster_id == cluster_id)))
            if not ids:
                raise ServiceError("comment_not_found")
        else:
            ids = list(conn.scalars(select(C.c.id).where(C.c.id.in_(wanted))))
            if len(ids) != len(wanted):
                raise ServiceError("comment_not_found")
        batch = None
        if bulk is not None:
            batch = conn.execute(
                insert(B).returning(B.c.id),
                {
                    "consultation_id": bulk[0],
                    "user_id": user.id,
                    "user_name": user.name,
                    "value": value,
                    "reason": reason,
                    "scope": bulk[1],
                    "count": len(ids),
                    "created_at": now,
                },
            ).scalar_one()
        conn.execute(
            insert(D),
            [
                {
                    "comment_id": i,
                    "value": value,
                    "reason": reason,
                    "user_id": user.id,
                    "user_name": user.name,
                    "created_at": now,
                    "batch_id": batch,
                }
                for i in ids
            ],
        )
        conn.execute(update(C).where(C.c.id.in_(ids)).values(disposition=value))
    return len(ids)


@dataclass(frozen=True)
class BulkInfo:
    """A bulk answer as the workspace shows it."""

    id: int
    value: str
    reason: str
    scope: str
    count: int
    user_name: str
    created_at: datetime
    undone_at: datetime | None
    undone_by: str


def _info(row) -> BulkInfo:
    return BulkInfo(
        row.id,
        row.value,
        row.reason,
        row.scope,
        row.count,
        row.user_name,
        row.created_at,
        row.undone_at,
        row.undone_by,
    )


def history(db: Database, consultation_id: int, limit: int = 20) -> list[BulkInfo]:
    """The bulk answers of a consultation, newest first (undone ones included)."""
    with db.read.connect() as conn:
        return [
            _info(r)
            for r in conn.execute(
                select(B).where(B.c.consultation_id == consultation_id).order_by(B.c.id.desc()).limit(limit)
            )
        ]


def undo(
    db: Database, user: UserInfo, consultation_id: int, action_id: int, now: datetime | None = None
) -> int:
    """Takes back bulk answer ``action_id``, which must be the latest one of the consultation not yet
    undone: each comment it answered gets back the answer (and reason) it had before, as a new history
    row; a comment answered again since keeps its newer answer. Returns how many comments were restored.
    ServiceError undo_unavailable otherwise."""
    now = now or utcnow()
    with db.writing() as session:
        conn = session.connection()
        latest = conn.execute(
            select(B)
            .where(B.c.consultation_id == consultation_id, B.c.undone_at.is_(None))
            .order_by(B.c.id.desc())
            .limit(1)
        ).first()
        if latest is None or latest.id != action_id:
            raise ServiceError("undo_unavailable")
        written = conn.execute(select(D.c.id, D.c.comment_id).where(D.c.batch_id == action_id)).all()
        newest = (
            dict(
                conn.execute(
                    select(D.c.comment_id, func.max(D.c.id))
                    .where(D.c.comment_id.in_([w.comment_id for w in written]))
                    .group_by(D.c.comment_id)
                ).all()
            )
            if written
            else {}
        )
        rows = []
        for w in written:
            if newest.get(w.comment_id) != w.id:
                continue  # answered again after the bulk action: the newer answer stands
            before = conn.execute(
                select(D.c.value, D.c.reason)
                .where(D.c.comment_id == w.comment_id, D.c.id < w.id)
                .order_by(D.c.id.desc())
                .limit(1)
            ).first()
            rows.append(
                {
                    "comment_id": w.comment_id,
                    "value": before.value if before else "",
                    "reason": before.reason if before else "",
                    "user_id": user.id,
                    "user_name": user.name,
                    "created_at": now,
                    "undo_of": action_id,
                }
            )
        if rows:
            conn.execute(insert(D), rows)
            for value in {r["value"] for r in rows}:
                ids = [r["comment_id"] for r in rows if r["value"] == value]
                conn.execute(update(C).where(C.c.id.in_(ids)).values(disposition=value))
        conn.execute(update(B).where(B.c.id == action_id).values(undone_at=now, undone_by=user.name))
    return len(rows)
