"""Rounds in the drafters' workspace: every version with its state; an unpublished round is published
with its period and 起草说明, and a round's answers are made public on receipts (administrators only)."""

from __future__ import annotations

from datetime import date, timedelta

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.db import Database, utcnow
from app.routes.admin_common import admin_error, render_workspace
from app.routes.common import check_csrf, run_blocking
from app.services import review, round_admin, rounds
from app.services.auth import UserInfo, is_admin, require_admin
from app.services.errors import MESSAGES, ServiceError
from app.timeutil import today


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ServiceError("date_invalid") from None


def _context(db: Database, user: UserInfo, slug: str, error: ServiceError | None = None, form=None) -> dict:
    ref = review.version_ref(db, slug)
    start = today(utcnow())
    return {
        "ref": ref,
        "rounds": round_admin.rounds(db, ref.consultation_id),
        "admin": is_admin(user),
        "error": MESSAGES[error.code] if error else None,
        "form": form or {},
        "opens": start,
        "closes": start + timedelta(days=30),
    }


@get("/c/{slug:str}/rounds", name="admin_rounds")
async def rounds_page(
    db: NamedDependency[Database],
    user: NamedDependency[UserInfo],
    request: Request,
    slug: FromPath[str],
    saved: FromQuery[int | None] = None,
) -> Template:
    """The rounds of a consultation with what may be done to each."""
    try:
        context = await run_blocking(_context, db, user, slug)
    except ServiceError as error:
        return admin_error(request, error)
    done = str(request.query_params.get("done") or "")
    return render_workspace(
        request,
        "admin/rounds.html",
        {**context, "saved": saved, "done": done if done in ("round", "answers") else ""},
    )


def _number(ref: review.VersionRef, number: int) -> int:
    ids = dict(zip(ref.numbers, ref.version_ids, strict=True))
    if number not in ids:
        raise ServiceError("version_not_found")
    return ids[number]


@post("/c/{slug:str}/rounds/{number:int}/publish", name="admin_publish_round")
async def publish_round(
    db: NamedDependency[Database],
    user: NamedDependency[UserInfo],
    request: Request,
    slug: FromPath[str],
    number: FromPath[int],
) -> Template | Redirect:
    """Publishes round ``number`` with the period and 起草说明 typed on the rounds page."""
    form = await request.form()
    typed = {k: str(form.get(k) or "") for k in ("opens", "closes", "note")}
    try:
        check_csrf(request, form)
        require_admin(user)
        ref = await run_blocking(review.version_ref, db, slug)
        await run_blocking(
            round_admin.publish_round,
            db,
            _number(ref, number),
            user,
            opens=_date(typed["opens"]),
            closes=_date(typed["closes"]),
            note=typed["note"],
        )
    except ServiceError as error:
        if error.code in ("forbidden", "consultation_not_found", "csrf_failed"):
            return admin_error(request, error)
        context = await run_blocking(_context, db, user, slug, error, {**typed, "number": number})
        return render_workspace(
            request, "admin/rounds.html", {**context, "saved": None, "done": ""}, status=error.status
        )
    return Redirect(path=f"/admin/c/{slug}/rounds?done=round", status_code=303)


@post("/c/{slug:str}/rounds/{number:int}/answers", name="admin_publish_answers")
async def publish_answers(
    db: NamedDependency[Database],
    user: NamedDependency[UserInfo],
    request: Request,
    slug: FromPath[str],
    number: FromPath[int],
) -> Template | Redirect:
    """Makes round ``number``'s dispositions and reasons visible on receipts."""
    form = await request.form()
    try:
        check_csrf(request, form)
        require_admin(user)
        await run_blocking(rounds.publish_answers, db, slug, number)
    except ServiceError as error:
        return admin_error(request, error)
    return Redirect(path=f"/admin/c/{slug}/rounds?done=answers", status_code=303)


ROUND_PAGES = [rounds_page, publish_round, publish_answers]
