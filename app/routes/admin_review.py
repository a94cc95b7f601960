"""Drafter pages for reviewing comments: overview, filtered list, one comment, dispositions (single, bulk,
cluster), offline entry and clustering. Mounted under /admin behind the login guard."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlencode

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.db import Database, storable
from app.routes.admin_common import admin_error, render_workspace
from app.routes.common import check_csrf, is_htmx, run_blocking
from app.services import (
    attachments,
    comment_context,
    dispositions,
    jobs,
    offline,
    outline,
    proposals,
    review,
    totals,
)
from app.services.auth import UserInfo
from app.services.comments import RECEIPT, CommentInput
from app.services.compare import carried_to
from app.services.consultations import list_consultations
from app.services.errors import MESSAGES, ServiceError
from app.settings import Settings
from versions.vocabulary import COMMENTER_TYPES, DISPOSITIONS, SOURCES


def _date(text: str | None) -> date | None:
    # Clamped: 0001-01-01 and 9999-12-31 have no day before or after to bound a filter with.
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return min(max(day, date(1900, 1, 1)), date(2999, 12, 31)) if day else None


def read_filters(params) -> review.Filters:
    """Filters from query parameters; malformed dates and cluster ids are ignored."""
    get_ = lambda key: str(params.get(key) or "").strip()  # noqa: E731
    cluster = get_("cluster")
    # "²".isdigit() is true but int() refuses it; a number past INT_MAX names no comment.
    cluster = cluster if cluster.isascii() and cluster.isdigit() and storable(int(cluster)) else ""
    return review.Filters(
        get_("article"),
        get_("chapter"),
        get_("commenter_type"),
        get_("disposition"),
        get_("source"),
        _date(get_("date_from")),
        _date(get_("date_to")),
        int(cluster) if cluster.isdigit() else None,
        get_("q")[:200],
        get_("who")[:100],
        int(get_("version")) if get_("version").isdigit() and storable(int(get_("version"))) else None,
    )


def _choices(db: Database, version_id: int) -> dict:
    return {
        "articles": outline.article_choices(db, version_id),
        "chapters": outline.chapter_choices(db, version_id),
        "types": COMMENTER_TYPES,
        "dispositions": DISPOSITIONS,
        "sources": SOURCES,
    }


@get("/", name="admin_home")
async def home(db: NamedDependency[Database], request: Request) -> Template:
    """The consultations, each with links into its review."""
    return render_workspace(
        request, "admin/home.html", {"consultations": await run_blocking(list_consultations, db)}
    )


@get("/c/{slug:str}", name="admin_overview")
async def overview(
    db: NamedDependency[Database],
    request: Request,
    slug: FromPath[str],
    version: FromQuery[int | None] = None,
) -> Template:
    """Totals of every round (or of one: ``version``) as a chart and a table, the table of contents
    coloured by comment count."""
    try:
        ref = await run_blocking(review.version_ref, db, slug, version)
    except ServiceError as error:
        return admin_error(request, error)
    stats = await run_blocking(totals.overview, db, ref.scope(version), ref.version_id)
    rebuild = request.query_params.get("rebuild", "")
    job = (
        await run_blocking(jobs.get, db, int(rebuild))
        if rebuild.isdigit() and storable(int(rebuild))
        else None
    )
    context = {"ref": ref, "stats": stats, "round": version, "rebuild": job}
    return render_workspace(
        request, "admin/overview.html", {**context, "imported": bool(request.query_params.get("imported"))}
    )


def _list_context(request: Request, db: Database, slug: str, page_no: int) -> dict:
    filters = read_filters(request.query_params)
    ref = review.version_ref(db, slug, filters.round)
    listing = review.list_comments(db, ref.scope(filters.round), filters, page_no)
    query = filters.query_string()
    last = dispositions.history(db, ref.consultation_id, limit=5)
    done = request.query_params.get("done", "")
    return {
        "ref": ref,
        "round": filters.round,
        "filters": filters,
        "listing": listing,
        "query": urlencode(query),
        "query_dict": query,
        "bulk_history": last,
        "undoable": next((b.id for b in last if b.undone_at is None), None),
        "done": next((b for b in last if str(b.id) == done), None),
        "undone": next((b for b in last if str(b.id) == request.query_params.get("undone", "")), None),
        **_choices(db, ref.version_id),
    }


@get("/c/{slug:str}/comments", name="admin_comments")
async def comments(
    db: NamedDependency[Database], request: Request, slug: FromPath[str], page_no: FromQuery[int] = 1
) -> Template:
    """The filtered list of every round, or of round ``version`` (read with the other filters: empty
    means every round); the list alone for htmx."""
    try:
        context = await run_blocking(_list_context, request, db, slug, page_no)
    except ServiceError as error:
        return admin_error(request, error)
    return render_workspace(request, "admin/comments.html", context, partial="admin/_comments.html")


def _comment_context(db: Database, comment_id: int, params) -> dict:
    """One comment, where it went in later rounds, and its place in the list it was opened from."""
    detail = comment_context.comment_detail(db, comment_id)
    carried = carried_to(db, detail.slug, detail.version_number, detail.comment.article_node)
    filters = read_filters(params)
    ref = review.version_ref(db, detail.slug, filters.round)
    query = urlencode(filters.query_string())
    return {
        "detail": detail,
        "carried": carried,
        "filters": filters,
        "query": query,
        "near": comment_context.neighbours(db, ref.scope(filters.round), filters, comment_id),
        "dispositions": DISPOSITIONS,
        "sources": SOURCES,
        "error": None,
        "form": {},
        "extras": proposals.comment_extras(db, comment_id),  # proposed wording, attachments
    }


@get("/comments/{comment_id:int}", name="admin_comment")
async def comment(
    db: NamedDependency[Database], request: Request, comment_id: FromPath[int], saved: FromQuery[bool] = False
) -> Template:
    """One comment with the article it is on, its cluster, its disposition history, the form to answer
    it, and 上一条 / 下一条 / 下一条未处理 within the list (the filters come along in the query)."""
    try:
        context = await run_blocking(_comment_context, db, comment_id, request.query_params)
    except ServiceError as error:
        return admin_error(request, error)
    return render_workspace(
        request, "admin/comment.html", {**context, "saved": saved}, partial="admin/_comment.html"
    )


@post("/comments/{comment_id:int}/disposition", name="admin_dispose")
async def dispose(
    db: NamedDependency[Database],
    user: NamedDependency[UserInfo],
    request: Request,
    comment_id: FromPath[int],
) -> Template | Redirect:
    """Records a disposition; the comment again (with the error and what was typed, if refused)."""
    form = await request.form()
    value, reason = str(form.get("value") or ""), str(form.get("reason") or "")
    back = str(form.get("query") or "")
    params = dict(parse_qsl(back))
    error = None
    try:
        check_csrf(request, form)
        await run_blocking(dispositions.dispose, db, user, value, reason, comment_ids=[comment_id])
    except ServiceError as refused:
        error = refused
    if error is None and not is_htmx(request):
        query = urlencode({**params, "saved": "1"})
        return Redirect(path=f"/admin/comments/{comment_id}?{query}", status_code=303)
    try:
        context = await run_blocking(_comment_context, db, comment_id, params)
    except ServiceError as missing:
        return admin_error(request, missing)
    return render_workspace(
        request,
        "admin/comment.html",
        {
            **context,
            "saved": error is None,
            "error": MESSAGES[error.code] if error else None,
            "form": {"value": value, "reason": reason} if error else {},
        },
        status=error.status if error else 200,
        partial="admin/_comment.html",
    )


def _offline_context(
    db: Database,
    slug: str,
    version: int | None,
    raw: offline.OfflineInput,
    errors: dict[str, str] | None = None,
    done: str | None = None,
) -> dict:
    ref = review.version_ref(db, slug, version)
    return {
        "ref": ref,
        "form": raw,
        "errors": {k: MESSAGES[v] for k, v in (errors or {}).items()},
        "done": done,
        **_choices(db, ref.version_id),
    }


@get("/c/{slug:str}/offline", name="admin_offline")
async def offline_form(
    db: NamedDependency[Database],
    request: Request,
    slug: FromPath[str],
    version: FromQuery[int | None] = None,
    done: FromQuery[str] = "",
) -> Template:
    """The form for a letter, e-mail or contact point submission; after one is stored, the next one's
    form keeps its source, source note and received date (a batch from one contact point)."""
    kept = {
        k: str(request.query_params.get(k) or "")[:200] for k in ("source", "source_detail", "received_on")
    }
    try:
        context = await run_blocking(
            _offline_context,
            db,
            slug,
            version,
            offline.OfflineInput(
                CommentInput(target="draft"),
                kept["source"] or "letter",
                kept["source_detail"],
                kept["received_on"],
            ),
            None,
            done if RECEIPT.match(done) else None,
        )
    except ServiceError as error:
        return admin_error(request, error)
    return render_workspace(request, "admin/offline.html", context)


@post(
    "/c/{slug:str}/offline",
    name="admin_offline_submit",
    request_max_body_size=(attachments.MAX_FILES + 1) * attachments.MAX_FILE,
)
async def offline_submit(
    db: NamedDependency[Database],
    settings: NamedDependency[Settings],
    user: NamedDependency[UserInfo],
    request: Request,
    slug: FromPath[str],
) -> Template | Redirect:
    """Stores the offline comment, then an empty form for the next one (or this one with its errors)."""
    form = await request.form()
    field = lambda key: str(form.get(key) or "")  # noqa: E731
    raw = offline.OfflineInput(
        CommentInput(
            field("target") or "draft",
            field("content"),
            field("name"),
            field("commenter_type"),
            field("organisation"),
            field("region"),
            field("contact"),
            True,
        ),
        field("source"),
        field("source_detail"),
        field("received_on"),
    )
    version = int(field("version")) if field("version").isdigit() else None
    try:
        check_csrf(request, form)
        ref = await run_blocking(review.version_ref, db, slug, version)
        files = await run_blocking(attachments.receive, settings.data_dir, form.getall("attachments", []))
        receipt = await run_blocking(offline.enter, db, user, ref.version_id, raw, files=files)
    except ServiceError as error:
        try:
            context = await run_blocking(
                _offline_context, db, slug, version, raw, error.fields or {"page": error.code}
            )
        except ServiceError as other:
            return admin_error(request, other)
        return render_workspace(request, "admin/offline.html", context, status=error.status)
    kept = urlencode(
        {"version": ref.number, "done": receipt, "source": raw.source, "source_detail": raw.source_detail}
        | {"received_on": raw.received_on}
    )
    return Redirect(path=f"/admin/c/{slug}/offline?{kept}", status_code=303)


@post("/c/{slug:str}/cluster", name="admin_cluster")
async def cluster(
    db: NamedDependency[Database], user: NamedDependency[UserInfo], request: Request, slug: FromPath[str]
) -> Template | Redirect:
    """Starts a from-scratch rebuild of a version's near-duplicate clusters as a background job (new
    comments join their clusters without it)."""
    form = await request.form()
    try:
        check_csrf(request, form)
        number = str(form.get("version") or "")
        ref = await run_blocking(review.version_ref, db, slug, int(number) if number.isdigit() else None)
        job_id = await run_blocking(
            jobs.enqueue,
            db,
            "clusters.rebuild",
            {"version_id": ref.version_id},
            user=user.name,
            dedupe=True,
        )
    except ServiceError as error:
        return admin_error(request, error)
    return Redirect(path=f"/admin/c/{slug}?version={ref.number}&rebuild={job_id}", status_code=303)


REVIEW_PAGES = [
    home,
    overview,
    comments,
    comment,
    dispose,
    offline_form,
    offline_submit,
    cluster,
]
