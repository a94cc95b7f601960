"""Background jobs: work that grows with the number of comments, run outside the request that asks for it.

The queue is huey's (a kept task-queue library): ``SqliteHuey`` in a file beside the embedded database, run by
threads inside the app process; ``PostgresHuey`` (tables ``huey_*`` in the app's schema) on PostgreSQL, run
by ``draftreview worker`` processes. The ``job`` table is what drafters see: state, progress, the reason of a
failure, the result. It survives restarts; a job whose process died (no heartbeat for ``STALE`` seconds) is
queued again.

API (all functions take the app's ``Database``; none needs a web request)::

    from app.services import jobs

    @jobs.register("themes.analyse")              # at import time, in any module of app/services/
    def analyse(db, params: dict, progress) -> dict:
        for i, item in enumerate(items):
            progress(i, len(items), "正在分析…")   # done, total, message (all optional but the first)
        return {"themes": 12}                    # JSON-serialisable result, kept on the job

    job_id = jobs.enqueue(db, "themes.analyse", {"version_id": 3}, user="drafter1")
    job = jobs.get(db, job_id)                    # JobInfo or None
    job.state            # "queued" | "running" | "done" | "failed"
    job.done, job.total, job.percent, job.message, job.error, job.result
    jobs.retry(db, job_id)                        # a failed job queued again (ServiceError otherwise)
    jobs.recent(db, limit=50, kind=None)          # newest first, for the drafters' jobs page

``enqueue(..., dedupe=True)`` returns the id of a queued or running job of the same kind and params instead
of adding another. An exception raised by the function fails the job: a ``ServiceError`` shows its Chinese
message, anything else its type and text (the traceback goes to the log). Functions must be safe to run
again from the start (a job whose process died is re-run). Drafters see jobs at ``/admin/jobs``.

This module holds the job table's side; the huey side (the queue, its runners, ``nudge``) is
app/services/job_queue.py, whose names are reached from here too (``jobs.Runner``, ``jobs.burst``…).
"""

from __future__ import annotations

import importlib
import json
import logging
import pkgutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from app import models
from app.db import Database, utcnow
from app.services.errors import ServiceError

J = models.Job.__table__
STATES = ("queued", "running", "done", "failed")
ACTIVE = ("queued", "running")
STALE = 120  # seconds without a heartbeat after which a running job's process is taken for dead
HEARTBEAT = 20  # seconds between heartbeats of a running job
log = logging.getLogger(__name__)

JobFunction = Callable[[Database, dict, "Progress"], dict | None]
_KINDS: dict[str, JobFunction] = {}
_TITLES: dict[str, str] = {}  # kind: what drafters read on the jobs page (a gettext msgid)
# Tasks that are not drafters' jobs (e.g. keeping clusters current): huey tasks registered on every queue.
_TASKS: dict[str, Callable[[Database], None]] = {}


def register(kind: str, title: str = "") -> Callable[[JobFunction], JobFunction]:
    """Decorator: ``fn(db, params, progress) -> dict`` runs the jobs of ``kind``; ``title`` (Chinese, marked
    with N_) names it on the jobs page."""

    def decorate(fn: JobFunction) -> JobFunction:
        _KINDS[kind] = fn
        _TITLES[kind] = title or kind
        return fn

    return decorate


def register_task(name: str) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
    """Decorator for internal maintenance ``fn(db)`` that ``nudge(db, name)`` runs soon and that also runs
    every minute wherever jobs are run. ``fn`` keeps concurrent runs apart itself (e.g. with a lock)."""

    def decorate(fn: Callable[[Database], None]) -> Callable[[Database], None]:
        _TASKS[name] = fn
        return fn

    return decorate


def load_kinds() -> None:
    """Imports every module of app.services, so that each registers its job kinds (worker processes)."""
    import app.services as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")


