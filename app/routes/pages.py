"""The public pages: home, reading view, comment form, receipts, language switch."""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.db import Database
from app.i18n import LOCALES
from app.routes.common import (
    check_csrf,
    client_address,
    client_trusted,
    count_lookup,
    error_page,
    is_htmx,
    render_page,
    run_blocking,
)
from app.services import attachments, proposals
from app.services import comments as comment_service
from app.services.comments import MAX_CONTENT, STATUS_LABELS, CommentInput, Submission
from app.services.consultations import find_article, list_consultations, version_view
from app.services.errors import MESSAGES, ServiceError, retry_minutes
from app.services.rounds import matching_articles
from app.services.throttle import Throttle
from app.services.writer import CommentWriter
from app.settings import Settings
from versions.vocabulary import COMMENTER_TYPES, DISPOSITIONS


@get("/", name="home")
async def home(db: NamedDependency[Database], request: Request) -> Template:
    """The consultations, open ones first."""
    return render_page(request, "home.html", {"consultations": await run_blocking(list_consultations, db)})


@get("/c/{slug:str}", name="draft")
async def draft(
    db: NamedDependency[Database],
    request: Request,
    slug: FromPath[str],
    version: FromQuery[int | None] = None,
    go: FromQuery[str] = "",
) -> Template | Redirect:
    """The reading view of the current (or the given) round; ``go`` (the jump box: 第十三条, 十三, 13)
    sends the reader to that article, or says it was not found."""
    try:
        view = await run_blocking(version_view, db, slug, version)
    except ServiceError as error:
        return error_page(request, error)
    if go:
        found = find_article(view, go)
        if found:
            return Redirect(path=f"/c/{slug}?version={view.number}#{found.id}", status_code=303)
        return render_page(request, "draft.html", {"view": view, "go": go, "go_error": True}, status=404)
    return render_page(request, "draft.html", {"view": view})


def _offer(db: Database, slug: str, view, target: str):
    """When the round read is not taking comments: the open round and the articles of it matching
    ``target`` (from versions.align), for the message that sends the person there; None without one."""
    open_round = view.open_round
    if open_round is None or open_round.number == view.number:
        return None
    matches = []
    if target != "draft":
        matches = matching_articles(db, slug, view.number, target, open_round.number)
    return {"round": open_round, "matches": matches}


def _form_context(
    db: Database,
    slug: str,
    raw: CommentInput,
    version: int | None = None,
    errors: dict[str, str] | None = None,
    page_error: str | None = None,
    proposal_base: str = "",
    refused_file: str = "",
):
    """Context for the comment form on round ``version`` (full page or partial); ServiceError when the
    round or the target is unknown. ``proposal_base`` is the provision the proposal box was prefilled with
    (default the target); ``refused_file`` names an attachment that was refused."""
    view = version_view(db, slug, version)
    article = None
    if raw.target != "draft":
        article = view.article(raw.target)
        if article is None:
            raise ServiceError("target_not_found")
    base = proposal_base if article and view.article(proposal_base) is article else raw.target
    content = raw.content.replace("\r\n", "\n").strip()
    return {
        "view": view,
        "article": article,
        "form": raw,
        "types": COMMENTER_TYPES,
        "errors": {name: MESSAGES[code] for name, code in (errors or {}).items()},
        "page_error": MESSAGES[page_error] if page_error else None,
        # 修改建议稿: the box holds what was typed, else the current text of the provision.
        "proposal_base": base,
        "proposal_text": (raw.proposed_text or proposals.form_base(article, base)) if article else "",
        "proposal_open": bool(article)
        and proposals.changed(proposals.form_base(article, base), raw.proposed_text),
        "refused_file": refused_file,
        "limits": attachments,
        "max_content": MAX_CONTENT,
        "length": len(content),
        "offer": _offer(db, slug, view, raw.target) if view.period.state != "open" else None,
    }


@get("/c/{slug:str}/comment", name="comment_form")
async def comment_form(
    db: NamedDependency[Database],
    request: Request,
    slug: FromPath[str],
    target: FromQuery[str] = "draft",
    version: FromQuery[int | None] = None,
    propose: FromQuery[bool] = False,
) -> Template:
    """The comment form on round ``version`` for the draft, an article or a paragraph (inline partial
    for htmx); ``propose`` opens the proposed-wording box (the links choosing which paragraph to
    reword ask for it)."""
    try:
        context = await run_blocking(_form_context, db, slug, CommentInput(target=target), version)
    except ServiceError as error:
        return error_page(request, error)
    context["proposal_open"] = context["proposal_open"] or propose
    return render_page(request, "comment.html", context, partial="_comment_form.html")


def _read_form(form) -> CommentInput:
    return CommentInput(
        **{
            name: str(form.get(name) or "")
            for name in (
                "target",
                "content",
                "name",
                "commenter_type",
                "organisation",
                "region",
                "contact",
                "proposed_text",
            )
        },
        consent=form.get("consent") == "yes",
        name_consent=form.get("name_consent") == "yes",
    )


