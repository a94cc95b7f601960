"""Drafter pages for themes and the feedback report: run the analysis (progress shown while it runs),
read the themes of a round (whole draft or one article), rename, approve, merge, split and move
comments, record how a theme was handled; generate, edit, publish and download the 征求意见情况通报.
Every action is a plain form (post, then redirect back with what happened), so it works without
JavaScript; htmx only refreshes the progress."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Template

from app.db import Database, storable
from app.routes.admin_common import admin_error, render_workspace
from app.routes.common import check_csrf, run_blocking
from app.services import feedback, theme_decisions, theme_runs, themes
from app.services.auth import UserInfo
from app.services.errors import MESSAGES, N_, ServiceError
from app.services.exports import scratch_file
from app.services.outline import article_choices
from app.services.review import version_ref
from app.settings import Settings
from exporters.feedback import write_feedback

DONE = {
    "run": N_("已开始分析，完成后本页显示结果。"),
    "renamed": N_("已重命名。"),
    "approved": N_("已确认主题。"),
    "unapproved": N_("已撤销确认。"),
    "merged": N_("已合并所选主题。"),
    "split": N_("已拆分为新主题。"),
    "moved": N_("已移动所选意见。"),
    "handling": N_("已保存处理情况。"),
    "generated": N_("已根据最新数据生成通报。"),
    "saved": N_("已保存通报正文。"),
    "published": N_("通报已发布，公众可以查看。"),
    "withdrawn": N_("通报已撤回。"),
}


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isascii() and str(v).isdigit() and storable(int(v))]


def _back(path: str, **params: str) -> Redirect:
    query = "&".join(f"{k}={quote(str(v))}" for k, v in params.items() if v not in ("", None))
    return Redirect(path=f"{path}{'&' if '?' in path else '?'}{query}" if query else path, status_code=303)


def _csrf_refused(request: Request, form) -> Template | None:
    """The 403 page when the form lacks this browser's CSRF token (nothing is done then), else None."""
    try:
        check_csrf(request, form)
    except ServiceError as refused:
        return admin_error(request, refused)
    return None


def _flash(done: str, error: str) -> dict:
    return {"done": DONE.get(done), "error": MESSAGES.get(error)}


def _themes_context(db: Database, slug: str, version: int | None, article: int | None) -> dict:
    ref = version_ref(db, slug, version)
    run = theme_runs.latest_run(db, ref.version_id)
    job = theme_runs.latest_job(db, ref.version_id)
    listed = themes.list_themes(db, ref.version_id, article)
    return {
        "ref": ref,
        "run": run,
        "job": job,
        "listed": listed,
        "article": article,
        "articles": article_choices(db, ref.version_id),
        "history": themes.history(db, ref.version_id, 20),
    }


@get("/c/{slug:str}/themes", name="admin_themes")
async def theme_list(
    db: NamedDependency[Database],
    request: Request,
    slug: FromPath[str],
    version: FromQuery[int | None] = None,
    article: FromQuery[int | None] = None,
    done: FromQuery[str] = "",
    error: FromQuery[str] = "",
) -> Template:
    """The themes of a round (of one article when ``article`` is given), small ones apart, the comments
    no theme holds, and the latest run with its progress."""
    try:
        context = await run_blocking(_themes_context, db, slug, version, article)
    except ServiceError as missing:
        return admin_error(request, missing)
    return render_workspace(request, "admin/themes.html", {**context, **_flash(done, error)})


@post("/c/{slug:str}/themes/run", name="admin_themes_run")
async def run(
    db: NamedDependency[Database], user: NamedDependency[UserInfo], request: Request, slug: FromPath[str]
) -> Redirect | Template:
    """Queues the analysis of the round as a background job (or finds the one already queued)."""
    form = await request.form()
    if (refused_page := _csrf_refused(request, form)) is not None:
        return refused_page
    back = f"/admin/c/{slug}/themes?version={form.get('version') or ''}"
    try:
        number = _ids([form.get("version") or ""])
        ref = await run_blocking(version_ref, db, slug, number[0] if number else None)
        await run_blocking(theme_runs.request_analysis, db, ref.version_id, user.name)
    except ServiceError as refused:
        return _back(back, error=refused.code)
    return _back(back, done="run")


@post("/c/{slug:str}/themes/merge", name="admin_themes_merge")
async def merge(
    db: NamedDependency[Database], user: NamedDependency[UserInfo], request: Request, slug: FromPath[str]
) -> Redirect | Template:
    """Merges the ticked themes into the first ticked."""
    form = await request.form()
    if (refused_page := _csrf_refused(request, form)) is not None:
        return refused_page
    back = f"/admin/c/{slug}/themes?version={form.get('version') or ''}"
    try:
        await run_blocking(theme_decisions.merge, db, user, _ids(form.getall("themes", [])))
    except ServiceError as refused:
        return _back(back, error=refused.code)
    return _back(back, done="merged")


@get("/themes/{theme_id:int}", name="admin_theme")
async def theme(
    db: NamedDependency[Database],
    request: Request,
    theme_id: FromPath[int],
    done: FromQuery[str] = "",
    error: FromQuery[str] = "",
) -> Template:
    """One theme: its figures, representative comments, every comment, and its history."""
    try:
        detail = await run_blocking(themes.theme_detail, db, theme_id)
    except ServiceError as missing:
        return admin_error(request, missing)
    return render_workspace(
        request, "admin/theme.html", {"detail": detail, "t": detail.theme, **_flash(done, error)}
    )


