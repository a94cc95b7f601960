"""The JSON API, mirroring the pages. Errors: ``{"error": {"code", "message", "fields"}}`` with stable codes.

Not CSRF-protected: it uses no cookies, and it only accepts ``application/json`` bodies, which a
cross-site HTML form cannot send.

Every route declares each status it can answer with the codes behind it (``error_responses``), and the
app-wide guard's refusals (app/security.py) are among them: tests/app/test_api_schema.py holds the API to
its schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, Parameter, PathParameter

from app.db import INT_MAX, Database, storable
from app.routes.common import client_address, client_trusted, count_lookup, run_blocking
from app.services import comments as comment_service
from app.services.comments import CommentInput, Submission
from app.services.consultations import ConsultationSummary, list_consultations, version_view
from app.services.errors import STATUS, ServiceError
from app.services.throttle import Throttle
from app.services.writer import CommentWriter
from app.settings import Settings
from versions.vocabulary import DISPOSITIONS

# A positive id or number in a JSON body: validated by msgspec, documented through Parameter.
BodyId = Annotated[int, msgspec.Meta(ge=1, le=INT_MAX), Parameter(ge=1, le=INT_MAX)]

# Codes every route can answer: malformed parameters (invalid_request), NUL bytes in the path or query
# (text_invalid, from app/security.py) and a database outage (database_unavailable, from app/web.py).
READ_ERRORS = ("invalid_request", "text_invalid", "database_unavailable")
# ...and every POST: app/security.py refuses other sites, other media types and bodies over its limit.
WRITE_ERRORS = (*READ_ERRORS, "cross_origin", "unsupported_media_type", "request_too_large")


def error_responses(*codes: str) -> dict[int, ResponseSpec]:
    """A route's ``responses``: for each status among ``codes``, the error body, described by its codes."""
    statuses = sorted({STATUS[code] for code in codes})
    return {
        status: ResponseSpec(
            data_container=ErrorOut,
            description=", ".join(sorted({code for code in codes if STATUS[code] == status})),
        )
        for status in statuses
    }


@dataclass
class PeriodOut:
    opens_at: datetime
    closes_at: datetime
    closing_day: str
    state: str
    days_left: int


@dataclass
class ConsultationOut:
    """A consultation at its current round: ``comment_count`` on that round, ``all_comment_count`` on all."""

    slug: str
    title: str
    stage: str
    version: int
    period: PeriodOut
    comment_count: int
    all_comment_count: int


@dataclass
class RoundOut:
    version: int
    stage: str
    period: PeriodOut


@dataclass
class OfficeOut:
    name: str
    address: str
    email: str
    phone: str


@dataclass
class ParagraphOut:
    id: str
    text: str
    items: list[dict]


@dataclass
class ArticleOut:
    id: str
    number: int
    sub: int
    label: str
    caption: str | None
    chapter_id: str | None
    section_id: str | None
    comment_count: int
    paragraphs: list[ParagraphOut]


@dataclass
class DivisionOut:
    id: str
    kind: str
    number: int
    label: str
    title: str
    parent: str | None


@dataclass
class VersionOut:
    slug: str
    consultation_title: str
    version: int
    versions: list[int]
    title: str
    stage: str
    preamble: str
    period: PeriodOut
    comment_count: int
    draft_comment_count: int
    all_comment_count: int
    note: str
    office: OfficeOut
    rounds: list[RoundOut]
    open_round: int | None
    divisions: list[DivisionOut]
    articles: list[ArticleOut]


@dataclass
class CommentIn:
    """A comment: ``target`` is "draft", an article id ("art-13") or a paragraph id ("art-13-p2")."""

    content: str
    target: str = "draft"
    name: str = ""
    commenter_type: str = ""
    organisation: str = ""
    region: str = ""
    contact: str = ""
    consent: bool = False
    name_consent: bool = False  # may the name be published if the comment is adopted
    version: int | None = None  # the round read (its number); None: the round open now


@dataclass
class AcceptedOut:
    receipt: str
    created_at: datetime
    duplicate: bool
    receipt_url: str


@dataclass
class AnswerOut:
    disposition: str
    label: str
    reason: str
    answered_at: datetime
    corrected: bool


@dataclass
class ReceiptOut:
    receipt: str
    slug: str
    consultation_title: str
    version: int
    target: str
    target_label: str
    content: str
    name: str
    commenter_type: str
    organisation: str
    region: str
    contact: str
    created_at: datetime
    status: str
    stage: str = ""
    answers_published: bool = False
    answer: AnswerOut | None = None


@dataclass
class ErrorBody:
    code: str
    message: str
    fields: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class ErrorOut:
    error: ErrorBody


def _period(p) -> PeriodOut:
    return PeriodOut(p.opens_at, p.closes_at, p.closing_day.isoformat(), p.state, p.days_left)


