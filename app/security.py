"""Defences every request and response gets, whatever handler serves it.

- ``add_headers`` (a ``before_send`` hook, so it also covers 404s, static files and error pages): a
  Content-Security-Policy that allows no inline script or style and nothing from other sites, and the usual
  companions (nosniff, Referrer-Policy, X-Frame-Options, Permissions-Policy; HSTS over https; no-store on
  the drafters' pages, which show personal data).
- ``screen`` (an app-wide guard, run before any handler reads its arguments): refuses unsafe requests from
  other sites (``Origin``, else ``Sec-Fetch-Site``), API posts that are not JSON (no handler checks the
  content type again), bodies over the limit and bodies that cannot be read (broken multipart, bytes that
  are not UTF-8, NUL characters, which no database column can hold), each with its own stable code. The
  body is parsed here once; Litestar caches it, so the handler reads the same form or JSON.

app/web.py renders these refusals: as a page of the public site or the workspace, or as the API's JSON body.

CSRF tokens stay where they are (app/csrf.py, checked by each form handler so that a refused comment form
comes back with what the user typed); the origin check is a second, independent line.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes, urlsplit

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException, SerializationException
from litestar.handlers import BaseRouteHandler

from app.services.errors import ServiceError

# Comment forms are a few kB; a drafter's bulk disposition of a whole list stays far below this. The upload
# route sets its own, larger limit (app/services/uploads.py MAX_UPLOAD).
MAX_BODY = 1024 * 1024

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()",
}
HSTS = "max-age=31536000"
PRIVATE_PREFIXES = ("/admin", "/api/v1/admin")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Encoded once: this hook runs for every response, the cheapest GET included.
_ENCODED = tuple((name.encode(), value.encode()) for name, value in HEADERS.items())
_HSTS = ((b"strict-transport-security", HSTS.encode()),)
_NO_STORE = ((b"cache-control", b"no-store"),)


async def add_headers(message: dict, scope: dict) -> None:
    """Adds the security headers to the start of every HTTP response (a header the handler set wins)."""
    if message["type"] != "http.response.start":
        return
    headers: list = message.setdefault("headers", [])
    present = {bytes(name).lower() for name, _ in headers}
    wanted = _ENCODED
    if scope.get("scheme") == "https":
        wanted = wanted + _HSTS
    if scope.get("path", "").startswith(PRIVATE_PREFIXES):
        wanted = wanted + _NO_STORE
    headers.extend(pair for pair in wanted if pair[0] not in present)


def _cross_site(connection: ASGIConnection) -> bool:
    """True when the browser says this request was made by a page of another site."""
    origin = connection.headers.get("origin")
    if origin is not None:
        # Compared by host and port only: behind a TLS-terminating proxy the app sees http, the browser https.
        # A proxy that rewrites Host passes the browser's in X-Forwarded-Host; a page of another site cannot
        # set that header on a form post (and a script needs CORS, which this site does not grant).
        hosts = {connection.headers.get(name, "").lower() for name in ("host", "x-forwarded-host")} - {""}
        return origin == "null" or urlsplit(origin).netloc.lower() not in hosts
    return connection.headers.get("sec-fetch-site") == "cross-site"


def _has_nul(value: Any) -> bool:
    """True when a string anywhere in ``value`` (str, list, dict, upload file name) holds a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, UploadFile):
        return "\x00" in (value.filename or "")
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


async def _read_json(request: Request) -> Any:
    """The JSON body of an API post; ServiceError unsupported_media_type, text_invalid, invalid_request."""
    if request.content_type[0] != "application/json":
        raise ServiceError("unsupported_media_type")
    try:
        (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise ServiceError("text_invalid") from None
    try:
        return await request.json()
    except (SerializationException, RecursionError):  # RecursionError: JSON nested thousands deep
        raise ServiceError("invalid_request") from None


async def _read_form(request: Request) -> dict[str, list]:
    """The fields of a form post (Litestar keeps the parsed form for the handler); ServiceError form_invalid,
    text_invalid; the 413 of an oversized body passes through."""
    content_type = request.content_type[0]
    if content_type not in FORM_TYPES:
        raise ServiceError("form_invalid")
    try:
        if content_type == FORM_TYPES[0]:
            body = await request.body()
            if len(body) > MAX_BODY:  # routes taking files allow more, but only multipart carries files
                raise ServiceError("request_too_large")
            # Litestar decodes percent escapes with errors="replace"; a strict pass first refuses bytes that
            # are not UTF-8 instead of storing U+FFFD in their place.
            parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
        form = await request.form()
    except (UnicodeDecodeError, LookupError):  # LookupError: a part names an unknown charset
        raise ServiceError("text_invalid") from None
    except ClientException as error:  # broken, truncated or boundary-less multipart
        if error.status_code == 413:
            raise
        raise ServiceError("form_invalid") from None
    return form.dict()


async def _close_uploads(form: dict[str, list]) -> None:
    """Closes the spooled files of a form that will not reach its handler."""
    for items in form.values():
        for item in items:
            if isinstance(item, UploadFile):
                await item.close()


async def screen(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """ServiceError for a request no handler should see: cross_origin, unsupported_media_type,
    invalid_request, form_invalid, text_invalid or request_too_large (see the module doc)."""
    if "\x00" in connection.scope["path"] or b"\x00" in unquote_to_bytes(connection.scope["query_string"]):
        raise ServiceError("text_invalid")
    if connection.scope["method"] in SAFE_METHODS:
        return
    if _cross_site(connection):
        raise ServiceError("cross_origin")
    request: Request = connection  # type: ignore[assignment]  # HTTP guards are given the Request
    try:
        if "content-type" not in request.headers and not await request.body():
            return  # nothing to read: the handler refuses what is missing (its CSRF token, its data)
        body = await (
            _read_json(request) if connection.scope["path"].startswith("/api/") else _read_form(request)
        )
    except ClientException as error:
        if error.status_code == 413:
            raise ServiceError("request_too_large") from None
        raise
    if _has_nul(body):
        if not connection.scope["path"].startswith("/api/"):
            await _close_uploads(body)
        raise ServiceError("text_invalid")
