"""Near-duplicate clusters kept current (app/services/clusters.py): the incremental index gives exactly what a
from-scratch run gives on the same comments, in any order, across rebuilds, and through the app."""

from __future__ import annotations

import random
import time

import pytest
from sqlalchemy import delete, func, insert, select

from app import models
from app.db import utcnow
from app.services import clusters, jobs
from tests.conftest import SLUG

C = models.Comment.__table__
BASE = [
    "建议第十三条增加关于数据安全的规定，明确数据处理者的安全保护义务和相应的法律责任。",
    "第二十六条规定的公共数据开放范围过窄，建议扩大开放目录，并明确开放的时限和方式。",
    "建议删除第四十条关于数字经济发展专项资金的规定，改由年度预算统一安排使用。",
]
ALPHABET = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年"
    "动同工也能下过子说产种面而方后多定行学法所民得经"
)


def corpus(seed: int, n: int) -> list[str]:
    """Campaign texts (copies and small edits of BASE), unrelated texts, and some too short to shingle."""
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.35:
            texts.append(rng.choice(BASE))
        elif roll < 0.7:
            chars = list(rng.choice(BASE))
            for _ in range(rng.randint(1, 4)):
                chars[rng.randrange(len(chars))] = rng.choice(ALPHABET)
            texts.append("".join(chars))
        elif roll < 0.95:
            texts.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(10, 60))))
        else:
            texts.append(rng.choice(["", "！！", "好", "同意"]))
    return texts


def version_id(db) -> int:
    with db.reading() as session:
        return session.scalar(select(models.Version.id))


def store(db, texts: list[str], version: int) -> list[int]:
    """Inserts comments directly (as the writer would) and returns their ids."""
    now = utcnow()
    rows = [
        {
            "receipt": f"T-{time.monotonic_ns()}-{i}",
            "version_id": version,
            "target": "draft",
            "content": t,
            "content_hash": f"h{i}",
            "client_hash": "c",
            "created_at": now,
        }
        for i, t in enumerate(texts)
    ]
    with db.writing() as session:
        return list(
            session.execute(insert(C).returning(C.c.id, sort_by_parameter_order=True), rows).scalars()
        )


def stored(db, version: int) -> tuple[dict[int, str], dict[int, int]]:
    """The version's texts and its stored {id: cluster id} for clustered comments."""
    with db.reading() as session:
        rows = session.execute(
            select(C.c.id, C.c.content, C.c.cluster_id).where(C.c.version_id == version)
        ).all()
    return {i: t for i, t, _ in rows}, {i: c for i, _, c in rows if c is not None}


def naive(texts: dict[int, str]) -> dict[int, int]:
    """The definition, pair by pair: share a band and reach the threshold; components; representatives."""
    ids = sorted(i for i, t in texts.items() if clusters.shingles(t))
    values = dict(zip(ids, clusters.signatures([texts[i] for i in ids]), strict=True))
    bands = {i: set(enumerate(clusters.band_keys(values[i]))) for i in ids}
    parent = {i: i for i in ids}

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for a in ids:
        for b in ids:
            if a < b and bands[a] & bands[b] and clusters.similar(values[a], values[b]):
                parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in ids:
        groups.setdefault(root(i), []).append(i)
    return clusters._representatives(groups.values(), texts)


@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_clusters_equal_a_from_scratch_run(seeded, seed):
    version = version_id(seeded)
    texts = corpus(seed, 240)
    for start in range(0, len(texts), 37):  # comments arrive in batches, the index catches up between
        store(seeded, texts[start : start + 37], version)
        clusters.catch_up(seeded, batch=16)
    every, incremental = stored(seeded, version)
    assert incremental == clusters.find_clusters(every) == naive(every)
    assert len(set(incremental.values())) >= 3  # the three campaigns at least


def test_the_order_of_indexing_does_not_matter(seeded):
    version = version_id(seeded)
    ids = store(seeded, corpus(3, 150), version)
    every, _ = stored(seeded, version)
    rows = [(i, version, every[i]) for i in ids]
    random.Random(3).shuffle(rows)
    with seeded.writing() as session:
        clusters.index_comments(session.connection(), rows)
    assert stored(seeded, version)[1] == clusters.find_clusters(every)


