"""Answering comments: one disposition (采纳/部分采纳/不采纳/已有规定/待研究 with a reason) for one comment,
a selection or a whole near-duplicate cluster, in one transaction, each change kept in the history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from app import models
from app.db import Database, utcnow
from app.services.auth import UserInfo
from app.services.errors import ServiceError
from app.services.review import DISPOSITIONS

MAX_REASON = 2000
MAX_SELECTION = 5000
NO_REASON_NEEDED = ("adopted", "under_study")
C, D = models.Comment.__table__, models.Disposition.__table__


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
) -> int:
    """Gives every comment of ``comment_ids`` (or every member of cluster ``cluster_id``) the disposition
    ``value`` with ``reason`` by ``user``; returns how many comments were answered. All or nothing:
    ServiceError selection_empty / comment_not_found (when any id is unknown) writes nothing."""
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
                }
                for i in ids
            ],
        )
        conn.execute(update(C).where(C.c.id.in_(ids)).values(disposition=value))
    return len(ids)
