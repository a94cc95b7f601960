"""The database going away: pages answer a clean 503 page, the API a 503 with code database_unavailable,
a comment being sent is handed back to the user unsaved, and the app recovers by itself when the database
returns (PostgreSQL behind a real TCP relay that the test cuts and restores)."""

from __future__ import annotations

import os
import socket
import threading
from contextlib import suppress

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import make_url

from app.db import Database
from app.web import create_app
from tests.app.helpers import comment_count, csrf_token

SLUG = "hlj-digital-economy"
MESSAGE = "系统正在维护或暂时繁忙，请稍后再试。如您正在提交意见，本次意见尚未保存，请稍后重新提交。"


class Relay:
    """A TCP relay from a local port to the database server; ``cut()`` closes the port and every
    connection through it, as a server restart does; ``restore()`` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            doomed, self._sockets = [self._listener, *self._sockets], []
        for sock in doomed:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def _assert_unavailable(client: TestClient) -> None:
    page = client.get(f"/c/{SLUG}")
    assert (page.status_code, page.headers["retry-after"], MESSAGE in page.text) == (503, "30", True)
    answer = client.get("/api/v1/consultations")
    assert (answer.status_code, answer.json()) == (
        503,
        {"error": {"code": "database_unavailable", "message": MESSAGE, "fields": {}}},
    )


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-folder/draftreview.sqlite3",
        "postgresql+psycopg://postgres@127.0.0.1:9/test",  # the discard port: nothing listens there
    ],
)
def test_unreachable_database_gets_503_everywhere(settings, url):
    with TestClient(create_app(settings, Database.connect(url))) as client:
        _assert_unavailable(client)
        assert client.get("/healthz").text == "ok"  # the process itself is alive
        assert client.get("/readyz").status_code == 503


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_postgresql_outage_fails_fast_and_recovers_by_itself(settings, seeded):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the relay sits in front of PostgreSQL")
    url = make_url(settings.database_url)
    relay = Relay((url.host or "127.0.0.1", url.port or 5432))
    relay.restore()
    db = Database.connect(url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False))
    with TestClient(create_app(settings, db)) as client:
        token = csrf_token(client)
        assert client.get(f"/c/{SLUG}").status_code == 200
        assert client.get("/readyz").status_code == 200
        relay.cut()
        _assert_unavailable(client)
        sent = client.post(
            f"/c/{SLUG}/comment",
            data={"_csrf_token": token, "target": "art-13", "content": "停电时写的意见。"},
        )
        assert (sent.status_code, "停电时写的意见。" in sent.text, MESSAGE in sent.text) == (503, True, True)
        api = client.post(
            f"/api/v1/consultations/{SLUG}/comments", json={"target": "art-13", "content": "接口意见"}
        )
        assert (api.status_code, api.json()["error"]["code"]) == (503, "database_unavailable")
        relay.restore()
        assert client.get(f"/c/{SLUG}").status_code == 200
        assert client.get("/readyz").status_code == 200
        again = client.post(
            f"/c/{SLUG}/comment",
            data={"_csrf_token": token, "target": "art-13", "content": "停电时写的意见。"},
            follow_redirects=False,
        )
        assert (again.status_code, again.headers["location"].startswith("/receipt/YJ-")) == (303, True)
    relay.cut()
    db.dispose()
    assert comment_count(seeded) == 1
