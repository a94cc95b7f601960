"""Group commit: one thread owns the write connection and stores queued comments in batches.

Handlers put a Submission on the queue and wait. The thread takes everything queued (up to ``MAX_BATCH``),
checks them with lookups shared by the batch and inserts the accepted ones with one executemany, in one
transaction (``BEGIN IMMEDIATE`` on SQLite); if that transaction fails it retries them one by one, so one
bad comment cannot undo the others. It commits, and only then answers each waiter: a receipt is
never acknowledged before it is durable, and a refused comment has written nothing. While one batch
commits, the next fills up, so the commit cost is shared by everyone who arrived meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from dataclasses import dataclass

from sqlalchemy.exc import InterfaceError, OperationalError

from app.db import Database, utcnow
from app.services import comments, jobs
from app.services.comments import Accepted, Submission
from app.services.errors import ServiceError
from app.settings import Settings

MAX_BATCH = 256
log = logging.getLogger(__name__)


@dataclass
class _Job:
    submission: Submission
    answer: object  # callable(result)


class CommentWriter:
    """The single writer of comments for one process; start() before use, stop() to drain and end."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.limits = {
            "limit": settings.comment_limit,
            "window": settings.comment_window,
            "duplicate_window": settings.duplicate_window,
        }
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Starts the writer thread (idempotent)."""
        # The job modules (scikit-learn, datasketch…) are imported now, before the first comment: imported by
        # the first nudge instead, they held the GIL for seconds while the first comments waited.
        jobs.load_kinds()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="comment-writer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stores what is queued, then ends the thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    async def submit(self, submission: Submission) -> Accepted:
        """Stores ``submission``; returns its receipt after commit, or raises ServiceError."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()

        def answer(result):
            loop.call_soon_threadsafe(_settle, future, result)

        self._queue.put(_Job(submission, answer))
        return await future

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            batch = [job]
            stopping = False
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
            self._store(batch)
            if stopping:
                return

    def _store(self, batch: list[_Job]) -> None:
        try:
            results = self._commit([job.submission for job in batch])
        except (OperationalError, InterfaceError):
            # The database is down or restarting: retrying one by one would only fail again, slower.
            log.warning("database unavailable: %d comments refused with 503", len(batch))
            results = [ServiceError("database_unavailable") for _ in batch]
        except Exception:
            log.exception("committing a batch of %d comments failed; storing them one by one", len(batch))
            results = []
            for job in batch:
                try:
                    results.extend(self._commit([job.submission]))
                except Exception:
                    log.exception("storing a comment failed")
                    results.append(ServiceError("internal_error"))
        for job, result in zip(batch, results, strict=True):
            job.answer(result)
        if any(isinstance(result, Accepted) and not result.duplicate for result in results):
            jobs.nudge(self.db, "clusters.catch_up")  # new comments join their clusters within seconds

    def _commit(self, submissions: list[Submission]) -> list:
        with self.db.write.connect() as conn, conn.begin():
            return comments.store_batch(conn, submissions, utcnow(), **self.limits)


def _settle(future, result) -> None:
    if future.done():  # the client went away; the comment is stored all the same
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)
