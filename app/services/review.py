"""The drafters' view of comments: filtered, searchable, paged lists, one comment with its history, and
the totals of a version (by article, chapter, commenter type, disposition, source). Read engine only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, and_, func, select

from app import models
from app.db import Database, storable, utcnow
from app.services import search
from app.services.comments import COMMENTER_TYPES, paragraph_label, target_label
from app.services.consultations import Period
from app.services.errors import N_, ServiceError
from app.timeutil import day_start

DISPOSITIONS = {
    "adopted": N_("采纳"),
    "partly_adopted": N_("部分采纳"),
    "not_adopted": N_("不采纳"),
    "already_provided": N_("已有规定"),
    "under_study": N_("待研究"),
}
SOURCES = {
    "online": N_("网上提交"),
    "letter": N_("信函"),
    "email": N_("电子邮件"),
    "contact_point": N_("基层立法联系点"),
    "meeting": N_("座谈会"),
    "other": N_("其他"),
}
PER_PAGE = 50
C, A, P = models.Comment.__table__, models.Article.__table__, models.Paragraph.__table__


@dataclass(frozen=True)
class Filters:
    """What the comment list is narrowed to; empty strings mean "any"."""

    article: str = ""  # article node id, e.g. art-13 (its paragraphs included)
    chapter: str = ""  # chapter node id, e.g. ch-2
    commenter_type: str = ""
    disposition: str = ""  # a DISPOSITIONS key, or "none" for not yet answered
    source: str = ""
    date_from: date | None = None
    date_to: date | None = None
    cluster: int | None = None
    q: str = ""

    def query_string(self) -> dict[str, str]:
        """The non-empty filters as URL parameters."""
        return {k: str(v) for k, v in vars(self).items() if v not in ("", None)}


@dataclass(frozen=True)
class VersionRef:
    """The consultation and version a page is about."""

    consultation_id: int
    slug: str
    title: str
    version_id: int
    number: int
    numbers: tuple[int, ...]
    stage: str
    period: Period


@dataclass(frozen=True)
class CommentRow:
    """One comment as the drafters see it: personal data in clear."""

    id: int
    receipt: str
    target: str
    target_label: str
    article_node: str | None
    content: str
    name: str
    commenter_type: str
    organisation: str
    region: str
    contact: str
    created_at: datetime
    source: str
    source_detail: str
    received_on: date | None
    disposition: str
    cluster_id: int | None
    cluster_size: int = 1
    erased_at: datetime | None = None  # personal fields erased at the commenter's request


@dataclass(frozen=True)
class CommentPage:
    """A page of the filtered list."""

    rows: list[CommentRow]
    total: int
    page: int
    pages: int


def version_ref(
    db: Database, slug: str, number: int | None = None, now: datetime | None = None
) -> VersionRef:
    """Consultation ``slug`` at version ``number`` (default the latest); ServiceError when missing."""
    with db.reading() as session:
        consultation = session.scalar(select(models.Consultation).where(models.Consultation.slug == slug))
        if consultation is None:
            raise ServiceError("consultation_not_found")
        versions = list(
            session.scalars(
                select(models.Version)
                .where(models.Version.consultation_id == consultation.id)
                .order_by(models.Version.number)
            )
        )
    # By default the latest published round (a round being prepared is reached by its number).
    published = [v for v in versions if v.published_at is not None] or versions
    chosen = published[-1] if number is None else next((v for v in versions if v.number == number), None)
    if chosen is None:
        raise ServiceError("version_not_found")
    return VersionRef(
        consultation.id,
        slug,
        consultation.title,
        chosen.id,
        chosen.number,
        tuple(v.number for v in versions),
        chosen.stage,
        Period.of(chosen, now or utcnow()),
    )


def _filtered(conn, stmt: Select, version_id: int, f: Filters) -> Select:
    stmt = stmt.where(C.c.version_id == version_id)
    if f.article == "draft":
        stmt = stmt.where(C.c.article_id.is_(None))
    elif f.article:
        stmt = stmt.where(
            C.c.article_id
            == select(A.c.id).where(A.c.version_id == version_id, A.c.node_id == f.article).scalar_subquery()
        )
    if f.chapter:
        stmt = stmt.where(
            C.c.article_id.in_(
                select(A.c.id).where(A.c.version_id == version_id, A.c.chapter_node_id == f.chapter)
            )
        )
    if f.commenter_type:
        stmt = stmt.where(C.c.commenter_type == f.commenter_type)
    if f.disposition:
        stmt = stmt.where(C.c.disposition == ("" if f.disposition == "none" else f.disposition))
    if f.source:
        stmt = stmt.where(C.c.source == f.source)
    if f.date_from:
        stmt = stmt.where(C.c.created_at >= day_start(f.date_from))
    if f.date_to:
        stmt = stmt.where(C.c.created_at < day_start(date.fromordinal(f.date_to.toordinal() + 1)))
    if f.cluster is not None:
        stmt = stmt.where(C.c.cluster_id == f.cluster)
    found = search.clause(conn, f.q, C.c.id, C.c.content)
    return stmt if found is None else stmt.where(found)


def _rows(conn, ids_stmt) -> list[CommentRow]:
    rows = conn.execute(
        select(
            C,
            A.c.label.label("article_label"),
            A.c.node_id.label("article_node"),
            P.c.position.label("paragraph_position"),
        )
        .outerjoin(A, A.c.id == C.c.article_id)
        .outerjoin(P, P.c.id == C.c.paragraph_id)
        .where(C.c.id.in_(ids_stmt))
        .order_by(C.c.id.desc())
    ).all()
    clusters = {r.cluster_id for r in rows if r.cluster_id is not None}
    sizes = (
        dict(
            conn.execute(
                select(C.c.cluster_id, func.count())
                .where(C.c.cluster_id.in_(clusters))
                .group_by(C.c.cluster_id)
            ).all()
        )
        if clusters
        else {}
    )
    return [
        CommentRow(
            r.id,
            r.receipt,
            r.target,
            target_label(r.article_label, None if r.paragraph_position is None else r.paragraph_position + 1),
            r.article_node,
            r.content,
            r.name,
            r.commenter_type,
            r.organisation,
            r.region,
            r.contact,
            r.created_at,
            r.source,
            r.source_detail,
            r.received_on,
            r.disposition,
            r.cluster_id,
            sizes.get(r.cluster_id, 1),
            r.erased_at,
        )
        for r in rows
    ]


def list_comments(
    db: Database, version_id: int, filters: Filters, page: int = 1, per_page: int = PER_PAGE
) -> CommentPage:
    """Comments of a version matching ``filters``, newest first, ``per_page`` at a time, with the total."""
    with db.read.connect() as conn:
        total = conn.scalar(_filtered(conn, select(func.count()).select_from(C), version_id, filters))
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        ids = (
            _filtered(conn, select(C.c.id), version_id, filters)
            .order_by(C.c.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return CommentPage(_rows(conn, ids), total, page, pages)


@dataclass(frozen=True)
class HistoryEntry:
    value: str
    reason: str
    user_name: str
    created_at: datetime


@dataclass(frozen=True)
class CommentDetail:
    """One comment, the version it belongs to and every disposition given to it, oldest first."""

    comment: CommentRow
    slug: str
    version_number: int
    history: list[HistoryEntry] = field(default_factory=list)


def comment_detail(db: Database, comment_id: int) -> CommentDetail:
    """The comment ``comment_id`` with its disposition history; ServiceError comment_not_found."""
    if not storable(comment_id):
        raise ServiceError("comment_not_found")
    V, K = models.Version.__table__, models.Consultation.__table__
    with db.read.connect() as conn:
        rows = _rows(conn, select(C.c.id).where(C.c.id == comment_id))
        if not rows:
            raise ServiceError("comment_not_found")
        where = conn.execute(
            select(K.c.slug, V.c.number)
            .join(V, V.c.consultation_id == K.c.id)
            .join(C, C.c.version_id == V.c.id)
            .where(C.c.id == comment_id)
        ).one()
        D = models.Disposition.__table__
        history = [
            HistoryEntry(r.value, r.reason, r.user_name, r.created_at)
            for r in conn.execute(select(D).where(D.c.comment_id == comment_id).order_by(D.c.id))
        ]
    return CommentDetail(rows[0], where.slug, where.number, history)


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


def overview(db: Database, version_id: int) -> Overview:
    """Counts of a version's comments by article (every article, in order), chapter, type, disposition
    and source."""
    D = models.Division.__table__
    with db.read.connect() as conn:
        per_article = dict(
            conn.execute(
                select(C.c.article_id, func.count())
                .where(C.c.version_id == version_id)
                .group_by(C.c.article_id)
            ).all()
        )
        articles = conn.execute(
            select(A.c.id, A.c.node_id, A.c.label, A.c.caption, A.c.chapter_node_id)
            .where(A.c.version_id == version_id)
            .order_by(A.c.position)
        ).all()
        chapters = conn.execute(
            select(D.c.node_id, D.c.label, D.c.title)
            .where(D.c.version_id == version_id, D.c.kind == "章")
            .order_by(D.c.position)
        ).all()

        def grouped(column) -> dict[str, int]:
            return dict(
                conn.execute(
                    select(column, func.count()).where(C.c.version_id == version_id).group_by(column)
                ).all()
            )

        types, dispositions, sources = (
            grouped(C.c.commenter_type),
            grouped(C.c.disposition),
            grouped(C.c.source),
        )
        clusters = conn.scalar(
            select(func.count(func.distinct(C.c.cluster_id))).where(
                C.c.version_id == version_id, C.c.cluster_id.is_not(None)
            )
        )
    by_chapter: dict[str, int] = {}
    for a in articles:
        if a.chapter_node_id:
            by_chapter[a.chapter_node_id] = by_chapter.get(a.chapter_node_id, 0) + per_article.get(a.id, 0)
    total = sum(per_article.values())
    return Overview(
        total,
        total - dispositions.get("", 0),
        clusters or 0,
        [Tally("draft", "总体意见", per_article.get(None, 0))]
        + [
            Tally(a.node_id, a.label + (f"【{a.caption}】" if a.caption else ""), per_article.get(a.id, 0))
            for a in articles
        ],
        [Tally(c.node_id, f"{c.label} {c.title}", by_chapter.get(c.node_id, 0)) for c in chapters],
        [Tally(t, t, types.get(t, 0)) for t in COMMENTER_TYPES] + [Tally("", "未填写", types.get("", 0))],
        [Tally(k, v, dispositions.get(k, 0)) for k, v in DISPOSITIONS.items()]
        + [Tally("none", "未处理", dispositions.get("", 0))],
        [Tally(k, v, sources.get(k, 0)) for k, v in SOURCES.items()],
    )


def article_choices(db: Database, version_id: int) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(node id, label, [(paragraph node id, label)]) of every article of a version, for filter and entry forms."""
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
