"""The Litestar application for the public consultation site."""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.exceptions import HTTPException, NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from app import i18n
from app.db import Database
from app.routes.api import api_router
from app.routes.common import render
from app.routes.pages import PAGES
from app.services.bootstrap import prepare
from app.services.errors import N_
from app.services.writer import CommentWriter
from app.settings import Settings, load_settings

log = logging.getLogger("draftreview")
ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                              trim_blocks=True, lstrip_blocks=True)
    i18n.install(environment)
    return environment


def _not_found(request: Request, _: NotFoundException) -> Template:
    return render(request, "error.html", {"code": "not_found", "message": N_("找不到该页面。")}, status=404)


def _http_error(request: Request, error: HTTPException) -> Template:
    return render(request, "error.html", {"code": "http_error", "message": N_("请求无法处理，请返回重试。")},
                  status=error.status_code)


def _server_error(request: Request, error: Exception) -> Template:
    log.error("unhandled error on %s", request.url.path, exc_info=error)
    return render(request, "error.html", {"code": "internal_error", "message": N_("服务器出现问题，请稍后重试。")},
                  status=500)


def create_app(settings: Settings | None = None, db: Database | None = None) -> Litestar:
    """The app on ``settings`` (default: from the environment); migrates and seeds ``db`` when not given."""
    settings = settings or load_settings()
    db = db or prepare(settings)
    writer = CommentWriter(db, settings)

    async def start(app: Litestar) -> None:
        writer.start()

    async def stop(app: Litestar) -> None:
        writer.stop()

    return Litestar(
        route_handlers=[*PAGES, api_router,
                        create_static_files_router(path="/static", directories=[STATIC],
                                                   cache_control=None)],
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(_environment())),
        middleware=[i18n.locale_middleware],
        exception_handlers={NotFoundException: _not_found, HTTPException: _http_error,
                            Exception: _server_error},
        openapi_config=OpenAPIConfig(title="draftreview public API", version="1", path="/api/schema"),
        state=State({"db": db, "settings": settings, "writer": writer}),
        on_startup=[start], on_shutdown=[stop], debug=False)
