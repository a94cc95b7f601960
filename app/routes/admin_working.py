"""Drafter pages for the next round (issue 17): the working draft (create, edit article by article,
publish), the wordings commenters proposed, side by side with the most common first, adopted wholly or
edited, and the attachments of comments, downloaded by drafters only."""

from __future__ import annotations

import secrets
from datetime import timedelta

from litestar import Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Template

from app.db import Database, utcnow
from app.routes.admin_common import admin_error, render_workspace
from app.routes.admin_versions import _date
from app.routes.common import check_csrf, run_blocking
from app.services import attachment_rows, attachments, proposals, rounds, uploads, working
from app.services.auth import UserInfo, require_admin
from app.services.errors import MESSAGES, ServiceError
from app.services.review import version_ref
from app.settings import Settings
from app.timeutil import today
from exporters.draft import write_draft
from versions import ParseError, parse_bytes
from versions.diff import diff


def _working_context(db: Database, slug: str) -> dict:
    draft = working.get_working(db, slug)
    ref = version_ref(db, slug)
    context = {"ref": ref, "draft": draft, "groups": [], "opens": today(utcnow())}
    context["closes"] = context["opens"] + timedelta(days=30)
    if draft is not None:
        context["groups"] = [
            g for v in working.published_version_ids(db, slug) for g in proposals.groups(db, v)
        ]
        context["changed"] = {a.node_id for a in draft.articles if a.text != a.base_text}
    return context


@get("/c/{slug:str}/working", name="admin_working")
async def working_page(db: NamedDependency[Database], request: Request, slug: FromPath[str]) -> Template:
    """The round being prepared: its articles (changed ones marked), the proposals received on the
    round it was made from, and the form that publishes it; or the button that creates it."""
    try:
        context = await run_blocking(_working_context, db, slug)
    except ServiceError as error:
        return admin_error(request, error)
    return render_workspace(request, "admin/working.html", {**context, "error": None})


@post("/c/{slug:str}/working", name="admin_working_create")
async def create(db: NamedDependency[Database], request: Request, slug: FromPath[str]) -> Template | Redirect:
    """Creates the working draft from the latest published round."""
    form = await request.form()
    try:
        check_csrf(request, form)
        await run_blocking(working.create_working, db, slug)
    except ServiceError as error:
        return admin_error(request, error)
    return Redirect(path=f"/admin/c/{slug}/working", status_code=303)


def _article_context(db: Database, slug: str, node: str) -> dict:
    draft = working.get_working(db, slug)
    if draft is None:
        raise ServiceError("working_draft_missing")
    article = next((a for a in draft.articles if a.node_id == node), None)
    if article is None:
        raise ServiceError("provision_not_found")
    groups = [
        g
        for v in working.published_version_ids(db, slug)
        for g in proposals.groups(db, v)
        if working.article_node(g.target) == node
    ]
    return {
        "ref": version_ref(db, slug),
        "draft": draft,
        "article": article,
        "segments": diff(article.base_text or "", article.text),
        "groups": groups,
        "adopted": proposals.adopted_by_article(db, draft.version_id).get(node, []),
    }


@get("/c/{slug:str}/working/{node:str}", name="admin_working_article")
async def article_page(
    db: NamedDependency[Database],
    request: Request,
    slug: FromPath[str],
    node: FromPath[str],
    saved: FromQuery[bool] = False,
) -> Template:
    """One article of the working draft: its text to edit, its changes against the published round, and
    the wordings proposed for it and its paragraphs, each with the form that adopts it."""
    try:
        context = await run_blocking(_article_context, db, slug, node)
    except ServiceError as error:
        return admin_error(request, error)
    return render_workspace(request, "admin/working_article.html", {**context, "error": None, "saved": saved})


@post("/c/{slug:str}/working/{node:str}", name="admin_working_save")
async def save(
    db: NamedDependency[Database], request: Request, slug: FromPath[str], node: FromPath[str]
) -> Template | Redirect:
    """Saves the edited article; the page again with the text kept when it is refused."""
    form = await request.form()
    text = str(form.get("text") or "")
    try:
        check_csrf(request, form)
        await run_blocking(working.save_article, db, slug, node, text)
    except ServiceError as error:
        try:
            context = await run_blocking(_article_context, db, slug, node)
        except ServiceError:  # no page to go back to (no working draft): the refusal itself
            return admin_error(request, error)
        kept = {
            **context,
            "article": context["article"].__class__(**{**vars(context["article"]), "text": text}),
        }
        return render_workspace(
            request,
            "admin/working_article.html",
            {**kept, "error": MESSAGES[error.code], "saved": False},
            status=error.status,
        )
    return Redirect(path=f"/admin/c/{slug}/working/{node}?saved=1", status_code=303)


@post("/c/{slug:str}/adopt", name="admin_adopt")
async def adopt(
    db: NamedDependency[Database], user: NamedDependency[UserInfo], request: Request, slug: FromPath[str]
) -> Template | Redirect:
    """Adopts a proposed wording (as proposed or as edited in the form) into the working draft for
    every comment that proposed it; back to the article of the working draft."""
    form = await request.form()
    ids = [int(v) for v in form.getall("comment", []) if str(v).isdigit()]
    try:
        check_csrf(request, form)
        adopted = await run_blocking(proposals.adopt, db, ids, str(form.get("text") or ""), user)
    except ServiceError as error:
        return admin_error(request, error)
    node = working.article_node(adopted.node_id)
    return Redirect(path=f"/admin/c/{slug}/working/{node}?saved=1", status_code=303)


