"""The huey side of background jobs (see app/services/jobs.py for the job table and the API): one queue per
database (``SqliteHuey`` in a file beside the embedded database, ``PostgresHuey`` in the app's schema), the
task that runs a job, the maintenance tasks (each also run every minute) and ``nudge``; the runners:
threads inside the app (``Runner``), ``draftreview worker`` (``run_worker``) and ``burst``.

huey logs each task it runs at INFO, which for the minutely maintenance is a line a minute per task:
its logger is set to WARNING here (``draftreview worker --verbose`` sets it back to INFO).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from huey import PostgresHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import Database, is_sqlite
from app.services.jobs import _TASKS, execute, load_kinds, recover

log = logging.getLogger("app.services.jobs")
logging.getLogger("huey").setLevel(logging.WARNING)


class Queue:
    """The huey instance of one database, with the task that runs jobs and the maintenance tasks."""

    def __init__(self, db: Database) -> None:
        load_kinds()
        self.db = db
        self.huey = _make_huey(db)
        self._run = self.huey.task(name="draftreview.job")(lambda job_id: execute(db, job_id))
        self._tasks = {}
        for name, fn in _TASKS.items():
            self._tasks[name] = self.huey.task(name=name)(_safe(name, fn, db))
            self.huey.periodic_task(crontab(), name=f"{name}.minutely")(_safe(name, fn, db))
        self.huey.periodic_task(crontab(), name="draftreview.recover")(
            lambda: recover(db, resend_queued=False)
        )
        self._nudged: dict[str, float] = {}
        self._nudge_lock = threading.Lock()

    def send(self, job_id: int) -> None:
        """Puts a message for job ``job_id`` on the queue."""
        self._run(job_id)

    def nudge(self, name: str, every: float = 1.0) -> None:
        """Queues maintenance task ``name`` to run now, or, when this process queued it less than
        ``every`` s ago, once more right after that interval (so the last nudge of a burst is never
        dropped); at most one run per interval per process."""
        now = time.monotonic()
        with self._nudge_lock:
            arranged = self._nudged.get(name, -every)  # when the last run queued from here starts
            if now >= arranged + every:
                self._nudged[name] = now
                self._tasks[name]()
            elif arranged <= now:  # a run started since: arrange one after the interval
                self._nudged[name] = arranged + every
                self._tasks[name].schedule(delay=arranged + every - now)

    def drain(self) -> int:
        """Runs, in this thread, every task on the queue now (tests and ``worker --burst``); returns how
        many."""
        storage = self.huey.storage
        blocking, storage.blocking = getattr(storage, "blocking", False), False  # an empty queue ends it
        count = 0
        try:
            while (task := self.huey.dequeue()) is not None:
                self.huey.execute(task)
                count += 1
        finally:
            storage.blocking = blocking
        return count


def _safe(name: str, fn: Callable[[Database], None], db: Database) -> Callable[[], None]:
    def run() -> None:
        try:
            fn(db)
        except Exception:
            log.exception("maintenance task %s failed", name)

    run.__name__ = name.replace(".", "_")
    return run


def _make_huey(db: Database):
    """SqliteHuey in ``<database>.jobs`` beside the SQLite file; PostgresHuey on the app's database."""
    url = make_url(db.url)
    if is_sqlite(db.url):
        path = Path(url.database or "draftreview.sqlite3").resolve()
        return SqliteHuey("draftreview", filename=str(path) + ".jobs", results=False, utc=True)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    # huey creates its tables on first use; processes starting together take turns.
    with db.write.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(7200118, hashtext(current_schema()))"))
        return PostgresHuey("draftreview", dsn=dsn, results=False, utc=True)


_QUEUES: dict[int, tuple[Database, Queue]] = {}
_QUEUES_LOCK = threading.Lock()


def queue_for(db: Database) -> Queue:
    """The Queue of ``db`` (made once per Database object)."""
    with _QUEUES_LOCK:
        found = _QUEUES.get(id(db))
        if found is None or found[0] is not db:
            found = (db, Queue(db))
            _QUEUES[id(db)] = found
        return found[1]


class _Nudger:
    """One side thread that queues the nudged tasks, so that ``nudge`` returns at once: the comment writer
    must not wait for the queue (the first use of a queue imports every job module, seconds on a busy
    machine; each enqueue on PostgreSQL is a commit)."""

    def __init__(self) -> None:
        self._wanted: dict[tuple[int, str], Database] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def ask(self, db: Database, name: str) -> None:
        with self._lock:
            self._wanted[(id(db), name)] = db
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="jobs-nudge", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                wanted, self._wanted = self._wanted, {}
            for (_, name), db in wanted.items():
                try:
                    queue_for(db).nudge(name)
                except Exception:
                    log.warning("could not queue %s", name, exc_info=True)


_NUDGER = _Nudger()


def nudge(db: Database, name: str) -> None:
    """Asks for maintenance task ``name`` to run soon (see ``register_task``); returns at once (a side
    thread queues it) and never raises."""
    _NUDGER.ask(db, name)


class _InProcessConsumer(Consumer):
    # The app's server owns the signals: an in-process consumer must not take SIGINT/SIGTERM from it.
    def _set_signal_handlers(self) -> None:
        pass


class Runner:
    """Huey worker threads inside this process (the embedded default): start() and stop()."""

    def __init__(self, db: Database, workers: int = 1) -> None:
        self.db = db
        self.workers = workers
        self._consumer: Consumer | None = None
        self._retrying: threading.Event | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Queues what a previous run left, then starts the worker threads (and the minute scheduler)."""
        load_kinds()
        queue = queue_for(self.db)
        recover(self.db, stale=0)  # this process is the only runner of its embedded database
        self._consumer = _InProcessConsumer(
            queue.huey, workers=self.workers, worker_type="thread", periodic=True, max_delay=1.0
        )
        self._consumer.start()

    def start_or_retry(self, every: float = 5.0) -> None:
        """``start()`` now if the database answers; else keeps trying every ``every`` seconds in a background
        thread: a database outage at start must not keep the site down (its pages answer 503 meanwhile)."""
        try:
            self.start()
            return
        except Exception as error:  # the same outages that pages answer with 503
            log.warning(
                "background jobs not started (%s); trying again every %.0f s", type(error).__name__, every
            )
        self._retrying = threading.Event()

        def retry() -> None:
            while not self._retrying.wait(every):
                try:
                    with self._lock:
                        if self._retrying.is_set():
                            return
                        self.start()
                    return
                except Exception as error:
                    log.warning("background jobs still not started (%s)", type(error).__name__)

        threading.Thread(target=retry, name="jobs-start", daemon=True).start()

    def stop(self) -> None:
        """Lets the running job finish, then ends the threads (and any retry of a failed start)."""
        with self._lock:
            if self._retrying is not None:
                self._retrying.set()
            if self._consumer is not None:
                self._consumer.stop(graceful=True)
                self._consumer = None


def run_worker(db: Database, workers: int = 2) -> None:
    """``draftreview worker``: runs jobs until SIGINT/SIGTERM (a graceful stop lets running jobs finish)."""
    load_kinds()
    queue = queue_for(db)
    recover(db)
    queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=True, max_delay=1.0).run()


def burst(db: Database) -> int:
    """Runs every queued job and maintenance task in this thread, then returns how many ran."""
    load_kinds()
    recover(db)
    return queue_for(db).drain()
