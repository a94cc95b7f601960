"""The rows of the hostile-input table (tests/app/test_hardening.py) that need real ``draftreview serve``
processes: three processes started together on one empty PostgreSQL database, then hit at once from
several client addresses (Linux answers on all of 127.0.0.0/8, so each test connects from an address of
its own and the per-client limits of one test do not touch another's); ``kill -9`` during the first start;
a data folder that cannot be written."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text

from app import models
from app.db import Database, own_schema
from app.services import auth
from tests.app.helpers import TOKEN
from tests.app.live import ROOT, START_DEADLINE, app_command

PG = os.environ.get("TEST_DATABASE_URL")
needs_pg = pytest.mark.skipif(not PG, reason="needs PostgreSQL (TEST_DATABASE_URL)")
SLUG = "hlj-digital-economy"
LIMIT = 20  # the servers' comment limit in these tests
pytestmark = pytest.mark.slow


# --- real servers -------------------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_schema() -> Iterator[str]:
    """A URL to a new, empty PostgreSQL schema of this test's own (dropped afterwards)."""
    with own_schema(PG, "h15") as url:
        yield url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(env: dict[str, str], log: Path, *args: str) -> tuple[subprocess.Popen, str]:
    """Starts ``draftreview serve`` (not waiting for it); returns the process and its base URL."""
    port = free_port()
    with open(log, "wb") as output:
        process = subprocess.Popen(
            app_command("serve", "--port", str(port), *args),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}"


def wait_up(process: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)


