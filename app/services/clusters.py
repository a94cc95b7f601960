"""Near-duplicate clusters: campaign comments (the same text, or nearly, with small edits) grouped with a
representative and a count, kept current as comments arrive.

Two comments of a version are *similar* when their MinHash signatures (character 3-gram shingles, 128
permutations, ``datasketch``) share an LSH band (18 bands of 7) and their estimated Jaccard similarity
reaches ``THRESHOLD``. A cluster is a connected group of similar comments (two or more); its representative
is the member whose exact text is most frequent in it, the oldest (lowest id) on a tie, and every member's
``comment.cluster_id`` is that representative's id. Single comments have none.

``find_clusters`` computes this from scratch in memory. ``catch_up`` keeps it current: each stored comment
is matched against a persistent index (``comment_minhash``: the signature of the first comment of each
exact text; ``comment_band``: its bands) and joins, or merges, the clusters it is similar to. Components
only ever grow, and the representative is recomputed from the whole member set, so the result equals a
from-scratch run on the same comments whatever the order (tested). ``rebuild_version`` recomputes one
version from scratch and rewrites its index: a job (``clusters.rebuild``), run only on demand, or when a
version's index is empty (a database migrated from before the index).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH
from sqlalchemy import Connection, bindparam, delete, func, insert, select, union, update

from app import models
from app.db import Database
from app.services import jobs
from app.services.errors import N_

C = models.Comment.__table__
M = models.CommentMinhash.__table__
B = models.CommentBand.__table__
THRESHOLD = 0.6
NUM_PERM = 128
SHINGLE = 3
BANDS = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM).hashranges
CATCH_UP_BATCH = 64  # comments looked at per transaction
# A catch-up transaction ends once it has indexed for this long: on SQLite it holds the one write lock, so
# the comment writer waits at most about this (64 comments at ~18 ms each under load held it for a second).
CATCH_UP_BUDGET = 0.05
REBUILD_BELOW = 2000  # an unindexed version with more comments than this is rebuilt, not caught up
_LOCK = 7200119  # PostgreSQL advisory lock: one index writer at a time across processes
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class ClusterResult:
    """How many clusters were found and how many comments they hold."""

    clusters: int
    comments: int


def shingles(text: str) -> set[bytes]:
    """Character 3-grams of ``text`` with spaces and punctuation removed (the whole text when shorter)."""
    text = _NOISE.sub("", text.lower())
    if len(text) <= SHINGLE:
        return {text.encode()} if text else set()
    return {text[i : i + SHINGLE].encode() for i in range(len(text) - SHINGLE + 1)}


def text_key(text: str) -> int:
    """A signed 64-bit name of the exact text."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


def signatures(texts: Sequence[str]) -> list[np.ndarray | None]:
    """The MinHash hash values of each text (None for a text with nothing to shingle)."""
    sets = [shingles(t) for t in texts]
    computed = iter(MinHash.generator([s for s in sets if s], num_perm=NUM_PERM))
    return [next(computed).hashvalues if s else None for s in sets]


def band_keys(signature: np.ndarray) -> list[int]:
    """The signed 64-bit key of each LSH band of ``signature``."""
    return [
        int.from_bytes(hashlib.blake2b(signature[a:b].tobytes(), digest_size=8).digest(), "big", signed=True)
        for a, b in BANDS
    ]


def similar(a: np.ndarray, b: np.ndarray, threshold: float = THRESHOLD) -> bool:
    """The estimated Jaccard similarity reaches ``threshold`` (datasketch's estimate, computed alike)."""
    return float(np.count_nonzero(a == b)) / float(len(a)) >= threshold


def _representatives(groups: Iterable[list[int]], key_of: dict[int, object]) -> dict[int, int]:
    result: dict[int, int] = {}
    for group in groups:
        if len(group) < 2:
            continue
        frequency = Counter(key_of[i] for i in group)
        representative = min(group, key=lambda i: (-frequency[key_of[i]], i))
        result.update(dict.fromkeys(group, representative))
    return result


def distinct_signatures(texts: dict[int, str]) -> tuple[dict[str, int], dict[int, np.ndarray]]:
    """({exact text: its lowest comment id}, {that id: signature} for texts that have shingles)."""
    first: dict[str, int] = {}
    for i in sorted(texts):
        first.setdefault(texts[i], i)
    distinct = [(t, i) for t, i in first.items() if shingles(t)]
    hashed = signatures([t for t, _ in distinct])
    return first, {i: values for (_, i), values in zip(distinct, hashed, strict=True)}


