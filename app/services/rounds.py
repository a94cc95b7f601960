"""Publishing a round (minimal, issue 17; the full upload → preview → publish flow is issue 13's): the
round being prepared becomes public with the period the office sets, and from then on is the current
version of its consultation."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from app import models
from app.db import Database, utcnow
from app.services.errors import ServiceError
from app.timeutil import period


def publish(
    db: Database, slug: str, number: int, opens: date, closes: date, now: datetime | None = None
) -> int:
    """Publishes round ``number`` of ``slug`` for comments from ``opens`` to ``closes`` (Beijing days, the
    closing day included); returns its version id. ServiceError consultation_not_found,
    version_not_found (no such round, or already published), period_invalid."""
    if closes < opens:
        raise ServiceError("period_invalid")
    now = now or utcnow()
    with db.writing() as session:
        version = session.scalar(
            select(models.Version)
            .join(models.Consultation)
            .where(models.Consultation.slug == slug, models.Version.number == number)
        )
        if version is None or version.published_at is not None:
            raise ServiceError("version_not_found")
        version.opens_at, version.closes_at = period(opens, closes)
        version.published_at = now
        return version.id
