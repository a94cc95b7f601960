"""The drafters' list of comments: which consultation and round a page is about, the filters (article,
chapter, type, answer, source, dates, cluster, full text, person) over one round or all of them, and the
filtered, paged list itself. Read engine only.

The one comment with its context is in app.services.comment_context, the totals in app.services.totals,
the article and chapter choices in app.services.outline; answering is app.services.dispositions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select

from app import models
from app.db import Database, utcnow
from app.services import search
from app.services.consultations import Period
from app.services.errors import ServiceError
from app.timeutil import day_start
from versions.vocabulary import target_label

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


def version_scope(version_ids: int | tuple[int, ...]) -> tuple[int, ...]:
    """One version id or several, as a tuple."""
    return (version_ids,) if isinstance(version_ids, int) else tuple(version_ids)


def filtered(conn, stmt: Select, version_ids: int | tuple[int, ...], f: Filters) -> Select:
    """``stmt`` (over the comment table) narrowed to ``version_ids`` and every filter of ``f``; ``conn``
    is read for the bigram counts of a full-text query."""
    scope = version_scope(version_ids)
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


def comment_rows(conn, ids_stmt) -> list[CommentRow]:
    """The comments whose ids ``ids_stmt`` selects, newest first, with their target label, round and
    cluster size."""
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
        total = conn.scalar(filtered(conn, select(func.count()).select_from(C), version_id, filters))
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        ids = (
            filtered(conn, select(C.c.id), version_id, filters)
            .order_by(C.c.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return CommentPage(comment_rows(conn, ids), total, page, pages)


def matching_ids(db: Database, version_ids: int | tuple[int, ...], filters: Filters) -> list[int]:
    """The ids of every comment matching ``filters`` (not one page: all of them), newest first."""
    with db.read.connect() as conn:
        return list(
            conn.scalars(filtered(conn, select(C.c.id), version_ids, filters).order_by(C.c.id.desc()))
        )


def rows_by_id(db: Database, version_ids: int | tuple[int, ...], ids: list[int]) -> list[CommentRow]:
    """The comments of ``ids`` that belong to ``version_ids`` (others are left out), newest first."""
    scope = version_scope(version_ids)
    with db.read.connect() as conn:
        return (
            comment_rows(conn, select(C.c.id).where(C.c.id.in_(ids), C.c.version_id.in_(scope)))
            if ids
            else []
        )
