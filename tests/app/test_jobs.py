"""Background jobs (app/services/jobs.py): queued, run, progress, failure with its reason, retry, restarts."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app import models
from app.db import Database, utcnow
from app.services import jobs
from app.services.errors import ServiceError

CALLS: list[dict] = []


@jobs.register("test.count")
def count(db, params, progress):
    CALLS.append(params)
    for i in range(params["n"]):
        progress(i + 1, params["n"], f"第 {i + 1} 项")
    return {"counted": params["n"]}


@jobs.register("test.flaky")
def flaky(db, params, progress):
    CALLS.append(params)
    if len(CALLS) == 1:
        raise RuntimeError("磁盘已满")
    return {"ok": True}


@jobs.register("test.refused")
def refused(db, params, progress):
    raise ServiceError("version_not_found")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def wait_for(db, job_id, states=("done", "failed"), timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = jobs.get(db, job_id)
        if job.state in states:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {jobs.get(db, job_id).state}")


def test_a_queued_job_runs_with_its_progress_and_result(db):
    job_id = jobs.enqueue(db, "test.count", {"n": 3}, user="drafter1")
    queued = jobs.get(db, job_id)
    assert (queued.state, queued.kind, queued.params, queued.created_by, queued.percent) == (
        "queued",
        "test.count",
        {"n": 3},
        "drafter1",
        0,
    )
    assert jobs.burst(db) >= 1
    done = jobs.get(db, job_id)
    assert (done.state, done.done, done.total, done.message, done.result, done.error, done.attempts) == (
        "done",
        3,
        3,
        "第 3 项",
        {"counted": 3},
        "",
        1,
    )
    assert done.percent == 100 and done.finished_at >= done.started_at >= done.created_at
    assert CALLS == [{"n": 3}]


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("test.flaky", "RuntimeError: 磁盘已满"), ("test.refused", "找不到该版本。")],
)
def test_a_failure_shows_its_reason_and_can_be_retried(db, kind, reason):
    job_id = jobs.enqueue(db, kind, {})
    jobs.burst(db)
    failed = jobs.get(db, job_id)
    assert (failed.state, failed.error, failed.result) == ("failed", reason, None)
    retried = jobs.retry(db, job_id)
    assert (retried.state, retried.error) == ("queued", "")
    jobs.burst(db)
    again = jobs.get(db, job_id)
    if kind == "test.flaky":
        assert (again.state, again.result, again.attempts) == ("done", {"ok": True}, 2)
    else:
        assert (again.state, again.error, again.attempts) == ("failed", reason, 2)


@pytest.mark.parametrize(("job_id", "code"), [(None, "job_not_retryable"), (999_999, "job_not_found")])
def test_only_a_failed_job_can_be_retried(db, job_id, code):
    job_id = job_id or jobs.enqueue(db, "test.count", {"n": 1})
    with pytest.raises(ServiceError) as refused_:
        jobs.retry(db, job_id)
    assert refused_.value.code == code


def test_dedupe_returns_the_active_job_and_unknown_kinds_are_refused(db):
    first = jobs.enqueue(db, "test.count", {"n": 1}, dedupe=True)
    assert jobs.enqueue(db, "test.count", {"n": 1}, dedupe=True) == first
    assert jobs.enqueue(db, "test.count", {"n": 2}, dedupe=True) != first
    jobs.burst(db)
    assert jobs.enqueue(db, "test.count", {"n": 1}, dedupe=True) != first
    with pytest.raises(ValueError):
        jobs.enqueue(db, "no.such.kind", {})
    assert [j.id for j in jobs.recent(db, kind="test.count")][-1] == first


def test_queued_jobs_survive_a_restart_and_a_dead_runner_is_recovered(settings, db):
    waiting = jobs.enqueue(db, "test.count", {"n": 1})
    crashed = jobs.enqueue(db, "test.count", {"n": 2})
    # The process that ran ``crashed`` died mid-way: running, its heartbeat long stopped.
    with db.writing() as session:
        session.execute(
            update(models.Job)
            .where(models.Job.id == crashed)
            .values(state="running", heartbeat_at=utcnow() - timedelta(minutes=10))
        )
    db.dispose()
    restarted = Database.connect(settings.database_url)
    try:
        assert jobs.recover(restarted) == [waiting, crashed]
        jobs.queue_for(restarted).drain()
        assert [jobs.get(restarted, i).state for i in (waiting, crashed)] == ["done", "done"]
        assert sorted(c["n"] for c in CALLS) == [1, 2]  # each ran once: duplicate messages found it taken
    finally:
        restarted.dispose()


def test_the_in_process_runner_runs_jobs_in_the_background(db):
    runner = jobs.Runner(db)
    runner.start()
    try:
        job_id = jobs.enqueue(db, "test.count", {"n": 2})
        assert wait_for(db, job_id).result == {"counted": 2}
    finally:
        runner.stop()


def settle(db, settings, job_id):
    """The job once finished: run by the app's own runner on SQLite, by a worker (here: this thread)
    on PostgreSQL."""
    if not settings.runs_jobs:
        jobs.burst(db)
    return wait_for(db, job_id)


def test_drafters_see_jobs_and_retry_a_failed_one(client, seeded, settings):
    from tests.app.helpers import log_in, page_token

    assert client.get("/admin/jobs", follow_redirects=False).status_code == 303  # anonymous: to the login
    log_in(client, seeded)
    job_id = jobs.enqueue(seeded, "test.flaky", {}, user="drafter1")
    failed = settle(seeded, settings, job_id)
    assert failed.state == "failed"
    listing = client.get("/admin/jobs")
    assert listing.status_code == 200
    assert "失败原因：RuntimeError: 磁盘已满" in listing.text
    token = page_token(client, "/admin/jobs")
    answer = client.post(f"/admin/jobs/{job_id}/retry", data={"_csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/admin/jobs?retried={job_id}"
    assert settle(seeded, settings, job_id).state == "done"
    shown = client.get(f"/admin/jobs?retried={job_id}").text
    assert f"任务 {job_id} 已重新排队。" in shown and "已完成" in shown
    refused = client.post(f"/admin/jobs/{job_id}/retry", data={"_csrf_token": token})
    assert refused.status_code == 409 and "只有失败的后台任务才能重试。" in refused.text


def test_a_large_summary_export_is_written_by_a_job_and_downloaded_once(
    demo_client, demo, settings, monkeypatch
):
    from app.services import exports
    from tests.app.helpers import log_in

    log_in(demo_client, demo)
    monkeypatch.setattr(exports, "LARGE", 10)  # the demo's 26 comments count as many
    answer = demo_client.get("/admin/c/hlj-digital-economy/export/summary?version=1", follow_redirects=False)
    assert answer.status_code == 303
    job_id = int(answer.headers["location"].rsplit("=", 1)[1])
    assert answer.headers["location"] == f"/admin/jobs?export={job_id}"
    assert "正在后台生成 Word 文件（任务" in demo_client.get(answer.headers["location"]).text
    job = settle(demo, settings, job_id)
    assert (job.state, job.result["name"]) == ("done", "hlj-digital-economy-v1-意见汇总表.docx")
    assert f'href="/admin/jobs/{job_id}/download"' in demo_client.get("/admin/jobs").text
    download = demo_client.get(f"/admin/jobs/{job_id}/download")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert demo_client.get(f"/admin/jobs/{job_id}/download").status_code == 404  # deleted once sent


def test_draftreview_worker_runs_jobs_and_stops_on_ctrl_c(seeded, settings, tmp_path):
    import os
    import signal
    import subprocess

    from tests.app.live import ROOT, app_command

    env = {**os.environ, "DATABASE_URL": settings.database_url, "DRAFTREVIEW_DATA_DIR": str(tmp_path)}
    worker = subprocess.Popen(
        app_command("worker", "--threads", "1"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with seeded.reading() as session:
            version = session.scalar(select(models.Version.id))
        job_id = jobs.enqueue(seeded, "clusters.rebuild", {"version_id": version})
        job = wait_for(seeded, job_id, timeout=120)
        assert (job.state, job.result) == ("done", {"clusters": 0, "comments": 0})
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, output


def test_nudge_returns_at_once_and_a_side_thread_queues_it(monkeypatch):
    import threading

    from app.services import job_queue

    queued, release = [], threading.Event()

    class SlowQueue:  # the first use of a real queue imports every job module: seconds on a busy machine
        def nudge(self, name):
            release.wait(10)
            queued.append(name)

    monkeypatch.setattr(job_queue, "queue_for", lambda db: SlowQueue())
    began = time.monotonic()
    jobs.nudge(object(), "clusters.catch_up")
    assert time.monotonic() - began < 0.5  # the comment writer never waits for the queue
    release.set()
    deadline = time.monotonic() + 10
    while not queued and time.monotonic() < deadline:
        time.sleep(0.01)
    assert queued == ["clusters.catch_up"]