@dataclass(frozen=True)
class JobInfo:
    """One job as drafters see it."""

    id: int
    kind: str
    params: dict
    state: str
    done: int
    total: int
    message: str
    error: str
    result: dict | None
    attempts: int
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def percent(self) -> int:
        """0–100; 100 once done."""
        if self.state == "done":
            return 100
        return min(100, self.done * 100 // self.total) if self.total > 0 else 0

    @property
    def title(self) -> str:
        """What drafters read for the kind (a gettext msgid)."""
        return _TITLES.get(self.kind, self.kind)

    @property
    def active(self) -> bool:
        """Queued or running."""
        return self.state in ACTIVE


class Progress:
    """Passed to a job function: ``progress(done, total=None, message=None)`` records where it stands
    (written at most twice a second; the last call is always kept)."""

    def __init__(self, db: Database, job_id: int) -> None:
        self.db = db
        self.job_id = job_id
        self._last = 0.0
        self._pending: dict[str, Any] | None = None

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        values: dict[str, Any] = {"done": int(done)}
        if total is not None:
            values["total"] = int(total)
        if message is not None:
            values["message"] = message
        self._pending = {**(self._pending or {}), **values}
        if time.monotonic() - self._last >= 0.5:
            self.flush()

    def flush(self) -> None:
        """Writes the last reported progress now."""
        if self._pending:
            _set(self.db, self.job_id, heartbeat_at=utcnow(), **self._pending)
            self._pending = None
        self._last = time.monotonic()


def _set(db: Database, job_id: int, **values: Any) -> int:
    with db.writing() as session:
        return session.execute(update(J).where(J.c.id == job_id).values(**values)).rowcount


def _info(row) -> JobInfo:
    return JobInfo(
        row.id,
        row.kind,
        row.params or {},
        row.state,
        row.done,
        row.total,
        row.message,
        row.error,
        row.result,
        row.attempts,
        row.created_by,
        row.created_at,
        row.started_at,
        row.finished_at,
    )


def enqueue(
    db: Database, kind: str, params: dict | None = None, *, user: str = "", dedupe: bool = False
) -> int:
    """Records a queued job of ``kind`` with ``params`` (JSON-serialisable) and puts it on the queue;
    returns its id. With ``dedupe``, an active job of the same kind and params is returned instead."""
    if kind not in _KINDS:
        load_kinds()  # the module defining it may not have been imported in this process yet
    if kind not in _KINDS:
        raise ValueError(f"unknown job kind: {kind}")
    params = json.loads(json.dumps(params or {}))  # what the database will give back
    with db.writing() as session:
        if dedupe:
            for row in session.execute(
                select(J.c.id, J.c.params).where(J.c.kind == kind, J.c.state.in_(ACTIVE)).order_by(J.c.id)
            ):
                if row.params == params:
                    return row.id
        job_id = session.execute(
            insert(J)
            .values(
                kind=kind,
                params=params,
                state="queued",
                done=0,
                total=0,
                message="",
                error="",
                attempts=0,
                created_by=user[:80],
                created_at=utcnow(),
            )
            .returning(J.c.id)
        ).scalar_one()
    queue_for(db).send(job_id)
    return job_id


def get(db: Database, job_id: int) -> JobInfo | None:
    """The job ``job_id``, or None."""
    with db.reading() as session:
        row = session.execute(select(J).where(J.c.id == job_id)).first()
    return _info(row) if row else None


def recent(db: Database, limit: int = 50, kind: str | None = None) -> list[JobInfo]:
    """The newest ``limit`` jobs (of ``kind`` when given), newest first."""
    query = select(J).order_by(J.c.id.desc()).limit(limit)
    if kind:
        query = query.where(J.c.kind == kind)
    with db.reading() as session:
        return [_info(row) for row in session.execute(query)]


def retry(db: Database, job_id: int) -> JobInfo:
    """Queues a failed job again (its progress and error cleared); ServiceError job_not_found, or
    job_not_retryable when it is not failed."""
    with db.writing() as session:
        row = session.execute(select(J.c.state).where(J.c.id == job_id)).first()
        if row is None:
            raise ServiceError("job_not_found")
        if row.state != "failed":
            raise ServiceError("job_not_retryable")
        session.execute(
            update(J)
            .where(J.c.id == job_id)
            .values(state="queued", done=0, total=0, message="", error="", finished_at=None)
        )
    queue_for(db).send(job_id)
    info = get(db, job_id)
    assert info is not None
    return info


def execute(db: Database, job_id: int) -> None:
    """Runs job ``job_id`` if it is still queued (a duplicate message finds it taken and does nothing)."""
    now = utcnow()
    with db.writing() as session:
        claimed = session.execute(
            update(J)
            .where(J.c.id == job_id, J.c.state == "queued")
            .values(state="running", started_at=now, heartbeat_at=now, attempts=J.c.attempts + 1)
        ).rowcount
        row = session.execute(select(J.c.kind, J.c.params).where(J.c.id == job_id)).first()
    if not claimed:
        return
    progress = Progress(db, job_id)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(db, job_id, stop), daemon=True, name=f"job-{job_id}")
    beat.start()
    try:
        fn = _KINDS.get(row.kind)
        if fn is None:
            raise ServiceError("job_kind_unknown")
        result = fn(db, dict(row.params or {}), progress)
        progress.flush()
        stop.set()
        beat.join()
        result = json.loads(json.dumps(result)) if result is not None else None
        _set(db, job_id, state="done", result=result, finished_at=utcnow(), heartbeat_at=utcnow())
    except Exception as error:  # the job fails with its reason; the worker goes on
        stop.set()
        beat.join()
        reason = error.message if isinstance(error, ServiceError) else f"{type(error).__name__}: {error}"
        log.exception("job %s (%s) failed", job_id, row.kind)
        _set(db, job_id, state="failed", error=reason[:2000], finished_at=utcnow())


def _heartbeat(db: Database, job_id: int, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT):
        try:
            _set(db, job_id, heartbeat_at=utcnow())
        except Exception:  # a missed heartbeat is harmless; the next one may pass
            log.warning("heartbeat of job %s failed", job_id)


def recover(db: Database, *, stale: float = STALE, resend_queued: bool = True) -> list[int]:
    """Queues again the running jobs whose process stopped beating, and (``resend_queued``, at start-up)
    re-sends the queued ones, whose message a crash may have lost: duplicates find the job taken.
    Returns the ids sent."""
    cutoff = utcnow() - timedelta(seconds=stale)
    with db.writing() as session:
        revived = session.execute(
            update(J)
            .where(J.c.state == "running", J.c.heartbeat_at < cutoff)
            .values(state="queued", message="", done=0)
            .returning(J.c.id)
        ).scalars()
        ids = sorted(revived)
        if resend_queued:
            ids = list(session.scalars(select(J.c.id).where(J.c.state == "queued").order_by(J.c.id)))
    queue = queue_for(db)
    for job_id in ids:
        queue.send(job_id)
    return ids


# The huey side (the queue, its runners, ``nudge``) lives in app/services/job_queue.py; its names are reached
# through this module as before (``jobs.queue_for``, ``jobs.Runner``, ``jobs.burst``…), imported on first use.
_QUEUE_NAMES = frozenset({"Queue", "Runner", "burst", "nudge", "run_worker"})


def queue_for(db: Database):
    """The huey Queue of ``db`` (see app/services/job_queue.py)."""
    from app.services.job_queue import queue_for

    return queue_for(db)


def __getattr__(name: str) -> Any:
    if name in _QUEUE_NAMES:
        from app.services import job_queue

        return getattr(job_queue, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
