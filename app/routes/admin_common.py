"""What every drafter page and API handler shares: the session cookie, the login guard, the logged-in
user, and rendering with it."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException
from litestar.handlers import BaseRouteHandler
from litestar.response import Template

from app.routes.common import render_page
from app.services import auth
from app.services.errors import MESSAGES, ServiceError

SESSION_COOKIE = "draftreview_session"


def session_cookie(request: Request, token: str, *, expire: bool = False) -> Cookie:
    """The session cookie: HttpOnly, SameSite=Lax, Secure when the site is served over https."""
    return Cookie(
        key=SESSION_COOKIE,
        value="" if expire else token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
        max_age=0 if expire else None,
    )


def current_user(connection: ASGIConnection) -> auth.UserInfo | None:
    """The logged-in user of this request (looked up once per request)."""
    if "user" not in connection.scope.setdefault("state", {}):
        connection.scope["state"]["user"] = auth.session_user(
            connection.app.state.db, connection.cookies.get(SESSION_COOKIE)
        )
    return connection.scope["state"]["user"]


def drafter_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Refuses anonymous requests (pages then redirect to the login, the API answers 401)."""
    if current_user(connection) is None:
        raise NotAuthorizedException()


def provide_user(request: Request) -> auth.UserInfo:
    """The logged-in user, injected as ``user`` into the drafters' handlers (app/web.py); anonymous
    requests never get this far (``drafter_guard``), and would be refused the same way here."""
    found = current_user(request)
    if found is None:
        raise NotAuthorizedException()
    return found


def render_workspace(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    partial: str | None = None,
) -> Template:
    """``render_page`` with the logged-in user in the context (every page of the drafters' workspace)."""
    return render_page(
        request, template, {"user": current_user(request), **(context or {})}, status=status, partial=partial
    )


def admin_error(request: Request, error: ServiceError) -> Template:
    """A drafter page's error: the message in the workspace layout."""
    return render_workspace(
        request,
        "admin/error.html",
        {"code": error.code, "message": MESSAGES[error.code]},
        status=error.status,
        partial="admin/_error.html",
    )


__all__ = ["admin_error", "current_user", "drafter_guard", "provide_user", "render_workspace"]
