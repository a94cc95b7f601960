"""A drafter in Debian's chromium (Playwright) on a real server, with JavaScript on (desktop) and off
(phone): answers two ticked comments, a cluster and everything matching a filter in bulk, undoes the
last bulk answer, enters a letter, and finds comments by receipt number and by name. What the database
then holds is read from the server's own SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.app.live import CHROMIUM, ROOT, chromium_browser, server_with_users

PASSWORD = "correct horse battery"
SLUG = "hlj-digital-economy"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``draftreview serve`` on a fresh data dir with the demo and a drafter account; (base URL, data dir)."""
    data = tmp_path_factory.mktemp("data")
    with server_with_users(data, PASSWORD, {"drafter1": "drafter", "admin1": "admin"}) as base:
        yield base, data


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def stored(data: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(data / "draftreview.sqlite3") as conn:
        return conn.execute(sql, args).fetchall()


def answers(data: Path, ids: list[int]) -> list[tuple[str, str]]:
    """(disposition, latest reason) of each comment."""
    return [
        stored(
            data,
            "SELECT c.disposition, coalesce((SELECT reason FROM disposition d WHERE d.comment_id = c.id"
            " ORDER BY d.id DESC LIMIT 1), '') FROM comment c WHERE c.id = ?",
            i,
        )[0]
        for i in ids
    ]


def log_in(page, name: str = "drafter1") -> None:
    """Fills the login form the page was sent to."""
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def submit_bulk(page, value: str, reason: str, expected: int, javascript: bool) -> None:
    """Chooses the value, types the reason, submits, checks the confirmation and confirms."""
    page.locator("#bulk-value").select_option(label=value)
    page.locator("#bulk-reason").fill(reason)
    page.get_by_role("button", name="批量处理…").click()
    page.locator(".confirm-what").wait_for()
    assert page.locator(".confirm-what").inner_text() == f"将对以下 {expected} 条意见记录处理意见“{value}”。"
    assert page.locator(".reason").inner_text() == reason
    page.get_by_role("button", name=f"确认处理 {expected} 条意见").click()
    page.locator("#bulk-done").wait_for()
    assert page.locator("#bulk-done p").inner_text() == f"已将 {expected} 条意见的处理意见记为“{value}”。"


@pytest.mark.parametrize(("javascript", "size"), [(True, "desktop"), (False, "phone")])
def test_bulk_answers_undo_and_finding_comments(server, browser, javascript, size, tmp_path):
    base, data = server
    mark = "有脚本" if javascript else "无脚本"
    page = browser.new_page(java_script_enabled=javascript, viewport=SIZES[size])
    page.goto(f"{base}/admin/c/{SLUG}/comments?version=1&article=art-13")
    log_in(page)
    page.locator("#listing .totals", has_text="共 4 条意见").wait_for()

    # Two ticked comments: 不采纳 with a reason. Choosing in the bulk select must keep the ticks.
    rows = page.locator(".comment-row")
    ids = [int(rows.nth(n).get_attribute("id").removeprefix("c-")) for n in (0, 1)]
    for n in (0, 1):
        rows.nth(n).get_by_role("checkbox").check()
    page.locator("#bulk-value").select_option(label="部分采纳")
    assert (
        rows.nth(0).get_by_role("checkbox").is_checked() and rows.nth(1).get_by_role("checkbox").is_checked()
    )
    submit_bulk(page, "不采纳", f"上位法已有规定（{mark}）。", 2, javascript)
    page.screenshot(path=str(tmp_path / f"bulk-done-{size}.png"), full_page=True)
    assert answers(data, ids) == [("not_adopted", f"上位法已有规定（{mark}）。")] * 2

    # A cluster: every member, then undo.
    cluster = stored(data, "SELECT cluster_id FROM comment WHERE cluster_id IS NOT NULL LIMIT 1")[0][0]
    members = [r[0] for r in stored(data, "SELECT id FROM comment WHERE cluster_id = ? ORDER BY id", cluster)]
    before = answers(data, members)
    page.goto(f"{base}/admin/c/{SLUG}/comments?cluster={cluster}")
    page.get_by_label(f"本组全部 {len(members)} 条相似意见").check()
    submit_bulk(page, "部分采纳", f"已吸收合理部分（{mark}）。", len(members), javascript)
    assert answers(data, members) == [("partly_adopted", f"已吸收合理部分（{mark}）。")] * len(members)
    page.get_by_role("button", name="撤销这次批量处理").click()
    page.locator("#bulk-undone").wait_for()
    assert answers(data, members) == before

    # Everything matching a filter (chosen from the filter form), not only the page shown.
    page.goto(f"{base}/admin/c/{SLUG}/comments")
    page.get_by_label("条文").select_option(label="第二十八条")
    if not javascript:
        page.get_by_role("button", name="筛选").click()
    page.locator("#listing .totals", has_text="共 2 条意见").wait_for()
    matching = [
        r[0]
        for r in stored(
            data,
            "SELECT c.id FROM comment c JOIN article a ON a.id = c.article_id WHERE a.node_id = 'art-28'",
        )
    ]
    page.get_by_label("全部符合筛选条件的 2 条意见（不限本页）").check()
    submit_bulk(page, "已有规定", f"网络安全法已有规定（{mark}）。", 2, javascript)
    assert answers(data, matching) == [("already_provided", f"网络安全法已有规定（{mark}）。")] * 2

    # A letter typed in, then found by the sender's name and by the last letters of a receipt.
    page.goto(f"{base}/admin/c/{SLUG}/offline")
    page.get_by_label("来源", exact=True).select_option(label="基层立法联系点")
    page.get_by_label("来源说明").fill("五常市联系点")
    page.get_by_label("收到日期").fill("2026-11-20")
    page.get_by_label("意见内容").fill(f"建议明确数据交易场所的监管部门（{mark}）。")
    page.get_by_label("姓名").fill(f"王建国{mark}")
    page.get_by_label("联系方式").fill("哈尔滨市南岗区中山路 1 号")
    page.get_by_role("button", name="录入意见").click()
    page.locator(".success", has_text="已录入").wait_for()
    assert page.get_by_label("来源", exact=True).input_value() == "contact_point"  # kept for the next letter
    assert page.get_by_label("来源说明").input_value() == "五常市联系点"
    assert page.get_by_label("收到日期").input_value() == "2026-11-20"
    page.goto(f"{base}/admin/c/{SLUG}/comments")
    page.get_by_label("回执编号、姓名、单位、地区或联系方式").fill(f"王建国{mark}")
    page.get_by_label("回执编号、姓名、单位、地区或联系方式").press("Enter")
    page.locator("#listing .totals", has_text="共 1 条意见").wait_for()
    receipt = page.locator(".comment-row .receipt-number").inner_text()
    assert stored(data, "SELECT name, contact FROM comment WHERE receipt = ?", receipt) == [
        (f"王建国{mark}", "哈尔滨市南岗区中山路 1 号")
    ]
    for typed in (receipt, receipt[-5:].lower()):  # the whole number, and its last letters read out
        page.goto(f"{base}/admin/c/{SLUG}/comments")
        page.get_by_label("回执编号、姓名、单位、地区或联系方式").fill(typed)
        page.get_by_label("回执编号、姓名、单位、地区或联系方式").press("Enter")
        page.locator("#listing .totals", has_text="共 1 条意见").wait_for()
        assert page.locator(".comment-row .receipt-number").inner_text() == receipt
    page.screenshot(path=str(tmp_path / f"found-{size}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_comment_page_radios_keyboard_and_next_unanswered(server, browser, javascript, tmp_path):
    base, _data = server
    page = browser.new_page(java_script_enabled=javascript, viewport=SIZES["desktop"])
    page.goto(f"{base}/admin/c/{SLUG}/comments?version=1&source=online")
    if "/login" in page.url:
        log_in(page)
    # A comment on one paragraph (第十三条第二款, 第二十五条第二款): a different one for each run.
    words, paragraph = ("发布时限", "移动通信") if javascript else ("具有重要价值的数", "公共管理和服务机构")
    page.locator(".comment-row", has_text=words).get_by_role("link").first.click()
    page.locator("mark").wait_for()  # the article's text with the commented paragraph highlighted
    assert paragraph in page.locator("mark").inner_text()
    # Each radio sits on the row of its own label.
    for label in ("采纳", "部分采纳", "不采纳"):
        radio = page.get_by_role("radio", name=label, exact=True).bounding_box()
        text = page.locator("label.choice", has_text=label).first.bounding_box()
        assert text["y"] <= radio["y"] and radio["y"] + radio["height"] <= text["y"] + text["height"]
    page.get_by_role("radio", name="采纳", exact=True).focus()
    page.keyboard.press("ArrowDown")  # keyboard: the next option
    assert page.get_by_role("radio", name="部分采纳").is_checked()
    page.get_by_label("理由").fill("已吸收。")
    page.screenshot(path=str(tmp_path / f"comment-{javascript}.png"), full_page=True)
    page.get_by_role("button", name="保存处理意见").click()
    page.locator(".success", has_text="已保存。").wait_for()
    assert page.get_by_label("理由").input_value() == "已吸收。"  # the saved reason stays filled in
    page.get_by_role("link", name="下一条未处理").click()
    page.locator(".comment-detail").wait_for()
    assert "version=1" in page.url and "source=online" in page.url
    page.get_by_role("link", name="返回意见列表").click()
    page.locator("#listing .totals").wait_for()
    assert page.get_by_label("来源").input_value() == "online"  # the filter is kept
    assert page.get_by_label("轮次").input_value() == "1"
    page.close()


@pytest.mark.parametrize(("javascript", "size"), [(True, "desktop"), (False, "phone")])
def test_administrator_imports_and_publishes_a_round_and_disables_an_account(
    server, browser, javascript, size, tmp_path
):
    base, data = server
    mark = "甲" if javascript else "乙"
    page = browser.new_page(java_script_enabled=javascript, viewport=SIZES[size])
    page.goto(f"{base}/admin/c/{SLUG}/versions/new")
    log_in(page, "admin1")
    # A file identical to the demo's second round is refused, naming it.
    v2 = ROOT / "app" / "data" / "sample-draft-v2.txt"
    page.get_by_label("草案文件").set_input_files(str(v2))
    page.get_by_role("button", name="上传并检查").click()
    page.locator(".error-box").wait_for()
    assert "该文件与已有版本的内容完全相同" in page.locator(".error-box").inner_text()
    assert "第 2 版（修改稿）" in page.locator(".error-box").inner_text()
    # A changed text: preview with the comparison, saved unpublished, then published with its note.
    changed = tmp_path / "v3.txt"
    changed.write_text(v2.read_text().replace("制定本条例。", f"制定本条例（{mark}）。", 1), encoding="utf-8")
    page.get_by_label("草案文件").set_input_files(str(changed))
    page.get_by_role("button", name="上传并检查").click()
    page.locator("h2", has_text="版的比对").wait_for()  # against the current (latest) round
    assert "修改 1" in page.locator(".totals").inner_text()
    number = len(stored(data, "SELECT id FROM version")) + 1
    page.get_by_role("button", name=f"保存为第 {number} 版（未发布）").click()
    page.locator(".success", has_text=f"已保存为第 {number} 版").wait_for()
    assert stored(data, "SELECT published_at FROM version WHERE number = ?", number) == [(None,)]
    round_ = page.locator(f"#round-{number}")
    round_.get_by_label("起草说明").fill(f"根据第二轮意见修改（{mark}）。")
    page.screenshot(path=str(tmp_path / f"rounds-{size}.png"), full_page=True)
    round_.get_by_role("button", name=f"发布第 {number} 版").click()
    page.locator(".success", has_text="已发布").wait_for()
    assert stored(data, "SELECT note, published_at IS NOT NULL FROM version WHERE number = ?", number) == [
        (f"根据第二轮意见修改（{mark}）。", 1)
    ]
    # Accounts: disable the drafter (its sessions end), then enable it again.
    page.get_by_role("link", name="账号管理").click()
    page.get_by_role("button", name="停用 drafter1").click()
    page.locator(".success", has_text="已停用账号 drafter1").wait_for()
    assert stored(data, "SELECT disabled_at IS NOT NULL FROM app_user WHERE name = 'drafter1'") == [(1,)]
    page.get_by_role("button", name="启用 drafter1").click()
    page.locator(".success", has_text="已启用账号 drafter1").wait_for()
    page.close()
