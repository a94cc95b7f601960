"""The rounds page of the workspace: every version of a consultation with its state and counts; a version
is saved unpublished (a round being prepared, never public), then an administrator publishes it with its
comment period and 起草说明. Publishing a round's answers is ``app.services.rounds.publish_answers``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from app import models
from app.db import Database, utcnow
from app.services.auth import UserInfo, require_admin
from app.services.errors import ServiceError
from app.services.importing import EARLIEST, LATEST
from app.timeutil import closing_day, period

log = logging.getLogger("draftreview")
MAX_NOTE = 20000


@dataclass(frozen=True)
class AdminRound:
    """One version of a consultation as the rounds page shows it."""

    version_id: int
    number: int
    stage: str
    title: str
    source_name: str
    opens_at: datetime
    closes_at: datetime
    note: str
    created_at: datetime
    published_at: datetime | None
    answers_published_at: datetime | None
    comments: int
    answered: int

    @property
    def closing_day(self) -> date:
        """The last day of the round's comment period."""
        return closing_day(self.closes_at)


def rounds(db: Database, consultation_id: int) -> list[AdminRound]:
    """Every version of a consultation, oldest first, with its comment and answer counts."""
    V, C = models.Version.__table__, models.Comment.__table__
    with db.read.connect() as conn:
        counts = {
            r.version_id: (r.n, r.answered)
            for r in conn.execute(
                select(
                    C.c.version_id,
                    func.count().label("n"),
                    func.count().filter(C.c.disposition != "").label("answered"),
                )
                .join(V, V.c.id == C.c.version_id)
                .where(V.c.consultation_id == consultation_id)
                .group_by(C.c.version_id)
            )
        }
        return [
            AdminRound(
                v.id,
                v.number,
                v.stage,
                v.title,
                v.source_name,
                v.opens_at,
                v.closes_at,
                v.note,
                v.created_at,
                v.published_at,
                v.answers_published_at,
                *counts.get(v.id, (0, 0)),
            )
            for v in conn.execute(
                select(V).where(V.c.consultation_id == consultation_id).order_by(V.c.number)
            )
        ]


def publish_round(
    db: Database,
    version_id: int,
    user: UserInfo,
    *,
    opens: date,
    closes: date,
    note: str,
    now: datetime | None = None,
) -> None:
    """Publishes an unpublished round with its period and 起草说明 (administrators only). ServiceError
    forbidden, period_out_of_range, period_invalid, field_too_long, version_not_found, already_published."""
    require_admin(user)
    if not (EARLIEST <= opens <= LATEST and EARLIEST <= closes <= LATEST):
        raise ServiceError("period_out_of_range")
    if closes < opens:
        raise ServiceError("period_invalid")
    note = note.replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise ServiceError("field_too_long")
    opens_at, closes_at = period(opens, closes)
    now = now or utcnow()
    with db.writing() as session:
        version = session.get(models.Version, version_id)
        if version is None:
            raise ServiceError("version_not_found")
        if version.published_at is not None:
            raise ServiceError("already_published")
        version.opens_at, version.closes_at, version.note, version.published_at = (
            opens_at,
            closes_at,
            note,
            now,
        )
    log.info("round %s published by %s", version_id, user.name)
