"""Attachments across processes: two ``draftreview serve`` processes on one PostgreSQL database and one
data folder store the same file at the same moment; every comment is kept, one file holds the bytes
under their hash, and no half-written file is left behind."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import create_engine, select

from app import models
from tests.app import attachment_files as files
from tests.app.live import ROOT, START_DEADLINE, app_command

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
SLUG = "hlj-digital-economy"
TOKEN = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


def _serve(env: dict, log) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        app_command("serve", "--port", str(port)), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_DEADLINE
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return process, base
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)


def _comment(base: str, n: int, pdf: bytes) -> int:
    with httpx.Client(base_url=base, timeout=60) as client:
        token = TOKEN.search(client.get(f"/c/{SLUG}/comment", params={"target": "art-13"}).text).group(1)
        answer = client.post(
            f"/c/{SLUG}/comment",
            data={"_csrf_token": token, "target": "art-13", "content": f"意见第{n}份，详见附件。"},
            files=[("attachments", ("同一份意见.pdf", pdf, "application/pdf"))],
        )
        return answer.status_code


def test_two_processes_store_the_same_attachment_at_once(database_url, tmp_path):
    env = {
        **os.environ,
        "DRAFTREVIEW_DATA_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "DRAFTREVIEW_COMMENT_LIMIT": "0",
    }
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share PostgreSQL")
    pdf = files.pdf("多个进程同时保存的附件 shared")
    with open(tmp_path / "serve.log", "wb") as log:
        first, base1 = _serve(env, log)  # the first start migrates and seeds; the second finds it done
        second, base2 = _serve(env, log)
        try:
            with ThreadPoolExecutor(8) as pool:
                codes = list(pool.map(lambda n: _comment((base1, base2)[n % 2], n, pdf), range(16)))
        finally:
            for process in (first, second):
                process.terminate()
                process.wait(timeout=30)
    assert codes == [303] * 16
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            hashes = conn.scalars(select(models.Attachment.sha256)).all()
    finally:
        engine.dispose()
    digest = hashlib.sha256(pdf).hexdigest()
    assert hashes == [digest] * 16
    folder = tmp_path / "attachments" / digest[:2]
    assert [p.name for p in folder.iterdir()] == [digest]
    assert (folder / digest).read_bytes() == pdf
