"""Counters shared by every process: how many attempts a key (a client, an account, a comment) made in the
current window, for the login, erasure and receipt throttles.

Each ``hit`` is one atomic statement, so concurrent processes can never both see a count below the limit
and both go ahead:

- database (the default): ``INSERT … ON CONFLICT (key) DO UPDATE SET hits = hits + 1 … RETURNING`` on the
  ``rate_counter`` table (PostgreSQL locks the row for the update; SQLite runs it on the single writer
  connection inside ``BEGIN IMMEDIATE``);
- Redis, when ``REDIS_URL`` is set: ``INCR`` and ``PEXPIRE`` in one Lua script.

Windows are fixed: the first hit opens a window of ``window`` seconds, and ``retry_after`` is the time left
in it, which is exactly when the next attempt will be counted afresh. Keys are keyed hashes
(``key_for``): the table never holds an address or an account name.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite

from app import models
from app.db import Database, UTCDateTime, is_sqlite, utcnow

# One hit in this many also deletes counters whose window ended a day ago, so the table stays small.
SWEEP_ONE_IN = 500
_REDIS_HIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
"""


@dataclass(frozen=True)
class Verdict:
    """The outcome of one hit: ``hits`` counted in the window so far (this one included), whether that is
    within ``limit``, and the whole seconds until the window ends (at least 1)."""

    hits: int
    allowed: bool
    retry_after: int


def key_for(secret: bytes, kind: str, value: str) -> str:
    """``kind:`` and a keyed hash of ``value`` (an address, a name): stable, and useless for finding it."""
    return f"{kind}:" + hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:48]


class Throttle:
    """Fixed-window counters in the database of ``db``, or in Redis when ``redis_url`` is given."""

    def __init__(self, db: Database, redis_url: str = "", prefix: str = "draftreview:") -> None:
        self.db = db
        self.prefix = prefix
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=5)
            self._script = self._redis.register_script(_REDIS_HIT)

    def hit(self, key: str, limit: int, window: int, now: datetime | None = None) -> Verdict:
        """Counts one attempt of ``key``; allowed while at most ``limit`` were counted in the window."""
        if self._redis is not None:
            hits, ttl_ms = self._script(keys=[self.prefix + key], args=[window * 1000])
            return Verdict(int(hits), int(hits) <= limit, max(1, math.ceil(int(ttl_ms) / 1000)))
        now = now or utcnow()
        hits, started = self._hit_database(key, window, now)
        # Another process may have opened the window a moment "after" this one's ``now``: never above window.
        left = (started + timedelta(seconds=window) - now).total_seconds()
        return Verdict(hits, hits <= limit, min(window, max(1, math.ceil(left))))

    def _hit_database(self, key: str, window: int, now: datetime) -> tuple[int, datetime]:
        table = models.RateCounter.__table__
        expired = table.c.window_start <= now - timedelta(seconds=window)
        dialect = sqlite if is_sqlite(self.db.url) else postgresql
        statement = (
            dialect.insert(table)
            .values(key=key, window_start=now, hits=1)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "hits": case((expired, 1), else_=table.c.hits + 1),
                    "window_start": case((expired, literal(now, UTCDateTime())), else_=table.c.window_start),
                },
            )
            .returning(table.c.hits, table.c.window_start)
        )
        with self.db.write.begin() as conn:
            hits, started = conn.execute(statement).one()
            if random.randrange(SWEEP_ONE_IN) == 0:
                conn.execute(delete(table).where(table.c.window_start < now - timedelta(days=1)))
        return hits, started

    def reset(self, key: str) -> None:
        """Forgets the count of ``key`` (a successful login clears its account's failures)."""
        if self._redis is not None:
            self._redis.delete(self.prefix + key)
            return
        with self.db.write.begin() as conn:
            conn.execute(delete(models.RateCounter.__table__).where(models.RateCounter.key == key))
