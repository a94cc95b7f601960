"""First start: migrate the database and, when it holds no consultation, load the sample draft
(``prepare``) or the whole demo (``first_start``, what the server uses: see app/services/demo.py).

Several processes may start together on one empty database: ``first_start`` migrates and seeds under one
lock (a PostgreSQL advisory lock; on SQLite an exclusive lock on a file beside the database), so exactly
one migrates and seeds and the others find the work done. The demo is marked complete (``app_state``
``demo_seeded``) only at its end: a start killed half-way through seeding leaves the mark absent, and the
next start deletes the half-made demo consultation and seeds it again."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url

from app import models
from app.db import Database, is_sqlite, utcnow
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


# Any fixed number: the advisory lock that serialises first starts on one PostgreSQL database.
START_LOCK = 0x6472616674  # "draft"


@contextmanager
def start_lock(db: Database) -> Iterator[None]:
    """Holds the lock that serialises migration and seeding across processes (see the module doc)."""
    if not is_sqlite(db.url):
        with db.write.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(select(func.pg_advisory_lock(START_LOCK)))
            try:
                yield
            finally:
                conn.execute(select(func.pg_advisory_unlock(START_LOCK)))
        return
    path = make_url(db.url).database
    if not path or path == ":memory:":
        yield
        return
    fd = os.open(f"{path}.start-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def ensure_demo(db: Database) -> bool:
    """Seeds the demo unless it was completed before (or the operator imported a consultation of their
    own first); redoes a demo that a killed start left half-made. True when it seeded."""
    from app.services.demo import MARK_KEY, seed_demo

    with db.reading() as session:
        if session.get(models.AppState, MARK_KEY) is not None:
            return False
        half_made = session.scalar(
            select(models.Consultation.id).where(models.Consultation.slug == SAMPLE_SLUG)
        )
        others = session.scalar(
            select(models.Consultation.id).where(models.Consultation.slug != SAMPLE_SLUG).limit(1)
        )
    if half_made is None and others is not None:
        return False
    if half_made is not None:
        with db.writing() as session:
            session.execute(delete(models.Consultation).where(models.Consultation.id == half_made))
    return seed_demo(db)


def first_start(settings: Settings) -> Database:
    """Migrated and, on first start, seeded with the demo (two versions and demo comments)."""
    db = Database.connect(settings.database_url)
    with start_lock(db):
        upgrade(db.write)
        ensure_demo(db)
    return db


def prepare(settings: Settings) -> Database:
    """Migrated and, on first start, seeded."""
    db = migrate(settings)
    seed_sample(db)
    return db