def _consultation(s: ConsultationSummary) -> ConsultationOut:
    return ConsultationOut(
        s.slug, s.title, s.stage, s.version_number, _period(s.period), s.comment_count, s.all_comment_count
    )


COMMENT_ERRORS = (
    "content_required",
    "content_too_long",
    "field_too_long",
    "commenter_type_invalid",
    "contact_invalid",
    "consent_required",
    "target_not_found",
)
# Numbers in a path: a version number, a comment id.
PathNumber = Annotated[int, PathParameter(ge=1, le=INT_MAX)]


@get("/consultations", responses=error_responses(*READ_ERRORS))
async def consultations(db: NamedDependency[Database]) -> list[ConsultationOut]:
    """Every consultation, open ones first."""
    return [_consultation(s) for s in await run_blocking(list_consultations, db)]


@get(
    "/consultations/{slug:str}/versions/{number:int}",
    responses=error_responses(*READ_ERRORS, "not_found", "consultation_not_found", "version_not_found"),
)
async def read_version(db: NamedDependency[Database], slug: FromPath[str], number: PathNumber) -> VersionOut:
    """A version's article tree with comment counts per article."""
    v = await run_blocking(version_view, db, slug, number)
    return VersionOut(
        v.slug,
        v.consultation_title,
        v.number,
        v.versions,
        v.title,
        v.stage,
        v.preamble,
        _period(v.period),
        v.comment_count,
        v.draft_comment_count,
        v.all_comment_count,
        v.note,
        OfficeOut(v.office.name, v.office.address, v.office.email, v.office.phone),
        [RoundOut(r.number, r.stage, _period(r.period)) for r in v.rounds],
        v.open_number,
        [DivisionOut(d.node_id, d.kind, d.number, d.label, d.title, d.parent_node_id) for d in v.divisions],
        [
            ArticleOut(
                a.id,
                a.number,
                a.sub,
                a.label,
                a.caption,
                a.chapter_id,
                a.section_id,
                a.comment_count,
                [ParagraphOut(p.id, p.text, p.items) for p in a.paragraphs],
            )
            for a in v.articles
        ],
    )


@post(
    "/consultations/{slug:str}/comments",
    status_code=201,
    responses={
        200: ResponseSpec(
            data_container=AcceptedOut, description="the same comment again: its first receipt"
        ),
        **error_responses(
            *WRITE_ERRORS,
            *COMMENT_ERRORS,
            "not_found",
            "consultation_not_found",
            "version_not_found",
            "consultation_closed",
            "consultation_not_open",
            "rate_limited",
            "internal_error",
        ),
    },
)
async def submit_comment(
    settings: NamedDependency[Settings],
    writer: NamedDependency[CommentWriter],
    request: Request,
    slug: FromPath[str],
    data: JSONBody[CommentIn],
) -> Response[AcceptedOut]:
    """Comments on round ``version`` (default: the round open now). 201 with the receipt; 200 when it
    repeats one just sent."""
    clean = comment_service.validate(
        CommentInput(
            data.target,
            data.content,
            data.name,
            data.commenter_type,
            data.organisation,
            data.region,
            data.contact,
            data.consent,
            data.name_consent,
        )
    )
    client = comment_service.client_hash(settings.secret_key, client_address(request))
    version = data.version if data.version is not None and storable(data.version) else None
    if data.version is not None and version is None:
        raise ServiceError("version_not_found")
    accepted = await writer.submit(
        Submission(slug, clean, client, client_trusted(request, settings), version)
    )
    body = AcceptedOut(
        accepted.receipt, accepted.created_at, accepted.duplicate, f"/api/v1/receipts/{accepted.receipt}"
    )
    return Response(body, status_code=200 if accepted.duplicate else 201)


@get(
    "/receipts/{number:str}",
    responses=error_responses(*READ_ERRORS, "not_found", "receipt_not_found", "lookup_throttled"),
)
async def read_receipt(
    settings: NamedDependency[Settings],
    throttle: NamedDependency[Throttle],
    db: NamedDependency[Database],
    request: Request,
    number: FromPath[str],
) -> ReceiptOut:
    """A comment by its receipt number, personal data masked."""
    await run_blocking(count_lookup, request, settings, throttle)
    r = await run_blocking(comment_service.get_receipt, db, number)
    return ReceiptOut(
        r.receipt,
        r.slug,
        r.consultation_title,
        r.version_number,
        r.target,
        r.target_label,
        r.content,
        r.name,
        r.commenter_type,
        r.organisation,
        r.region,
        r.contact,
        r.created_at,
        r.status,
        r.stage,
        r.answers_published_at is not None,
        AnswerOut(
            r.answer.disposition,
            DISPOSITIONS.get(r.answer.disposition, r.answer.disposition),
            r.answer.reason,
            r.answer.answered_at,
            r.answer.corrected,
        )
        if r.answer
        else None,
    )


API_ROUTES = [consultations, read_version, submit_comment, read_receipt]
