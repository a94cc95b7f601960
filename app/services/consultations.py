"""Reading consultations for the public: the list, and a version's article tree with comment counts.

Everything here runs on the read engine, so pages never queue behind the comment writer.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app import models
from app.db import Database, storable, utcnow
from app.services.errors import ServiceError
from app.timeutil import closing_day, days_left

# A version's tree never changes once imported, and rebuilding it costs most of a reading page (hundreds of
# ORM objects): it is loaded once per version and process; only the comment counts are read every time.
TREE_CACHE_SIZE = 64
_trees: OrderedDict[tuple[str, int], tuple[list, list]] = OrderedDict()
_trees_lock = threading.Lock()


@dataclass(frozen=True)
class Period:
    """A version's comment period and where ``now`` stands in it."""

    opens_at: datetime
    closes_at: datetime
    state: str  # "open" | "upcoming" | "closed"
    days_left: int

    @classmethod
    def of(cls, version: models.Version, now: datetime) -> Period:
        state = "upcoming" if now < version.opens_at else "closed" if now >= version.closes_at else "open"
        return cls(version.opens_at, version.closes_at, state, days_left(version.closes_at, now))

    @property
    def closing_day(self):
        """The last day comments are taken."""
        return closing_day(self.closes_at)


@dataclass(frozen=True)
class ConsultationSummary:
    """One line of the home page."""

    slug: str
    title: str
    stage: str
    version_number: int
    period: Period
    comment_count: int


def list_consultations(db: Database, now: datetime | None = None) -> list[ConsultationSummary]:
    """Every consultation with its current version: open ones first (closing soonest first), then
    upcoming, then closed (most recently closed first)."""
    now = now or utcnow()
    with db.reading() as session:
        latest = (
            select(models.Version.consultation_id, func.max(models.Version.number).label("n"))
            .where(models.Version.published_at.is_not(None))
            .group_by(models.Version.consultation_id)
            .subquery()
        )
        counts = dict(
            session.execute(
                select(models.Version.consultation_id, func.count(models.Comment.id))
                .join(models.Comment, models.Comment.version_id == models.Version.id)
                .group_by(models.Version.consultation_id)
            ).all()
        )
        rows = session.execute(
            select(models.Consultation, models.Version)
            .join(latest, latest.c.consultation_id == models.Consultation.id)
            .join(
                models.Version,
                (models.Version.consultation_id == models.Consultation.id)
                & (models.Version.number == latest.c.n),
            )
        ).all()
    summaries = [
        ConsultationSummary(c.slug, c.title, v.stage, v.number, Period.of(v, now), counts.get(c.id, 0))
        for c, v in rows
    ]
    order = {"open": 0, "upcoming": 1, "closed": 2}
    return sorted(
        summaries,
        key=lambda s: (
            order[s.period.state],
            -s.period.closes_at.timestamp() if s.period.state == "closed" else s.period.closes_at.timestamp(),
            s.slug,
        ),
    )


@dataclass
class ParagraphView:
    id: str
    label: str
    text: str
    items: list[dict]


@dataclass
class ArticleView:
    id: str
    number: int
    sub: int
    label: str
    caption: str | None
    chapter_id: str | None
    section_id: str | None
    paragraphs: list[ParagraphView]
    comment_count: int = 0


@dataclass
class Group:
    """A 章 (or the articles outside any 章) with its 节 and articles, for the table of contents."""

    division: models.Division | None
    sections: list[models.Division] = field(default_factory=list)
    articles: list[ArticleView] = field(default_factory=list)