@post("/c/{slug:str}/working-publish", name="admin_working_publish")
async def publish(
    db: NamedDependency[Database], user: NamedDependency[UserInfo], request: Request, slug: FromPath[str]
) -> Template | Redirect:
    """Publishes the working draft as the next round, then shows its comparison with the round before."""
    form = await request.form()
    try:
        check_csrf(request, form)
        require_admin(user)  # publishing a round is the administrators' (issue 13)
        draft = await run_blocking(working.get_working, db, slug)
        if draft is None:
            raise ServiceError("working_draft_missing")
        opens, closes = _date(str(form.get("opens") or "")), _date(str(form.get("closes") or ""))
        await run_blocking(rounds.publish, db, slug, draft.number, opens, closes)
    except ServiceError as error:
        try:
            context = await run_blocking(_working_context, db, slug)
        except ServiceError:
            return admin_error(request, error)
        return render_workspace(
            request, "admin/working.html", {**context, "error": MESSAGES[error.code]}, status=error.status
        )
    return Redirect(
        path=f"/admin/c/{slug}/compare?old={draft.base_number}&new={draft.number}", status_code=303
    )


@get("/c/{slug:str}/working-export", name="admin_working_export")
async def export_docx(
    db: NamedDependency[Database], settings: NamedDependency[Settings], request: Request, slug: FromPath[str]
) -> File | Template:
    """The working draft as a Word document, to edit outside and import back."""
    try:
        number, draft = await run_blocking(working.working_draft, db, slug)
        path = settings.data_dir / f".working-{secrets.token_hex(8)}.docx"
        await run_blocking(write_draft, draft, path)
    except ServiceError as error:
        return admin_error(request, error)
    return File(
        path=path,
        filename=f"{slug}-v{number}-工作稿.docx",
        background=BackgroundTask(path.unlink, missing_ok=True),
        media_type=attachments.MEDIA_TYPES["docx"],
    )


@post(
    "/c/{slug:str}/working-import",
    name="admin_working_import",
    request_max_body_size=uploads.MAX_UPLOAD + 65536,
)
async def import_docx(
    db: NamedDependency[Database], request: Request, slug: FromPath[str]
) -> Template | Redirect:
    """Replaces the working draft with an edited Word (or text) file, read by the draft parser."""
    form = await request.form()
    try:
        check_csrf(request, form)
        file = form.get("file")
        if file is None or isinstance(file, str) or not file.filename:
            raise uploads.UploadRefused("upload_missing")
        data = await file.read()
        if len(data) > uploads.MAX_UPLOAD:
            raise uploads.UploadRefused("upload_too_large")
        if not file.filename.lower().endswith(uploads.SUFFIXES):
            raise uploads.UploadRefused("upload_type_invalid")
        try:
            draft = await run_blocking(parse_bytes, data, file.filename)
        except ParseError as error:
            raise uploads.UploadRefused("parse_failed", error.message) from None
        await run_blocking(working.replace_working, db, slug, draft)
    except ServiceError as error:
        try:
            context = await run_blocking(_working_context, db, slug)
        except ServiceError:
            return admin_error(request, error)
        message = MESSAGES[error.code] + (getattr(error, "detail", "") or "")
        return render_workspace(
            request, "admin/working.html", {**context, "error": message}, status=error.status
        )
    return Redirect(path=f"/admin/c/{slug}/working?imported=1", status_code=303)


@get("/attachments/{attachment_id:int}", name="admin_attachment")
async def attachment(
    db: NamedDependency[Database],
    settings: NamedDependency[Settings],
    request: Request,
    attachment_id: FromPath[int],
) -> File | Template:
    """A comment's attachment, as a download (never shown inline), for drafters only."""
    try:
        found = await run_blocking(attachment_rows.find, db, settings.data_dir, attachment_id)
    except ServiceError as error:
        return admin_error(request, error)
    path, name, kind = found
    return File(
        path=path,
        filename=name,
        media_type=attachments.MEDIA_TYPES[kind],
        content_disposition_type="attachment",
    )


@post("/attachments/{attachment_id:int}/personal", name="admin_attachment_personal")
async def mark_personal(
    db: NamedDependency[Database], request: Request, attachment_id: FromPath[int]
) -> Template | Redirect:
    """Records the office's decision whether an attachment carries personal data (erasure removes it)."""
    form = await request.form()
    try:
        check_csrf(request, form)
        comment_id = await run_blocking(
            attachment_rows.set_personal, db, attachment_id, form.get("personal") == "yes"
        )
    except ServiceError as error:
        return admin_error(request, error)
    return Redirect(path=f"/admin/comments/{comment_id}", status_code=303)


WORKING_PAGES = [
    working_page,
    create,
    article_page,
    save,
    adopt,
    publish,
    export_docx,
    import_docx,
    attachment,
    mark_personal,
]
