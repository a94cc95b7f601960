"""The drafters' JSON API under /api/v1/admin, mirroring the workspace pages. It authenticates with the
session cookie of the login page; its POSTs accept only ``application/json``, which a cross-site HTML form
cannot send (and the cookie is SameSite=Lax), so they need no CSRF token."""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar import Request, get, post
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery, JSONBody

from app.routes.admin_common import call, user
from app.routes.admin_review import read_filters
from app.routes.api import _http_error, _service_error
from app.routes.common import db
from app.services import compare as compare_service
from app.services import dispositions, offline, review
from app.services.comments import CommentInput
from app.services.errors import ServiceError


@dataclass
class DispositionIn:
    """``value``: adopted | partly_adopted | not_adopted | already_provided | under_study; ``ids`` or
    ``cluster_id`` choose the comments."""

    value: str
    reason: str = ""
    ids: list[int] = field(default_factory=list)
    cluster_id: int | None = None


@dataclass
class OfflineIn:
    """A letter, e-mail, contact point or meeting submission (``source``) received on ``received_on``."""

    content: str
    source: str
    received_on: str
    version: int | None = None
    target: str = "draft"
    source_detail: str = ""
    name: str = ""
    commenter_type: str = ""
    organisation: str = ""
    region: str = ""
    contact: str = ""


def _json_only(request: Request) -> None:
    if request.content_type[0] != "application/json":
        raise ServiceError("unsupported_media_type")


@get("/consultations/{slug:str}/overview")
async def overview(request: Request, slug: FromPath[str], version: FromQuery[int | None] = None) -> dict:
    """Totals of a version by article, chapter, commenter type, disposition and source."""
    ref = await call(review.version_ref, db(request), slug, version)
    return {"version": ref.number, "period": ref.period.state,
            "overview": await call(review.overview, db(request), ref.version_id)}


@get("/consultations/{slug:str}/comments")
async def comments(request: Request, slug: FromPath[str], version: FromQuery[int | None] = None,
                   page_no: FromQuery[int] = 1) -> dict:
    """The filtered list (same query parameters as the page: article, chapter, commenter_type,
    disposition, source, date_from, date_to, cluster, q), 50 per page, personal data included."""
    ref = await call(review.version_ref, db(request), slug, version)
    listing = await call(review.list_comments, db(request), ref.version_id, read_filters(request.query_params),
                         page_no)
    return {"version": ref.number, "total": listing.total, "page": listing.page, "pages": listing.pages,
            "comments": listing.rows}


@get("/comments/{comment_id:int}")
async def comment(request: Request, comment_id: FromPath[int]) -> review.CommentDetail:
    """One comment with its disposition history."""
    return await call(review.comment_detail, db(request), comment_id)


@post("/comments/dispositions", status_code=200)
async def dispose(request: Request, data: JSONBody[DispositionIn]) -> dict:
    """Answers the chosen comments (all or nothing); returns how many."""
    _json_only(request)
    count = await call(dispositions.dispose, db(request), user(request), data.value, data.reason,
                       comment_ids=data.ids, cluster_id=data.cluster_id)
    return {"answered": count}


@post("/consultations/{slug:str}/comments", status_code=201)
async def enter_offline(request: Request, slug: FromPath[str], data: JSONBody[OfflineIn]) -> dict:
    """Stores an offline comment on the given (default: latest) version; returns its receipt."""
    _json_only(request)
    ref = await call(review.version_ref, db(request), slug, data.version)
    raw = offline.OfflineInput(CommentInput(data.target, data.content, data.name, data.commenter_type,
                                            data.organisation, data.region, data.contact, True),
                               data.source, data.source_detail, data.received_on)
    return {"receipt": await call(offline.enter, db(request), user(request), ref.version_id, raw)}


@get("/consultations/{slug:str}/compare")
async def compare(request: Request, slug: FromPath[str], old: FromQuery[int], new: FromQuery[int]) -> dict:
    """The aligned rows of two versions, each with the ids of the old version's comments on it."""
    view = await call(compare_service.compare, db(request), slug, old, new)
    return {"summary": view.summary, "rows": [{
        "status": r.pair.status, "old": [a.id for a in r.pair.old], "new": [a.id for a in r.pair.new],
        "renumbered": r.pair.renumbered, "moved": r.pair.moved, "similarity": r.pair.similarity,
        "comments": [c.id for c in r.comments],
        "stale_references": [{"text": s.text, "reason": s.reason, "suggestion": s.suggestion}
                             for s in r.references]} for r in view.rows]}


ADMIN_API = [overview, comments, comment, dispose, enter_offline, compare]
EXCEPTION_HANDLERS = {ServiceError: _service_error, HTTPException: _http_error}
