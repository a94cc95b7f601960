"""The drafters' view of comments: filtered, searchable, paged lists, one comment with its history, and
the totals of a version (by article, chapter, commenter type, disposition, source). Read engine only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, and_, func, select

from app import models
from app.db import Database, storable, utcnow
from app.services import search
from app.services.consultations import Period
from app.services.errors import ServiceError
from app.timeutil import day_start
from versions.vocabulary import COMMENTER_TYPES, DISPOSITIONS, SOURCES, paragraph_label, target_label

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
    who: str = ""  # receipt number (whole or its last letters), name, organisation, region or contact
    round: int | None = None  # a version number; None: every round of the consultation

    def query_string(self) -> dict[str, str]:
        """The non-empty filters as URL parameters (the round as ``version``, as the pages name it)."""
        return {
            ("version" if k == "round" else k): str(v) for k, v in vars(self).items() if v not in ("", None)
        }


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
    version_ids: tuple[int, ...] = ()  # every version of the consultation, by number
    published: bool = True

    def scope(self, round_number: int | None) -> tuple[int, ...]:
        """The version ids a list covers: one round, or all of them."""
        if round_number is None:
            return self.version_ids or (self.version_id,)
        return tuple(i for n, i in zip(self.numbers, self.version_ids, strict=True) if n == round_number)


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
    version_number: int = 0


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
        tuple(v.id for v in versions),
        chosen.published_at is not None,
    )


def _ids(version_ids: int | tuple[int, ...]) -> tuple[int, ...]:
    return (version_ids,) if isinstance(version_ids, int) else tuple(version_ids)


def _filtered(conn, stmt: Select, version_ids: int | tuple[int, ...], f: Filters) -> Select:
    scope = _ids(version_ids)
    stmt = stmt.where(C.c.version_id == scope[0] if len(scope) == 1 else C.c.version_id.in_(scope))
    in_scope = A.c.version_id == scope[0] if len(scope) == 1 else A.c.version_id.in_(scope)
    if f.article == "draft":
        stmt = stmt.where(C.c.article_id.is_(None))
    elif f.article:
        stmt = stmt.where(C.c.article_id.in_(select(A.c.id).where(in_scope, A.c.node_id == f.article)))
    if f.chapter:
        stmt = stmt.where(
            C.c.article_id.in_(select(A.c.id).where(in_scope, A.c.chapter_node_id == f.chapter))
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
    stmt = stmt if found is None else stmt.where(found)
    who = search.person_clause(f.who, C, conn.dialect.name)
    return stmt if who is None else stmt.where(who)


def _rows(conn, ids_stmt) -> list[CommentRow]:
    V = models.Version.__table__
    rows = conn.execute(
        select(
            C,
            A.c.label.label("article_label"),
            A.c.node_id.label("article_node"),
            P.c.position.label("paragraph_position"),
            V.c.number.label("version_number"),
        )
        .join(V, V.c.id == C.c.version_id)
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
            r.version_number,
        )
        for r in rows
    ]


def list_comments(
    db: Database,
    version_id: int | tuple[int, ...],
    filters: Filters,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> CommentPage:
    """Comments of a version (or of several: the rounds of a consultation) matching ``filters``, newest
    first, ``per_page`` at a time, with the total."""
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
    # The article's paragraphs (label, text, whether the comment targets it), and the comment's cluster.
    article_text: list[tuple[str, str, bool]] = field(default_factory=list)
    siblings: list[CommentRow] = field(default_factory=list)

    @property
    def saved_reason(self) -> str:
        """The reason of the latest answer, to fill the form with."""
        return self.history[-1].reason if self.history else ""


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
        row = conn.execute(select(C.c.article_id, C.c.paragraph_id).where(C.c.id == comment_id)).one()
        article_text = (
            [
                (paragraph_label(p.position + 1), p.text, p.id == row.paragraph_id)
                for p in conn.execute(
                    select(P.c.id, P.c.position, P.c.text)
                    .where(P.c.article_id == row.article_id)
                    .order_by(P.c.position)
                )
            ]
            if row.article_id is not None
            else []
        )
        cluster = rows[0].cluster_id
        siblings = (
            _rows(
                conn,
                select(C.c.id)
                .where(C.c.cluster_id == cluster, C.c.id != comment_id)
                .order_by(C.c.id.desc())
                .limit(20),
            )
            if cluster is not None
            else []
        )
    return CommentDetail(rows[0], where.slug, where.number, history, article_text, siblings)


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
    scope = _ids(version_ids)
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


def matching_ids(db: Database, version_ids: int | tuple[int, ...], filters: Filters) -> list[int]:
    """The ids of every comment matching ``filters`` (not one page: all of them), newest first."""
    with db.read.connect() as conn:
        return list(
            conn.scalars(_filtered(conn, select(C.c.id), version_ids, filters).order_by(C.c.id.desc()))
        )


@dataclass(frozen=True)
class Neighbours:
    """The comments around one in the filtered list (newest first): the one above, below, and the next
    unanswered one below (or, when there is none below, the first unanswered from the top)."""

    previous: int | None
    next: int | None
    next_open: int | None


def neighbours(
    db: Database, version_ids: int | tuple[int, ...], filters: Filters, comment_id: int
) -> Neighbours:
    """``comment_id``'s neighbours in the list filtered by ``filters``."""
    with db.read.connect() as conn:
        ids = _filtered(conn, select(C.c.id), version_ids, filters)
        above = conn.scalar(ids.where(C.c.id > comment_id).order_by(C.c.id).limit(1))
        below = conn.scalar(ids.where(C.c.id < comment_id).order_by(C.c.id.desc()).limit(1))
        open_ = ids.where(C.c.disposition == "", C.c.id != comment_id)
        next_open = conn.scalar(open_.where(C.c.id < comment_id).order_by(C.c.id.desc()).limit(1))
        if next_open is None:
            next_open = conn.scalar(open_.order_by(C.c.id.desc()).limit(1))
    return Neighbours(above, below, next_open)


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


def rows_by_id(db: Database, version_ids: int | tuple[int, ...], ids: list[int]) -> list[CommentRow]:
    """The comments of ``ids`` that belong to ``version_ids`` (others are left out), newest first."""
    scope = _ids(version_ids)
    with db.read.connect() as conn:
        return _rows(conn, select(C.c.id).where(C.c.id.in_(ids), C.c.version_id.in_(scope))) if ids else []
