"""``draftreview serve --workers N``: real processes on PostgreSQL (the helpers of test_hardening_live start
and reach them): requests are answered by N worker processes behind one port, the comment limit holds
across them, and stopping the parent stops every worker. On SQLite N > 1 is refused in one Chinese line."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from app.commands.serve import SQLITE_WORKERS
from tests.app.live import ROOT, app_command
from tests.app.test_hardening_live import (
    LIMIT,
    PG,
    at_once,
    client_from,
    comment,
    count_comments,
    free_port,
    fresh_schema,
    launch,
    server_env,
    wait_up,
)

pytestmark = pytest.mark.slow
linux = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads sockets from /proc (Linux)")


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _server_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server's end of the TCP connection 127.0.0.1:client_port → server_port."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port:
            return fields[9]
    return None


def serving_pids(port: int, workers: set[int], connections: int = 16) -> set[int]:
    """The worker pids that answered ``connections`` requests made on as many connections opened together
    (each connection kept open until its server end has been found)."""
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(connections)]
    try:
        for s in sockets:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for s in sockets:
            assert s.recv(4096).startswith(b"HTTP/1.1 200")
        owner = {inode: pid for pid in workers for inode in _socket_inodes(pid)}
        served = set()
        for s in sockets:
            inode = _server_inode(port, s.getsockname()[1])
            assert inode in owner, "a connection was answered by a process that is not a worker"
            served.add(owner[inode])
        return served
    finally:
        for s in sockets:
            s.close()


@linux
@pytest.mark.skipif(not PG, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_two_workers_answer_behind_one_port_and_share_the_comment_limit(tmp_path):
    with fresh_schema() as url:
        env = server_env(tmp_path, url)
        process, base = launch(env, tmp_path / "server.log", "--workers", "2")
        port = int(base.rsplit(":", 1)[1])
        try:
            wait_up(process, base, tmp_path / "server.log")
            deadline = time.monotonic() + 60
            while len(workers := _children(process.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            served: set[int] = set()
            for _ in range(20):  # the kernel hands each connection to whichever worker accepts first
                served |= serving_pids(port, workers)
                if len(served) == 2:
                    break
            assert len(served) == 2 and served <= workers
            with client_from("127.0.0.21") as client:
                answers = at_once(
                    [lambda n=n: comment(client, base, f"多进程意见{n:02d}：建议修改。") for n in range(60)]
                )
            assert Counter(a.status_code for a in answers) == {201: LIMIT, 429: 60 - LIMIT}
            assert count_comments(url, "多进程意见") == LIMIT
        finally:
            process.terminate()
            process.wait(timeout=60)
        log = (tmp_path / "server.log").read_text(errors="replace")
        assert "Traceback" not in log
        assert "2 个应用进程" in log
        assert not any(Path(f"/proc/{pid}").exists() for pid in served)  # the workers stopped with it


def test_several_workers_are_refused_on_sqlite(tmp_path):
    done = subprocess.run(
        app_command("serve", "--port", str(free_port()), "--workers", "2"),
        cwd=ROOT,
        env=server_env(tmp_path, None),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (2, SQLITE_WORKERS + "\n")
    assert not (tmp_path / "draftreview.sqlite3").exists()  # refused before touching the database
