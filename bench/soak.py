"""Soak and fault test: real servers under 32 clients that comment and read, then an exactly-once check.

    uv run python bench/soak.py --db sqlite   [--seconds 60] [--clients 32] [--kill-at 20]
    uv run python bench/soak.py --db postgres [--workers 3] [--seconds 60] [--kill-at 20]
    [--restart-postgres-at 35]
    uv run python bench/soak.py --db sqlite --kill-during-first-start --login-flood 8 --seconds 30

Starts ``draftreview serve`` processes on free ports of 127.0.0.1 (one on the embedded SQLite default; several
stateless processes on a fresh PostgreSQL database of the local server, clients spread over them). Each client
loops for the given time: 70 % comment submissions through the JSON API (every text different), 30 % reading
pages. ``--kill-at S`` kills one server with SIGKILL after S seconds and starts it again;
``--restart-postgres-at S`` stops the local PostgreSQL cluster for 5 s. Afterwards every receipt acknowledged
with 201 must be stored exactly once; stored comments that no client saw acknowledged (a response lost to a
kill) are counted apart. SQLite's integrity check must pass. Only 127.0.0.1 is ever contacted, and every loop
is bounded in time.

``--kill-during-first-start`` kills the first server with SIGKILL while it seeds the demo on the empty
database, then starts the servers normally: the demo must then be complete (both rounds, every demo comment,
the ``demo_seeded`` mark). ``--login-flood N`` adds N clients that post wrong passwords to /admin/login as
fast as they are answered, each from changing addresses of 127.0.0.0/8 and for changing names (so that the
throttles leave many passwords to check); the comment p99 must stay under 100 ms beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SLUG = "hlj-digital-economy"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    """The app processes under test, restartable on the same port."""

    def __init__(self, count: int, env: dict[str, str]) -> None:
        self.env = env
        self.ports = [free_port() for _ in range(count)]
        self.processes: dict[int, subprocess.Popen] = {}

    def start(self, port: int) -> None:
        self.processes[port] = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_ready(f"http://127.0.0.1:{port}/healthz")

    def start_all(self) -> None:
        # The first process migrates and seeds; the others find the schema ready.
        for port in self.ports:
            self.start(port)

    def kill(self, port: int) -> None:
        self.processes[port].send_signal(signal.SIGKILL)
        self.processes[port].wait()

    def stop_all(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_ready(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server did not answer {url}")


class Tally:
    def __init__(self) -> None:
        self.acked: list[str] = []
        self.latency: dict[str, list[float]] = {"comment": [], "read": [], "login": []}
        self.outcomes: Counter[str] = Counter()
        self.down: list[tuple[float, str, float]] = []  # (at, outcome, seconds) during a fault


async def client(number: int, ports: list[int], until: float, tally: Tally, marker: str, fault: dict) -> None:
    rng = random.Random(number)
    async with httpx.AsyncClient(timeout=10) as http:
        sent = 0
        while time.monotonic() < until:
            port = ports[(number + sent) % len(ports)]
            base = f"http://127.0.0.1:{port}"
            kind = "comment" if rng.random() < 0.7 else "read"
            start = time.monotonic()
            try:
                if kind == "comment":
                    sent += 1
                    body = {
                        "target": "art-13-p2",
                        "content": f"{marker} 客户端{number} 第{sent}条：建议明确责任主体。",
                    }
                    response = await http.post(f"{base}/api/v1/consultations/{SLUG}/comments", json=body)
                    if response.status_code == 201:
                        tally.acked.append(response.json()["receipt"])
                else:
                    response = await http.get(f"{base}/c/{SLUG}")
                outcome = str(response.status_code)
            except httpx.HTTPError as error:
                outcome = type(error).__name__
            elapsed = time.monotonic() - start
            tally.outcomes[f"{kind} {outcome}"] += 1
            if outcome in ("200", "201"):
                tally.latency[kind].append(elapsed)
            if fault.get("active"):
                tally.down.append((start, outcome, elapsed))
            if not outcome.isdigit() or outcome.startswith("5"):
                await asyncio.sleep(0.05)  # a client that meets an error backs off a little


async def flooder(number: int, ports: list[int], until: float, tally: Tally) -> None:
    """Wrong passwords for ever-new names, from a new 127.x.y.z address every 15 attempts."""
    sent = 0
    while time.monotonic() < until:
        address = f"127.{10 + number}.{sent // 15 // 250 % 250}.{sent // 15 % 250 + 2}"
        transport = httpx.AsyncHTTPTransport(local_address=address)
        async with httpx.AsyncClient(timeout=10, transport=transport) as http:
            base = f"http://127.0.0.1:{ports[number % len(ports)]}"
            try:
                page = await http.get(f"{base}/admin/login")
                token = page.text.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
            except (httpx.HTTPError, IndexError):
                await asyncio.sleep(0.05)
                continue
            for _ in range(15):
                if time.monotonic() >= until:
                    return
                sent += 1
                form = {"name": f"guess{number}-{sent}", "password": "wrong", "_csrf_token": token}
                start = time.monotonic()
                try:
                    response = await http.post(f"{base}/admin/login", data=form)
                    outcome = str(response.status_code)
                except httpx.HTTPError as error:
                    outcome = type(error).__name__
                tally.outcomes[f"login {outcome}"] += 1
                if outcome in ("401", "429"):
                    tally.latency["login"].append(time.monotonic() - start)


def kill_during_first_start(
    servers: Servers, args: argparse.Namespace, database_url: str | None, data: Path
) -> str:
    """Starts the first server on the empty database and SIGKILLs it once seeding has begun (a
    consultation stored, the demo not yet marked complete)."""
    port = servers.ports[0]
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=servers.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    begin = time.monotonic()
    while time.monotonic() - begin < 120:
        consultation, marked = seeding_state(args, database_url, data)
        if consultation and not marked:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return f"SIGKILL during first-start seeding after {time.monotonic() - begin:.1f} s"
        if process.poll() is not None or marked:
            break
        time.sleep(0.02)
    process.kill()
    process.wait()
    return "seeding was not caught in progress (no kill)"


def seeding_state(args: argparse.Namespace, database_url: str | None, data: Path) -> tuple[int, int]:
    """(consultations, demo_seeded marks); (0, 0) while the tables do not exist."""
    queries = ("SELECT count(*) FROM consultation", "SELECT count(*) FROM app_state")
    try:
        if args.db == "sqlite":
            with sqlite3.connect(data / "draftreview.sqlite3", timeout=5) as conn:
                return tuple(conn.execute(q).fetchone()[0] for q in queries)
        import psycopg

        with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as conn:
            return tuple(conn.execute(q).fetchone()[0] for q in queries)
    except Exception:  # tables not there yet
        return 0, 0


def demo_state(args: argparse.Namespace, database_url: str | None, data: Path) -> str:
    queries = (
        "SELECT count(*) FROM consultation",
        "SELECT count(*) FROM version",
        "SELECT count(*) FROM comment WHERE source_detail = '演示数据'",
        "SELECT count(*) FROM app_state WHERE key = 'demo_seeded'",
    )
    if args.db == "sqlite":
        with sqlite3.connect(data / "draftreview.sqlite3") as conn:
            found = [conn.execute(q).fetchone()[0] for q in queries]
    else:
        import psycopg

        with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as conn:
            found = [conn.execute(q).fetchone()[0] for q in queries]
    return "consultations {}, versions {}, demo comments {}, demo_seeded mark {}".format(*found)


async def load(servers: Servers, args: argparse.Namespace, marker: str, tally: Tally) -> list[str]:
    events: list[str] = []
    fault: dict = {}
    begin = time.monotonic()
    until = begin + args.seconds
    tasks = [
        asyncio.create_task(client(n, servers.ports, until, tally, marker, fault))
        for n in range(args.clients)
    ]
    tasks += [asyncio.create_task(flooder(n, servers.ports, until, tally)) for n in range(args.login_flood)]
    if args.kill_at is not None:
        await asyncio.sleep(args.kill_at)
        port = servers.ports[0]
        servers.kill(port)
        events.append(f"{time.monotonic() - begin:5.1f}s  SIGKILL server on port {port}")
        await asyncio.to_thread(servers.start, port)
        events.append(f"{time.monotonic() - begin:5.1f}s  server on port {port} answering again")
    if args.restart_postgres_at is not None:
        await asyncio.sleep(max(0.0, args.restart_postgres_at - (time.monotonic() - begin)))
        cluster = sorted(os.listdir("/etc/postgresql"))[-1]
        fault["active"] = True
        await asyncio.to_thread(
            subprocess.run,
            ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "stop"],
            check=True,
        )
        events.append(f"{time.monotonic() - begin:5.1f}s  PostgreSQL stopped")
        await asyncio.sleep(5)
        await asyncio.to_thread(
            subprocess.run,
            ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "start"],
            check=True,
        )
        events.append(f"{time.monotonic() - begin:5.1f}s  PostgreSQL started")
        await asyncio.sleep(3)
        fault["active"] = False
    await asyncio.gather(*tasks)
    return events


def stored_receipts(
    args: argparse.Namespace, database_url: str | None, data_dir: Path, marker: str
) -> tuple[Counter, str]:
    query = "SELECT receipt FROM comment WHERE content LIKE ?"
    if args.db == "sqlite":
        with sqlite3.connect(data_dir / "draftreview.sqlite3") as conn:
            receipts = Counter(row[0] for row in conn.execute(query, (f"{marker}%",)))
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        return receipts, integrity
    import psycopg

    with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as conn:
        rows = conn.execute(query.replace("?", "%s"), (f"{marker}%",)).fetchall()
        # amcheck verifies every B-tree index against its table: a torn write would show up here.
        conn.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = conn.execute(
            "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = 'public'"
        ).fetchall()
        for (index,) in indexes:
            conn.execute("SELECT bt_index_check(%s::regclass, true)", (index,))
    return Counter(row[0] for row in rows), f"ok (amcheck: {len(indexes)} indexes with their heaps)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=3, help="app processes (PostgreSQL only)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--kill-at", type=float, default=None)
    parser.add_argument("--restart-postgres-at", type=float, default=None)
    parser.add_argument("--kill-during-first-start", action="store_true")
    parser.add_argument("--login-flood", type=int, default=0, help="clients posting wrong passwords")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="draftreview-soak-"))
    env = {
        **os.environ,
        "DRAFTREVIEW_DATA_DIR": str(work / "data"),
        "DRAFTREVIEW_COMMENT_LIMIT": "0",
        "SECRET_KEY": uuid.uuid4().hex,
    }
    env.pop("DATABASE_URL", None)
    database_url = None
    if args.db == "postgres":
        import psycopg

        name = f"draftreview_soak_{os.getpid()}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        database_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        env["DATABASE_URL"] = database_url
    servers = Servers(args.workers if args.db == "postgres" else 1, env)
    marker = f"SOAK-{uuid.uuid4().hex[:8]}"
    tally = Tally()
    first_start = None
    try:
        if args.kill_during_first_start:
            first_start = kill_during_first_start(servers, args, database_url, work / "data")
        servers.start_all()
        if first_start:
            first_start += "; after restart: " + demo_state(args, database_url, work / "data")
        begin = time.monotonic()
        events = asyncio.run(load(servers, args, marker, tally))
        elapsed = time.monotonic() - begin
    finally:
        servers.stop_all()
    receipts, integrity = stored_receipts(args, database_url, work / "data", marker)
    acked = Counter(tally.acked)
    missing = [r for r in acked if r not in receipts]
    twice = [r for r, n in receipts.items() if n > 1]
    unacknowledged = [r for r in receipts if r not in acked]
    print(f"set-up: {args.db}, {len(servers.ports)} process(es), {args.clients} clients, {elapsed:.0f} s")
    if first_start:
        print("first start: " + first_start)
    for line in events:
        print("  " + line)
    for kind, values in tally.latency.items():
        if values:
            values.sort()
            print(
                f"{kind:8} ok {len(values):7d}  {len(values) / elapsed:7.0f}/s  "
                f"p50 {statistics.median(values) * 1000:6.1f} ms"
                f"  p99 {values[int(len(values) * 0.99) - 1] * 1000:7.1f} ms"
            )
    print("outcomes: " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.outcomes.items())))
    if tally.down:
        during = Counter(outcome for _at, outcome, _s in tally.down)
        slowest = max(seconds for _at, _o, seconds in tally.down)
        print(f"while PostgreSQL was down: {dict(during)}; slowest answer {slowest * 1000:.0f} ms")
    print(
        f"acknowledged {len(acked)}, stored {sum(receipts.values())}, missing {len(missing)}, "
        f"stored twice {len(twice)}, stored without acknowledgement {len(unacknowledged)}; "
        f"integrity: {integrity}"
    )
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{database_url.rsplit("/", 1)[1]}" WITH (FORCE)')
    p99 = (
        sorted(tally.latency["comment"])[int(len(tally.latency["comment"]) * 0.99) - 1]
        if tally.latency["comment"]
        else 0
    )
    slow = args.login_flood and p99 >= 0.1
    if slow:
        print(f"comment p99 {p99 * 1000:.0f} ms beside the login flood: over 100 ms")
    return 1 if missing or twice or slow or not integrity.startswith("ok") else 0


if __name__ == "__main__":
    sys.exit(main())
