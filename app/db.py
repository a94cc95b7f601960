"""Engines and sessions. SQLite gets WAL, a busy timeout, foreign keys and explicit BEGIN control.

Two engines: ``read`` (a small pool; plain deferred BEGIN, so pages never wait for the writer under WAL)
and ``write`` (on SQLite a single connection whose transactions start with ``BEGIN IMMEDIATE``, so a
transaction that reads before it writes takes the write lock first and cannot hit "database is locked").
On PostgreSQL both are the same engine.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


# The largest id or number a row can have (PostgreSQL INTEGER). A larger one cannot name anything, and the
# databases refuse to compare with it (SQLite: OverflowError, PostgreSQL: integer out of range).
INT_MAX = 2_147_483_647


def storable(number: int) -> bool:
    """True when ``number`` can be an id or a version number in the database (1 … INT_MAX)."""
    return 1 <= number <= INT_MAX


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def is_sqlite(url: str) -> bool:
    """True for sqlite URLs."""
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, writer: bool = False, connect_args: dict | None = None) -> Engine:
    """An engine for ``url``; on SQLite the pragmas above, and BEGIN IMMEDIATE when ``writer``. Statement
    parameters are kept out of error messages: they carry names and contacts, and errors get logged."""
    if not is_sqlite(url):
        # Pre-ping drops connections a database restart killed; the short timeouts make requests fail
        # fast with 503 while the server is unreachable instead of queueing behind it.
        return create_engine(
            url,
            pool_size=10,
            max_overflow=10,
            pool_pre_ping=True,
            pool_timeout=10,
            hide_parameters=True,
            connect_args={"connect_timeout": 5, **(connect_args or {})},
        )
    engine = create_engine(
        url,
        hide_parameters=True,
        pool_size=1 if writer else 8,
        max_overflow=0 if writer else 8,
        connect_args={"check_same_thread": False, "timeout": 30, **(connect_args or {})},
    )
    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        # The driver's own transaction handling is switched off so that BEGIN below is the only one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted and overwritten values (an erasure) are zeroed in the file, not left in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql(begin)

    return engine


def _private_files(url: str) -> None:
    """Creates a SQLite database file readable by its owner only (0600), and makes an existing one and its
    WAL and shared-memory files so: they hold names and contacts. SQLite gives the WAL and shared-memory
    files it creates the mode of the database file."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        if not os.path.exists(path):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        for name in (path, f"{path}-wal", f"{path}-shm"):
            if os.path.exists(name) and os.stat(name).st_mode & 0o077:
                os.chmod(name, 0o600)
    except OSError:
        return  # a missing folder or a read-only one: SQLite's own error says so where it is used


@dataclass
class Database:
    """The read and write engines of one database, with session factories."""

    url: str
    read: Engine
    write: Engine

    @classmethod
    def connect(cls, url: str, connect_args: dict | None = None) -> Database:
        """Engines for ``url`` (one shared engine on PostgreSQL)."""
        if is_sqlite(url):
            _private_files(url)
            return cls(
                url,
                make_engine(url, connect_args=connect_args),
                make_engine(url, writer=True, connect_args=connect_args),
            )
        engine = make_engine(url, connect_args=connect_args)
        return cls(url, engine, engine)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session on the read engine; closing it ends the (read-only) transaction, and the objects
        it loaded stay readable afterwards."""
        with sessionmaker(self.read, expire_on_commit=False)() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session on the write engine: commits on success, rolls back on any error."""
        with sessionmaker(self.write, expire_on_commit=False)() as session, session.begin():
            yield session

    def checkpoint(self) -> None:
        """On SQLite, copies the write-ahead log into the main file and truncates it (old values written
        there are gone afterwards); nothing on PostgreSQL."""
        if not is_sqlite(self.url):
            return
        # On the driver's connection, outside any transaction (a checkpoint cannot run inside one).
        raw = self.write.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            raw.close()

    def ping(self) -> None:
        """Runs ``SELECT 1`` on the read engine; raises the driver's error when the database is away."""
        with self.read.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    def dispose(self) -> None:
        """Closes every pooled connection."""
        self.read.dispose()
        if self.write is not self.read:
            self.write.dispose()


@contextmanager
def own_schema(base_url: str, prefix: str) -> Iterator[str]:
    """Reads a PostgreSQL URL; yields a URL to a new, empty schema of that database (named ``prefix`` and a
    random suffix), dropped with everything in it afterwards. Tests and benchmarks use it so that runs
    never see each other's tables."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        # A background thread of the code under test (a job nudge queued just before the end) may still be
        # writing in the schema: PostgreSQL then breaks the deadlock by failing the DROP, so try again.
        for attempt in range(5):
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                break
            except OperationalError:
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))
        admin.dispose()
