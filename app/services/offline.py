"""Comments that did not come through the site: letters, e-mails, submissions from grassroots legislative
contact points (基层立法联系点), meetings. A drafter types them in; they are stored beside the online ones,
attached to an article or paragraph of the version they were written against, with their source."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select

from app import models
from app.db import Database, utcnow
from app.services import comments, jobs
from app.services.auth import UserInfo
from app.services.comments import CommentInput
from app.services.errors import ServiceError
from app.timeutil import today
from versions.vocabulary import SOURCES


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


ADDRESS = re.compile(r"[\u4e00-\u9fff]")


def is_postal_address(text: str) -> bool:
    """Whether ``text`` reads as a postal address: at least 6 characters, some of them Chinese (a
    province, city, road or 号), and not longer than the contact field."""
    return 6 <= len(text) <= comments.MAX_LENGTH["contact"] and len(ADDRESS.findall(text)) >= 3


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
    # A letter's sender may give only a postal address: a valid contact here (not on the public form).
    contact = unicodedata.normalize("NFKC", raw.comment.contact).strip()
    postal = bool(contact) and not comments._contact_ok(contact) and is_postal_address(contact)
    clean = None
    try:
        clean = comments.validate(replace(raw.comment, consent=True, contact="" if postal else contact))
        if postal:
            clean = replace(clean, contact=contact)
    except ServiceError as error:
        errors.update(
            {
                k: ("contact_or_address_invalid" if v == "contact_invalid" else v)
                for k, v in error.fields.items()
            }
        )
    try:
        received = _received(raw.received_on, now)
    except ServiceError as error:
        errors.update(error.fields)
    if errors or clean is None:
        raise ServiceError(next(iter(errors.values())), errors)
    with db.writing() as session:
        conn = session.connection()
        if conn.scalar(select(models.Version.id).where(models.Version.id == version_id)) is None:
            raise ServiceError("version_not_found")
        row = comments.comment_row(
            clean,
            version_id,
            comments.target_ids(conn, version_id, clean.target),
            hashlib.sha256(f"offline:{user.id}".encode()).hexdigest(),
            now,
            source=raw.source,
            source_detail=raw.source_detail.strip(),
            received_on=received,
            entered_by=user.id,
        )
        comments.insert_comments(conn, [row], [files])  # the files checked and stored by the caller
    jobs.nudge(db, "clusters.catch_up")  # it joins its cluster within seconds, as an online comment does
    return str(row["receipt"])
