"""Log in and out of the drafters' workspace."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from app.db import Database
from app.routes.admin_common import (
    SESSION_COOKIE,
    admin_error,
    current_user,
    session_cookie,
)
from app.routes.common import check_csrf, client_address, render_page, run_blocking
from app.services import auth
from app.services.errors import MESSAGES, ServiceError, retry_minutes
from app.services.throttle import Throttle
from app.settings import Settings

# The browser a drafter logged in with is recognised for a year (see auth.login: it is throttled on its
# own, so strangers guessing at the account never lock its owner out).
DEVICE_COOKIE = "draftreview_device"
DEVICE_LIFETIME = 365 * 86400


def _safe_next(target: str) -> str:
    return target if target.startswith("/admin") and not target.startswith("//") else "/admin"


@get("/admin/login", name="admin_login")
async def login_form(request: Request, next: FromQuery[str] = "/admin") -> Template | Redirect:
    """The login form (or straight on when already logged in)."""
    if await run_blocking(current_user, request) is not None:
        return Redirect(path=_safe_next(next), status_code=303)
    return render_page(request, "admin/login.html", {"next": _safe_next(next), "name": "", "error": None})


@post("/admin/login", name="admin_login_submit")
async def login(
    db: NamedDependency[Database],
    settings: NamedDependency[Settings],
    throttle: NamedDependency[Throttle],
    request: Request,
) -> Template | Redirect:
    """Checks the name and password; on success a new session (old cookie replaced), else the form again."""
    form = await request.form()
    name, target = str(form.get("name") or ""), _safe_next(str(form.get("next") or "/admin"))
    secret = settings.secret_key
    try:
        check_csrf(request, form)
        token, _ = await run_blocking(
            auth.login,
            db,
            name,
            str(form.get("password") or ""),
            throttle=throttle,
            secret=secret,
            client=client_address(request),
            device=request.cookies.get(DEVICE_COOKIE),
        )
    except ServiceError as error:
        page = render_page(
            request,
            "admin/login.html",
            {
                "next": target,
                "name": name,
                "error": MESSAGES[error.code],
                "retry_minutes": retry_minutes(error.retry_after) if error.retry_after else None,
            },
            status=error.status,
        )
        if error.retry_after:
            page.headers["Retry-After"] = str(error.retry_after)
        return page
    # A fresh token at every login: a session id planted before login is worthless afterwards.
    await run_blocking(auth.logout, db, request.cookies.get(SESSION_COOKIE))
    device = Cookie(
        key=DEVICE_COOKIE,
        value=auth.device_cookie(secret, name.strip()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/admin/login",
        max_age=DEVICE_LIFETIME,
    )
    return Redirect(path=target, status_code=303, cookies=[session_cookie(request, token), device])


@post("/logout", name="admin_logout")
async def logout(db: NamedDependency[Database], request: Request) -> Redirect | Template:
    """Ends the session and returns to the login form (403 without this browser's CSRF token)."""
    form = await request.form()
    try:
        check_csrf(request, form)
    except ServiceError as error:
        return admin_error(request, error)
    await run_blocking(auth.logout, db, request.cookies.get(SESSION_COOKIE))
    return Redirect(path="/admin/login", status_code=303, cookies=[session_cookie(request, "", expire=True)])
