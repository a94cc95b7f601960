"""The public 征求意见情况通报 of a consultation: the published report of a round as a page and as Word.
A report not published (or of a round not published) does not exist for the public."""

from __future__ import annotations

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import File, Template

from app.db import Database
from app.routes.admin_themes import report_file
from app.routes.common import error_page, render_page, run_blocking
from app.services import feedback
from app.services.errors import ServiceError
from app.settings import Settings


@get("/c/{slug:str}/feedback", name="feedback_report")
async def report_page(
    db: NamedDependency[Database], request: Request, slug: FromPath[str], round: FromQuery[int | None] = None
) -> Template:
    """The published report of round ``round`` (default the newest published one)."""
    try:
        report, slug = await run_blocking(feedback.public, db, slug, round)
    except ServiceError as error:
        return error_page(request, error)
    return render_page(request, "feedback.html", {"slug": slug, "report": report, "doc": report.document()})


@get("/c/{slug:str}/feedback.docx", name="feedback_report_docx")
async def report_docx(
    settings: NamedDependency[Settings],
    db: NamedDependency[Database],
    request: Request,
    slug: FromPath[str],
    round: FromQuery[int | None] = None,
) -> File | Template:
    """The same report as Word."""
    try:
        report, slug = await run_blocking(feedback.public, db, slug, round)
    except ServiceError as error:
        return error_page(request, error)
    return await run_blocking(report_file, settings, report, slug)


FEEDBACK_PAGES = [report_page, report_docx]
