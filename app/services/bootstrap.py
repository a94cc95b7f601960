"""First start: migrate the database and, when it holds no consultation, load the sample draft
(``prepare``) or the whole demo (``first_start``, what the server uses: see app/services/demo.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from app import models
from app.db import Database, utcnow
from app.migrate import upgrade
from app.services.importing import ImportResult, import_file
from app.settings import Settings
from app.timeutil import today

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample-draft.txt"
SAMPLE_SLUG = "hlj-digital-economy"
SAMPLE_DAYS = 30


def migrate(settings: Settings) -> Database:
    """The database of ``settings``, upgraded to the latest schema."""
    db = Database.connect(settings.database_url)
    upgrade(db.write)
    return db


def seed_sample(db: Database, now: datetime | None = None) -> ImportResult | None:
    """Loads the sample draft, open for 30 days from today, when there is no consultation yet."""
    now = now or utcnow()
    with db.reading() as session:
        if session.scalar(select(func.count(models.Consultation.id))):
            return None
    start = today(now)
    return import_file(
        db,
        SAMPLE,
        slug=SAMPLE_SLUG,
        stage="征求意见稿",
        opens=start,
        closes=start + timedelta(days=SAMPLE_DAYS),
        now=now,
    )


def first_start(settings: Settings) -> Database:
    """Migrated and, on first start, seeded with the demo (two versions and demo comments)."""
    from app.services.demo import seed_demo

    db = migrate(settings)
    seed_demo(db)
    return db


def prepare(settings: Settings) -> Database:
    """Migrated and, on first start, seeded."""
    db = migrate(settings)
    seed_sample(db)
    return db
