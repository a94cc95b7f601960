"""Helpers shared by the handlers: the app's services (injected), running blocking work off the event loop,
rendering with CSRF and locale, the client's address and the receipt look-up throttle."""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from anyio import to_thread
from litestar import Request
from litestar.datastructures import Cookie, State
from litestar.response import Template

from app import csrf
from app.db import Database
from app.services.errors import MESSAGES, ServiceError
from app.services.throttle import Throttle, key_for
from app.services.writer import CommentWriter
from app.settings import Settings

# The app's services, handed to handlers by name through Litestar's dependency injection (app/web.py
# registers these providers): a handler asks for ``db: NamedDependency[Database]``, likewise ``settings``
# (Settings), ``throttle`` (Throttle), ``writer`` (CommentWriter) and, on the drafters' routers, ``user``
# (UserInfo, app/routes/admin_common.py). NamedDependency says so to Litestar, which otherwise infers it.


def provide_db(state: State) -> Database:
    """The app's Database."""
    return state.db


def provide_settings(state: State) -> Settings:
    """The app's Settings."""
    return state.settings


def provide_throttle(state: State) -> Throttle:
    """The app's cross-process throttle counters."""
    return state.throttle


def provide_writer(state: State) -> CommentWriter:
    """The app's comment writer."""
    return state.writer


def _secret(request: Request) -> bytes:
    """The key of the CSRF tokens; read from the app here because the exception handlers, which get no
    injected dependencies, render pages too."""
    return request.app.state.settings.secret_key


async def run_blocking(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` in a worker thread: the one way handlers keep blocking work (the database,
    files, Word) off the event loop. Every handler is async and goes through here."""
    return await to_thread.run_sync(functools.partial(fn, *args, **kwargs))


def is_htmx(request: Request) -> bool:
    """True for requests made by htmx (which then get the partial template)."""
    return request.headers.get("hx-request") == "true"


def client_address(request: Request) -> str:
    """The peer address. X-Forwarded-For is believed only from the proxies the operator names
    (``serve --forwarded-allow-ips``, see app/commands/serve.py); uvicorn then puts the client here."""
    return request.client.host if request.client else "unknown"


# Receipt look-ups per client per window: far more than anyone checks their own receipts, far too few to
# find other people's by trying numbers.
LOOKUP_LIMIT, LOOKUP_WINDOW = 60, 600


def count_lookup(request: Request, settings: Settings, throttle: Throttle) -> None:
    """Counts a receipt look-up of this client; ServiceError lookup_throttled (with retry_after) over
    ``LOOKUP_LIMIT`` (addresses the office trusts are not counted)."""
    if client_trusted(request, settings):
        return
    key = key_for(settings.secret_key, "lookup-client", client_address(request))
    verdict = throttle.hit(key, LOOKUP_LIMIT, LOOKUP_WINDOW)
    if not verdict.allowed:
        raise ServiceError("lookup_throttled", retry_after=verdict.retry_after)


def client_trusted(request: Request, settings: Settings) -> bool:
    """True when the client's address is on the office's allow-list (``DRAFTREVIEW_TRUSTED_CLIENTS``)."""
    networks = settings.trusted_clients
    if not networks:
        return False
    if client_address(request) in networks:
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in _networks(networks))


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple:
    """The entries of the allow-list that are addresses or networks (others match only literally)."""
    found = []
    for entry in entries:
        try:
            found.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    return tuple(found)


def check_csrf(request: Request, form) -> None:
    """ServiceError csrf_failed unless the form carries the token of this browser's CSRF cookie."""
    if not csrf.verify(_secret(request), request.cookies.get(csrf.COOKIE), form.get(csrf.FIELD)):
        raise ServiceError("csrf_failed")


def render_page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    partial: str | None = None,
) -> Template:
    """``partial`` for htmx requests when given, else the full ``template``; adds the CSRF token and
    sets the CSRF cookie when the browser has none yet."""
    token, fresh = csrf.token_for(_secret(request), request.cookies.get(csrf.COOKIE))
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
    return render_page(
        request,
        "error.html",
        {"code": error.code, "message": MESSAGES[error.code], "kept": kept},
        status=error.status,
        partial="_error.html",
    )
