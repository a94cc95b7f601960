"""Log in and out of the drafters' workspace."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from app.routes.admin_common import (
    SESSION_COOKIE,
    admin_error,
    call,
    check_csrf,
    current_user,
    session_cookie,
)
from app.routes.common import client_address, db, render
from app.services import auth
from app.services.errors import MESSAGES, ServiceError


def _safe_next(target: str) -> str:
    return target if target.startswith("/admin") and not target.startswith("//") else "/admin"


@get("/admin/login", name="admin_login")
async def login_form(request: Request, next: FromQuery[str] = "/admin") -> Template | Redirect:
    """The login form (or straight on when already logged in)."""
    if await call(current_user, request) is not None:
        return Redirect(path=_safe_next(next), status_code=303)
    return render(request, "admin/login.html", {"next": _safe_next(next), "name": "", "error": None})


@post("/admin/login", name="admin_login_submit")
async def login(request: Request) -> Template | Redirect:
    """Checks the name and password; on success a new session (old cookie replaced), else the form again."""
    form = await request.form()
    name, target = str(form.get("name") or ""), _safe_next(str(form.get("next") or "/admin"))
    try:
        check_csrf(request, form)
        if not request.app.state.login_throttle.allow(client_address(request)):
            raise ServiceError("login_throttled")
        token, _ = await call(auth.login, db(request), name, str(form.get("password") or ""))
    except ServiceError as error:
        return render(
            request,
            "admin/login.html",
            {"next": target, "name": name, "error": MESSAGES[error.code]},
            status=error.status,
        )
    # A fresh token at every login: a session id planted before login is worthless afterwards.
    await call(auth.logout, db(request), request.cookies.get(SESSION_COOKIE))
    return Redirect(path=target, status_code=303, cookies=[session_cookie(request, token)])


@post("/logout", name="admin_logout")
async def logout(request: Request) -> Redirect | Template:
    """Ends the session and returns to the login form (403 without this browser's CSRF token)."""
    form = await request.form()
    try:
        check_csrf(request, form)
    except ServiceError as error:
        return admin_error(request, error)
    await call(auth.logout, db(request), request.cookies.get(SESSION_COOKIE))
    return Redirect(path="/admin/login", status_code=303, cookies=[session_cookie(request, "", expire=True)])
