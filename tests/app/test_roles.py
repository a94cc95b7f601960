"""Every drafter route walked as anonymous, drafter and administrator: anonymous visitors are sent to the
login (the API answers 401), drafters may answer but not manage accounts, publish rounds or answers or
export personal data (403), administrators may do everything. The accounts' command line too."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import models
from app.db import utcnow
from app.i18n import format_date
from app.services import auth
from app.services.errors import MESSAGES
from app.services.review import version_ref
from tests.app.helpers import PASSWORD, page_token
from tests.app.live import ROOT, app_command

SLUG = "hlj-digital-economy"
ADMIN_ONLY = {
    ("GET", "/admin/users"),
    ("POST", "/admin/users"),
    ("POST", "/admin/users/{account:str}/{action:str}"),
    ("POST", "/admin/c/{slug:str}/rounds/{number:int}/publish"),
    ("POST", "/admin/c/{slug:str}/rounds/{number:int}/answers"),
    ("POST", "/admin/c/{slug:str}/working-publish"),
}
VALUES = {
    "slug": SLUG,
    "comment_id": "1",
    "number": "2",
    "account": "someone",
    "action": "end-sessions",
    "kind": "summary",
    "theme_id": "1",
    "job_id": "1",
    "node": "art-13",
    "attachment_id": "1",
}


def routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every drafter route but the login and the logout (which would end the
    session the walk goes on with; tests/app/test_admin_auth.py covers both)."""
    found = []
    for route in app.routes:
        if not route.path.startswith(("/admin", "/api/v1/admin")) or route.path in (
            "/admin/login",
            "/admin/logout",
        ):
            continue
        found += [(m, route.path) for m in sorted(getattr(route, "methods", ())) if m in ("GET", "POST")]
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+):\w+\}", lambda m: VALUES[m.group(1)], path)


@pytest.fixture
def walker(demo_client, demo):
    """The client and a session cookie per role."""
    auth.create_user(demo, "someone", "drafter", PASSWORD)
    cookies = {}
    for name, role in (("drafter1", "drafter"), ("admin1", "admin")):
        auth.create_user(demo, name, role, PASSWORD)
        cookies[role] = auth.login(demo, name, PASSWORD)[0]
    token = page_token(demo_client)
    return demo_client, cookies, token


def request(client, method: str, path: str, session: str | None, token: str):
    client.cookies.delete("draftreview_session")
    if session:
        client.cookies.set("draftreview_session", session)
    if method == "GET":
        return client.get(path, follow_redirects=False)
    if path.startswith("/api/"):
        return client.post(path, json={}, follow_redirects=False)
    return client.post(path, data={"_csrf_token": token}, follow_redirects=False)


def test_every_route_as_anonymous_drafter_and_administrator(walker):
    client, cookies, token = walker
    walked = routes(client.app)
    assert len(walked) >= 25
    for method, template in walked:
        path = concrete(template)
        anonymous = request(client, method, path, None, token)
        if path.startswith("/api/"):
            assert anonymous.status_code == 401, (method, path)
        else:
            assert anonymous.status_code == 303 and "/admin/login" in anonymous.headers["location"], (
                method,
                path,
            )
        for role in ("drafter", "admin"):
            answer = request(client, method, path, cookies[role], token)
            assert answer.status_code < 500, (role, method, path, answer.text[:300])
            if role == "drafter" and (method, template) in ADMIN_ONLY:
                assert answer.status_code == 403 and "只有管理员可以进行此项操作。" in answer.text, (
                    method,
                    path,
                )
            else:
                assert answer.status_code not in (401, 403), (role, method, path, answer.text[:300])


@pytest.mark.parametrize(("role", "status"), [("drafter", 403), ("admin", 200)])
def test_personal_data_export_is_for_administrators(walker, role, status):
    client, cookies, token = walker
    answer = request(client, "GET", f"/admin/c/{SLUG}/export/summary?personal=true", cookies[role], token)
    assert answer.status_code == status
    masked = request(client, "GET", f"/admin/c/{SLUG}/export/summary", cookies[role], token)
    assert masked.status_code == 200


