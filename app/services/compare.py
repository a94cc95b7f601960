"""Comparing two stored versions: the article trees rebuilt from the database, aligned once per version
pair (published versions are never edited, so the alignment is cached for the life of the process), the
comments of the old version beside the articles they were written on, and carried forward to the matching
article(s) of the new version."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import select

from app import models
from app.db import Database
from app.services.drafts import load_draft
from app.services.errors import ServiceError
from app.services.review import VersionRef, version_ref
from versions import Draft, align
from versions.align import Pair
from versions.labels import LABELS, Change
from versions.pairs import parts
from versions.references import citation_notes, stale_by_article

CACHE_SIZE = 32
_cache: OrderedDict[tuple, tuple[Draft, Draft, object]] = OrderedDict()
_lock = threading.Lock()


def aligned(db: Database, old_id: int, new_id: int):
    """(old Draft, new Draft, Alignment) of two versions, computed once per pair and then cached.

    Only published versions are cached (a round being prepared is still edited: app/services/working.py),
    keyed by their ids and publication times, read *before* their text: a version published by another
    process while this one was reading it can then only be recomputed, never cached half-edited, and an id
    reused for another version after a delete names another entry."""
    with db.reading() as session:
        published = dict(
            session.execute(
                select(models.Version.id, models.Version.published_at).where(
                    models.Version.id.in_((old_id, new_id))
                )
            ).all()
        )
    revision = (published.get(old_id), published.get(new_id))
    key = (db.url, old_id, new_id, *revision)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    old, new = load_draft(db, old_id), load_draft(db, new_id)
    result = (old, new, align(old, new))
    if None in revision:
        return result
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


@dataclass(frozen=True)
class OldComment:
    """A comment on the old version, as the comparison shows it."""

    id: int
    receipt: str
    article: str  # node id of the old article
    content: str
    disposition: str


@dataclass
class Row:
    """One aligned row: the pair, its place among the changes, its comments, its stale references, the
    notes on its citations, and for a split or merge each article with its own diff (``parts``)."""

    index: int
    pair: Pair
    change: int | None  # 1-based number among the changes 下一处修改 stops at (None otherwise)
    comments: list[OldComment] = field(default_factory=list)
    references: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parts: tuple = ()


@dataclass(frozen=True)
class Comparison:
    """Two versions side by side."""

    old_ref: VersionRef
    new_ref: VersionRef
    rows: list[Row]
    summary: dict[str, int]
    changes: int
    carried: dict[str, tuple[str, ...]]  # old article node id -> new article node ids
    changes_only: bool = False
    include_renumbered: bool = False
    warnings: tuple[str, ...] = ()  # input-quality warnings: the comparison may be unreliable
    labels: dict[str, str] = field(default_factory=lambda: {str(k): v for k, v in LABELS.items()})
    # new article node id -> ids of the comments whose proposed wording it adopted (issue 17)
    adopted: dict[str, list[int]] = field(default_factory=dict)


def carried_forward(alignment) -> dict[str, tuple[str, ...]]:
    """Where each old article went: {old node id: node ids of the matching new articles} (empty when
    the article was deleted). A comment on an old article applies to those new articles: for an article
    split, every article that received its paragraphs; for one merged away, the article it went into."""
    result: dict[str, tuple[str, ...]] = {}
    for pair in alignment.pairs:
        for article in pair.old:
            result[article.id] = tuple(a.id for a in pair.new)
    return result


def is_change(pair: Pair, include_renumbered: bool = False) -> bool:
    """True for a row 下一处修改 stops at: changed, added, deleted, split, merged or moved; an article only
    renumbered too when ``include_renumbered``."""
    return pair.status != Change.UNCHANGED or pair.moved or (include_renumbered and pair.renumbered)


def compare(
    db: Database,
    slug: str,
    old_number: int,
    new_number: int,
    changes_only: bool = False,
    include_renumbered: bool = False,
) -> Comparison:
    """The comparison of versions ``old_number`` and ``new_number`` of ``slug``, with the old version's
    comments (and dispositions) on their rows; ``changes_only`` leaves out the rows 下一处修改 does not
    stop at. A comment on an article merged away or split goes with every article that received its
    paragraphs. ServiceError versions_invalid / version_not_found."""
    if old_number == new_number:
        raise ServiceError("versions_invalid")
    old_ref, new_ref = version_ref(db, slug, old_number), version_ref(db, slug, new_number)
    _, _, alignment = aligned(db, old_ref.version_id, new_ref.version_id)
    C, A = models.Comment.__table__, models.Article.__table__
    by_article: dict[str, list[OldComment]] = {}
    with db.read.connect() as conn:
        for r in conn.execute(
            select(C.c.id, C.c.receipt, C.c.content, C.c.disposition, A.c.node_id)
            .join(A, A.c.id == C.c.article_id)
            .where(C.c.version_id == old_ref.version_id)
            .order_by(C.c.id)
        ):
            by_article.setdefault(r.node_id, []).append(
                OldComment(r.id, r.receipt, r.node_id, r.content, r.disposition)
            )
    stale = stale_by_article(alignment.references)
    rows, changes = [], 0
    for n, pair in enumerate(alignment.pairs):
        changed = is_change(pair, include_renumbered)
        changes += changed
        if changes_only and not changed:
            continue
        rows.append(
            Row(
                n,
                pair,
                changes if changed else None,
                [c for a in pair.old for c in by_article.get(a.id, [])],
                [s for a in pair.new for s in stale.get(a.id, [])],
                [line for line in citation_notes(pair, {}) if line],
                parts(pair) if len(pair.old) > 1 or len(pair.new) > 1 else (),
            )
        )
    from app.services.proposals import adopted_by_article  # proposals builds on this module

    return Comparison(
        old_ref,
        new_ref,
        rows,
        alignment.summary(),
        changes,
        carried_forward(alignment),
        changes_only,
        include_renumbered,
        tuple(w.message for w in alignment.warnings),
        adopted=adopted_by_article(db, new_ref.version_id),
    )


def carried_to(
    db: Database, slug: str, number: int, article_node: str | None
) -> tuple[int, list[str]] | None:
    """For a comment on article ``article_node`` of version ``number``: (the next version's number, the
    labels of the articles it was carried forward to), or None when there is no later version."""
    ref = version_ref(db, slug, number)
    later = [n for n in ref.numbers if n > number]
    if not later or not article_node:
        return None
    try:
        next_ref = version_ref(db, slug, later[0])
        _, new, alignment = aligned(db, ref.version_id, next_ref.version_id)
    except ServiceError:
        return None
    labels = {a.id: a.label for a in new.articles}
    return later[0], [labels[i] for i in carried_forward(alignment).get(article_node, ())]
