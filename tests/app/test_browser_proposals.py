"""Proposed wording and attachments in a real browser (Debian's chromium through Playwright) on the real
server with the demo, JavaScript on and off, phone and desktop: a commenter proposes wording for 第十三条
and for its 第二款, attaches a .docx and a .pdf, and reads the diff on the receipt; a drafter finds the
comment by a word found only in its attachment, adopts the proposal into the working draft, publishes
the round and sees the comparison attribute the change to the comment."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.app import attachment_files as files
from tests.app.live import CHROMIUM, chromium_browser, server_with_user

PASSWORD = "correct horse battery"
SLUG = "hlj-digital-economy"
SHOTS = Path(tempfile.gettempdir()) / "draftreview-screenshots"  # looked at by a person, never committed
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture
def server(tmp_path_factory):
    """A fresh ``draftreview serve`` (first start seeds the demo) with one administrator account (it
    publishes)."""
    with server_with_user(tmp_path_factory.mktemp("data"), "drafter1", PASSWORD, role="admin") as base:
        yield base


def _files(tmp_path: Path, word: str) -> list[str]:
    docx, pdf = tmp_path / "单位意见.docx", tmp_path / "附件二.pdf"
    docx.write_bytes(files.docx(f"关于第十三条的意见\n建议引入{word}机制"))
    pdf.write_bytes(files.pdf("附件二：数据经纪人 broker"))
    return [str(docx), str(pdf)]


def _open_form(page, base: str) -> None:
    """From the reading page, the person taps 对本条提意见 under 第十三条."""
    page.goto(f"{base}/c/{SLUG}")
    page.locator("#art-13").get_by_role("link", name="对本条提意见").click()
    page.get_by_role("textbox", name="意见内容").wait_for()


def _submit_and_open_receipt(page, js: bool) -> None:
    page.get_by_role("button", name="提交意见").click()
    if js:  # htmx swaps the receipt number in; the person follows 查看回执
        page.get_by_role("link", name="查看回执").click()
    page.wait_for_url("**/receipt/YJ-*")


def _propose(page, base: str, js: bool, tmp_path: Path, word: str) -> str:
    """Proposes wording for the whole of 第十三条 with two attachments; returns the receipt number."""
    _open_form(page, base)
    page.get_by_role("textbox", name="意见内容").fill("建议明确交付使用环节，详见附件。")
    page.get_by_text("提出修改后的条文").click()
    box = page.get_by_role("textbox", name=re.compile("修改后的条文"))
    box.wait_for()
    current = box.input_value()
    assert current.startswith("新建、改建、扩建工程") and current.endswith("及有关单位制定。")
    box.fill(current.replace("同步验收。", "同步验收、同步交付使用。"))
    page.get_by_label("附件", exact=False).first.set_input_files(_files(tmp_path, word))
    _submit_and_open_receipt(page, js)
    receipt = page.locator(".receipt-number").inner_text()
    assert page.locator(".proposal-diff ins").first.inner_text() == "、同步交付使用"
    assert page.locator("ul.attachments").inner_text().split("\n") == ["单位意见.docx", "附件二.pdf"]
    return receipt


def _propose_paragraph(page, base: str, js: bool) -> None:
    _open_form(page, base)
    page.get_by_text("提出修改后的条文").click()
    page.get_by_role("link", name="第二款").click()
    box = page.get_by_role("textbox", name="修改后的条文（第十三条第二款）")
    box.wait_for()
    assert box.input_value().startswith("建设工程移动通信基础设施建设标准")
    page.get_by_role("textbox", name="意见内容").fill("建议写明牵头部门。")
    box.fill(box.input_value().replace("省通信管理主管部门", "省通信管理局"))
    _submit_and_open_receipt(page, js)
    assert "第十三条第二款" in page.locator("dl.receipt").inner_text()
    assert page.locator(".proposal-diff del").first.inner_text() == "主管部门"
    assert page.locator(".proposal-diff ins").first.inner_text() == "局"


@pytest.mark.parametrize("js", [False, True], ids=["no-js", "js"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_commenter_proposes_wording_and_attaches_files(server, browser, tmp_path, js, viewport):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(java_script_enabled=js, viewport=viewport)
    page = context.new_page()
    _propose(page, server, js, tmp_path, "数据信托")
    page.screenshot(
        path=SHOTS / f"proposal-receipt-{'js' if js else 'nojs'}-{viewport['width']}.png", full_page=True
    )
    _propose_paragraph(page, server, js)
    # A hostile file is refused by name and the comment's text stays on the form.
    _open_form(page, server)
    page.get_by_role("textbox", name="意见内容").fill("这段文字不能丢。")
    bomb = tmp_path / "炸弹.docx"
    bomb.write_bytes(files.zip_bomb(120))
    page.get_by_label("附件", exact=False).first.set_input_files(str(bomb))
    page.get_by_role("button", name="提交意见").click()
    error = page.locator(".field-error", has_text="附件“炸弹.docx”")
    error.wait_for()
    assert "解压或展开后过大" in error.inner_text()
    assert page.get_by_role("textbox", name="意见内容").input_value() == "这段文字不能丢。"
    page.screenshot(path=SHOTS / f"attachment-refused-{'js' if js else 'nojs'}-{viewport['width']}.png")
    context.close()


@pytest.mark.parametrize("js", [False, True], ids=["no-js", "js"])
def test_drafter_finds_adopts_publishes_and_sees_the_attribution(server, browser, tmp_path, js):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(java_script_enabled=js, viewport=DESKTOP)
    page = context.new_page()
    receipt = _propose(page, server, js, tmp_path, "沙盒监管")
    # The round the comment was sent on, as the receipt links to it.
    round_number = re.search(r"version=(\d+)", page.content()).group(1)
    page.goto(f"{server}/admin/c/{SLUG}/comments?version={round_number}")
    page.get_by_label("用户名").fill("drafter1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/c/*/comments?version=*")
    page.get_by_label("全文检索").fill("沙盒监管")  # only in the .docx, never in the comment's text
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".comment-row")).to_have_count(1)  # htmx swaps the list in place
    row = page.locator(".comment-row", has_text=receipt)
    row.get_by_role("link", name="第十三条").click()
    page.get_by_role("heading", name="附件（2 个）").wait_for()
    comment_id = int(page.url.rsplit("/", 1)[-1].split("?")[0])
    page.get_by_role("link", name="创建下一轮工作稿").click()
    page.get_by_role("button", name="以第 2 版为基础创建第 3 版工作稿").click()
    page.get_by_role("heading", name="公众提出的修改后的条文").wait_for()
    page.screenshot(path=SHOTS / f"working-{'js' if js else 'nojs'}.png", full_page=True)
    variant = page.locator(".variant", has_text=f"第{comment_id}号")
    variant.get_by_role("button", name="采纳到第 3 版工作稿").click()
    page.locator(".success", has_text="已保存到工作稿。").wait_for()
    assert page.locator("#working-diff ins").first.inner_text() == "、同步交付使用"
    page.get_by_role("link", name="返回工作稿").click()
    page.get_by_role("button", name="发布第 3 版").click()
    page.wait_for_url("**/compare?old=2&new=3")
    attribution = page.locator(".tag.adopted").first
    assert attribution.inner_text() == f"采纳第{comment_id}号意见"
    page.get_by_role("link", name="跳到第一处修改").click()
    page.locator("#chg-1").screenshot(path=SHOTS / f"compare-adopted-{'js' if js else 'nojs'}.png")
    # The comment now carries the disposition that links to the change.
    page.goto(f"{server}/admin/comments/{comment_id}")
    assert "已将建议的第十三条条文写入第3版。" in page.locator("table.history").inner_text()
    # The public reads round 3 with the adopted wording.
    page.goto(f"{server}/c/{SLUG}")
    assert "同步交付使用" in page.locator("#art-13").inner_text()
    context.close()
