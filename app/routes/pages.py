"""The public pages: home, reading view, comment form, receipts, language switch."""

from __future__ import annotations

from urllib.parse import quote

from anyio import to_thread
from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app import csrf
from app.i18n import LOCALES
from app.routes.common import client_address, db, error_page, is_htmx, render, settings, writer
from app.services import comments as comment_service
from app.services.comments import COMMENTER_TYPES, STATUS_LABELS, CommentInput, Submission
from app.services.consultations import list_consultations, version_view
from app.services.errors import MESSAGES, ServiceError


@get("/", name="home", sync_to_thread=True)
def home(request: Request) -> Template:
    """The consultations, open ones first."""
    return render(request, "home.html", {"consultations": list_consultations(db(request))})


@get("/c/{slug:str}", name="draft", sync_to_thread=True)
def draft(request: Request, slug: FromPath[str], version: FromQuery[int | None] = None) -> Template:
    """The reading view of the current (or the given) version."""
    try:
        view = version_view(db(request), slug, version)
    except ServiceError as error:
        return error_page(request, error)
    return render(request, "draft.html", {"view": view})


def _form_context(
    request: Request,
    slug: str,
    raw: CommentInput,
    errors: dict[str, str] | None = None,
    page_error: str | None = None,
):
    """Context for the comment form (full page or partial); ServiceError when the target is unknown."""
    view = version_view(db(request), slug)
    article = None
    if raw.target != "draft":
        article = view.article(raw.target)
        if article is None:
            raise ServiceError("target_not_found")
    return {
        "view": view,
        "article": article,
        "form": raw,
        "types": COMMENTER_TYPES,
        "errors": {name: MESSAGES[code] for name, code in (errors or {}).items()},
        "page_error": MESSAGES[page_error] if page_error else None,
    }


@get("/c/{slug:str}/comment", name="comment_form")
async def comment_form(request: Request, slug: FromPath[str], target: FromQuery[str] = "draft") -> Template:
    """The comment form for the draft, an article or a paragraph (inline partial for htmx)."""
    # async with an explicit thread hop: a sync_to_thread GET sharing its path with an async POST
    # came back unawaited in Litestar 2.25.
    try:
        context = await to_thread.run_sync(_form_context, request, slug, CommentInput(target=target))
    except ServiceError as error:
        return error_page(request, error)
    return render(request, "comment.html", context, partial="_comment_form.html")


def _read_form(form) -> CommentInput:
    return CommentInput(
        **{
            name: str(form.get(name) or "")
            for name in ("target", "content", "name", "commenter_type", "organisation", "region", "contact")
        },
        consent=form.get("consent") == "yes",
        name_consent=form.get("name_consent") == "yes",
    )


@post("/c/{slug:str}/comment", name="submit_comment")
async def submit_comment(request: Request, slug: FromPath[str]) -> Template | Redirect:
    """Stores a comment and shows its receipt; on any refusal, the form again with the user's text."""
    form = await request.form()
    raw = _read_form(form)
    try:
        if not csrf.verify(
            settings(request).secret_key, request.cookies.get(csrf.COOKIE), form.get(csrf.FIELD)
        ):
            raise ServiceError("csrf_failed")
        clean = comment_service.validate(raw)
        client = comment_service.client_hash(settings(request).secret_key, client_address(request))
        accepted = await writer(request).submit(Submission(slug, clean, client))
    except ServiceError as error:
        return await to_thread.run_sync(_refused, request, slug, raw, error)
    if is_htmx(request):
        return render(
            request,
            "_comment_done.html",
            {"receipt": accepted.receipt, "target": clean.target, "duplicate": accepted.duplicate},
        )
    return Redirect(path=f"/receipt/{accepted.receipt}?new=1", status_code=303)


def _refused(request: Request, slug: str, raw: CommentInput, error: ServiceError) -> Template:
    if error.code in ("consultation_not_found", "target_not_found") and not error.fields:
        return error_page(request, error)
    if error.code == "database_unavailable":
        # The form cannot be rebuilt without the database; the user's text is handed back to copy.
        return error_page(request, error, kept=raw.content)
    field_errors = error.fields or None
    try:
        context = _form_context(request, slug, raw, field_errors, None if field_errors else error.code)
    except ServiceError as other:
        return error_page(request, other)
    return render(request, "comment.html", context, status=error.status, partial="_comment_form.html")


@get("/receipt", name="receipt_lookup", sync_to_thread=True)
def receipt_lookup(request: Request, number: FromQuery[str] = "") -> Template | Redirect:
    """The look-up form; with ``number``, the receipt page it names."""
    if not number:
        return render(request, "receipt_lookup.html", {"number": "", "error": None})
    try:
        receipt = comment_service.get_receipt(db(request), number)
    except ServiceError as error:
        return render(
            request,
            "receipt_lookup.html",
            {"number": number, "error": MESSAGES[error.code]},
            status=error.status,
        )
    return Redirect(path=f"/receipt/{receipt.receipt}", status_code=303)


@get("/receipt/{number:str}", name="receipt", sync_to_thread=True)
def receipt(request: Request, number: FromPath[str], new: FromQuery[bool] = False) -> Template:
    """What the commenter sent (personal data masked) and its status."""
    try:
        found = comment_service.get_receipt(db(request), number)
    except ServiceError as error:
        return render(
            request,
            "receipt_lookup.html",
            {"number": number, "error": MESSAGES[error.code]},
            status=error.status,
        )
    return render(request, "receipt.html", {"receipt": found, "new": new, "status_labels": STATUS_LABELS})


@get("/lang/{code:str}", name="language", sync_to_thread=False)
def language(code: FromPath[str], next: FromQuery[str] = "/") -> Redirect:
    """Remembers the reader's language and goes back to a page of this site."""
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    cookies = (
        [Cookie(key="lang", value=code, samesite="lax", path="/", max_age=365 * 86400)]
        if code in LOCALES
        else []
    )
    return Redirect(path=quote(target, safe="/?=&-_.~%"), status_code=303, cookies=cookies)


@get("/healthz", name="health", media_type="text/plain", sync_to_thread=False)
def health() -> str:
    """Liveness probe (and the trivial GET the ingest benchmark compares against)."""
    return "ok"


@get("/readyz", name="ready", media_type="text/plain", sync_to_thread=True)
def ready(request: Request) -> str:
    """Readiness probe for a load balancer: "ok" when the database answers; a database outage becomes
    the app's 503 (see app.web) so a balancer stops sending traffic here until it is back."""
    db(request).ping()
    return "ok"


PAGES = [health, ready, home, draft, comment_form, submit_comment, receipt_lookup, receipt, language]
