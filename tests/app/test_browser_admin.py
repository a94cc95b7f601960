"""A real browser (Debian's chromium through Playwright) on the real server with the demo: log in, filter
the comments of 第十三条, answer one, compare the two demo versions and follow a moved article."""

from __future__ import annotations

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
    """``draftreview serve`` on a fresh data dir (first start seeds the demo) with one drafter account."""
    with server_with_user(tmp_path_factory.mktemp("data"), "drafter1", PASSWORD) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def test_drafter_reviews_article_13_and_compares_versions(server, browser):
    account = "drafter1"
    page = browser.new_page()
    page.goto(server + "/admin/c/hlj-digital-economy/comments?version=1")
    page.wait_for_url("**/admin/login?next=*")
    page.get_by_label("用户名").fill(account)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/c/hlj-digital-economy/comments?version=1")
    page.get_by_label("条文").select_option("art-13")
    page.locator("#listing .totals", has_text="共 4 条意见").wait_for()
    assert page.locator(".comment-row").count() == 4
    page.locator(".comment-row", has_text="繁体字").get_by_role("link", name="第十三条").click()
    page.get_by_label("已有规定").check()
    page.get_by_label("理由").fill("修改稿已统一为规范字。")
    page.get_by_role("button", name="保存处理意见").click()
    page.locator(".success", has_text="已保存。").wait_for()
    assert "修改稿已统一为规范字。" in page.locator("table.history").inner_text()
    page.get_by_role("link", name="版本比对").first.click()
    page.wait_for_url("**/compare?old=1&new=2")
    moved = page.locator("tr.moved").first
    assert "条序变动：原第七十五条 → 第三十八条" in moved.inner_text()
    moved.get_by_role("link", name="在新版本中查看第三十八条").click()
    page.wait_for_url("**/c/hlj-digital-economy?version=2#art-38")
    assert "知识产权" in page.locator("#art-38").inner_text()
    page.close()


@pytest.mark.parametrize(
    ("javascript", "viewport"),
    [(True, {"width": 1280, "height": 900}), (False, {"width": 390, "height": 844})],
    ids=["desktop-js", "phone-no-js"],
)
def test_drafter_shows_changes_only_and_steps_through_them(server, browser, javascript, viewport, tmp_path):
    context = browser.new_context(java_script_enabled=javascript, viewport=viewport)
    page = context.new_page()
    page.goto(server + "/admin/login?next=/admin/c/hlj-digital-economy/compare?old=1%26new=2")
    page.get_by_label("用户名").fill("drafter1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/compare?old=1&new=2")
    every = page.locator("table.compare tbody tr").count()
    unchanged = page.locator("tr.st-unchanged:not(.moved)").count()
    page.get_by_label("只看修改").check()
    page.get_by_role("button", name="比对").click()
    page.wait_for_url("**/compare?old=1&new=2&only=true")
    rows = page.locator("table.compare tbody tr")
    assert rows.count() == every - unchanged > 0
    # 下一处修改 goes from one change to the next, and the next is in view.
    first_next = page.locator("#chg-1").get_by_role("link", name="下一处修改")
    first_next.click()
    page.wait_for_url("**#chg-2")
    assert page.locator("#chg-2").is_visible()
    page.screenshot(path=str(tmp_path / f"compare-{'js' if javascript else 'nojs'}.png"))
    context.close()
