"""Sessions of the drafters' workspace against fixation, reuse after logout and password guessing, through
HTTP: a session id planted before login is never the one in use after it, a logged-out token is dead for
pages and API alike, and repeated wrong passwords lock the account or throttle the client with a clear
message while a correct password is refused too."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from app import models
from app.db import utcnow
from app.services import auth
from tests.app.helpers import PASSWORD, page_token

SESSION = "draftreview_session"
THROTTLED = "登录尝试过于频繁。请于"  # …N分钟后再试。
FAILED = "用户名或密码不正确。"


def login(client, name: str = "drafter1", password: str = PASSWORD):
    return client.post(
        "/admin/login",
        follow_redirects=False,
        data={"name": name, "password": password, "next": "/admin", "_csrf_token": page_token(client)},
    )


def session_token(answer) -> str:
    return re.search(rf"{SESSION}=([^;]+)", answer.headers["set-cookie"]).group(1)


def plant(client, token: str) -> None:
    client.cookies.set(SESSION, token, domain="testserver.local")


def signed_in(client, token: str) -> tuple[int, int]:
    """(status of /admin, status of the drafters' API) with ``token`` as the session cookie."""
    plant(client, token)
    return (
        client.get("/admin", follow_redirects=False).status_code,
        client.get("/api/v1/admin/comments/1").status_code,
    )


@pytest.fixture
def accounts(demo):
    auth.create_user(demo, "drafter1", "drafter", PASSWORD)
    auth.create_user(demo, "attacker", "drafter", PASSWORD)
    return demo


@pytest.mark.parametrize("planted", ["planted-by-an-attacker", "A" * 43, "attacker's own valid session"])
def test_a_session_id_planted_before_login_is_not_the_one_after_it(demo_client, accounts, planted):
    if planted == "attacker's own valid session":
        planted, _ = auth.login(accounts, "attacker", PASSWORD)
    plant(demo_client, planted)
    answer = login(demo_client)
    assert answer.status_code == 303
    token = session_token(answer)
    assert token != planted and len(token) >= 43
    assert signed_in(demo_client, token) == (200, 200)
    assert signed_in(demo_client, planted) == (303, 401)  # the planted id does not ride along
    with accounts.reading() as session:
        owners = session.scalars(select(models.UserSession.user_id)).all()
    assert len(owners) == 1  # only the fresh session exists


def test_every_login_issues_a_new_token(demo_client, accounts):
    first = session_token(login(demo_client))
    second = session_token(login(demo_client, "attacker"))  # logging in again while logged in
    assert first != second
    assert signed_in(demo_client, first) == (303, 401)
    assert signed_in(demo_client, second) == (200, 200)


def test_logout_ends_the_session_for_pages_and_api(demo_client, accounts):
    token = session_token(login(demo_client))
    answer = demo_client.post(
        "/admin/logout", follow_redirects=False, data={"_csrf_token": page_token(demo_client, "/admin")}
    )
    assert answer.headers["location"] == "/admin/login"
    assert signed_in(demo_client, token) == (303, 401)
    with accounts.reading() as session:
        assert session.scalar(select(models.UserSession.id)) is None


def test_logout_without_the_token_is_refused_and_keeps_the_session(demo_client, accounts):
    token = session_token(login(demo_client))
    answer = demo_client.post("/admin/logout", data={"_csrf_token": "forged"})
    assert answer.status_code == 403 and "页面已过期或无法确认提交来源" in answer.text
    assert signed_in(demo_client, token) == (200, 200)


def test_an_expired_session_is_refused(demo_client, accounts):
    token = session_token(login(demo_client))
    with accounts.writing() as session:
        session.execute(update(models.UserSession).values(expires_at=utcnow()))
    assert signed_in(demo_client, token) == (303, 401)


@pytest.mark.parametrize("token", ["", "x" * 101, "not-a-session", "' OR 1=1 --"])
def test_made_up_session_tokens_are_refused(demo_client, accounts, token):
    assert signed_in(demo_client, token) == (303, 401)


def test_guessing_slows_the_account_down_but_never_locks_out_its_owners_browser(demo_client, accounts):
    assert login(demo_client).status_code == 303  # the owner's browser gets its device cookie
    device = demo_client.cookies.get("draftreview_device")
    demo_client.cookies.clear()  # a stranger's browser from now on
    for attempt in range(auth.ACCOUNT_LIMIT):
        answer = login(demo_client, password=f"guess number {attempt}")
        assert (answer.status_code, FAILED in answer.text) == (401, True)
    for name in ("drafter1", "no-such-user"):  # the same answer whether the account exists or not
        for attempt in range(auth.ACCOUNT_LIMIT if name != "drafter1" else 0):
            assert login(demo_client, name, f"guess number {attempt}").status_code == 401
        throttled = login(demo_client, name)
        assert (throttled.status_code, THROTTLED in throttled.text) == (429, True)
        assert 841 <= int(throttled.headers["retry-after"]) <= 900
        assert SESSION not in throttled.headers.get("set-cookie", "")
    assert login(demo_client, "attacker").status_code == 303  # other accounts are not affected
    demo_client.cookies.set("draftreview_device", device, domain="testserver.local", path="/admin/login")
    assert login(demo_client).status_code == 303  # the owner's own browser gets in


def test_a_success_resets_the_failure_count(demo_client, accounts):
    for attempt in range(auth.ACCOUNT_LIMIT - 1):
        assert login(demo_client, password=f"guess number {attempt}").status_code == 401
    assert login(demo_client).status_code == 303
    for attempt in range(auth.ACCOUNT_LIMIT - 1):
        assert login(demo_client, password=f"guess number {attempt}").status_code == 401
    assert login(demo_client).status_code == 303  # not locked: the count started again


def test_guessing_many_names_from_one_client_is_throttled(demo_client, accounts):
    limit = auth.CLIENT_LIMIT
    for attempt in range(limit):
        assert login(demo_client, f"nobody{attempt}").status_code == 401  # no account gets locked this way
    throttled = login(demo_client)  # even the right password
    assert (throttled.status_code, THROTTLED in throttled.text) == (429, True)
    assert SESSION not in throttled.headers.get("set-cookie", "")
    with accounts.reading() as session:
        assert session.scalar(select(models.User.locked_until).where(models.User.name == "drafter1")) is None
