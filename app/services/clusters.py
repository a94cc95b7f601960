"""Near-duplicate clusters: campaign comments (the same text, or nearly, with small edits) grouped with a
representative and a count. MinHash signatures of character 3-gram shingles and MinHashLSH from
``datasketch`` find candidate pairs; pairs whose estimated Jaccard similarity reaches the threshold are
joined (union-find). ``comment.cluster_id`` is the representative's id; single comments have none."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH
from sqlalchemy import bindparam, select, update

from app import models
from app.db import Database

C = models.Comment.__table__
THRESHOLD = 0.6
NUM_PERM = 128
SHINGLE = 3
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


def find_clusters(
    texts: dict[int, str], threshold: float = THRESHOLD, num_perm: int = NUM_PERM, hashfunc=None
) -> dict[int, int]:
    """{comment id: representative id} for every comment that has a near duplicate. The representative is
    the member whose exact text is most frequent in its cluster, the oldest (lowest id) on a tie.
    ``num_perm`` and ``hashfunc`` (datasketch's; default SHA-1) trade precision for speed."""
    ids = [i for i, t in texts.items() if shingles(t)]
    extra = {"hashfunc": hashfunc} if hashfunc else {}
    signatures = MinHash.bulk([shingles(texts[i]) for i in ids], num_perm=num_perm, **extra)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with lsh.insertion_session() as session:
        for i, signature in zip(ids, signatures, strict=True):
            session.insert(i, signature)
    parent = {i: i for i in ids}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_id = dict(zip(ids, signatures, strict=True))
    for i in ids:
        for j in lsh.query(by_id[i]):
            if j != i and by_id[i].jaccard(by_id[j]) >= threshold:
                parent[root(i)] = root(j)
    members: dict[int, list[int]] = {}
    for i in ids:
        members.setdefault(root(i), []).append(i)
    result: dict[int, int] = {}
    for group in members.values():
        if len(group) < 2:
            continue
        frequency = Counter(texts[i] for i in group)
        representative = min(group, key=lambda i: (-frequency[texts[i]], i))
        result.update(dict.fromkeys(group, representative))
    return result


def cluster_version(db: Database, version_id: int, threshold: float = THRESHOLD) -> ClusterResult:
    """Recomputes the clusters of a version's comments and stores them (one transaction)."""
    with db.reading() as session:
        texts = dict(session.execute(select(C.c.id, C.c.content).where(C.c.version_id == version_id)).all())
    assignment = find_clusters(texts, threshold)
    with db.writing() as session:
        conn = session.connection()
        conn.execute(
            update(C).where(C.c.version_id == version_id, C.c.cluster_id.is_not(None)).values(cluster_id=None)
        )
        if assignment:
            conn.execute(
                update(C).where(C.c.id == bindparam("cid")).values(cluster_id=bindparam("rep")),
                [{"cid": i, "rep": r} for i, r in assignment.items()],
            )
    return ClusterResult(len(set(assignment.values())), len(assignment))
