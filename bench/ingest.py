"""Comment ingest benchmark: the real server under 32 concurrent clients, next to a trivial GET.

    uv run python bench/ingest.py [--seconds 10] [--connections 32] [--database-url URL [--workers N]]
        [--clients N]

Starts ``draftreview serve`` (uvicorn, embedded SQLite in WAL mode, fresh temp data dir; or, with
``--database-url``, PostgreSQL in a schema of its own, dropped afterwards, served by ``--workers`` app
processes) on a free port of 127.0.0.1 and runs wrk (Debian's ``wrk``; apt-get install wrk) for a fixed
time against, in turn: ``GET /healthz``; the comment endpoint sent an empty comment, which validation
refuses with 422 (the request path without database work); ``POST /api/v1/consultations/…/comments``
with every body different, so none is a duplicate. Prints requests/s, p50/p99 and errors of each, the
ratios to the GET and the comment POST's ratio to the refused one (the issue's goal: at least 0.8), and
finally checks that every receipt acknowledged with 201 is in the database. The per-client comment limit
is switched off for the run (DRAFTREVIEW_COMMENT_LIMIT=0): every request comes from one address, unless
``--clients N`` has the comments claim N addresses through ``X-Forwarded-For`` (the server believing
127.0.0.1 as its proxy): on PostgreSQL the comments of one client take turns under its advisory lock,
so several app processes only help when the comments come from several clients, as they do.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "hlj-digital-economy"
LUA = r"""
local counter = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args)
  out = io.open(args[1] .. "/receipts-" .. id .. ".txt", "w")
end
function request()
  counter = counter + 1
  local body = string.format(
    '{"target":"art-13-p2","content":"压测意见 %d-%d：建议明确责任主体。"}', id, counter)
  local headers = {["Content-Type"] = "application/json"}
  if CLIENTS > 1 then  -- as a reverse proxy would name them (the server believes 127.0.0.1's header)
    local n = (id * 7919 + counter) % CLIENTS
    headers["X-Forwarded-For"] = string.format("10.%d.%d.1", math.floor(n / 256) % 256, n % 256)
  end
  return wrk.format("POST", "/api/v1/consultations/SLUG/comments", headers, body)
end
function response(status, headers, body)
  if status == 201 then
    out:write(body:match('"receipt":"([^"]+)"'), "\n")
    out:flush()
  end
end
""".replace("SLUG", SLUG)
# The same request refused by validation (empty content, 422): the HTTP, screening and validation path of a
# comment without database work. An upper bound only: a stored comment's request also pays for the client's
# HMAC, the hand-over to the writer, the receipt and its 201 body.
REFUSED = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"target":"art-13-p2","content":"   "}'
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer {url}")


def check_refusal(url: str) -> None:
    """Exits unless the refused phase's request is answered 422 content_required (and not, say, 403)."""
    request = urllib.request.Request(
        url,
        data=b'{"target":"art-13-p2","content":"   "}',
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=5)
    except urllib.error.HTTPError as error:
        body = error.read().decode()
        if error.code == 422 and '"content_required"' in body:
            return
        raise SystemExit(f"the refused phase was answered {error.code}: {body}") from None
    raise SystemExit("the refused phase's empty comment was accepted")


def to_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url: str, seconds: int, connections: int, script: Path | None, workdir: Path) -> dict:
    """Runs wrk and returns req/s, p50, p99 (ms), non-2xx responses and socket errors."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    cmd += [url] + ([str(workdir)] if script else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non2xx": int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1]),
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


@contextmanager
def database(args, work: Path):
    """(the server's DATABASE_URL or None, a function returning the stored receipts): a fresh SQLite file in
    ``work``, or a schema of its own in ``--database-url``'s database, dropped afterwards."""
    if not args.database_url:
        yield None, lambda: _sqlite_receipts(work / "data" / "draftreview.sqlite3")
        return
    from sqlalchemy import create_engine, text

    schema = f"ingest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def receipts() -> set[str]:
        with admin.connect() as conn:
            return set(conn.execute(text(f'SELECT receipt FROM "{schema}".comment')).scalars())

    try:
        glue = "&" if "?" in args.database_url else "?"
        yield f"{args.database_url}{glue}options=-csearch_path%3D{schema}", receipts
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _sqlite_receipts(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT receipt FROM comment")}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: the embedded SQLite)")
    parser.add_argument("--workers", type=int, default=1, help="app processes (serve --workers; PostgreSQL)")
    parser.add_argument(
        "--clients",
        type=int,
        default=1,
        help="distinct client addresses the comments claim through X-Forwarded-For (default 1: all from one)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="draftreview-bench-"))
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{backend}, {args.workers} app process(es), {args.clients} client address(es), "
        f"load average before: {load_average()}",
        flush=True,
    )
    with database(args, work) as (url, stored_receipts):
        port = free_port()
        env = {**os.environ, "DRAFTREVIEW_DATA_DIR": str(work / "data"), "DRAFTREVIEW_COMMENT_LIMIT": "0"}
        env.pop("DATABASE_URL", None)
        if url:
            env["DATABASE_URL"] = url
        command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
        server = subprocess.Popen(
            command
            + (["--workers", str(args.workers)] if args.workers > 1 else [])
            + (["--forwarded-allow-ips", "127.0.0.1"] if args.clients > 1 else []),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base + "/healthz", seconds=180)
            script = work / "post.lua"
            script.write_text(LUA.replace("CLIENTS", str(args.clients)))
            refused_script = work / "refused.lua"
            refused_script.write_text(REFUSED)
            get = wrk(base + "/healthz", args.seconds, args.connections, None, work)
            refused = wrk(
                base + f"/api/v1/consultations/{SLUG}/comments",
                args.seconds,
                args.connections,
                refused_script,
                work,
            )
            check_refusal(base + f"/api/v1/consultations/{SLUG}/comments")
            post = wrk(base + "/", args.seconds, args.connections, script, work)
        finally:
            server.terminate()
            server.wait(timeout=60)
        acked = [line for f in work.glob("receipts-*.txt") for line in f.read_text().split()]
        stored = stored_receipts()
    lost = [r for r in acked if r not in stored]
    print(f"{'':12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}{'errors':>8}")
    for name, r in (("GET /healthz", get), ("POST refused", refused), ("POST comment", post)):
        print(
            f"{name:12}{r['rps']:9.0f}{r['p50']:9.1f}{r['p99']:9.1f}{r['requests']:10d}"
            f"{r['non2xx'] + r['socket_errors']:8d}"
        )
    print(
        f"ratio POST/GET: {post['rps'] / get['rps']:.2f} (refused by validation, no database: "
        f"{refused['rps'] / get['rps']:.2f}; its 422s are the errors of that line)"
    )
    print(f"ratio POST comment / POST refused (goal 0.8): {post['rps'] / refused['rps']:.2f}")
    print(f"acknowledged receipts: {len(acked)}, stored comments: {len(stored)}, lost: {len(lost)}")
    print(f"load average after: {load_average()}")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if lost or post["non2xx"] or post["socket_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