def find_clusters(
    texts: dict[int, str], threshold: float = THRESHOLD, hashed: tuple[dict, dict] | None = None
) -> dict[int, int]:
    """{comment id: representative id} for every comment that has a near duplicate, from scratch. Copies
    of one exact text share a signature, so each distinct text is hashed and queried once (``hashed``:
    ``distinct_signatures(texts)`` when the caller has it already)."""
    first, values_of = hashed or distinct_signatures(texts)
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    by_id: dict[int, MinHash] = {}
    with lsh.insertion_session() as session:
        for i, values in values_of.items():
            by_id[i] = MinHash(num_perm=NUM_PERM, hashvalues=values, scheme="affine32")
            session.insert(i, by_id[i])
    parent = {i: i for i in by_id}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, signature in by_id.items():
        for j in lsh.query(signature):
            # A pair already connected adds nothing: skipping it keeps campaigns from costing n².
            if root(i) != root(j) and signature.jaccard(by_id[j]) >= threshold:
                parent[root(i)] = root(j)
    members: dict[int, list[int]] = defaultdict(list)
    for i, t in texts.items():
        if first[t] in parent:
            members[root(first[t])].append(i)
    return _representatives(members.values(), texts)


def _lock(conn: Connection, wait: bool) -> bool:
    """Takes the index lock for this transaction (SQLite: BEGIN IMMEDIATE has already serialised it)."""
    if conn.dialect.name == "sqlite":
        return True
    fn = func.pg_advisory_xact_lock if wait else func.pg_try_advisory_xact_lock
    # Keyed by schema too: apps (and test schemas) sharing one database must not wait for each other.
    locked = conn.execute(select(fn(_LOCK, func.hashtext(func.current_schema())))).scalar()
    return wait or bool(locked)


def _component(conn: Connection, comment_id: int) -> int:
    cluster = conn.execute(select(C.c.cluster_id).where(C.c.id == comment_id)).scalar()
    return cluster or comment_id


# Built once: constructing the 18 selects per comment cost more than running them.
_CANDIDATES = select(C.c.id, C.c.cluster_id).where(
    C.c.id.in_(
        select(
            union(
                *(
                    select(B.c.comment_id).where(
                        B.c.version_id == bindparam("version"), B.c.band == n, B.c.key == bindparam(f"k{n}")
                    )
                    for n in range(len(BANDS))
                )
            ).subquery()
        )
    )
)


def _matching_components(conn: Connection, version_id: int, signature: np.ndarray) -> set[int]:
    """The components (cluster representative, or a single comment's id) holding a comment similar to
    ``signature``; within a component, candidates are checked only until one matches."""
    # One primary-key lookup per band, united: an OR of the 18 (band, key) pairs made SQLite walk the
    # version's whole band index (0.7 s per comment at 20,000 comments), which grew with the round.
    params = {f"k{n}": k for n, k in enumerate(band_keys(signature))}
    candidates = conn.execute(_CANDIDATES, {"version": version_id, **params}).all()
    by_component: dict[int, list[int]] = defaultdict(list)
    for comment_id, cluster_id in candidates:
        by_component[cluster_id or comment_id].append(comment_id)
    matched = set()
    for component, ids in by_component.items():
        ids.sort()
        for start in range(0, len(ids), 32):
            stored = conn.execute(
                select(M.c.signature).where(M.c.comment_id.in_(ids[start : start + 32]))
            ).scalars()
            if any(similar(signature, np.frombuffer(s, dtype=np.uint32)) for s in stored):
                matched.add(component)
                break
    return matched


def _copies(conn: Connection, version_id: int, key: int) -> tuple[int, int]:
    """(how many indexed comments of the version have the exact text ``key``, the lowest id among them): an
    index range. All copies of one text are in one component (a copy joins its twin's), so this is also
    the text's count within its cluster."""
    count, lowest = conn.execute(
        select(func.count(), func.min(M.c.comment_id)).where(
            M.c.version_id == version_id, M.c.text_key == key
        )
    ).one()
    return count, lowest


