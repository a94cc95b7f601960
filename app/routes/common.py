"""Helpers shared by the page handlers: rendering with CSRF and locale, and the app's services."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Template

from app import csrf
from app.db import Database
from app.services.errors import MESSAGES, ServiceError
from app.services.writer import CommentWriter
from app.settings import Settings


def db(request: Request) -> Database:
    """The app's Database."""
    return request.app.state.db


def settings(request: Request) -> Settings:
    """The app's Settings."""
    return request.app.state.settings


def writer(request: Request) -> CommentWriter:
    """The app's comment writer."""
    return request.app.state.writer


def is_htmx(request: Request) -> bool:
    """True for requests made by htmx (which then get the partial template)."""
    return request.headers.get("hx-request") == "true"


def client_address(request: Request) -> str:
    """The peer address (a proxy in front must be configured to pass the real one)."""
    return request.client.host if request.client else "unknown"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    partial: str | None = None,
) -> Template:
    """``partial`` for htmx requests when given, else the full ``template``; adds the CSRF token and
    sets the CSRF cookie when the browser has none yet."""
    token, fresh = csrf.token_for(settings(request).secret_key, request.cookies.get(csrf.COOKIE))
    context = {
        "csrf_token": token,
        "csrf_field": csrf.FIELD,
        "path": request.url.path,
        "query": request.url.query,
        **(context or {}),
    }
    cookies = (
        [
            Cookie(
                key=csrf.COOKIE,
                value=fresh,
                httponly=True,
                samesite="lax",
                path="/",
                secure=request.url.scheme == "https",
            )
        ]
        if fresh
        else []
    )
    name = partial if partial and is_htmx(request) else template
    return Template(template_name=name, context=context, status_code=status, cookies=cookies)


def error_page(request: Request, error: ServiceError, kept: str = "") -> Template:
    """The error page for a refusal that has no form to go back to; ``kept`` is text the user typed,
    shown back so it is not lost."""
    return render(
        request,
        "error.html",
        {"code": error.code, "message": MESSAGES[error.code], "kept": kept},
        status=error.status,
        partial="_error.html",
    )