def _with_proposal(
    db: Database, slug: str, version: int | None, clean: CommentInput, base_target: str
) -> CommentInput:
    """The comment with its proposal as stored: "" when the prefilled text was left unchanged.
    ServiceError proposal_target_changed when the target was switched after the text was edited."""
    if clean.target == "draft" or not clean.proposed_text:
        return clean
    view = version_view(db, slug, version)
    article = view.article(base_target or clean.target)
    if article is None:
        raise ServiceError("target_not_found")
    proposed = proposals.proposal_for(
        proposals.form_base(article, base_target or clean.target), clean.proposed_text
    )
    if proposed and base_target and base_target != clean.target:
        raise ServiceError("proposal_target_changed", {"proposed_text": "proposal_target_changed"})
    return dataclasses.replace(clean, proposed_text=proposed)


def _read_version(form) -> int | None:
    """The round number the form was shown for (None from an old page without one: the open round)."""
    text = str(form.get("version") or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


@post(
    "/c/{slug:str}/comment",
    name="submit_comment",
    # Room for every file allowed plus one over, so that too large a set is refused with the form kept.
    request_max_body_size=(attachments.MAX_FILES + 1) * attachments.MAX_FILE,
)
async def submit_comment(
    db: NamedDependency[Database],
    settings: NamedDependency[Settings],
    writer: NamedDependency[CommentWriter],
    request: Request,
    slug: FromPath[str],
) -> Template | Redirect:
    """Stores a comment (with its proposed wording and attachments) and shows its receipt; on any
    refusal, the form again with the user's text."""
    form = await request.form()
    raw = _read_form(form)
    base_target = str(form.get("proposal_base") or "")
    version = _read_version(form)
    try:
        check_csrf(request, form)
        clean = comment_service.validate(raw)
        clean = await run_blocking(_with_proposal, db, slug, version, clean, base_target)
        files = await run_blocking(attachments.receive, settings.data_dir, form.getall("attachments", []))
        client = comment_service.client_hash(settings.secret_key, client_address(request))
        accepted = await writer.submit(
            Submission(slug, clean, client, client_trusted(request, settings), version, attachments=files)
        )
    except ServiceError as error:
        return await run_blocking(_refused, request, db, slug, raw, version, error, base_target)
    if is_htmx(request):
        return render_page(
            request,
            "_comment_done.html",
            {"receipt": accepted.receipt, "target": clean.target, "duplicate": accepted.duplicate},
        )
    return Redirect(path=f"/receipt/{accepted.receipt}?new=1", status_code=303)


def _refused(
    request: Request,
    db: Database,
    slug: str,
    raw: CommentInput,
    version: int | None,
    error: ServiceError,
    base_target: str = "",
) -> Template:
    if error.code in ("consultation_not_found", "version_not_found", "target_not_found") and not error.fields:
        return error_page(request, error, kept=raw.content)
    if error.code == "database_unavailable":
        # The form cannot be rebuilt without the database; the user's text is handed back to copy.
        return error_page(request, error, kept=raw.content)
    field_errors = error.fields or None
    try:
        context = _form_context(
            db,
            slug,
            raw,
            version,
            field_errors,
            None if field_errors else error.code,
            base_target,
            getattr(error, "filename", ""),
        )
    except ServiceError as other:
        return error_page(request, other, kept=raw.content)
    if error.retry_after:
        context["retry_minutes"] = retry_minutes(error.retry_after)
    page = render_page(request, "comment.html", context, status=error.status, partial="_comment_form.html")
    page.headers.update(error.headers)
    return page


def _lookup_refused(request: Request, number: str, error: ServiceError) -> Template:
    page = render_page(
        request,
        "receipt_lookup.html",
        {
            "number": number,
            "error": MESSAGES[error.code],
            "retry_minutes": retry_minutes(error.retry_after) if error.retry_after else None,
        },
        status=error.status,
    )
    page.headers.update(error.headers)
    return page


@get("/receipt", name="receipt_lookup")
async def receipt_lookup(
    settings: NamedDependency[Settings],
    throttle: NamedDependency[Throttle],
    db: NamedDependency[Database],
    request: Request,
    number: FromQuery[str] = "",
) -> Template | Redirect:
    """The look-up form; with ``number``, the receipt page it names."""
    if not number:
        return render_page(request, "receipt_lookup.html", {"number": "", "error": None})
    try:
        await run_blocking(count_lookup, request, settings, throttle)
        receipt = await run_blocking(comment_service.get_receipt, db, number)
    except ServiceError as error:
        return _lookup_refused(request, number, error)
    return Redirect(path=f"/receipt/{receipt.receipt}", status_code=303)


@get("/receipt/{number:str}", name="receipt")
async def receipt(
    settings: NamedDependency[Settings],
    throttle: NamedDependency[Throttle],
    db: NamedDependency[Database],
    request: Request,
    number: FromPath[str],
    new: FromQuery[bool] = False,
) -> Template:
    """What the commenter sent (personal data masked) and its status."""
    try:
        await run_blocking(count_lookup, request, settings, throttle)
        found = await run_blocking(comment_service.get_receipt, db, number)
    except ServiceError as error:
        return _lookup_refused(request, number, error)
    return render_page(
        request,
        "receipt.html",
        {"receipt": found, "new": new, "status_labels": STATUS_LABELS, "dispositions": DISPOSITIONS},
    )


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


@get("/readyz", name="ready", media_type="text/plain")
async def ready(db: NamedDependency[Database]) -> str:
    """Readiness probe for a load balancer: "ok" when the database answers; a database outage becomes
    the app's 503 (see app.web) so a balancer stops sending traffic here until it is back."""
    await run_blocking(db.ping)
    return "ok"


PAGES = [health, ready, home, draft, comment_form, submit_comment, receipt_lookup, receipt, language]