def _join(conn: Connection, version_id: int, comment_id: int, key: int, components: set[int]) -> None:
    """Puts ``comment_id`` (exact text ``key``, already in ``comment_minhash``) in one cluster with every
    comment of ``components``, with its representative."""
    if not components:
        return
    (only,) = components if len(components) == 1 else (None,)
    if only is not None and conn.execute(select(C.c.cluster_id).where(C.c.id == only)).scalar() == only:
        # Joining one existing cluster, the usual case: only this text's count changed, so the representative
        # stays unless this text now outnumbers the representative's (lowest id on a tie). Two index ranges
        # instead of counting every member: the cost no longer grows with the cluster.
        rep_key = conn.execute(select(M.c.text_key).where(M.c.comment_id == only)).scalar()
        count, lowest = _copies(conn, version_id, key)
        if rep_key == key:
            stays = lowest == only  # not when an older copy of its text arrived late (out of order)
        else:
            stays = (-count, lowest) > (-_copies(conn, version_id, rep_key)[0], only)
        if stays:
            conn.execute(update(C).where(C.c.id == comment_id).values(cluster_id=only))
            return
    # The members as a UNION of two index lookups, (version_id, cluster_id) and the primary key: written as
    # an OR, SQLite walked the whole comment_minhash index (3.4 s per comment at 500,000 comments).
    members = union(
        select(C.c.id).where(C.c.version_id == version_id, C.c.cluster_id.in_(components)),
        select(C.c.id).where(C.c.id.in_(components | {comment_id})),
    ).subquery()
    ids = select(members.c.id)
    counts = conn.execute(
        select(M.c.text_key, func.count(), func.min(M.c.comment_id))
        .select_from(members.join(M, M.c.comment_id == members.c.id))  # from the members: PK lookups in M
        .group_by(M.c.text_key)
    ).all()
    representative = min(counts, key=lambda row: (-row[1], row[2]))[2]
    conn.execute(update(C).where(C.c.id.in_(ids)).values(cluster_id=representative))


def index_comments(
    conn: Connection, rows: Sequence[tuple[int, int, str]], budget: float | None = None
) -> int:
    """Adds (id, version id, content) comments, oldest first, to the index and to their clusters, inside
    the caller's transaction (which holds the index lock); with a ``budget`` (seconds), stops after the
    comment that exhausts it. Returns how many were indexed (the first ones of ``rows``)."""
    hashed = signatures([content for _, _, content in rows])
    began = time.monotonic()
    for done, ((comment_id, version_id, content), signature) in enumerate(zip(rows, hashed, strict=True)):
        if budget is not None and done and time.monotonic() - began > budget:
            return done
        # A cluster id left from before the index (or set through a stale one) is recomputed here.
        conn.execute(
            update(C).where(C.c.id == comment_id, C.c.cluster_id.is_not(None)).values(cluster_id=None)
        )
        key = text_key(content)
        stored = None
        components: set[int] = set()
        if signature is not None:
            twin = conn.execute(
                select(M.c.comment_id)
                .where(M.c.version_id == version_id, M.c.text_key == key, M.c.signature.is_not(None))
                .limit(1)
            ).scalar()
            if twin is not None:  # the same text: similar to exactly what its twin is similar to
                components = {_component(conn, twin)}
            else:
                components = _matching_components(conn, version_id, signature)
                stored = signature.tobytes()
                conn.execute(
                    insert(B),
                    [
                        {"version_id": version_id, "band": n, "key": k, "comment_id": comment_id}
                        for n, k in enumerate(band_keys(signature))
                    ],
                )
        conn.execute(
            insert(M).values(comment_id=comment_id, version_id=version_id, text_key=key, signature=stored)
        )
        _join(conn, version_id, comment_id, key, components)
    return len(rows)


def _pending(conn: Connection, limit: int, everything: bool, after: int = 0) -> list[tuple[int, int, str]]:
    """Comments not yet indexed with ids above ``after``, oldest first. Ids can commit out of order on
    PostgreSQL, so the quick look reaches back 10,000 ids behind the newest indexed one; the minutely run
    looks at everything (``after``, the last id this run has seen, keeps each of its batches from walking
    the comments it has already passed)."""
    query = select(C.c.id, C.c.version_id, C.c.content).where(
        ~select(M.c.comment_id).where(M.c.comment_id == C.c.id).exists()
    )
    if not everything:
        newest = conn.execute(select(func.max(M.c.comment_id))).scalar() or 0
        after = max(after, newest - 10_000)
    return [tuple(row) for row in conn.execute(query.where(C.c.id > after).order_by(C.c.id).limit(limit))]


def _unindexed_versions(conn: Connection, rows: Sequence[tuple[int, int, str]]) -> list[int]:
    """Versions among ``rows`` with no indexed comment and more than REBUILD_BELOW comments."""
    found = []
    for version_id in sorted({v for _, v, _ in rows}):
        if conn.execute(select(M.c.comment_id).where(M.c.version_id == version_id).limit(1)).first():
            continue
        count = conn.execute(select(func.count()).where(C.c.version_id == version_id)).scalar()
        if count > REBUILD_BELOW:
            found.append(version_id)
    return found


TASK_SECONDS = 10.0  # one run of the task: a stopping app waits at most about this for it


