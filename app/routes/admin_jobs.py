"""Drafter pages for background jobs: the list with progress (refreshed by htmx while any job is active)
and retrying a failed one. Mounted under /admin behind the login guard."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.routes.admin_common import admin_error, call, check_csrf, page
from app.routes.common import db, settings
from app.services import jobs
from app.services.errors import ServiceError


@get("/jobs", name="admin_jobs")
async def job_list(request: Request) -> Template:
    """The newest jobs with their state, progress, reason of failure and result."""
    found = await call(jobs.recent, db(request), 50)
    return page(
        request,
        "admin/jobs.html",
        {
            "jobs": found,
            "active": any(j.active for j in found),
            "in_process": settings(request).runs_jobs,
            "retried": request.query_params.get("retried", ""),
        },
        partial="admin/_jobs.html",
    )


@post("/jobs/{job_id:int}/retry", name="admin_job_retry")
async def job_retry(request: Request, job_id: FromPath[int]) -> Template | Redirect:
    """Queues a failed job again, then shows the list."""
    form = await request.form()
    try:
        check_csrf(request, form)
        await call(jobs.retry, db(request), job_id)
    except ServiceError as error:
        return admin_error(request, error)
    return Redirect(path=f"/admin/jobs?retried={job_id}", status_code=303)


JOB_PAGES = [job_list, job_retry]
