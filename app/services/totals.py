"""The totals of a consultation's comments, for the drafters' overview: by article (every article of the
round shown, in order), chapter, commenter type, disposition and source, over one round or all of them.
Read engine only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app import models
from app.db import Database
from app.services.review import A, C, version_scope
from versions.vocabulary import COMMENTER_TYPES, DISPOSITIONS, SOURCES


@dataclass(frozen=True)
class Tally:
    """A label, where it links to, and its count."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Overview:
    """The totals of one version."""

    total: int
    answered: int
    clusters: int
    by_article: list[Tally]
    by_chapter: list[Tally]
    by_type: list[Tally]
    by_disposition: list[Tally]
    by_source: list[Tally]

    @property
    def article_max(self) -> int:
        """The largest per-article count (for colouring the table of contents)."""
        return max((t.count for t in self.by_article), default=0)


def overview(db: Database, version_ids: int | tuple[int, ...], toc_version_id: int | None = None) -> Overview:
    """Counts of the comments of one version or several rounds by article (every article of
    ``toc_version_id``, default the last of ``version_ids``, in order; an article counts the comments on
    the article of the same number in every round), chapter, type, disposition and source."""
    D = models.Division.__table__
    scope = version_scope(version_ids)
    toc = toc_version_id or scope[-1]
    in_scope = C.c.version_id.in_(scope)
    with db.read.connect() as conn:
        # One pass over the comments by article id (the (version, article) index covers it) and one by
        # type, disposition and source; node ids and chapters come from the few article rows.
        per_article = conn.execute(
            select(C.c.article_id, func.count()).where(in_scope).group_by(C.c.article_id)
        ).all()
        where = {
            r.id: (r.node_id, r.chapter_node_id)
            for r in conn.execute(
                select(A.c.id, A.c.node_id, A.c.chapter_node_id).where(A.c.version_id.in_(scope))
            )
        }
        per_node: dict[str | None, int] = {}
        per_chapter: dict[str | None, int] = {}
        for article_id, count in per_article:
            node, chapter = where.get(article_id, (None, None))
            per_node[node] = per_node.get(node, 0) + count
            if article_id is not None:
                per_chapter[chapter] = per_chapter.get(chapter, 0) + count
        articles = conn.execute(
            select(A.c.node_id, A.c.label, A.c.caption).where(A.c.version_id == toc).order_by(A.c.position)
        ).all()
        chapters = conn.execute(
            select(D.c.node_id, D.c.label, D.c.title)
            .where(D.c.version_id == toc, D.c.kind == "章")
            .order_by(D.c.position)
        ).all()
        types: dict[str, int] = {}
        dispositions: dict[str, int] = {}
        sources: dict[str, int] = {}
        for kind, value, source, count in conn.execute(
            select(C.c.commenter_type, C.c.disposition, C.c.source, func.count())
            .where(in_scope)
            .group_by(C.c.commenter_type, C.c.disposition, C.c.source)
        ):
            types[kind] = types.get(kind, 0) + count
            dispositions[value] = dispositions.get(value, 0) + count
            sources[source] = sources.get(source, 0) + count
        clusters = conn.scalar(
            select(func.count(func.distinct(C.c.cluster_id))).where(in_scope, C.c.cluster_id.is_not(None))
        )
    total = sum(dispositions.values())
    return Overview(
        total,
        total - dispositions.get("", 0),
        clusters or 0,
        [Tally("draft", "总体意见", per_node.get(None, 0))]
        + [
            Tally(a.node_id, a.label + (f"【{a.caption}】" if a.caption else ""), per_node.get(a.node_id, 0))
            for a in articles
        ],
        [Tally(c.node_id, f"{c.label} {c.title}", per_chapter.get(c.node_id, 0)) for c in chapters],
        [Tally(t, t, types.get(t, 0)) for t in COMMENTER_TYPES] + [Tally("", "未填写", types.get("", 0))],
        [Tally(k, v, dispositions.get(k, 0)) for k, v in DISPOSITIONS.items()]
        + [Tally("none", "未处理", dispositions.get("", 0))],
        [Tally(k, v, sources.get(k, 0)) for k, v in SOURCES.items()],
    )
