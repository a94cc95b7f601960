"""A real ``draftreview serve`` process on a fresh data dir, and Debian's chromium through Playwright, for
the browser tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
# First start migrates and seeds the demo (about 5 s on an idle machine); CI machines are shared and slow.
START_DEADLINE = 120.0


def app_command(*args: str) -> list[str]:
    """The command line running ``draftreview`` with ``args`` from this checkout."""
    return [sys.executable, "-m", "app.cli", *args]


@contextlib.contextmanager
def running_server(data_dir: Path, database_url: str | None = None) -> Iterator[tuple[str, dict[str, str]]]:
    """Starts the server on the embedded default in ``data_dir`` (or on ``database_url``); yields (base URL,
    its environment) once /healthz answers, and stops it afterwards. Fails with the server's own output if
    it dies or is late."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DRAFTREVIEW_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    log = data_dir / "server.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            app_command("serve", "--port", str(port)),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_DEADLINE
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "draftreview serve did not start:\n" + log.read_text(errors="replace")
                    ) from None
                time.sleep(0.1)
        yield base, env
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextlib.contextmanager
def chromium_browser():
    """Debian's chromium, headless, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@contextlib.contextmanager
def server_with_users(data_dir: Path, password: str, accounts: dict[str, str]) -> Iterator[str]:
    """``running_server`` on ``data_dir`` with the ``accounts`` (name → role) added, all with ``password``;
    yields the base URL."""
    with running_server(data_dir) as (base, env):
        for name, role in accounts.items():
            subprocess.run(
                app_command("user", "add", name, "--role", role, "--password-stdin"),
                input=password + "\n",
                text=True,
                check=True,
                cwd=ROOT,
                env=env,
                capture_output=True,
            )
        yield base


@contextlib.contextmanager
def server_with_user(data_dir: Path, name: str, password: str, role: str = "drafter") -> Iterator[str]:
    """``running_server`` on ``data_dir`` with one account ``name`` of ``role`` added; yields the base URL."""
    with server_with_users(data_dir, password, {name: role}) as base:
        yield base
