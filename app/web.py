"""The Litestar application for the public consultation site."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Request, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Response, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy.exc import InterfaceError, OperationalError

from app import i18n, security
from app.db import Database
from app.routes.admin_accounts import ACCOUNT_PAGES
from app.routes.admin_api import ADMIN_API
from app.routes.admin_auth import login, login_form, logout
from app.routes.admin_bulk import BULK_PAGES
from app.routes.admin_common import admin_error, drafter_guard, provide_user
from app.routes.admin_jobs import JOB_PAGES
from app.routes.admin_review import REVIEW_PAGES
from app.routes.admin_rounds import ROUND_PAGES
from app.routes.admin_themes import THEME_PAGES
from app.routes.admin_versions import VERSION_PAGES, upload, upload_page
from app.routes.admin_working import WORKING_PAGES
from app.routes.api import API_ROUTES
from app.routes.common import (
    error_page,
    provide_db,
    provide_settings,
    provide_throttle,
    provide_writer,
    render_page,
)
from app.routes.erasure import ERASURE_PAGES, erase_api
from app.routes.feedback import FEEDBACK_PAGES
from app.routes.pages import PAGES
from app.services import jobs
from app.services.bootstrap import first_start
from app.services.errors import N_, STATUS, ServiceError, error_body
from app.services.throttle import Throttle
from app.services.writer import CommentWriter
from app.settings import Settings, load_settings

log = logging.getLogger("draftreview")
ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    i18n.install(environment)
    return environment


# Exception handlers, all of them. The app-wide ones answer a path under /api/ with the API's JSON body and
# any other with a page; the routers below add what differs for the API, the workspace and the upload form.

# Litestar's own refusals by status: a malformed parameter or body, a path no route has (also a path
# parameter that is not a number), a method the route has not, a body type or size it does not take.
_HTTP_CODES = {
    400: "invalid_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
}


def _api_error(
    code: str, fields: dict[str, str] | None = None, headers: dict | None = None, message: str = ""
) -> Response:
    """The API's error body for ``code`` (``message`` instead of the code's own, e.g. with the wait)."""
    return Response(error_body(code, fields, message), status_code=STATUS[code], headers=headers)


def _api_service_error(_: Request, error: ServiceError) -> Response:
    """A ServiceError as the error body (a throttle's refusal with its true Retry-After and the wait)."""
    return _api_error(error.code, error.fields, error.headers or None, error.message)


def _api_http_error(_: Request, error: HTTPException) -> Response:
    """An HTTPException under /api/ as the error body with a stable code (the app-wide 404 and 405 come
    here too, so that no API address ever answers with a page)."""
    if isinstance(error, ValidationException):
        return _api_error("invalid_request")
    if error.status_code in _HTTP_CODES:
        return _api_error(_HTTP_CODES[error.status_code], headers=error.headers)
    return Response(error_body("http_error"), status_code=error.status_code, headers=error.headers)


def _api_unauthorized(_: Request, __: NotAuthorizedException) -> Response:
    """401 with the API's error body."""
    return Response(error_body("not_authenticated"), status_code=401)


def _to_login(request: Request, _: NotAuthorizedException) -> Redirect:
    """Sends an anonymous visitor of a drafter page to the login, then back."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(path=f"/admin/login?next={quote(target, safe='')}", status_code=303)


def _refused_page(request: Request, error: ServiceError) -> Template:
    """A ServiceError no handler caught (most often one raised by app.security.screen), as the error page of
    the public site or, under /admin, of the drafters' workspace."""
    return (admin_error if request.url.path.startswith("/admin") else error_page)(request, error)


def _upload_too_large(request: Request, error: HTTPException) -> Template:
    """The upload form again for a body Litestar refused (413: over the upload limit)."""
    code = "upload_too_large" if error.status_code == 413 else "invalid_request"
    # Exception handlers get no injected dependencies: the database comes from the app's state.
    db = provide_db(request.app.state)
    return upload_page(request, db, request.path_params["slug"], ServiceError(code), error.status_code)


def _upload_screened(request: Request, error: ServiceError) -> Template:
    """The upload form again for a body app.security refused before the handler ran."""
    refusal = ServiceError("upload_too_large") if error.code == "request_too_large" else error
    return upload_page(
        request, provide_db(request.app.state), request.path_params["slug"], refusal, refusal.status
    )


def _not_found(request: Request, error: NotFoundException) -> Response | Template:
    if request.url.path.startswith("/api/"):  # no route matched: the API still answers with its JSON body
        return _api_http_error(request, error)
    return render_page(
        request, "error.html", {"code": "not_found", "message": N_("找不到该页面。")}, status=404
    )


def _http_error(request: Request, error: HTTPException) -> Response | Template:
    if error.status_code == 500 and isinstance(error.__cause__, NotADirectoryError):
        # /static/site.css/x: the static files router reports a file used as a folder as its own 500.
        return _not_found(request, NotFoundException())
    if request.url.path.startswith("/api/"):  # e.g. 405 from the router: JSON like every API answer
        return _api_http_error(request, error)
    return render_page(
        request,
        "error.html",
        {"code": "http_error", "message": N_("请求无法处理，请返回重试。")},
        status=error.status_code,
    )


def _database_unavailable(request: Request, error: Exception) -> Response | Template:
    log.warning("database unavailable on %s: %s", request.url.path, type(error).__name__)
    failure = ServiceError("database_unavailable")
    headers = {"Retry-After": "30"}
    if request.url.path.startswith("/api/"):
        return Response(error_body(failure.code), status_code=503, headers=headers)
    page = error_page(request, failure)
    page.headers.update(headers)
    return page


def _server_error(request: Request, error: Exception) -> Response | Template:
    log.error("unhandled error on %s", request.url.path, exc_info=error)
    failure = ServiceError("server_error")
    if request.url.path.startswith("/api/"):
        return Response(error_body(failure.code), status_code=500)
    return error_page(request, failure)


API_ERRORS = {ServiceError: _api_service_error, HTTPException: _api_http_error}
# What handlers are given by parameter name (providers in app/routes/common.py): the app's services, and on
# the drafters' routers the logged-in user.
SERVICES = {
    "db": Provide(provide_db, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "throttle": Provide(provide_throttle, sync_to_thread=False),
    "writer": Provide(provide_writer, sync_to_thread=False),
}
LOGGED_IN = {"user": Provide(provide_user, sync_to_thread=False)}


def create_app(settings: Settings | None = None, db: Database | None = None) -> Litestar:
    """The app on ``settings`` (default: from the environment); when ``db`` is not given, migrates the
    database and on first start seeds the demo (the sample draft, its 修改稿 and demo comments)."""
    settings = settings or load_settings()
    db = db or first_start(settings)
    writer = CommentWriter(db, settings)
    runner = jobs.Runner(db) if settings.runs_jobs else None

    async def start(app: Litestar) -> None:
        writer.start()
        if runner:
            runner.start_or_retry()

    async def stop(app: Litestar) -> None:
        if runner:
            runner.stop()
        writer.stop()

    return Litestar(
        route_handlers=[
            *PAGES,
            *ERASURE_PAGES,
            *FEEDBACK_PAGES,
            Router(  # the public API, erasure requests included
                path="/api/v1",
                route_handlers=[*API_ROUTES, erase_api],
                exception_handlers=API_ERRORS,
                tags=["public"],
            ),
            login_form,
            login,
            Router(
                path="/admin",
                route_handlers=[
                    logout,
                    # The upload shows a body refused before it ran (too large, unreadable) on its own form.
                    Router(
                        path="/",
                        route_handlers=[upload],
                        exception_handlers={HTTPException: _upload_too_large, ServiceError: _upload_screened},
                    ),
                    *REVIEW_PAGES,
                    *WORKING_PAGES,
                    *BULK_PAGES,
                    *VERSION_PAGES,
                    *ROUND_PAGES,
                    *ACCOUNT_PAGES,
                    *THEME_PAGES,
                    *JOB_PAGES,
                ],
                guards=[drafter_guard],
                dependencies=LOGGED_IN,
                exception_handlers={NotAuthorizedException: _to_login},
            ),
            Router(
                path="/api/v1/admin",
                route_handlers=ADMIN_API,
                guards=[drafter_guard],
                dependencies=LOGGED_IN,
                exception_handlers={**API_ERRORS, NotAuthorizedException: _api_unauthorized},
                tags=["drafters"],
            ),
            create_static_files_router(path="/static", directories=[STATIC], cache_control=None),
        ],
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(_environment())),
        middleware=[i18n.locale_middleware],
        dependencies=SERVICES,
        guards=[security.screen],
        before_send=[security.add_headers],
        request_max_body_size=security.MAX_BODY,
        exception_handlers={
            NotFoundException: _not_found,
            HTTPException: _http_error,
            ServiceError: _refused_page,
            OperationalError: _database_unavailable,
            InterfaceError: _database_unavailable,
            Exception: _server_error,
        },
        # The schema as JSON and YAML only: the HTML viewers load scripts from CDNs, which the CSP refuses.
        openapi_config=OpenAPIConfig(
            title="draftreview public API",
            version="1",
            path="/api/schema",
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()],
        ),
        state=State(
            {
                "db": db,
                "settings": settings,
                "writer": writer,
                "throttle": Throttle(db, settings.redis_url),
            }
        ),
        on_startup=[start],
        on_shutdown=[stop],
        debug=False,
    )
