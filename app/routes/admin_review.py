"""Drafter pages for reviewing comments: overview, filtered list, one comment, dispositions (single, bulk,
cluster), offline entry and clustering. Mounted under /admin behind the login guard."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.db import storable
from app.routes.admin_common import admin_error, call, check_csrf, page, user
from app.routes.common import db, is_htmx, settings
from app.services import attachments, dispositions, jobs, offline, proposals, review
from app.services.comments import COMMENTER_TYPES, CommentInput
from app.services.compare import carried_to
from app.services.consultations import list_consultations
from app.services.errors import MESSAGES, ServiceError

FILTER_KEYS = (
    "article",
    "chapter",
    "commenter_type",
    "disposition",
    "source",
    "date_from",
    "date_to",
    "cluster",
    "q",
)


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
    )


def _choices(request: Request, version_id: int) -> dict:
    return {
        "articles": review.article_choices(db(request), version_id),
        "chapters": review.chapter_choices(db(request), version_id),
        "types": COMMENTER_TYPES,
        "dispositions": review.DISPOSITIONS,
        "sources": review.SOURCES,
    }


@get("/", name="admin_home")
async def home(request: Request) -> Template:
    """The consultations, each with links into its review."""
    return page(request, "admin/home.html", {"consultations": await call(list_consultations, db(request))})


@get("/c/{slug:str}", name="admin_overview")
async def overview(request: Request, slug: FromPath[str], version: FromQuery[int | None] = None) -> Template:
    """Totals of a version as a chart and a table, the table of contents coloured by comment count."""
    try:
        ref = await call(review.version_ref, db(request), slug, version)
    except ServiceError as error:
        return admin_error(request, error)
    stats = await call(review.overview, db(request), ref.version_id)
    rebuild = request.query_params.get("rebuild", "")
    job = (
        await call(jobs.get, db(request), int(rebuild))
        if rebuild.isdigit() and storable(int(rebuild))
        else None
    )
    return page(request, "admin/overview.html", {"ref": ref, "stats": stats, "rebuild": job})


def _list_context(request: Request, slug: str, version: int | None, page_no: int) -> dict:
    ref = review.version_ref(db(request), slug, version)
    filters = read_filters(request.query_params)
    listing = review.list_comments(db(request), ref.version_id, filters, page_no)
    query = {**filters.query_string(), "version": str(ref.number)}
    return {
        "ref": ref,
        "filters": filters,
        "listing": listing,
        "query": urlencode(query),
        "query_dict": query,
        **_choices(request, ref.version_id),
    }


@get("/c/{slug:str}/comments", name="admin_comments")
async def comments(
    request: Request, slug: FromPath[str], version: FromQuery[int | None] = None, page_no: FromQuery[int] = 1
) -> Template:
    """The filtered, searchable list (the list alone for htmx)."""
    try:
        context = await call(_list_context, request, slug, version, page_no)
    except ServiceError as error:
        return admin_error(request, error)
    return page(request, "admin/comments.html", context, partial="admin/_comments.html")


@get("/comments/{comment_id:int}", name="admin_comment")
async def comment(request: Request, comment_id: FromPath[int], saved: FromQuery[bool] = False) -> Template:
    """One comment with its disposition history and the form to answer it."""
    try:
        detail = await call(review.comment_detail, db(request), comment_id)
    except ServiceError as error:
        return admin_error(request, error)
    carried = await call(
        carried_to, db(request), detail.slug, detail.version_number, detail.comment.article_node
    )
    return page(
        request,
        "admin/comment.html",
        {
            "detail": detail,
            "dispositions": review.DISPOSITIONS,
            "sources": review.SOURCES,
            "error": None,
            "form": {},
            "saved": saved,
            "carried": carried,
            "extras": await call(proposals.comment_extras, db(request), comment_id),
        },
        partial="admin/_comment.html",
    )


@post("/comments/{comment_id:int}/disposition", name="admin_dispose")
async def dispose(request: Request, comment_id: FromPath[int]) -> Template | Redirect:
    """Records a disposition; the comment again (with the error and what was typed, if refused)."""
    form = await request.form()
    value, reason = str(form.get("value") or ""), str(form.get("reason") or "")
    error = None
    try:
        check_csrf(request, form)
        await call(dispositions.dispose, db(request), user(request), value, reason, comment_ids=[comment_id])
    except ServiceError as refused:
        error = refused
    try:
        detail = await call(review.comment_detail, db(request), comment_id)
    except ServiceError as missing:
        return admin_error(request, missing)
    if error is None and not is_htmx(request):
        return Redirect(path=f"/admin/comments/{comment_id}?saved=1", status_code=303)
    carried = await call(
        carried_to, db(request), detail.slug, detail.version_number, detail.comment.article_node
    )
    return page(
        request,
        "admin/comment.html",
        {
            "carried": carried,
            "detail": detail,
            "dispositions": review.DISPOSITIONS,
            "sources": review.SOURCES,
            "saved": error is None,
            "error": MESSAGES[error.code] if error else None,
            "form": {"value": value, "reason": reason},
            "extras": await call(proposals.comment_extras, db(request), comment_id),
        },
        status=error.status if error else 200,
        partial="admin/_comment.html",
    )


@post("/c/{slug:str}/dispositions", name="admin_dispose_bulk")
async def dispose_bulk(request: Request, slug: FromPath[str]) -> Template | Redirect:
    """One disposition for the ticked comments, or for every member of a cluster."""
    form = await request.form()
    back = str(form.get("back") or "")
    try:
        check_csrf(request, form)
        cluster = str(form.get("cluster_id") or "")
        ids = [int(i) for i in form.getall("ids", []) if str(i).isdigit()]
        count = await call(
            dispositions.dispose,
            db(request),
            user(request),
            str(form.get("value") or ""),
            str(form.get("reason") or ""),
            comment_ids=ids,
            cluster_id=int(cluster) if cluster.isdigit() else None,
        )
    except ServiceError as error:
        return admin_error(request, error)
    target = back if back.startswith(f"/admin/c/{slug}/comments") else f"/admin/c/{slug}/comments"
    separator = "&" if "?" in target else "?"
    return Redirect(path=f"{target}{separator}answered={count}", status_code=303)


def _offline_context(
    request: Request,
    slug: str,
    version: int | None,
    raw: offline.OfflineInput,
    errors: dict[str, str] | None = None,
    done: str | None = None,
) -> dict:
    ref = review.version_ref(db(request), slug, version)
    return {
        "ref": ref,
        "form": raw,
        "errors": {k: MESSAGES[v] for k, v in (errors or {}).items()},
        "done": done,
        **_choices(request, ref.version_id),
    }


@get("/c/{slug:str}/offline", name="admin_offline")
async def offline_form(
    request: Request, slug: FromPath[str], version: FromQuery[int | None] = None, done: FromQuery[str] = ""
) -> Template:
    """The form for a letter, e-mail or contact point submission."""
    try:
        context = await call(
            _offline_context,
            request,
            slug,
            version,
            offline.OfflineInput(CommentInput(target="draft")),
            None,
            done or None,
        )
    except ServiceError as error:
        return admin_error(request, error)
    return page(request, "admin/offline.html", context)


@post(
    "/c/{slug:str}/offline",
    name="admin_offline_submit",
    request_max_body_size=(attachments.MAX_FILES + 1) * attachments.MAX_FILE,
)
async def offline_submit(request: Request, slug: FromPath[str]) -> Template | Redirect:
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
        ref = await call(review.version_ref, db(request), slug, version)
        files = await call(attachments.receive, settings(request).data_dir, form.getall("attachments", []))
        receipt = await call(offline.enter, db(request), user(request), ref.version_id, raw, files=files)
    except ServiceError as error:
        try:
            context = await call(
                _offline_context, request, slug, version, raw, error.fields or {"page": error.code}
            )
        except ServiceError as other:
            return admin_error(request, other)
        return page(request, "admin/offline.html", context, status=error.status)
    return Redirect(path=f"/admin/c/{slug}/offline?version={ref.number}&done={receipt}", status_code=303)


@post("/c/{slug:str}/cluster", name="admin_cluster")
async def cluster(request: Request, slug: FromPath[str]) -> Template | Redirect:
    """Starts a from-scratch rebuild of a version's near-duplicate clusters as a background job (new
    comments join their clusters without it)."""
    form = await request.form()
    try:
        check_csrf(request, form)
        number = str(form.get("version") or "")
        ref = await call(review.version_ref, db(request), slug, int(number) if number.isdigit() else None)
        job_id = await call(
            jobs.enqueue,
            db(request),
            "clusters.rebuild",
            {"version_id": ref.version_id},
            user=user(request).name,
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
    dispose_bulk,
    offline_form,
    offline_submit,
    cluster,
]