@dataclass
class VersionView:
    """A version as the reading page and the API show it."""

    slug: str
    consultation_title: str
    number: int
    versions: list[int]
    title: str
    stage: str
    preamble: str
    enactment_date: str | None
    period: Period
    divisions: list[models.Division]
    articles: list[ArticleView]
    comment_count: int
    draft_comment_count: int

    @property
    def groups(self) -> list[Group]:
        """Articles grouped by 章 in document order; 节 listed under their 章."""
        groups: list[Group] = []
        by_id: dict[str, Group] = {}
        for division in self.divisions:
            if division.kind == "章":
                by_id[division.node_id] = Group(division)
                groups.append(by_id[division.node_id])
            elif division.kind == "节" and division.parent_node_id in by_id:
                by_id[division.parent_node_id].sections.append(division)
        loose = Group(None)
        for article in self.articles:
            (by_id.get(article.chapter_id or "") or loose).articles.append(article)
        return ([loose] if loose.articles else []) + groups

    def article(self, node_id: str) -> ArticleView | None:
        """The article with ``node_id``, or the one holding paragraph ``node_id``."""
        for article in self.articles:
            if article.id == node_id or any(p.id == node_id for p in article.paragraphs):
                return article
        return None


def _tree(db: Database, session, version_id: int) -> tuple[list, list[tuple[int, ArticleView]]]:
    """(divisions, [(article row id, ArticleView without counts)]) of a version, from the cache."""
    key = (db.url, version_id)
    with _trees_lock:
        if key in _trees:
            _trees.move_to_end(key)
            return _trees[key]
    from app.services.comments import paragraph_label

    divisions = list(
        session.scalars(
            select(models.Division)
            .where(models.Division.version_id == version_id)
            .order_by(models.Division.position)
        )
    )
    articles = session.scalars(
        select(models.Article)
        .where(models.Article.version_id == version_id)
        .order_by(models.Article.position)
    ).all()
    paragraphs = session.scalars(
        select(models.Paragraph)
        .where(models.Paragraph.version_id == version_id)
        .order_by(models.Paragraph.article_id, models.Paragraph.position)
    )
    by_article: dict[int, list[ParagraphView]] = {}
    for p in paragraphs:
        by_article.setdefault(p.article_id, []).append(
            ParagraphView(p.node_id, paragraph_label(p.position + 1), p.text, json.loads(p.items))
        )
    for division in divisions:
        session.expunge(division)
    tree = (
        divisions,
        [
            (
                a.id,
                ArticleView(
                    a.node_id,
                    a.number,
                    a.sub,
                    a.label,
                    a.caption,
                    a.chapter_node_id,
                    a.section_node_id,
                    by_article.get(a.id, []),
                ),
            )
            for a in articles
        ],
    )
    with _trees_lock:
        _trees[key] = tree
        while len(_trees) > TREE_CACHE_SIZE:
            _trees.popitem(last=False)
    return tree


def version_view(
    db: Database, slug: str, number: int | None = None, now: datetime | None = None
) -> VersionView:
    """Version ``number`` (default the current one) of consultation ``slug`` with its tree and counts.
    Raises ServiceError consultation_not_found / version_not_found."""
    now = now or utcnow()
    if number is not None and not storable(number):
        raise ServiceError("version_not_found")
    with db.reading() as session:
        consultation = session.scalar(select(models.Consultation).where(models.Consultation.slug == slug))
        if consultation is None:
            raise ServiceError("consultation_not_found")
        numbers = list(
            session.scalars(
                select(models.Version.number)
                .where(
                    models.Version.consultation_id == consultation.id,
                    models.Version.published_at.is_not(None),  # a round being prepared is never public
                )
                .order_by(models.Version.number)
            )
        )
        number = number if number is not None else (numbers[-1] if numbers else 0)
        if number not in numbers:
            raise ServiceError("version_not_found")
        version = session.scalar(
            select(models.Version).where(
                models.Version.consultation_id == consultation.id, models.Version.number == number
            )
        )
        if version is None:
            raise ServiceError("version_not_found")
        divisions, articles = _tree(db, session, version.id)
        counts = dict(
            session.execute(
                select(models.Comment.article_id, func.count(models.Comment.id))
                .where(models.Comment.version_id == version.id)
                .group_by(models.Comment.article_id)
            ).all()
        )
        session.expunge_all()
    views = [dataclasses.replace(view, comment_count=counts.get(row_id, 0)) for row_id, view in articles]
    return VersionView(
        slug,
        consultation.title,
        version.number,
        numbers,
        version.title,
        version.stage,
        version.preamble,
        version.enactment_date,
        Period.of(version, now),
        divisions,
        views,
        sum(counts.values()),
        counts.get(None, 0),
    )
