"""The drafters' JSON API under /api/v1/admin, mirroring the workspace pages. It authenticates with the
session cookie of the login page; its POSTs accept only ``application/json``, which a cross-site HTML form
cannot send (and the cookie is SameSite=Lax), so they need no CSRF token.

Like the public API (app/routes/api.py) every route declares its statuses with their stable codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from app.db import Database
from app.routes.api import INT_MAX, READ_ERRORS, WRITE_ERRORS, BodyId, PathNumber, error_responses
from app.routes.common import run_blocking
from app.services import comment_context, dispositions, offline, review, totals
from app.services import compare as compare_service
from app.services.auth import UserInfo
from app.services.comments import CommentInput

# A version number or cluster id in the query string (absent: the latest version, no cluster).
QueryNumber = Annotated[int | None, QueryParameter(ge=1, le=INT_MAX)]
# Codes of every drafter route: the login guard's, and those of the version it names.
ADMIN_READ = (*READ_ERRORS, "not_authenticated", "not_found", "consultation_not_found", "version_not_found")


@dataclass
class DispositionIn:
    """``value``: adopted | partly_adopted | not_adopted | already_provided | under_study; ``ids`` or
    ``cluster_id`` choose the comments."""

    value: str
    reason: str = ""
    ids: list[BodyId] = field(default_factory=list)
    cluster_id: BodyId | None = None


@dataclass
class OfflineIn:
    """A letter, e-mail, contact point or meeting submission (``source``) received on ``received_on``."""

    content: str
    source: str
    received_on: str
    version: BodyId | None = None
    target: str = "draft"
    source_detail: str = ""
    name: str = ""
    commenter_type: str = ""
    organisation: str = ""
    region: str = ""
    contact: str = ""


@dataclass
class OverviewOut:
    version: int
    period: str
    overview: totals.Overview


@dataclass
class CommentsOut:
    version: int
    total: int
    page: int
    pages: int
    comments: list[review.CommentRow]


@dataclass
class AnsweredOut:
    answered: int


@dataclass
class EnteredOut:
    receipt: str


@dataclass
class StaleReferenceOut:
    text: str
    reason: str
    suggestion: str | None


@dataclass
class CompareRowOut:
    """One aligned row: article node ids on each side and the old version's comments on them."""

    status: str
    old: list[str]
    new: list[str]
    renumbered: bool
    moved: bool
    similarity: float
    comments: list[int]
    stale_references: list[StaleReferenceOut]


@dataclass
class CompareOut:
    summary: dict[str, int]
    rows: list[CompareRowOut]


@get("/consultations/{slug:str}/overview", responses=error_responses(*ADMIN_READ))
async def overview(
    db: NamedDependency[Database], slug: FromPath[str], version: QueryNumber = None
) -> OverviewOut:
    """Totals of a version by article, chapter, commenter type, disposition and source."""
    ref = await run_blocking(review.version_ref, db, slug, version)
    return OverviewOut(ref.number, ref.period.state, await run_blocking(totals.overview, db, ref.version_id))


@get("/consultations/{slug:str}/comments", responses=error_responses(*ADMIN_READ))
async def comments(
    db: NamedDependency[Database],
    slug: FromPath[str],
    version: QueryNumber = None,
    page_no: FromQuery[int] = 1,
    article: FromQuery[str] = "",
    chapter: FromQuery[str] = "",
    commenter_type: FromQuery[str] = "",
    disposition: FromQuery[str] = "",
    source: FromQuery[str] = "",
    date_from: FromQuery[date | None] = None,
    date_to: FromQuery[date | None] = None,
    cluster: QueryNumber = None,
    q: Annotated[str, QueryParameter(max_length=200)] = "",
) -> CommentsOut:
    """The filtered list, 50 per page (``page_no`` past either end shows the first or last page), personal
    data included. The filters are those of the page: an article or chapter node id (art-13, ch-2), a
    commenter type, a disposition ("none": not yet answered), a source, a date range, a cluster, words."""
    ref = await run_blocking(review.version_ref, db, slug, version)
    filters = review.Filters(
        article.strip(),
        chapter.strip(),
        commenter_type.strip(),
        disposition.strip(),
        source.strip(),
        date_from,
        date_to,
        cluster,
        q.strip(),
    )
    listing = await run_blocking(review.list_comments, db, ref.version_id, filters, page_no)
    return CommentsOut(ref.number, listing.total, listing.page, listing.pages, listing.rows)


@get(
    "/comments/{comment_id:int}",
    responses=error_responses(*READ_ERRORS, "not_authenticated", "not_found", "comment_not_found"),
)
async def comment(db: NamedDependency[Database], comment_id: PathNumber) -> comment_context.CommentDetail:
    """One comment with its disposition history."""
    return await run_blocking(comment_context.comment_detail, db, comment_id)


@post(
    "/comments/dispositions",
    status_code=200,
    responses=error_responses(
        *WRITE_ERRORS,
        "not_authenticated",
        "disposition_invalid",
        "reason_required",
        "reason_too_long",
        "selection_empty",
        "comment_not_found",
    ),
)
async def dispose(
    db: NamedDependency[Database], user: NamedDependency[UserInfo], data: JSONBody[DispositionIn]
) -> AnsweredOut:
    """Answers the chosen comments (all or nothing); returns how many."""
    count = await run_blocking(
        dispositions.dispose,
        db,
        user,
        data.value,
        data.reason,
        comment_ids=data.ids,
        cluster_id=data.cluster_id,
    )
    return AnsweredOut(count)


@post(
    "/consultations/{slug:str}/comments",
    status_code=201,
    responses=error_responses(
        *WRITE_ERRORS,
        *ADMIN_READ,
        "content_required",
        "content_too_long",
        "field_too_long",
        "commenter_type_invalid",
        "contact_invalid",
        "target_not_found",
        "source_invalid",
        "date_invalid",
    ),
)
async def enter_offline(
    db: NamedDependency[Database],
    user: NamedDependency[UserInfo],
    slug: FromPath[str],
    data: JSONBody[OfflineIn],
) -> EnteredOut:
    """Stores an offline comment on the given (default: latest) version; returns its receipt."""
    ref = await run_blocking(review.version_ref, db, slug, data.version)
    raw = offline.OfflineInput(
        CommentInput(
            data.target,
            data.content,
            data.name,
            data.commenter_type,
            data.organisation,
            data.region,
            data.contact,
            True,
        ),
        data.source,
        data.source_detail,
        data.received_on,
    )
    return EnteredOut(await run_blocking(offline.enter, db, user, ref.version_id, raw))


@get("/consultations/{slug:str}/compare", responses=error_responses(*ADMIN_READ, "versions_invalid"))
async def compare(
    db: NamedDependency[Database],
    slug: FromPath[str],
    old: Annotated[int, QueryParameter(ge=1, le=INT_MAX)],
    new: Annotated[int, QueryParameter(ge=1, le=INT_MAX)],
) -> CompareOut:
    """The aligned rows of two versions, each with the ids of the old version's comments on it."""
    view = await run_blocking(compare_service.compare, db, slug, old, new)
    return CompareOut(
        view.summary,
        [
            CompareRowOut(
                r.pair.status,
                [a.id for a in r.pair.old],
                [a.id for a in r.pair.new],
                r.pair.renumbered,
                r.pair.moved,
                r.pair.similarity,
                [c.id for c in r.comments],
                [StaleReferenceOut(s.text, s.reason, s.suggestion) for s in r.references],
            )
            for r in view.rows
        ],
    )


ADMIN_API = [overview, comments, comment, dispose, enter_offline, compare]
