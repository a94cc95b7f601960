"""A real browser (Debian's chromium through Playwright) against the real server: comment on 第十三条
with JavaScript (htmx inline) and without it (plain page round trips), then look up the receipt."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.app.live import CHROMIUM, chromium_browser, running_server

RECEIPT = re.compile(r"YJ-\d{8}-[2-9A-HJ-NP-Z]{8}")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("data")) as (base, _env):
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


@pytest.mark.parametrize("javascript", [True, False])
def test_comment_on_article_13_and_look_up_the_receipt(server, browser, javascript):
    page = browser.new_page(java_script_enabled=javascript)
    page.goto(server + "/")
    page.get_by_role("link", name="黑龙江省促进数字经济条例").click()
    page.wait_for_url("**/c/hlj-digital-economy")
    article = page.locator("#art-13")
    assert "预留信息通信网络等数字设施所需的空間" in article.inner_text()
    article.get_by_role("link", name=re.compile(r"^对本条提意见\s*（第十三条）")).click()
    form = page.locator("#box-art-13 form")
    form.get_by_label("意见针对").select_option("art-13-p2")
    content = f"建议第二款明确标准的发布时限（{'有' if javascript else '无'}脚本）。"
    form.get_by_label("意见内容").fill(content)
    form.get_by_label("身份类别").select_option("个人")
    form.get_by_role("button", name="提交意见").click()
    if javascript:
        page.locator(".comment-box.done").wait_for()
        assert page.url.endswith("/c/hlj-digital-economy")  # stayed on the draft: the form answered inline
        number = RECEIPT.search(page.locator(".comment-box.done").inner_text()).group(0)
        page.get_by_role("link", name="查看回执").click()
    else:
        page.wait_for_url("**/receipt/*")
        number = RECEIPT.search(page.url).group(0)
    assert page.locator(".receipt-number").first.inner_text() == number
    assert content in page.locator(".content").inner_text()
    page.goto(server + "/receipt")
    page.get_by_label("回执编号").fill(number.lower())
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(f"**/receipt/{number}")
    assert "第十三条第二款" in page.locator("dl.receipt").inner_text()
    page.close()
