"""Group commit: concurrent submissions all stored and acknowledged; a refused one changes nothing."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.services.comments import CommentInput, Submission
from app.services.errors import ServiceError
from app.services.writer import CommentWriter
from tests.app.helpers import comments
from tests.conftest import SLUG


def test_concurrent_submissions_are_all_stored(settings, seeded):
    writer = CommentWriter(seeded, settings)
    writer.start()
    subs = [Submission(SLUG, CommentInput("art-13", f"意见{n}"), f"client-{n}") for n in range(60)]
    subs.append(Submission(SLUG, CommentInput("art-999", "错的条"), "client-x"))
    try:
        with ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(asyncio.run, writer.submit(s)) for s in subs]
        receipts = [f.result() for f in futures[:-1]]
        with pytest.raises(ServiceError) as refused:
            futures[-1].result()
    finally:
        writer.stop()
    assert refused.value.code == "target_not_found"
    stored = {c.receipt: c.content for c in comments(seeded)}
    assert stored == {r.receipt: f"意见{n}" for n, r in enumerate(receipts)}
