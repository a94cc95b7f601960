"""The counters behind the login, erasure and receipt throttles (app/services/throttle.py): on the
database (SQLite and PostgreSQL) and on Redis (database 5 under a prefix of each test's own, when a Redis
server answers on 127.0.0.1:6379 or TEST_REDIS_URL names one)."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from datetime import timedelta

import pytest

from app.db import utcnow
from app.services.throttle import Throttle, Verdict, key_for

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def _redis_answers() -> bool:
    host, port = REDIS.split("//", 1)[1].split("/", 1)[0].split(":")
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, int(port))) == 0


@pytest.fixture(params=["database", "redis"])
def throttle(request, db):
    if request.param == "database":
        yield Throttle(db)
        return
    if not _redis_answers():
        pytest.skip("no Redis server")
    prefix = f"draftreview-test-{uuid.uuid4().hex[:8]}:"
    found = Throttle(db, REDIS, prefix=prefix)
    yield found
    for key in found._redis.scan_iter(prefix + "*"):
        found._redis.delete(key)


def test_counts_within_the_window_and_says_when_it_ends(throttle):
    now = utcnow()
    verdicts = [throttle.hit("k", 3, 600, now + timedelta(seconds=n)) for n in range(5)]
    assert [(v.hits, v.allowed) for v in verdicts] == [
        (1, True),
        (2, True),
        (3, True),
        (4, False),
        (5, False),
    ]
    assert all(590 <= v.retry_after <= 600 for v in verdicts)
    assert throttle.hit("other", 3, 600, now) == Verdict(1, True, 600)


def test_reset_forgets_a_key(throttle):
    for _ in range(4):
        throttle.hit("k", 3, 600)
    throttle.reset("k")
    assert throttle.hit("k", 3, 600).hits == 1


def test_a_new_window_starts_afresh(db):
    throttle = Throttle(db)  # the database keeps time by the caller's clock (Redis by its own)
    now = utcnow()
    for _ in range(4):
        throttle.hit("k", 3, 600, now)
    assert throttle.hit("k", 3, 600, now + timedelta(seconds=600)) == Verdict(1, True, 600)


def test_concurrent_hits_are_counted_exactly(throttle):
    allowed = []
    barrier = threading.Barrier(24)

    def hit():
        barrier.wait()
        allowed.append(throttle.hit("k", 10, 600).allowed)

    threads = [threading.Thread(target=hit) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(allowed) == [False] * 14 + [True] * 10


def test_keys_hide_what_they_count():
    key = key_for(b"secret", "login-client", "203.0.113.9")
    assert key.startswith("login-client:") and "203.0.113.9" not in key and len(key) <= 120
    assert key != key_for(b"other secret", "login-client", "203.0.113.9")
