"""A real browser (Debian's chromium through Playwright) on the real server with the demo: an
administrator runs the theme analysis of the first round, merges two themes, approves the merged one,
generates, edits and publishes the feedback report; the public page shows it. With JavaScript (htmx
shows the progress) at desktop size, and without it (the refresh link) at phone size."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.app.live import CHROMIUM, chromium_browser, server_with_user

PASSWORD = "correct horse battery"
SLUG = "hlj-digital-economy"
SHOTS = (
    Path(os.environ.get("DRAFTREVIEW_SCREENSHOTS", "")) if os.environ.get("DRAFTREVIEW_SCREENSHOTS") else None
)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def server(tmp_path):
    """``draftreview serve`` on a fresh data dir with the demo and one administrator account."""
    with server_with_user(tmp_path, "office1", PASSWORD, role="admin") as base:
        yield base, tmp_path


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def _shot(page, name: str, tmp: Path) -> None:
    folder = SHOTS or tmp
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


@pytest.mark.parametrize(
    ("javascript", "size"),
    [(True, {"width": 1280, "height": 900}), (False, {"width": 390, "height": 844})],
    ids=["js-desktop", "nojs-phone"],
)
def test_office_analyses_merges_approves_and_publishes(server, browser, javascript, size):
    base, data_dir = server
    tag = "js" if javascript else "nojs"
    context = browser.new_context(java_script_enabled=javascript, viewport=size)
    page = context.new_page()
    page.goto(f"{base}/admin/c/{SLUG}/themes?version=1")
    page.wait_for_url("**/admin/login?next=*")
    page.get_by_label("用户名").fill("office1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/admin/c/{SLUG}/themes?version=1")
    assert page.get_by_text("尚未分析这一轮的意见。").is_visible()
    page.get_by_role("button", name="分析意见主题").click()
    done = page.locator(".done-run")
    if javascript:
        done.wait_for(timeout=120_000)  # htmx reloads the page's main part every 2 s while it runs
    else:
        for _ in range(240):
            if done.count():
                break
            page.get_by_role("link", name="刷新").click() if page.get_by_role(
                "link", name="刷新"
            ).count() else None
            page.wait_for_timeout(500)
    assert "分析完成" in done.inner_text()
    _shot(page, f"themes-{tag}", data_dir)
    # The campaign on 第二十六条 is one theme, its size shown.
    cards = page.locator("li.theme")
    campaign = cards.filter(has_text="各按一种意见计").first
    assert campaign.is_visible()
    # Merge the campaign's theme with the 物联网 one.
    first_label = campaign.locator("h3 a").inner_text()
    other = cards.filter(has_text="物联网").first
    campaign.get_by_role("checkbox").check()
    other.get_by_role("checkbox").check()
    page.get_by_role("button", name="合并所选主题").click()
    page.get_by_text("已合并所选主题。").wait_for()
    assert cards.filter(has_text="物联网").filter(has_text=first_label).count() == 1
    page.get_by_role("link", name=first_label).click()
    page.get_by_label("主题名称").fill("个人信息保护与物联网条文")
    page.get_by_role("button", name="重命名").click()
    page.get_by_text("已重命名。").wait_for()
    page.get_by_label("处理情况（写入征求意见情况通报）").fill(
        "修改稿已删除该例外；物联网一条已并入第十八条。"
    )
    page.get_by_role("button", name="保存处理情况").click()
    page.get_by_text("已保存处理情况。").wait_for()
    page.get_by_role("button", name="确认主题").click()
    page.get_by_text("已确认主题。").wait_for()
    assert page.get_by_role("button", name="撤销确认").is_visible()
    _shot(page, f"theme-{tag}", data_dir)
    # The report: generated, edited, published.
    page.get_by_role("link", name="返回主题列表").click()
    page.get_by_role("link", name="征求意见情况通报").click()
    page.get_by_role("button", name="生成通报").click()
    page.get_by_text("已根据最新数据生成通报。").wait_for()
    body = page.get_by_label("通报正文")
    text = body.input_value()
    assert "共收到" in text and "（一）个人信息保护与物联网条文。" in text
    body.press("End")
    body.press("Control+End")
    body.type("\n联系人：省司法厅立法处。")
    page.get_by_role("button", name="保存正文").click()
    page.get_by_text("已保存通报正文。").wait_for()
    page.get_by_role("button", name="发布通报").click()
    page.get_by_text("通报已发布，公众可以查看。").wait_for()
    page.get_by_role("link", name="查看公开页面").click()
    page.wait_for_url(f"**/c/{SLUG}/feedback?round=1")
    heading = page.get_by_role("heading", level=1)
    assert "征求意见情况通报" in heading.inner_text() and heading.is_visible()
    article = page.locator("article.feedback")
    assert "个人信息保护与物联网条文" in article.inner_text()
    assert "联系人：省司法厅立法处。" in article.inner_text()
    assert "修改稿已删除该例外" in article.inner_text()
    _shot(page, f"public-{tag}", data_dir)
    context.close()
    # What the database holds: the merged theme approved with its handling, the report published.
    with sqlite3.connect(data_dir / "draftreview.sqlite3") as db:
        assert db.execute(
            "SELECT approved, handling FROM theme WHERE label = '个人信息保护与物联网条文'"
        ).fetchall() == [(1, "修改稿已删除该例外；物联网一条已并入第十八条。")]
        assert db.execute("SELECT count(*) FROM theme WHERE merged_into IS NOT NULL").fetchone() == (1,)
        assert db.execute("SELECT published_by FROM feedback_report").fetchall() == [("office1",)]