@jobs.register_task("clusters.catch_up")
def catch_up_task(db: Database) -> None:
    """The task the writer nudges and the minute runs: ``catch_up`` for at most TASK_SECONDS (a graceful
    stop waits for a running task), nudging itself when it ran out of time with comments left."""
    deadline = time.monotonic() + TASK_SECONDS
    catch_up(db, deadline=deadline)
    if time.monotonic() >= deadline:
        jobs.nudge(db, "clusters.catch_up")


def catch_up(
    db: Database,
    *,
    everything: bool = False,
    batch: int = CATCH_UP_BATCH,
    pause: float = 1.0,
    deadline: float | None = None,
) -> int:
    """Indexes every comment not yet in the index (or those it reaches before the monotonic ``deadline``),
    in short transactions, each followed by a pause of ``pause`` times its length; returns how many.
    Returns early, doing nothing, while another process holds the index lock (it will do the work)."""
    done, after = 0, 0
    while deadline is None or time.monotonic() < deadline:
        began = time.monotonic()
        with db.writing() as session:
            conn = session.connection()
            if not _lock(conn, wait=False):
                return done
            rows = _pending(conn, batch, everything, after)
            large = _unindexed_versions(conn, rows)
            indexed = 0 if large else index_comments(conn, rows, CATCH_UP_BUDGET)
        for version_id in large:
            rebuild_version(db, version_id)
        if not rows:
            return done
        if indexed:  # after a rebuild the same ids are looked at again: those stored meanwhile are pending
            done, after = done + indexed, rows[indexed - 1][0]
        # As long again before the next transaction: at most half of the time (and of the GIL, in the app's
        # process) goes to the index, so a flood of comments is stored first and indexed seconds later.
        time.sleep(pause * (time.monotonic() - began))
    return done


def rebuild_version(db: Database, version_id: int, progress=None) -> ClusterResult:
    """Recomputes the clusters of a version from scratch and rewrites its index (one write transaction;
    comments stored meanwhile are left pending and caught up after)."""
    report = progress or (lambda *args, **kwargs: None)
    with db.reading() as session:
        rows = session.execute(
            select(C.c.id, C.c.content).where(C.c.version_id == version_id).order_by(C.c.id)
        ).all()
    report(0, len(rows), N_("正在计算相似度"))
    texts = dict(rows)
    first, hashed = distinct_signatures(texts)
    assignment = find_clusters(texts, hashed=(first, hashed))
    report(len(rows) // 2, len(rows), N_("正在保存"))
    minhash_rows = []
    band_rows = []
    for i, content in rows:
        signature = hashed.get(i) if first[content] == i else None
        minhash_rows.append(
            {
                "comment_id": i,
                "version_id": version_id,
                "text_key": text_key(content),
                "signature": None if signature is None else signature.tobytes(),
            }
        )
        if signature is not None:
            band_rows.extend(
                {"version_id": version_id, "band": n, "key": k, "comment_id": i}
                for n, k in enumerate(band_keys(signature))
            )
    with db.writing() as session:
        conn = session.connection()
        _lock(conn, wait=True)
        conn.execute(delete(B).where(B.c.version_id == version_id))
        conn.execute(delete(M).where(M.c.version_id == version_id))
        conn.execute(
            update(C).where(C.c.version_id == version_id, C.c.cluster_id.is_not(None)).values(cluster_id=None)
        )
        # Comments deleted since the snapshot are left out: their rows would break the foreign key.
        alive = set(conn.execute(select(C.c.id).where(C.c.version_id == version_id)).scalars())
        for table, values in ((M, minhash_rows), (B, band_rows)):
            values = [v for v in values if v["comment_id"] in alive]
            for start in range(0, len(values), 5000):
                conn.execute(insert(table), values[start : start + 5000])
        changed = [{"cid": i, "rep": r} for i, r in assignment.items() if i in alive]
        if changed:
            conn.execute(
                update(C).where(C.c.id == bindparam("cid")).values(cluster_id=bindparam("rep")), changed
            )
    report(len(rows), len(rows))
    return ClusterResult(len(set(assignment.values())), len(assignment))


def cluster_version(db: Database, version_id: int) -> ClusterResult:
    """``rebuild_version`` without progress (the demo seed and the CLI)."""
    return rebuild_version(db, version_id)


@jobs.register("clusters.rebuild", title=N_("重新归并相似意见"))
def rebuild_job(db: Database, params: dict, progress) -> dict:
    """The drafters' 重新归并相似意见: a from-scratch rebuild of one version, as a job."""
    result = rebuild_version(db, int(params["version_id"]), progress)
    return {"clusters": result.clusters, "comments": result.comments}
