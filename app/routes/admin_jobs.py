"""Drafter pages for background jobs: the list with progress (refreshed by htmx while any job is active)
and retrying a failed one. Mounted under /admin behind the login guard."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from app.db import Database
from app.routes.admin_common import admin_error, render_workspace
from app.routes.common import check_csrf, run_blocking
from app.services import exports, jobs
from app.services.errors import ServiceError
from app.settings import Settings


@get("/jobs", name="admin_jobs")
async def job_list(
    db: NamedDependency[Database], settings: NamedDependency[Settings], request: Request
) -> Template:
    """The newest jobs with their state, progress, reason of failure and result."""
    found = await run_blocking(jobs.recent, db, 50)
    return render_workspace(
        request,
        "admin/jobs.html",
        {
            "jobs": found,
            "active": any(j.active for j in found),
            "in_process": settings.runs_jobs,
            "retried": request.query_params.get("retried", ""),
            "export": request.query_params.get("export", ""),
        },
        partial="admin/_jobs.html",
    )


@post("/jobs/{job_id:int}/retry", name="admin_job_retry")
async def job_retry(
    db: NamedDependency[Database], request: Request, job_id: FromPath[int]
) -> Template | Redirect:
    """Queues a failed job again, then shows the list."""
    form = await request.form()
    try:
        check_csrf(request, form)
        await run_blocking(jobs.retry, db, job_id)
    except ServiceError as error:
        return admin_error(request, error)
    return Redirect(path=f"/admin/jobs?retried={job_id}", status_code=303)


@get("/jobs/{job_id:int}/download", name="admin_job_download")
async def job_download(
    db: NamedDependency[Database], request: Request, job_id: FromPath[int]
) -> File | Template:
    """The Word file an export job wrote; like a direct export, it is deleted once sent."""
    try:
        path, name = await run_blocking(exports.job_file, db, job_id)
    except ServiceError as error:
        return admin_error(request, error)
    return File(
        path=path,
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


JOB_PAGES = [job_list, job_retry, job_download]
