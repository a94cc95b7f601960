"""Account management in the workspace (administrators only): the list of accounts, new accounts,
disabling and enabling, password resets and ending an account's sessions. The same as
``draftreview user …`` on the command line."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.db import Database
from app.routes.admin_common import admin_error, render_workspace
from app.routes.common import check_csrf, run_blocking
from app.services import auth
from app.services.auth import UserInfo
from app.services.errors import MESSAGES, N_, ServiceError

DONE = {
    "created": N_("已创建账号 %(u)s。"),
    "disabled": N_("已停用账号 %(u)s，其会话已全部结束。"),
    "enabled": N_("已启用账号 %(u)s。"),
    "reset": N_("已重设账号 %(u)s 的密码，其会话已全部结束。"),
    "ended": N_("已结束账号 %(u)s 的全部会话。"),
}


def _accounts_page(
    request: Request,
    db: Database,
    error: ServiceError | None = None,
    form=None,
    done: str = "",
    who: str = "",
) -> Template:
    return render_workspace(
        request,
        "admin/users.html",
        {
            "accounts": auth.list_users(db),
            "error": MESSAGES[error.code] if error else None,
            "form": form or {},
            "done": DONE.get(done, ""),
            "who": who,
            "roles": auth.ROLES,
        },
        status=error.status if error else 200,
    )


@get("/users", name="admin_users")
async def users(db: NamedDependency[Database], user: NamedDependency[UserInfo], request: Request) -> Template:
    """The accounts, with what an administrator may do to each."""
    try:
        auth.require_admin(user)
    except ServiceError as error:
        return admin_error(request, error)
    done, who = str(request.query_params.get("done") or ""), str(request.query_params.get("user") or "")
    # ``who`` goes into a message marked safe: only a name an account could have.
    return await run_blocking(
        _accounts_page, request, db, None, None, done, who if auth.NAME.match(who) else ""
    )


@post("/users", name="admin_user_add")
async def add(
    db: NamedDependency[Database], user: NamedDependency[UserInfo], request: Request
) -> Template | Redirect:
    """Creates an account."""
    form = await request.form()
    typed = {k: str(form.get(k) or "") for k in ("name", "role")}
    try:
        check_csrf(request, form)
        auth.require_admin(user)
        created = await run_blocking(
            auth.create_user, db, typed["name"], typed["role"], str(form.get("password") or "")
        )
    except ServiceError as error:
        if error.code in ("forbidden", "csrf_failed"):
            return admin_error(request, error)
        return await run_blocking(_accounts_page, request, db, error, typed)
    return Redirect(path=f"/admin/users?done=created&user={created.name}", status_code=303)


ACTIONS = {
    "disable": ("disabled", lambda db, name, form: auth.set_disabled(db, name, True)),
    "enable": ("enabled", lambda db, name, form: auth.set_disabled(db, name, False)),
    "reset-password": (
        "reset",
        lambda db, name, form: auth.reset_password(db, name, str(form.get("password") or "")),
    ),
    "end-sessions": ("ended", lambda db, name, form: auth.end_sessions(db, name)),
}


@post("/users/{account:str}/{action:str}", name="admin_user_action")
async def act(
    db: NamedDependency[Database],
    user: NamedDependency[UserInfo],
    request: Request,
    account: FromPath[str],
    action: FromPath[str],
) -> Template | Redirect:
    """Disables, enables, resets the password of, or ends the sessions of ``account``.

    The path parameter is not called ``name``: url_for's own first argument is."""
    form = await request.form()
    try:
        check_csrf(request, form)
        auth.require_admin(user)
        if action not in ACTIONS:
            raise ServiceError("not_found")
        done, run = ACTIONS[action]
        await run_blocking(run, db, account, form)
    except ServiceError as error:
        if error.code == "password_too_short":
            return await run_blocking(_accounts_page, request, db, error)
        return admin_error(request, error)
    return Redirect(path=f"/admin/users?done={done}&user={account}", status_code=303)


ACCOUNT_PAGES = [users, add, act]