@post("/themes/{theme_id:int}/{action:str}", name="admin_theme_action")
async def theme_action(
    db: NamedDependency[Database],
    user: NamedDependency[UserInfo],
    request: Request,
    theme_id: FromPath[int],
    action: FromPath[str],
) -> Redirect | Template:
    """rename, approve, unapprove, handling, split or move (the ticked comments) on theme ``theme_id``."""
    form = await request.form()
    if (refused_page := _csrf_refused(request, form)) is not None:
        return refused_page
    back = f"/admin/themes/{theme_id}"
    who = user
    comments = _ids(form.getall("comments", []))
    try:
        if action == "rename":
            await run_blocking(theme_decisions.rename, db, who, theme_id, str(form.get("label") or ""))
            done = "renamed"
        elif action in ("approve", "unapprove"):
            await run_blocking(theme_decisions.approve, db, who, theme_id, action == "approve")
            done = action + "d"
        elif action == "handling":
            await run_blocking(
                theme_decisions.set_handling, db, who, theme_id, str(form.get("handling") or "")
            )
            done = "handling"
        elif action == "split":
            new = await run_blocking(
                theme_decisions.split, db, who, theme_id, comments, str(form.get("label") or "")
            )
            return _back(f"/admin/themes/{new}", done="split")
        elif action == "move":
            target = _ids([form.get("target") or ""])
            if not target:
                raise ServiceError("theme_target_invalid")
            await run_blocking(theme_decisions.move, db, who, comments, target[0])
            done = "moved"
        else:
            return admin_error(request, ServiceError("not_found"))
    except ServiceError as refused:
        if refused.code == "theme_not_found":
            return admin_error(request, refused)
        return _back(back, error=refused.code)
    if str(form.get("back") or "").startswith("/admin/c/"):
        back = str(form.get("back"))
    return _back(back, done=done)


def _report_context(db: Database, slug: str, version: int | None) -> dict:
    ref = version_ref(db, slug, version)
    return {"ref": ref, "report": feedback.get(db, ref.version_id)}


@get("/c/{slug:str}/report", name="admin_report")
async def report(
    db: NamedDependency[Database],
    request: Request,
    slug: FromPath[str],
    version: FromQuery[int | None] = None,
    done: FromQuery[str] = "",
    error: FromQuery[str] = "",
) -> Template:
    """The round's feedback report: generate it, edit the text, publish it (administrators)."""
    try:
        context = await run_blocking(_report_context, db, slug, version)
    except ServiceError as missing:
        return admin_error(request, missing)
    return render_workspace(request, "admin/report.html", {**context, **_flash(done, error)})


@post("/c/{slug:str}/report/{action:str}", name="admin_report_action")
async def report_action(
    db: NamedDependency[Database],
    user: NamedDependency[UserInfo],
    request: Request,
    slug: FromPath[str],
    action: FromPath[str],
) -> Redirect | Template:
    """generate, save, publish or withdraw the round's report."""
    form = await request.form()
    if (refused_page := _csrf_refused(request, form)) is not None:
        return refused_page
    number = _ids([form.get("version") or ""])
    back = f"/admin/c/{slug}/report?version={number[0] if number else ''}"
    who = user
    try:
        ref = await run_blocking(version_ref, db, slug, number[0] if number else None)
        if action == "generate":
            await run_blocking(feedback.generate, db, who, ref.version_id)
            done = "generated"
        elif action == "save":
            await run_blocking(feedback.save_body, db, who, ref.version_id, str(form.get("body") or ""))
            done = "saved"
        elif action in ("publish", "withdraw"):
            await run_blocking(feedback.publish, db, who, ref.version_id, action == "publish")
            done = "published" if action == "publish" else "withdrawn"
        else:
            return admin_error(request, ServiceError("not_found"))
    except ServiceError as refused:
        if refused.code in ("consultation_not_found", "version_not_found"):
            return admin_error(request, refused)
        return _back(back, error=refused.code)
    return _back(back, done=done)


def report_file(settings: Settings, report: feedback.Report, slug: str) -> File:
    """The report as a Word file, deleted once sent."""
    path = scratch_file(settings.data_dir)
    write_feedback(report.document(), path)
    return File(
        path=path,
        filename=f"{slug}-第{report.figures['number']}轮-征求意见情况通报.docx",
        background=BackgroundTask(path.unlink, missing_ok=True),
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@get("/c/{slug:str}/report.docx", name="admin_report_docx")
async def report_docx(
    db: NamedDependency[Database],
    settings: NamedDependency[Settings],
    request: Request,
    slug: FromPath[str],
    version: FromQuery[int | None] = None,
) -> File | Template:
    """The report as it stands (published or not) as Word."""
    try:
        context = await run_blocking(_report_context, db, slug, version)
        if context["report"] is None:
            raise ServiceError("report_not_found")
    except ServiceError as missing:
        return admin_error(request, missing)
    return await run_blocking(report_file, settings, context["report"], slug)


THEME_PAGES = [theme_list, run, merge, theme, theme_action, report, report_action, report_docx]
