"""Comments that did not come through the site: letters, e-mails, submissions from grassroots legislative
contact points (基层立法联系点), meetings. A drafter types them in; they are stored beside the online ones,
attached to an article or paragraph of the version they were written against, with their source."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import insert, select

from app import models
from app.db import Database, utcnow
from app.services import comments
from app.services.auth import UserInfo
from app.services.comments import CommentInput
from app.services.errors import ServiceError
from app.services.review import SOURCES
from app.services.search import index_comments
from app.timeutil import today

C = models.Comment.__table__


@dataclass(frozen=True)
class OfflineInput:
    """A comment received outside the site, as the drafter typed it."""

    comment: CommentInput
    source: str = "letter"
    source_detail: str = ""  # e.g. the contact point's name or the letter's reference
    received_on: str = ""  # YYYY-MM-DD


def _received(text: str, now: datetime) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ServiceError("date_invalid", {"received_on": "date_invalid"}) from None
    if day > today(now):
        raise ServiceError("date_invalid", {"received_on": "date_invalid"})
    return day


def enter(
    db: Database,
    user: UserInfo,
    version_id: int,
    raw: OfflineInput,
    now: datetime | None = None,
    files: tuple = (),
) -> str:
    """Stores an offline comment on version ``version_id``; returns its receipt number. The period does not
    apply (letters arrive late); the sender's consent is implied by writing in. ServiceError for any bad
    field (the same codes as online comments, plus source_invalid and date_invalid)."""
    now = now or utcnow()
    errors: dict[str, str] = {}
    if raw.source not in SOURCES or raw.source == "online":
        errors["source"] = "source_invalid"
    if len(raw.source_detail) > 200:
        errors["source_detail"] = "field_too_long"
    try:
        clean = comments.validate(replace(raw.comment, consent=True))
    except ServiceError as error:
        errors.update(error.fields)
    try:
        received = _received(raw.received_on, now)
    except ServiceError as error:
        errors.update(error.fields)
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    with db.writing() as session:
        conn = session.connection()
        if conn.scalar(select(models.Version.id).where(models.Version.id == version_id)) is None:
            raise ServiceError("version_not_found")
        article_id, paragraph_id = comments._target_ids(conn, version_id, clean.target)
        receipt = comments.new_receipt(now)
        values = vars(clean)
        comment_id = conn.execute(
            insert(C).returning(C.c.id),
            {
                **values,
                "receipt": receipt,
                "version_id": version_id,
                "article_id": article_id,
                "paragraph_id": paragraph_id,
                "content_hash": comments.content_hash(clean),
                "client_hash": hashlib.sha256(f"offline:{user.id}".encode()).hexdigest(),
                "created_at": now,
                "status": "received",
                "source": raw.source,
                "source_detail": raw.source_detail.strip(),
                "received_on": received,
                "entered_by": user.id,
            },
        ).scalar_one()
        index_comments(conn, [(comment_id, "\n".join([clean.content, *(f.text for f in files)]))])
        comments.store_attachment_rows(conn, [(comment_id, files)], now)  # checked and stored by the caller
    return receipt
