"""The public journey as people click it (issue 12), in Debian's chromium against a real ``serve`` process
on each database: comment on an article, a paragraph and the whole draft with JavaScript on and off, at
phone and desktop sizes, at 200 % zoom and with the browser's font size doubled; errors; a 6,000-character
paste; a round that closes or is superseded while a reader has its page open; published answers on the
receipt; and axe-core on every public page. One server per database for the whole module."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app import models
from app.db import own_schema
from tests.app.live import CHROMIUM, ROOT, chromium_browser, running_server

RECEIPT = re.compile(r"YJ-\d{8}-[2-9A-HJ-NP-Z]{8}")
SLUG = "hlj-digital-economy"
V1, V2 = ROOT / "app/data/sample-draft.txt", ROOT / "app/data/sample-draft-v2.txt"
AXE = ROOT / "tests/a11y/node_modules/axe-core/axe.min.js"
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/draftreview-shots"))
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
# name: (width, height, device scale factor, default font size in px): 200 % zoom halves the CSS viewport.
VIEWS = {
    "phone": (390, 844, 1, 16),
    "desktop": (1366, 900, 1, 16),
    "phone-zoom200": (195, 422, 2, 16),
    "desktop-font200": (1366, 900, 1, 32),
}
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory):
    """(base URL, environment, database URL) of one server on a fresh database with the demo."""
    data = tmp_path_factory.mktemp("data")
    if request.param == "sqlite":
        url = f"sqlite:///{data / 'draftreview.sqlite3'}"
        with running_server(data) as (base, env):
            yield base, env, url
        return
    with own_schema(os.environ["TEST_DATABASE_URL"], "t") as url, running_server(data, url) as (base, env):
        yield base, env, url


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def database(server):
    from app.db import Database

    db = Database.connect(server[2])
    yield db
    db.dispose()


def open_page(browser, view: str, javascript: bool = True, **options):
    width, height, scale, font = VIEWS[view]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=scale,
        java_script_enabled=javascript,
        **options,
    )
    page = context.new_page()
    if font != 16:  # the browser's own default font size, as a reader sets it in the settings
        context.new_cdp_session(page).send(
            "Page.setFontSizes", {"fontSizes": {"standard": font, "fixed": font}}
        )
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def in_viewport(page, locator) -> bool:
    """True when the whole of ``locator`` is inside the visible part of the page."""
    box = locator.bounding_box()
    size = page.evaluate("[window.innerWidth, window.innerHeight]")
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size[1] and box["x"] >= 0


def focused_and_announced(page, result: str) -> bool:
    """True when focus is inside the ``result`` element (not left on <body>) and the result is announced
    (it is, or sits in, a live region)."""
    return page.evaluate(
        """sel => {
            const box = document.querySelector(sel);
            const focused = document.activeElement;
            const live = box.closest('[aria-live="polite"], [role="status"], [role="alert"]')
                || box.querySelector('[role="status"], [role="alert"]');
            return !!box && box.contains(focused) && focused !== document.body && !!live;
        }""",
        result,
    )


def stored(db, receipt: str) -> tuple:
    """(round number, article node id, target, content) of the comment with ``receipt``."""
    with db.reading() as session:
        return tuple(
            session.execute(
                select(
                    models.Version.number,
                    models.Article.node_id,
                    models.Comment.target,
                    models.Comment.content,
                )
                .join(models.Version, models.Version.id == models.Comment.version_id)
                .outerjoin(models.Article, models.Article.id == models.Comment.article_id)
                .where(models.Comment.receipt == receipt)
            ).one()
        )


def stored_with(db, prefix: str) -> list[int]:
    """Lengths of the stored comments whose text starts with ``prefix``."""
    with db.reading() as session:
        return [
            len(c)
            for c in session.scalars(
                select(models.Comment.content).where(models.Comment.content.like(prefix + "%"))
            )
        ]


def import_round(db, slug: str, file: Path, stage: str, opens, closes) -> None:
    """Imports a round into the live server's database through the service ``draftreview import`` uses
    (in this process: a second interpreter start would cost more than the import)."""
    from app.services.importing import import_file

    import_file(db, file, slug=slug, stage=stage, opens=opens, closes=closes)


def close_round(db, slug: str, number: int) -> None:
    """The office ends round ``number`` of ``slug`` now."""
    from app.db import utcnow

    with db.writing() as session:
        consultation = session.scalar(select(models.Consultation.id).where(models.Consultation.slug == slug))
        session.execute(
            update(models.Version)
            .where(models.Version.consultation_id == consultation, models.Version.number == number)
            .values(closes_at=utcnow() - timedelta(minutes=1))
        )


def open_form(page, base: str, slug: str, target: str, javascript: bool):
    """From the reading page, opens the comment form on ``target`` (art-13, art-13-p2 or draft) as a reader
    does; returns the form."""
    page.goto(f"{base}/c/{slug}")
    if target == "draft":
        page.get_by_role("link", name="提出总体意见").click()
        box = "#box-draft"
    else:
        article = target.split("-p")[0]
        page.locator(f"#{article}").get_by_role("link", name=re.compile("^对本条提意见")).click()
        box = f"#box-{article}"
    form = page.locator(f"{box} form")
    form.wait_for()
    if target.endswith("-p2"):
        form.get_by_label("意见针对").select_option(target)
    return form


def type_into(page, field, content: str) -> None:
    """Clicks into ``field`` and enters ``content`` with keyboard input (as typing or pasting does)."""
    field.click()
    page.keyboard.insert_text(content)


SUBMITS = [
    (view, javascript, target)
    for view in ("phone", "desktop")
    for javascript in (True, False)
    for target in ("art-13", "art-13-p2", "draft")
] + [
    (view, javascript, "art-13")
    for view in ("phone-zoom200", "desktop-font200")
    for javascript in (True, False)
]


@pytest.mark.parametrize(("view", "javascript", "target"), SUBMITS)
def test_the_receipt_is_where_the_person_looks(server, browser, database, view, javascript, target):
    base = server[0]
    page = open_page(browser, view, javascript)
    form = open_form(page, base, SLUG, target, javascript)
    content = f"意见（{view}，{'有' if javascript else '无'}脚本，{target}）：建议明确责任主体。"
    type_into(page, form.get_by_label("意见内容"), content)
    form.get_by_role("button", name="提交意见").click()
    if javascript:
        number = page.locator(".comment-box.done .receipt-number")
        number.wait_for()
        assert page.url.endswith(f"/c/{SLUG}")  # the result replaced the form in place
    else:
        page.wait_for_url("**/receipt/*")
        number = page.locator("dd.receipt-number")
    assert in_viewport(page, number), f"receipt number out of view ({view})"
    assert focused_and_announced(page, ".comment-box.done" if javascript else "main")
    shot(page, f"receipt-{view}-{'js' if javascript else 'nojs'}-{target}")
    receipt = RECEIPT.search(number.inner_text()).group(0)
    assert stored(database, receipt) == (1, None if target == "draft" else "art-13", target, content)
    page.context.close()


@pytest.mark.parametrize("view", ["phone", "desktop"])
@pytest.mark.parametrize("javascript", [True, False])
def test_the_first_error_is_where_the_person_looks(server, browser, view, javascript):
    page = open_page(browser, view, javascript)
    form = open_form(page, server[0], SLUG, "art-13", javascript)
    type_into(page, form.get_by_label("意见内容"), "留了联系方式却没有勾选同意。")
    type_into(page, form.get_by_label("手机号码或电子邮箱"), "12345")
    form.get_by_role("button", name="提交意见").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert in_viewport(page, summary.locator("li").first), "first error out of view"
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert summary.get_attribute("role") == "alert"
    assert "请填写有效的手机号码" in summary.inner_text()
    assert page.locator("textarea[name=content]").input_value() == "留了联系方式却没有勾选同意。"
    shot(page, f"errors-{view}-{'js' if javascript else 'nojs'}")
    page.context.close()


@pytest.mark.parametrize("view", ["phone", "desktop"])
@pytest.mark.parametrize("javascript", [True, False])
def test_a_6000_character_paste_is_kept_whole_and_never_stored_cut(
    server, browser, database, view, javascript
):
    page = open_page(browser, view, javascript)
    form = open_form(page, server[0], SLUG, "art-13", javascript)
    marker = f"长文{view}{javascript}"
    pasted = (marker + "数字经济促进条例意见内容。" * 600)[:6000]
    box = form.get_by_label("意见内容")
    type_into(page, box, pasted)
    assert box.input_value() == pasted  # nothing cut by the browser
    if javascript:
        assert "已输入 6000 字，超出 1000 字" in page.locator(".counter").inner_text()
    form.get_by_role("button", name="提交意见").click()
    page.locator(".error-summary").wait_for()
    assert (
        "意见内容不能超过 5000 字。 现有 6000 字，超出 1000 字，请删减后再提交。"
        in page.locator(".field-error").first.inner_text()
    )
    assert page.locator("textarea[name=content]").input_value() == pasted
    assert in_viewport(page, page.locator(".error-summary li").first)
    assert stored_with(database, marker) == []
    shot(page, f"too-long-{view}-{'js' if javascript else 'nojs'}")
    page.context.close()


@pytest.mark.parametrize("meanwhile", ["new round imported", "round closed"])
@pytest.mark.parametrize("javascript", [True, False])
def test_a_reader_with_the_old_page_open_comments_on_what_they_read(
    server, browser, database, meanwhile, javascript
):
    from app.db import utcnow
    from app.timeutil import today

    base = server[0]
    slug = f"reader-{'js' if javascript else 'nojs'}-{'closed' if meanwhile == 'round closed' else 'new'}"
    start = today(utcnow())
    import_round(database, slug, V1, "征求意见稿", start, start + timedelta(days=20))
    page = open_page(browser, "phone", javascript)
    form = open_form(page, base, slug, "art-26", javascript)  # 第二十六条 is 第三十条 in the 修改稿
    content = f"对第二十六条（个人数据保护）的意见（{slug}）：应当规定查阅、更正、删除的时限。"
    type_into(page, form.get_by_label("意见内容"), content)
    import_round(
        database, slug, V2, "修改稿", start, start + timedelta(days=30)
    )  # the drafter imports the 修改稿
    if meanwhile == "round closed":
        close_round(database, slug, 1)
    form.get_by_role("button", name="提交意见").click()
    if meanwhile == "new round imported":
        number = page.locator(".comment-box.done .receipt-number" if javascript else "dd.receipt-number")
        number.wait_for()
        assert stored(database, RECEIPT.search(number.inner_text()).group(0)) == (
            1,
            "art-26",
            "art-26",
            content,
        )
    else:
        summary = page.locator(".error-summary")
        summary.wait_for()
        assert "本次征求意见已经截止" in summary.inner_text()
        assert page.locator("textarea[name=content]").input_value() == content
        assert in_viewport(page, summary)
        shot(page, f"round-closed-{'js' if javascript else 'nojs'}")
        summary.get_by_role("link", name="对修改稿第三十条提意见").click()
        page.wait_for_url(f"**/c/{slug}/comment?target=art-30&version=2")
        assert "第三十条" in page.locator("h1").inner_text()
        # The closed round's own page says so and leads to the open one.
        page.goto(f"{base}/c/{slug}?version=1")
        assert "征求意见已于" in page.locator(".round-notice").inner_text()
        page.get_by_role("link", name="前往正在征求意见的修改稿").click()
        page.wait_for_url(f"**/c/{slug}?version=2")
        assert page.locator(".stage").first.inner_text() == "修改稿"
        assert stored_with(database, content) == []
    page.context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_answers_show_on_the_receipt_once_published(server, browser, database, javascript):
    from app.db import utcnow
    from app.services.auth import UserInfo
    from app.services.dispositions import dispose
    from app.services.rounds import publish_answers
    from app.timeutil import today

    base = server[0]
    slug = f"answers-{'js' if javascript else 'nojs'}"
    start = today(utcnow())
    import_round(database, slug, V1, "征求意见稿", start, start + timedelta(days=20))
    page = open_page(browser, "phone", javascript)
    form = open_form(page, base, slug, "art-13", javascript)
    type_into(page, form.get_by_label("意见内容"), "“空間”应改为“空间”。")
    form.get_by_role("button", name="提交意见").click()
    if javascript:
        page.get_by_role("link", name="查看回执").click()
    page.wait_for_url("**/receipt/*")
    receipt = RECEIPT.search(page.url).group(0)
    answer = page.locator("section.answer")
    assert "在本轮征求意见截止后统一公布" in answer.inner_text()
    with database.reading() as session:
        comment_id = session.scalar(select(models.Comment.id).where(models.Comment.receipt == receipt))
    dispose(
        database,
        UserInfo(None, "drafter1", "drafter"),
        "adopted",
        "修改稿已改为规范字。",
        comment_ids=[comment_id],
    )
    close_round(database, slug, 1)
    page.reload()
    assert "采纳" not in answer.inner_text()  # answered, not yet published
    publish_answers(database, slug, 1)
    page.reload()
    assert answer.locator(".disposition").inner_text() == "采纳"
    assert answer.locator(".reason").inner_text() == "修改稿已改为规范字。"
    assert page.locator("dd.status").inner_text() == "已答复"
    shot(page, f"answered-{'js' if javascript else 'nojs'}")
    page.context.close()


PAGES = [
    "/",
    f"/c/{SLUG}",
    f"/c/{SLUG}?version=2",
    f"/c/{SLUG}?go=第九百条",
    f"/c/{SLUG}/comment?target=art-13&version=1",
    "/receipt",
    "/receipt?number=YJ-20260101-AAAAAAAA",
    "/receipt/erase",
    "/nowhere",
    "inline form",
    "receipt",
]


@pytest.mark.skipif(
    not AXE.exists() and not os.environ.get("CI"),
    reason="axe-core not installed (npm ci --prefix tests/a11y)",
)
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(server, browser, path):
    base = server[0]
    page = open_page(browser, "desktop", True, bypass_csp=True)  # axe is injected as a script
    if path == "inline form":
        open_form(page, base, SLUG, "art-13", True)
        page.locator("#box-art-13 form").get_by_role("button", name="提交意见").click()
        page.locator(".error-summary").wait_for()
    elif path == "receipt":
        form = open_form(page, base, SLUG, "draft", True)
        type_into(page, form.get_by_label("意见内容"), "可访问性检查用的意见。")
        form.get_by_role("button", name="提交意见").click()
        page.get_by_role("link", name="查看回执").click()
        page.wait_for_url("**/receipt/*")
    else:
        page.goto(base + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    page.context.close()
