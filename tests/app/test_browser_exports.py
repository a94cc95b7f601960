"""A drafter downloads the Word 条文对照表 from the overview page, choosing 全部条文 or 修改条文 from a
select, with JavaScript on (desktop) and off (phone), and the document holds exactly the articles chosen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.app.live import CHROMIUM, chromium_browser, server_with_user
from tests.exporters.wordml import reopen, table_rows

ARTICLE = re.compile("第[一二三四五六七八九十百零]+条")
PASSWORD = "correct horse battery"
OVERVIEW = "/admin/c/hlj-digital-economy?version=2"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``draftreview serve`` on a fresh data dir (first start seeds the two-version demo) with a drafter."""
    with server_with_user(tmp_path_factory.mktemp("data"), "drafter1", PASSWORD) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def old_labels(path: Path) -> list[str]:
    """The article labels in the 修改前 column of the downloaded table, in order."""
    labels = (ARTICLE.match(row[0]) for row in table_rows(reopen(path))[1:])
    return [label.group(0) for label in labels if label]


@pytest.mark.parametrize(
    ("javascript", "viewport"),
    [(True, {"width": 1280, "height": 900}), (False, {"width": 390, "height": 844})],
    ids=["desktop-js", "phone-no-js"],
)
def test_drafter_exports_changed_or_all_articles(server, browser, javascript, viewport, tmp_path):
    context = browser.new_context(java_script_enabled=javascript, viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.goto(server + "/admin/login?next=" + OVERVIEW.replace("?", "%3F").replace("=", "%3D"))
    page.get_by_label("用户名").fill("drafter1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**" + OVERVIEW)
    scope = page.get_by_label("条文对照表范围")
    assert scope.input_value() == "false"  # 全部条文 unless the drafter chooses otherwise
    files = {}
    for choice in ("修改条文", "全部条文"):
        scope.select_option(label=choice)
        scope.scroll_into_view_if_needed()
        assert scope.is_visible()
        with page.expect_download() as download:
            page.get_by_role("button", name="导出条文对照表").click()
        name = download.value.suggested_filename
        assert name == f"hlj-digital-economy-v1-v2-条文对照表（{choice}）.docx"
        files[choice] = tmp_path / name
        download.value.save_as(files[choice])
    page.screenshot(path=str(tmp_path / f"exports-{'js' if javascript else 'nojs'}.png"))
    context.close()
    changed, every = old_labels(files["修改条文"]), old_labels(files["全部条文"])
    title = next(p.text for p in reopen(files["修改条文"]).paragraphs if p.text)
    assert title == "《黑龙江省促进数字经济条例》条文对照表（修改条文）"
    # 第一条 and 第三条 were rewritten in the second round; 第二条 was not, so only 全部条文 holds it.
    assert changed[:2] == ["第一条", "第三条"]
    assert every[:3] == ["第一条", "第二条", "第三条"]
    assert set(changed) < set(every)
    assert len(every) - len(changed) >= 50
