"""Bulk answers in the drafters' workspace: one disposition for the ticked comments, for every comment
matching the list's filters (not only the page shown) or for a cluster; a confirmation page says what will
be recorded on how many comments, the list then says how many were answered, and the latest bulk answer
can be undone. Plain forms (no htmx): what is posted is exactly what the drafter chose."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.db import Database
from app.routes.admin_common import admin_error, render_workspace
from app.routes.admin_review import read_filters
from app.routes.common import check_csrf, run_blocking
from app.services import dispositions, review
from app.services.auth import UserInfo
from app.services.errors import MESSAGES, ServiceError
from versions.vocabulary import DISPOSITIONS

PREVIEW = 20  # comments listed on the confirmation page


def _ids(form) -> list[int]:
    return [
        int(i) for i in form.getall("ids", []) if str(i).isascii() and str(i).isdigit() and len(str(i)) < 10
    ]


def _plan(db: Database, slug: str, form) -> dict:
    """What the bulk form asks for: the comments (ids), the scope, the value and reason, validated."""
    query = str(form.get("query") or "")
    filters = read_filters(dict(parse_qsl(query)))
    ref = review.version_ref(db, slug, filters.round)
    scope = str(form.get("scope") or "selection")
    if scope not in dispositions.SCOPES:
        scope = "selection"
    value, reason = str(form.get("value") or ""), str(form.get("reason") or "")
    reason = dispositions.validate(value, reason)
    if scope == "selection":
        wanted = sorted(set(_ids(form)), reverse=True)[: dispositions.MAX_SELECTION + 1]
        # Only comments of this consultation: the list the form came from.
        ids = [r.id for r in review.rows_by_id(db, ref.scope(None), wanted)]
        if len(ids) != len(wanted):
            raise ServiceError("comment_not_found")
    else:
        ids = review.matching_ids(db, ref.scope(filters.round), filters)
    if not ids:
        raise ServiceError("selection_empty")
    if len(ids) > dispositions.MAX_SELECTION:
        raise ServiceError("selection_too_large")
    shown = review.rows_by_id(db, ref.scope(None), ids[:PREVIEW])
    return {
        "ref": ref,
        "query": query,
        "scope": scope,
        "value": value,
        "reason": reason,
        "ids": ids,
        "shown": shown,
        "dispositions": DISPOSITIONS,
    }


def _back(slug: str, query: str, **extra: str) -> str:
    params = dict(parse_qsl(query))
    params.update(extra)
    return f"/admin/c/{slug}/comments?{urlencode(params)}"


@post("/c/{slug:str}/dispositions/confirm", name="admin_dispose_bulk_confirm")
async def confirm(db: NamedDependency[Database], request: Request, slug: FromPath[str]) -> Template:
    """The confirmation page: the value, the reason, how many comments and which."""
    form = await request.form()
    try:
        check_csrf(request, form)
        plan = await run_blocking(_plan, db, slug, form)
    except ServiceError as error:
        return admin_error(request, error)
    return render_workspace(request, "admin/bulk_confirm.html", {**plan, "error": None})


@post("/c/{slug:str}/dispositions", name="admin_dispose_bulk")
async def commit(
    db: NamedDependency[Database], user: NamedDependency[UserInfo], request: Request, slug: FromPath[str]
) -> Template | Redirect:
    """Records the confirmed bulk answer; back to the list with its message (and the undo button). When
    the comments matching the filter changed since the confirmation, the confirmation again."""
    form = await request.form()
    try:
        check_csrf(request, form)
        plan = await run_blocking(_plan, db, slug, form)
        expected = str(form.get("expected") or "")
        if plan["scope"] != "selection" and expected != str(len(plan["ids"])):
            error = ServiceError("selection_changed")
            return render_workspace(
                request, "admin/bulk_confirm.html", {**plan, "error": MESSAGES[error.code]}, status=409
            )
        await run_blocking(
            dispositions.dispose,
            db,
            user,
            plan["value"],
            plan["reason"],
            comment_ids=plan["ids"],
            bulk=(plan["ref"].consultation_id, plan["scope"]),
        )
        done = (await run_blocking(dispositions.history, db, plan["ref"].consultation_id, 1))[0]
    except ServiceError as error:
        return admin_error(request, error)
    return Redirect(path=_back(slug, plan["query"], done=str(done.id)), status_code=303)


@post("/c/{slug:str}/dispositions/undo", name="admin_dispose_bulk_undo")
async def undo(
    db: NamedDependency[Database], user: NamedDependency[UserInfo], request: Request, slug: FromPath[str]
) -> Template | Redirect:
    """Undoes the latest bulk answer of the consultation."""
    form = await request.form()
    try:
        check_csrf(request, form)
        ref = await run_blocking(review.version_ref, db, slug)
        action = str(form.get("action") or "")
        if not (action.isascii() and action.isdigit() and len(action) < 10):
            raise ServiceError("undo_unavailable")
        await run_blocking(dispositions.undo, db, user, ref.consultation_id, int(action))
    except ServiceError as error:
        return admin_error(request, error)
    return Redirect(path=_back(slug, str(form.get("query") or ""), undone=action), status_code=303)


BULK_PAGES = [confirm, commit, undo]
