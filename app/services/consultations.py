"""Reading consultations for the public: the list, and a version's article tree with comment counts.

Everything here runs on the read engine, so pages never queue behind the comment writer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app import models
from app.db import Database, storable, utcnow
from app.services.drafts import items_json, load_draft
from app.services.errors import ServiceError
from app.timeutil import closing_day, days_left
from versions import Draft
from versions.vocabulary import paragraph_label


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
    """One line of the home page: the consultation at its current round (the open one, else the latest).

    ``comment_count`` counts the comments on that round, ``all_comment_count`` those on every round:
    the reading page of that round shows the same two figures."""

    slug: str
    title: str
    stage: str
    version_number: int
    period: Period
    comment_count: int
    all_comment_count: int = 0
    round_count: int = 1


def _counts_by_version(session, version_ids) -> dict[int, int]:
    return dict(
        session.execute(
            select(models.Comment.version_id, func.count(models.Comment.id))
            .where(models.Comment.version_id.in_(version_ids))
            .group_by(models.Comment.version_id)
        ).all()
    )


def list_consultations(db: Database, now: datetime | None = None) -> list[ConsultationSummary]:
    """Every consultation with a published round, at its current round: open ones first (closing soonest
    first), then upcoming, then closed (most recently closed first)."""
    from app.services.rounds import current_round, published_rounds

    now = now or utcnow()
    summaries = []
    with db.reading() as session:
        consultations = session.scalars(select(models.Consultation)).all()
        rounds = {c.id: published_rounds(session, c.id, now) for c in consultations}
        counts = _counts_by_version(session, [r.version_id for rs in rounds.values() for r in rs])
        for c in consultations:
            shown = current_round(rounds[c.id])
            if shown is None:
                continue
            total = sum(counts.get(r.version_id, 0) for r in rounds[c.id])
            summaries.append(
                ConsultationSummary(
                    c.slug,
                    c.title,
                    shown.stage,
                    shown.number,
                    shown.period,
                    counts.get(shown.version_id, 0),
                    total,
                    len(rounds[c.id]),
                )
            )
    order = {"open": 0, "upcoming": 1, "closed": 2}
    return sorted(
        summaries,
        key=lambda s: (
            order[s.period.state],
            -s.period.closes_at.timestamp() if s.period.state == "closed" else s.period.closes_at.timestamp(),
            s.slug,
        ),
    )


@dataclass(frozen=True)
class DivisionView:
    """A 编, 分编, 章 or 节 as the reading page and the API show it."""

    node_id: str
    kind: str
    number: int
    label: str
    title: str
    parent_node_id: str | None


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

    division: DivisionView | None
    sections: list[DivisionView] = field(default_factory=list)
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
    divisions: list[DivisionView]
    articles: list[ArticleView]
    comment_count: int
    draft_comment_count: int
    rounds: list = field(default_factory=list)  # app.services.rounds.Round, oldest first
    note: str = ""  # 起草说明 of this round
    office: object = None  # app.services.rounds.Office
    all_comment_count: int = 0  # on every round
    open_number: int | None = None  # the round taking comments now

    @property
    def round(self):
        """This version's Round."""
        return next(r for r in self.rounds if r.number == self.number)

    @property
    def open_round(self):
        """The Round taking comments now, or None."""
        return next((r for r in self.rounds if r.number == self.open_number), None)

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


def _tree(draft: Draft, counts: dict[str | None, int]) -> tuple[list[DivisionView], list[ArticleView]]:
    """The page views of a version's Draft: its divisions, and its articles with their comment counts
    (``counts``: by article node id)."""
    divisions = [DivisionView(d.id, d.kind, d.number, d.label, d.title, d.parent) for d in draft.divisions]
    articles = [
        ArticleView(
            a.id,
            a.number,
            a.sub,
            a.label,
            a.caption,
            a.chapter_id,
            a.section_id,
            [
                ParagraphView(p.id, paragraph_label(n), p.text, items_json(p.items))
                for n, p in enumerate(a.paragraphs, start=1)
            ],
            counts.get(a.id, 0),
        )
        for a in draft.articles
    ]
    return divisions, articles


def version_view(
    db: Database, slug: str, number: int | None = None, now: datetime | None = None
) -> VersionView:
    """Round ``number`` (default the current one: the open round, else the latest) of consultation
    ``slug`` with its tree and counts. A round being prepared (not published) does not exist for the
    public. Raises ServiceError consultation_not_found / version_not_found."""
    from app.services.rounds import current_round, office_of, open_round, published_rounds

    now = now or utcnow()
    if number is not None and not storable(number):
        raise ServiceError("version_not_found")
    with db.reading() as session:
        consultation = session.scalar(select(models.Consultation).where(models.Consultation.slug == slug))
        if consultation is None:
            raise ServiceError("consultation_not_found")
        rounds = published_rounds(session, consultation.id, now)
        shown = (
            current_round(rounds) if number is None else next((r for r in rounds if r.number == number), None)
        )
        if shown is None:
            raise ServiceError("consultation_not_found" if not rounds else "version_not_found")
        version = session.get(models.Version, shown.version_id)
        # Comments per article node id (None: on the whole draft); the tree itself comes from the cache.
        counts = dict(
            session.execute(
                select(models.Article.node_id, func.count(models.Comment.id))
                .select_from(models.Comment)
                .outerjoin(models.Article, models.Article.id == models.Comment.article_id)
                .where(models.Comment.version_id == version.id)
                .group_by(models.Article.node_id)
            ).all()
        )
        total = sum(_counts_by_version(session, [r.version_id for r in rounds]).values())
        office = office_of(consultation)
        session.expunge_all()
    divisions, views = _tree(load_draft(db, version.id), counts)
    current_open = open_round(rounds)
    return VersionView(
        slug,
        consultation.title,
        version.number,
        [r.number for r in rounds],
        version.title,
        version.stage,
        version.preamble,
        version.enactment_date,
        shown.period,
        divisions,
        views,
        sum(counts.values()),
        counts.get(None, 0),
        rounds,
        version.note,
        office,
        total,
        current_open.number if current_open else None,
    )


JUMP = re.compile(
    r"^第?\s*([0-9一二三四五六七八九十百千零〇两]+)\s*条?(?:\s*之\s*([0-9一二三四五六七八九十]+))?\s*条?$"
)


def find_article(view: VersionView, text: str) -> ArticleView | None:
    """The article a reader typed into the jump box: 第十三条, 十三, 13, 第13条, １３, 第二十条之一."""
    from versions.numerals import to_int

    match = JUMP.match(unicodedata.normalize("NFKC", text or "").strip())
    if not match:
        return None
    try:
        number = to_int(match.group(1))
        sub = to_int(match.group(2)) if match.group(2) else 0
    except ValueError:
        return None
    return next((a for a in view.articles if a.number == number and a.sub == sub), None)
