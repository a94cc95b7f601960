"""Drafter pages for versions: upload a new one (warnings shown before it is confirmed), compare two side
by side, and download the Word exports."""

from __future__ import annotations

from datetime import date, timedelta

from litestar import Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Template

from app.db import Database, utcnow
from app.routes.admin_common import admin_error, render_workspace
from app.routes.common import check_csrf, run_blocking
from app.services import compare as compare_service
from app.services import exports, importing, jobs, uploads
from app.services.auth import UserInfo, require_admin
from app.services.errors import MESSAGES, ServiceError
from app.services.review import version_ref
from app.settings import Settings
from app.timeutil import today
from versions.references import REASONS
from versions.vocabulary import DISPOSITIONS


def upload_page(
    request: Request, db: Database, slug: str, error: ServiceError | None = None, status: int = 200
) -> Template:
    """The upload form of consultation ``slug``, with ``error``'s message when a file was refused (app/web.py
    also shows it for a body refused before the handler ran)."""
    try:
        ref = version_ref(db, slug)
    except ServiceError as missing:
        return admin_error(request, missing)
    detail = getattr(error, "detail", "") if error else ""
    return render_workspace(
        request,
        "admin/upload.html",
        {
            "ref": ref,
            "error": MESSAGES[error.code] if error else None,
            "detail": detail,
            "limit_mb": uploads.MAX_UPLOAD // (1024 * 1024),
        },
        status=status,
    )


@get("/c/{slug:str}/versions/new", name="admin_upload_form")
async def upload_form(db: NamedDependency[Database], request: Request, slug: FromPath[str]) -> Template:
    """The form to upload the next version."""
    return await run_blocking(upload_page, request, db, slug)


@post(
    "/c/{slug:str}/versions/upload",
    name="admin_upload",
    request_max_body_size=uploads.MAX_UPLOAD + 65536,
)
async def upload(
    db: NamedDependency[Database],
    settings: NamedDependency[Settings],
    user: NamedDependency[UserInfo],
    request: Request,
    slug: FromPath[str],
) -> Template:
    """Parses the upload and shows what was read and the parser's warnings, with the confirm form."""
    form = await request.form()
    try:
        check_csrf(request, form)
        file = form.get("file")
        if file is None or isinstance(file, str):
            raise uploads.UploadRefused("upload_missing")
        data = await file.read()
        pending = await run_blocking(
            uploads.stage,
            settings.data_dir,
            file.filename or "",
            data,
            slug=slug,
            user_id=user.id,
        )
        ref = await run_blocking(version_ref, db, slug)
        against = await run_blocking(importing.preview, db, slug, pending.draft)
    except ServiceError as error:
        return await run_blocking(upload_page, request, db, slug, error, error.status)
    start = today(utcnow())
    return render_workspace(
        request,
        "admin/preview.html",
        {
            "ref": ref,
            "pending": pending,
            "against": against,
            "stage": pending.draft.stage or "",
            "opens": start,
            "closes": start + timedelta(days=30),
        },
    )


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ServiceError("date_invalid") from None


@post("/c/{slug:str}/versions/confirm", name="admin_upload_confirm")
async def confirm(
    db: NamedDependency[Database],
    settings: NamedDependency[Settings],
    user: NamedDependency[UserInfo],
    request: Request,
    slug: FromPath[str],
) -> Template | Redirect:
    """Imports the previewed upload as the next version."""
    form = await request.form()
    try:
        check_csrf(request, form)
        result = await run_blocking(
            uploads.confirm,
            db,
            settings.data_dir,
            str(form.get("token") or ""),
            slug,
            stage_name=str(form.get("stage") or ""),
            opens=_date(str(form.get("opens") or "")),
            closes=_date(str(form.get("closes") or "")),
            filename=str(form.get("filename") or ""),
            user_id=user.id,
        )
    except ServiceError as error:
        return await run_blocking(upload_page, request, db, slug, error, error.status)
    return Redirect(path=f"/admin/c/{slug}/rounds?saved={result.version_number}", status_code=303)


@get("/c/{slug:str}/compare", name="admin_compare")
async def compare(
    db: NamedDependency[Database],
    request: Request,
    slug: FromPath[str],
    old: FromQuery[int] = 1,
    new: FromQuery[int] = 2,
    only: FromQuery[bool] = False,
    renumbered: FromQuery[bool] = False,
) -> Template:
    """Two versions side by side: aligned rows, word highlights, renumbering and moves, citations to
    check, and beside each old article its comments with their dispositions. ``only``: changes only;
    ``renumbered``: 下一处修改 (and the changes-only view) include articles that were only renumbered."""
    try:
        view = await run_blocking(compare_service.compare, db, slug, old, new, only, renumbered)
    except ServiceError as error:
        return admin_error(request, error)
    return render_workspace(
        request,
        "admin/compare.html",
        {"view": view, "ref": view.new_ref, "dispositions": DISPOSITIONS, "reasons": REASONS},
    )


@get("/c/{slug:str}/export/{kind:str}", name="admin_export")
async def export(
    db: NamedDependency[Database],
    settings: NamedDependency[Settings],
    user: NamedDependency[UserInfo],
    request: Request,
    slug: FromPath[str],
    kind: FromPath[str],
    version: FromQuery[int | None] = None,
    personal: FromQuery[bool] = False,
    changed: FromQuery[bool] = False,
) -> File | Template | Redirect:
    """A Word document: 意见汇总表 (summary) of a version, or 条文对照表 (comparison) / 修订模式 (redline)
    of a version against the one before it (``changed``: only the 修改条文 in the 条文对照表). Personal data
    is masked unless ``personal`` is asked for (administrators only). A 意见汇总表 of more than
    ``exports.LARGE`` comments is written by a background job (then: the jobs page)."""
    try:
        if personal:
            require_admin(user)
        if await run_blocking(exports.needs_job, db, slug, kind, version):
            params = {"data_dir": str(settings.data_dir), "slug": slug, "kind": kind}
            params |= {"number": version, "personal": personal}
            job_id = await run_blocking(jobs.enqueue, db, "exports.word", params, user=user.name)
            return Redirect(path=f"/admin/jobs?export={job_id}", status_code=303)
        path, name = await run_blocking(
            exports.export, db, settings.data_dir, slug, kind, version, personal, changed
        )
    except ServiceError as error:
        return admin_error(request, error)
    # Exports carry comments and, when asked, personal data: the file lives only until it has been sent.
    return File(
        path=path,
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


# ``upload`` apart: app/web.py mounts it with the handlers that show a refused body on the upload form.
VERSION_PAGES = [upload_form, confirm, compare, export]