def server_env(data_dir: Path, url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DRAFTREVIEW_DATA_DIR": str(data_dir),
        "DRAFTREVIEW_COMMENT_LIMIT": str(LIMIT),
        "SECRET_KEY": "live-hardening-secret",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if url:
        env["DATABASE_URL"] = url
    return env


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[dict]:
    """Three serve processes started at the same moment on one empty PostgreSQL schema."""
    if not PG:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    work = tmp_path_factory.mktemp("cluster")
    with fresh_schema() as url:
        env = server_env(work, url)
        started = [launch(env, work / f"server{n}.log") for n in range(3)]
        try:
            for n, (process, base) in enumerate(started):
                wait_up(process, base, work / f"server{n}.log")
            yield {"bases": [base for _, base in started], "url": url, "logs": work, "processes": started}
        finally:
            for process, _ in started:
                process.terminate()
            for process, _ in started:
                process.wait(timeout=30)


def client_from(address: str) -> httpx.Client:
    """An HTTP client whose connections come from ``address`` (any of 127.0.0.0/8)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60)


def at_once(calls: list) -> list:
    """Runs the callables in as many threads, released together; returns their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def comment(client: httpx.Client, base: str, content: str, **headers) -> httpx.Response:
    return client.post(
        f"{base}/api/v1/consultations/{SLUG}/comments", json={"content": content}, headers=headers
    )


def count_comments(url: str, prefix: str) -> int:
    db = Database.connect(url)
    try:
        with db.reading() as session:
            return session.scalar(select(func.count()).where(models.Comment.content.startswith(prefix)))
    finally:
        db.dispose()


# --- items 1, 7, 2, 10: three processes on PostgreSQL -------------------------------------------------------


@needs_pg
def test_10_three_processes_start_together_on_an_empty_database(cluster):
    logs = "".join(path.read_text(errors="replace") for path in cluster["logs"].glob("server*.log"))
    assert "Traceback" not in logs
    db = Database.connect(cluster["url"])
    try:
        with db.reading() as session:
            assert session.scalar(select(func.count()).select_from(models.Consultation)) == 1
            assert session.scalar(select(func.count()).select_from(models.Version)) == 2
            assert session.get(models.AppState, "demo_seeded") is not None
            demo = session.scalar(select(func.count()).where(models.Comment.source_detail == "演示数据"))
    finally:
        db.dispose()
    from app.services.demo import FIRST_ROUND

    assert demo == len(FIRST_ROUND)  # seeded exactly once (the 修改稿 is not open yet: no comments)


@needs_pg
def test_01_07_sixty_concurrent_wrong_logins_check_five_passwords(cluster):
    db = Database.connect(cluster["url"])
    try:
        auth.create_user(db, "drafter1", "drafter", "correct horse battery")
    finally:
        db.dispose()
    bases = cluster["bases"]
    with client_from("127.0.0.11") as client:
        page = client.get(f"{bases[0]}/admin/login")
        token = TOKEN.search(page.text).group(1)
        form = {"name": "drafter1", "password": "wrong password", "next": "/admin", "_csrf_token": token}
        answers = at_once(
            [
                lambda n=n: client.post(f"{bases[n % 3]}/admin/login", data=form, follow_redirects=False)
                for n in range(60)
            ]
        )
    # Exactly ACCOUNT_LIMIT passwords were checked, whichever process took each attempt (before: all 60).
    assert Counter(a.status_code for a in answers) == {401: auth.ACCOUNT_LIMIT, 429: 60 - auth.ACCOUNT_LIMIT}
    waits = [int(a.headers["retry-after"]) for a in answers if a.status_code == 429]
    assert all(0 < wait <= 900 for wait in waits), waits


@needs_pg
def test_07_sixty_concurrent_comments_from_one_client_respect_the_limit(cluster):
    bases = cluster["bases"]
    with client_from("127.0.0.12") as client:
        answers = at_once(
            [lambda n=n: comment(client, bases[n % 3], f"并发意见甲{n:02d}：建议修改。") for n in range(60)]
        )
    assert Counter(a.status_code for a in answers) == {201: LIMIT, 429: 60 - LIMIT}  # before: 39 accepted
    assert all(3300 <= int(a.headers["retry-after"]) <= 3600 for a in answers if a.status_code == 429)
    assert count_comments(cluster["url"], "并发意见甲") == LIMIT


@needs_pg
def test_07_identical_submissions_in_parallel_are_stored_once(cluster):
    bases = cluster["bases"]
    with client_from("127.0.0.13") as client:
        answers = at_once(
            [lambda n=n: comment(client, bases[n % 3], "并发意见乙：同一条意见。") for n in range(30)]
        )
    assert Counter(a.status_code for a in answers) == {201: 1, 200: 29}
    assert len({a.json()["receipt"] for a in answers}) == 1
    assert count_comments(cluster["url"], "并发意见乙") == 1


@needs_pg
def test_02_forwarded_for_is_not_believed_from_an_unnamed_proxy(cluster):
    bases = cluster["bases"]
    with client_from("127.0.0.14") as client:
        answers = at_once(
            [
                lambda n=n: comment(
                    client,
                    bases[n % 3],
                    f"并发意见丙{n:02d}：建议修改。",
                    **{"X-Forwarded-For": f"10.9.{n}.1"},
                )
                for n in range(2 * LIMIT)
            ]
        )
    # One client, whatever address it claims (before: each claimed address had a limit of its own).
    assert Counter(a.status_code for a in answers) == {201: LIMIT, 429: LIMIT}


def test_02_forwarded_for_is_believed_from_a_named_proxy(tmp_path):
    env = server_env(tmp_path, None)
    process, base = launch(env, tmp_path / "server.log", "--forwarded-allow-ips", "127.0.0.15")
    try:
        wait_up(process, base, tmp_path / "server.log")
        with client_from("127.0.0.15") as proxy, client_from("127.0.0.16") as stranger:
            via_proxy = [
                comment(proxy, base, f"代理意见{n}", **{"X-Forwarded-For": f"10.8.{n}.1"}).status_code
                for n in range(LIMIT + 5)
            ]
            direct = [
                comment(stranger, base, f"直连意见{n}", **{"X-Forwarded-For": f"10.7.{n}.1"}).status_code
                for n in range(LIMIT + 5)
            ]
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert via_proxy == [201] * (LIMIT + 5)  # each resident behind the proxy counted on their own
    assert direct == [201] * LIMIT + [429] * 5  # a client that is not the proxy cannot pretend to be many


# --- item 11: kill -9 during the first start's seeding ------------------------------------------------------


def _seeding_state(url: str) -> tuple[bool, bool]:
    """(a consultation exists, the demo is marked complete); (False, False) while the schema is missing."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            consultation = conn.execute(text("SELECT count(*) FROM consultation")).scalar()
            marked = conn.execute(text("SELECT count(*) FROM app_state")).scalar()
            return bool(consultation), bool(marked)
    except Exception:  # tables not created yet
        return False, False
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_11_kill_9_during_first_start_seeding_is_completed_by_the_next_start(tmp_path, backend):
    if backend == "postgresql" and not PG:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_schema()) if backend == "postgresql" else None
        reader_url = url or f"sqlite:///{tmp_path / 'draftreview.sqlite3'}"
        env = server_env(tmp_path, url)
        process, base = launch(env, tmp_path / "first.log")
        deadline = time.monotonic() + START_DEADLINE
        while _seeding_state(reader_url) != (True, False):
            assert process.poll() is None and time.monotonic() < deadline, "seeding was never observed"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert _seeding_state(reader_url) == (True, False)  # half-seeded
        process, base = launch(env, tmp_path / "second.log")
        try:
            wait_up(process, base, tmp_path / "second.log")
        finally:
            process.terminate()
            process.wait(timeout=30)
        db = Database.connect(reader_url)
        try:
            with db.reading() as session:
                versions = session.scalar(select(func.count()).select_from(models.Version))
                demo = session.scalar(select(func.count()).where(models.Comment.source_detail == "演示数据"))
                marked = session.get(models.AppState, "demo_seeded")
        finally:
            db.dispose()
    from app.services.demo import FIRST_ROUND

    assert (versions, demo, marked is not None) == (2, len(FIRST_ROUND), True)


# --- item 22: a data folder that cannot be written ----------------------------------------------------------


@contextlib.contextmanager
def immutable(folder: Path) -> Iterator[None]:
    """``folder`` made unwritable even for root (chattr +i); skips where that is not allowed."""
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        folder.chmod(0o500)
        if os.geteuid() == 0:
            pytest.skip("cannot make a folder read-only for root here (chattr +i refused)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        folder.chmod(0o700)


@pytest.mark.parametrize("prepared", ["empty", "with a database"])
def test_22_serve_on_a_read_only_data_folder_says_what_is_wrong(tmp_path, prepared):
    data = tmp_path / "data"
    data.mkdir()
    env = server_env(data, None)
    if prepared == "with a database":
        from app.services.bootstrap import migrate
        from app.settings import load_settings

        migrate(load_settings(env)).dispose()
    with immutable(data):
        done = subprocess.run(
            app_command("serve", "--port", str(free_port())),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("draftreview: 无法"), done.stderr