def test_administrator_manages_accounts_in_the_workspace(walker, demo):
    client, cookies, token = walker
    victim = auth.login(demo, "someone", PASSWORD)[0]
    assert auth.session_user(demo, victim) is not None
    done = request(client, "POST", "/admin/users/someone/disable", cookies["admin"], token)
    assert done.headers["location"] == "/admin/users?done=disabled&user=someone"
    assert auth.session_user(demo, victim) is None  # disabling ends the sessions
    with pytest.raises(auth.ServiceError):
        auth.login(demo, "someone", PASSWORD)
    page = request(client, "GET", done.headers["location"], cookies["admin"], token)
    assert "已停用账号 someone，其会话已全部结束。" in page.text and "已停用" in page.text
    request(client, "POST", "/admin/users/someone/enable", cookies["admin"], token)
    client.cookies.set("draftreview_session", cookies["admin"])
    reset = client.post(
        "/admin/users/someone/reset-password",
        data={"_csrf_token": token, "password": "a new long password"},
        follow_redirects=False,
    )
    assert reset.status_code == 303
    assert auth.login(demo, "someone", "a new long password")[1].name == "someone"
    short = client.post(
        "/admin/users/someone/reset-password", data={"_csrf_token": token, "password": "short"}
    )
    assert short.status_code == 422 and "密码" in short.text
    created = client.post(
        "/admin/users",
        data={"_csrf_token": token, "name": "drafter2", "role": "drafter", "password": PASSWORD},
        follow_redirects=False,
    )
    assert created.headers["location"] == "/admin/users?done=created&user=drafter2"


def test_publishing_a_round_and_its_answers(walker, demo):
    client, cookies, token = walker
    client.cookies.set("draftreview_session", cookies["admin"])
    # The demo's first round still takes comments: its answers cannot be made public yet.
    answers = client.post(f"/admin/c/{SLUG}/rounds/1/answers", data={"_csrf_token": token})
    assert answers.status_code == 409 and MESSAGES["answers_round_open"] in answers.text
    again = client.post(
        f"/admin/c/{SLUG}/rounds/2/publish",
        data={"_csrf_token": token, "opens": "2026-12-01", "closes": "2026-12-31", "note": "说明"},
    )
    assert again.status_code == 409 and "该版本已经发布。" in again.text
    assert version_ref(demo, SLUG, 1).published
    # Once the round has closed, the administrator makes its answers public; the date is recorded and shown.
    with demo.writing() as session:
        first = session.scalar(select(models.Version).where(models.Version.number == 1))
        first.closes_at = utcnow() - timedelta(days=1)
    done = client.post(
        f"/admin/c/{SLUG}/rounds/1/answers", data={"_csrf_token": token}, follow_redirects=False
    )
    assert (done.status_code, done.headers["location"]) == (303, f"/admin/c/{SLUG}/rounds?done=answers")
    with demo.reading() as session:
        published = session.scalar(
            select(models.Version.answers_published_at).where(models.Version.number == 1)
        )
    page = client.get(f"/admin/c/{SLUG}/rounds?done=answers").text
    assert "已公开本轮处理意见：意见人可在回执页面查看处理意见和理由。" in page
    assert f"处理意见已于 {format_date(published)} 公开；此后的修改会在回执上显示为更正。" in page


def test_user_commands(tmp_path):
    env = {"DRAFTREVIEW_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            app_command("user", *args), input=stdin, text=True, cwd=ROOT, env=env, capture_output=True
        )

    assert run("add", "clerk1", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    assert run("disable", "clerk1").stdout == "已停用账号 clerk1，其会话已全部结束。\n"
    listed = run("list").stdout
    assert listed.startswith("clerk1\t起草人员\t已停用（") and listed.endswith("\t会话 0\n")
    assert run("enable", "clerk1").stdout == "已启用账号 clerk1。\n"
    assert run("reset-password", "clerk1", "--password-stdin", stdin="another long one\n").returncode == 0
    assert run("end-sessions", "clerk1").stdout == "已结束账号 clerk1 的 0 个会话。\n"
    missing = run("disable", "nobody")
    assert (missing.returncode, missing.stderr) == (2, "draftreview: 找不到该账号。\n")
