"""Accounts, login and the guard: every drafter page and API route refuses anonymous users."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import models
from app.db import utcnow
from app.services import auth
from app.services.errors import ServiceError
from tests.app.helpers import PASSWORD, page_token

PUBLIC = {"/admin/login"}


def drafter_routes(app):
    """(method, path with sample parameters) of every route under /admin and /api/v1/admin."""
    # Named samples where the value matters; any other id (themes, jobs, attachments, versions…) is 1.
    samples = {"slug": "hlj-digital-economy", "kind": "summary"}
    found = []
    for route in app.routes:
        path = route.path
        if not (path.startswith("/admin") or path.startswith("/api/v1/admin")) or path in PUBLIC:
            continue
        concrete = re.sub(r"\{(\w+):\w+\}", lambda m: samples.get(m.group(1), "1"), path)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            found.append((method, concrete))
    return found


def test_every_drafter_route_refuses_anonymous_users(demo_client):
    routes = drafter_routes(demo_client.app)
    assert len(routes) >= 20
    for method, path in routes:
        answer = demo_client.request(method, path, follow_redirects=False)
        if path.startswith("/api/"):
            assert (method, path, answer.status_code) == (method, path, 401)
            assert answer.json()["error"]["code"] == "not_authenticated"
        else:
            assert (method, path, answer.status_code) == (method, path, 303)
            assert answer.headers["location"].startswith("/admin/login?next=%2Fadmin")


def test_login_sets_a_fresh_httponly_samesite_cookie_and_logout_ends_it(demo_client, demo):
    auth.create_user(demo, "drafter1", "drafter", PASSWORD)
    csrf_token = page_token(demo_client)
    demo_client.cookies.set("draftreview_session", "planted-by-an-attacker", domain="testserver.local")
    answer = demo_client.post(
        "/admin/login",
        data={"name": "drafter1", "password": PASSWORD, "next": "/admin", "_csrf_token": csrf_token},
        follow_redirects=False,
    )
    token = re.search(r"draftreview_session=([^;]+)", answer.headers["set-cookie"]).group(1)
    assert token != "planted-by-an-attacker" and len(token) >= 40
    assert demo_client.cookies.get("draftreview_session") == token
    assert demo_client.get("/admin", follow_redirects=False).status_code == 200
    with demo.reading() as session:
        stored = session.scalar(select(models.UserSession.token_hash))
    assert stored == auth.token_hash(token)  # only the hash is kept
    answer = demo_client.post(
        "/admin/logout", data={"_csrf_token": page_token(demo_client, "/admin")}, follow_redirects=False
    )
    assert answer.headers["location"] == "/admin/login"
    assert (
        'draftreview_session=""' in answer.headers["set-cookie"]
        or "Max-Age=0" in answer.headers["set-cookie"]
    )
    demo_client.cookies.set("draftreview_session", token, domain="testserver.local")
    assert demo_client.get("/admin", follow_redirects=False).status_code == 303  # the old token is dead


def test_session_cookie_flags(demo_client, demo):
    auth.create_user(demo, "drafter1", "drafter", PASSWORD)
    answer = demo_client.post(
        "/admin/login",
        data={
            "name": "drafter1",
            "password": PASSWORD,
            "next": "/admin",
            "_csrf_token": page_token(demo_client),
        },
        follow_redirects=False,
    )
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # plain http here


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("drafter1", "wrong password!", "用户名或密码不正确。"),
        ("nobody", PASSWORD, "用户名或密码不正确。"),
    ],
)
def test_wrong_credentials_show_one_message(demo_client, demo, name, password, message):
    auth.create_user(demo, "drafter1", "drafter", PASSWORD)
    answer = demo_client.post(
        "/admin/login",
        data={"name": name, "password": password, "next": "/admin", "_csrf_token": page_token(demo_client)},
    )
    assert answer.status_code == 401
    assert message in answer.text
    assert "draftreview_session" not in demo_client.cookies


def test_login_without_csrf_token_is_refused(demo_client, demo):
    auth.create_user(demo, "drafter1", "drafter", PASSWORD)
    answer = demo_client.post("/admin/login", data={"name": "drafter1", "password": PASSWORD})
    assert answer.status_code == 403
    assert "draftreview_session" not in demo_client.cookies


def test_guessing_is_throttled_per_account_without_locking_out_its_known_browser(db):
    auth.create_user(db, "drafter1", "drafter", PASSWORD)
    now, secret = utcnow(), b"test-secret"
    known = auth.device_cookie(secret, "drafter1")  # given to the owner's browser at an earlier login
    for name in ("drafter1", "nobody"):  # a real name and an unknown one are treated alike
        for attempt in range(auth.ACCOUNT_LIMIT):
            with pytest.raises(ServiceError) as failed:
                auth.login(db, name, "wrong password!", now, secret=secret, client=f"10.0.0.{attempt}")
            assert failed.value.code == "login_failed"
        with pytest.raises(ServiceError) as throttled:
            auth.login(db, name, PASSWORD, now, secret=secret, client="10.0.1.1")
        assert (throttled.value.code, throttled.value.retry_after) == ("login_throttled", auth.ACCOUNT_WINDOW)
    token, user = auth.login(db, "drafter1", PASSWORD, now, secret=secret, client="10.0.1.1", device=known)
    assert auth.session_user(db, token, now).name == "drafter1"
    with pytest.raises(ServiceError) as forged:  # a device cookie of another account counts for nothing
        auth.login(db, "drafter1", PASSWORD, now, secret=secret, device=auth.device_cookie(secret, "nobody"))
    assert forged.value.code == "login_throttled"
    later = now + timedelta(seconds=auth.ACCOUNT_WINDOW)
    assert auth.login(db, "drafter1", PASSWORD, later, secret=secret, client="10.0.1.1")[1] == user


def test_sessions_expire(db):
    auth.create_user(db, "drafter1", "drafter", PASSWORD)
    now = utcnow()
    token, _ = auth.login(db, "drafter1", PASSWORD, now)
    assert auth.session_user(db, token, now + auth.SESSION_LIFETIME - timedelta(seconds=1)) is not None
    assert auth.session_user(db, token, now + auth.SESSION_LIFETIME) is None


@pytest.mark.parametrize(
    ("name", "role", "password", "code"),
    [
        ("x", "drafter", PASSWORD, "user_name_invalid"),
        ("drafter2", "root", PASSWORD, "role_invalid"),
        ("drafter2", "drafter", "short", "password_too_short"),
        ("drafter1", "admin", PASSWORD, "user_exists"),
    ],
)
def test_create_user_refusals(db, name, role, password, code):
    auth.create_user(db, "drafter1", "drafter", PASSWORD)
    with pytest.raises(ServiceError) as refused:
        auth.create_user(db, name, role, password)
    assert refused.value.code == code
    with db.reading() as session:
        assert session.scalar(select(func.count(models.User.id))) == 1


def test_user_add_command_stores_an_argon2_hash(monkeypatch, settings, capsys):
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DRAFTREVIEW_DATA_DIR", str(settings.data_dir))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "王起草", "--role", "admin", "--password-stdin"]) == 0
    assert capsys.readouterr().out == "已创建账号 王起草（admin）。\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "李起草", "--password-stdin"]) == 2
    assert capsys.readouterr().err == "draftreview: 密码至少 10 个字符。\n"
    from app.services.bootstrap import migrate

    db = migrate(settings)
    with db.reading() as session:
        user = session.scalar(select(models.User))
    db.dispose()
    assert (user.name, user.role, user.password_hash.startswith("$argon2id$")) == ("王起草", "admin", True)