def test_a_rebuild_equals_the_incremental_result_and_new_comments_join_after_it(seeded):
    version = version_id(seeded)
    store(seeded, corpus(4, 120), version)
    clusters.catch_up(seeded)
    before = stored(seeded, version)[1]
    result = clusters.rebuild_version(seeded, version)
    assert stored(seeded, version)[1] == before
    assert (result.clusters, result.comments) == (len(set(before.values())), len(before))
    store(seeded, corpus(5, 80), version)
    clusters.catch_up(seeded)
    every, after = stored(seeded, version)
    assert after == clusters.find_clusters(every)


def test_a_large_unindexed_version_is_rebuilt_instead_of_caught_up(seeded, monkeypatch):
    version = version_id(seeded)
    store(seeded, corpus(6, 100), version)
    monkeypatch.setattr(clusters, "REBUILD_BELOW", 50)
    calls = []
    real = clusters.rebuild_version
    monkeypatch.setattr(clusters, "rebuild_version", lambda db, v: calls.append(v) or real(db, v))
    clusters.catch_up(seeded)
    every, found = stored(seeded, version)
    assert calls == [version] and found == clusters.find_clusters(every)


def test_deleted_comments_leave_the_index(seeded):
    version = version_id(seeded)
    ids = store(seeded, [BASE[0]] * 3, version)
    clusters.catch_up(seeded)
    with seeded.writing() as session:
        session.execute(delete(C).where(C.c.id == ids[0]))
    with seeded.reading() as session:
        left = session.scalar(select(func.count()).select_from(models.CommentMinhash))
    assert left == 2


def test_the_rebuild_job_reports_its_result(seeded):
    version = version_id(seeded)
    store(seeded, [BASE[1]] * 4 + [BASE[2]] * 2, version)
    job_id = jobs.enqueue(seeded, "clusters.rebuild", {"version_id": version})
    jobs.burst(seeded)
    job = jobs.get(seeded, job_id)
    assert (job.state, job.result, job.title) == ("done", {"clusters": 2, "comments": 6}, "重新归并相似意见")


def test_comments_posted_on_the_site_join_their_cluster_within_seconds(client, seeded, settings):
    from tests.app.helpers import csrf_token

    version = version_id(seeded)
    for suffix in ("。", "！", "；"):
        answer = client.post(
            f"/c/{SLUG}/comment",
            data={"target": "art-13", "content": BASE[0][:-1] + suffix, "_csrf_token": csrf_token(client)},
        )
        assert answer.status_code == 200, answer.text
    if not settings.runs_jobs:  # PostgreSQL: a ``draftreview worker`` would run the queued catch-up
        jobs.burst(seeded)
    deadline = time.monotonic() + 15
    while len(stored(seeded, version)[1]) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    every, found = stored(seeded, version)
    assert len(found) == 3 and found == clusters.find_clusters(every)


def test_the_regroup_button_starts_a_job_and_says_so(demo_client, demo, settings):
    from tests.app.helpers import log_in, page_token

    log_in(demo_client, demo)
    token = page_token(demo_client, f"/admin/c/{SLUG}?version=1")
    answer = demo_client.post(
        f"/admin/c/{SLUG}/cluster", data={"version": "1", "_csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303
    location = answer.headers["location"]
    job_id = int(location.rsplit("rebuild=", 1)[1])
    assert location == f"/admin/c/{SLUG}?version=1&rebuild={job_id}"
    shown = demo_client.get(location).text
    assert f"已开始重新归并相似意见（后台任务 {job_id}），完成后相似意见组自动更新。" in shown
    if not settings.runs_jobs:
        jobs.burst(demo)
    deadline = time.monotonic() + 15
    while jobs.get(demo, job_id).state != "done" and time.monotonic() < deadline:
        time.sleep(0.1)
    job = jobs.get(demo, job_id)
    assert (job.state, job.result, job.created_by) == ("done", {"clusters": 1, "comments": 7}, "drafter1")
