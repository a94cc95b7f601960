"""A real browser on the real server: a drafter presses 重新归并相似意见, is told it runs in the background,
and watches the job finish on 后台任务 (with JavaScript the list refreshes itself; without, on reload)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.app.live import CHROMIUM, chromium_browser, server_with_user

PASSWORD = "correct horse battery"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    with server_with_user(data, "drafter1", PASSWORD) as base:
        yield base, data


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


@pytest.mark.parametrize(
    ("javascript", "viewport"),
    [(True, {"width": 1280, "height": 900}), (False, {"width": 390, "height": 844})],
    ids=["desktop-js", "phone-no-js"],
)
def test_drafter_regroups_similar_comments_in_the_background(server, browser, javascript, viewport, tmp_path):
    base, data = server
    context = browser.new_context(java_script_enabled=javascript, viewport=viewport)
    page = context.new_page()
    page.goto(base + "/admin/login?next=/admin/c/hlj-digital-economy%3Fversion%3D1")
    page.get_by_label("用户名").fill("drafter1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/c/hlj-digital-economy?version=1")
    page.get_by_role("button", name="重新归并相似意见").click()
    page.wait_for_url("**/admin/c/hlj-digital-economy?version=1&rebuild=*")
    notice = page.get_by_role("status")
    assert "已开始重新归并相似意见" in notice.inner_text() and notice.is_visible()
    job_id = int(page.url.rsplit("=", 1)[1])
    notice.get_by_role("link", name="查看进度").click()
    page.wait_for_url("**/admin/jobs")
    state = page.locator("tr.job", has_text="重新归并相似意见").first.locator("td.state")
    deadline = time.monotonic() + 60
    while state.inner_text() != "已完成" and time.monotonic() < deadline:
        if not javascript:
            page.reload()
        time.sleep(0.5)
    assert state.inner_text() == "已完成" and state.is_visible()
    row = page.locator("tr.job", has_text="重新归并相似意见").first
    assert row.locator("progress").get_attribute("value") == "100"
    page.screenshot(path=str(tmp_path / f"jobs-{'js' if javascript else 'nojs'}.png"), full_page=True)
    with sqlite3.connect(data / "draftreview.sqlite3") as conn:
        state, result = conn.execute("SELECT state, result FROM job WHERE id = ?", (job_id,)).fetchone()
    assert (state, result) == ("done", '{"clusters": 1, "comments": 7}')
    context.close()
