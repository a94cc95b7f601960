"""The outline of one version for the drafters' forms: its articles with their paragraphs, and its
chapters, as (node id, label) choices for the filter and offline-entry selects. Read engine only."""

from __future__ import annotations

from sqlalchemy import and_, select

from app import models
from app.db import Database
from app.services.review import A, P
from versions.vocabulary import paragraph_label


def article_choices(db: Database, version_id: int) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(node id, label, [(paragraph node id, label)]) of every article of a version, for filter and entry
    forms."""
    with db.read.connect() as conn:
        articles = conn.execute(
            select(A.c.id, A.c.node_id, A.c.label).where(A.c.version_id == version_id).order_by(A.c.position)
        ).all()
        paragraphs: dict[int, list[tuple[str, str]]] = {}
        for p in conn.execute(
            select(P.c.article_id, P.c.node_id, P.c.position)
            .where(P.c.version_id == version_id)
            .order_by(P.c.article_id, P.c.position)
        ):
            paragraphs.setdefault(p.article_id, []).append((p.node_id, paragraph_label(p.position + 1)))
    return [(a.node_id, a.label, paragraphs.get(a.id, [])) for a in articles]


def chapter_choices(db: Database, version_id: int) -> list[tuple[str, str]]:
    """(node id, "第二章 标题") of the chapters of a version."""
    D = models.Division.__table__
    with db.read.connect() as conn:
        return [
            (r.node_id, f"{r.label} {r.title}")
            for r in conn.execute(
                select(D.c.node_id, D.c.label, D.c.title)
                .where(and_(D.c.version_id == version_id, D.c.kind == "章"))
                .order_by(D.c.position)
            )
        ]
