"""Drafter pages and API through the test client on every backend, logged in: overview, list, filters,
dispositions (single and bulk), offline entry, upload with hostile files, comparison, exports."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest
from docx import Document

from app.db import utcnow
from app.services import offline, review
from app.services.auth import create_user
from app.services.comments import CommentInput
from app.services.uploads import MAX_UPLOAD
from tests.app.helpers import PASSWORD, log_in, page_token

SLUG = "hlj-digital-economy"
V1 = f"/admin/c/{SLUG}/comments?version=1"


@pytest.fixture
def drafter(demo_client, demo):
    log_in(demo_client, demo)
    return demo_client


def test_overview_has_svg_chart_coloured_toc_period_and_exports(drafter):
    page = drafter.get(f"/admin/c/{SLUG}?version=1")
    assert page.status_code == 200
    assert page.text.count("<svg") == 4 and "<script" not in page.text.split("</head>")[1]
    assert re.search(
        r'<tr class="heat-4"><td><a href="[^"]+article=art-26">第二十六条【个人数据保护】</a></td><td>8</td>',
        page.text,
    )
    assert "征求意见中，截止日期：" in page.text  # the demo 征求意见稿 is the open round
    assert "意见 26 条" in page.text and "已处理 7 条" in page.text and "相似意见组 1 组" in page.text
    assert f'href="/admin/c/{SLUG}/export/summary?version=1"' in page.text


def test_list_filters_by_article_and_shows_personal_data_to_drafters(drafter, demo):
    page = drafter.get(f"{V1}&article=art-13")
    assert "共 4 条意见" in page.text
    assert page.text.count('class="comment-row"') == 4
    partial = drafter.get(f"{V1}&q=数据", headers={"hx-request": "true"})
    assert partial.text.startswith('<p class="totals">共 5 条意见')
    assert "<html" not in partial.text


def test_answer_one_comment_then_history_shows_who_and_what(drafter):
    page = drafter.get(f"{V1}&article=art-13&q=繁体字")
    comment_id = re.search(r'href="/admin/comments/(\d+)[?"]', page.text).group(1)
    form = drafter.get(f"/admin/comments/{comment_id}")
    token = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', form.text).group(1)
    refused = drafter.post(
        f"/admin/comments/{comment_id}/disposition",
        data={"value": "not_adopted", "reason": "", "_csrf_token": token},
    )
    assert refused.status_code == 422 and "须填写理由" in refused.text
    done = drafter.post(
        f"/admin/comments/{comment_id}/disposition",
        data={"value": "adopted", "reason": "修改稿已改为“空间”。", "_csrf_token": token},
    )
    assert done.status_code == 200 and "已保存。" in done.text
    assert re.search(r"<td>drafter1</td><td>采纳</td><td>修改稿已改为“空间”。</td>", done.text)
    assert "第 2 版中对应：第十三条" in done.text
    assert "共 1 条意见" in drafter.get(f"{V1}&article=art-13&disposition=adopted").text


def test_disposition_without_csrf_token_is_refused(drafter):
    answer = drafter.post("/admin/comments/1/disposition", data={"value": "adopted", "reason": ""})
    assert answer.status_code == 403
    assert (
        "尚未处理" in drafter.get("/admin/comments/1").text
        or "演示数据" in drafter.get("/admin/comments/1").text
    )


def test_bulk_disposition_for_a_selection_and_for_a_cluster(drafter, demo):
    ref = review.version_ref(demo, SLUG, 1)
    rows = review.list_comments(demo, ref.version_id, review.Filters(article="art-26")).rows
    cluster = next(r.cluster_id for r in rows if r.cluster_id)
    token = page_token(drafter, V1)
    form = {"_csrf_token": token, "value": "not_adopted", "reason": "上位法已有规定。", "scope": "cluster"}
    query = f"version=1&cluster={cluster}"
    confirm = drafter.post(f"/admin/c/{SLUG}/dispositions/confirm", data={**form, "query": query})
    assert "将对以下 7 条意见记录处理意见“不采纳”。" in confirm.text
    answer = drafter.post(
        f"/admin/c/{SLUG}/dispositions",
        follow_redirects=False,
        data={**form, "query": query, "expected": "7"},
    )
    assert answer.headers["location"].startswith(
        f"/admin/c/{SLUG}/comments?version=1&cluster={cluster}&done="
    )
    assert "已将 7 条意见的处理意见记为“不采纳”。" in drafter.get(answer.headers["location"]).text
    lone = [str(r.id) for r in rows if not r.cluster_id]
    drafter.post(
        f"/admin/c/{SLUG}/dispositions",
        data={"_csrf_token": token, "value": "under_study", "reason": "", "ids": lone, "scope": "selection"},
    )
    assert "共 7 条意见" in drafter.get(f"{V1}&disposition=not_adopted").text
    assert "共 1 条意见" in drafter.get(f"{V1}&disposition=under_study&article=art-26").text
    empty = drafter.post(
        f"/admin/c/{SLUG}/dispositions/confirm", data={"_csrf_token": token, "value": "adopted"}
    )
    assert empty.status_code == 422 and "请至少选择一条意见" in empty.text


def test_bulk_answer_for_everything_matching_covers_more_than_the_page_shown(drafter, demo):
    clerk = create_user(demo, "clerk1", "drafter", PASSWORD)
    ref = review.version_ref(demo, SLUG)
    today = (utcnow() + timedelta(hours=8)).date().isoformat()
    for n in range(review.PER_PAGE + 5):
        raw = CommentInput("art-13", f"座谈会意见第{n + 1}条：建议分期实施。", consent=True)
        offline.enter(demo, clerk, ref.version_id, offline.OfflineInput(raw, "meeting", "", today))
    assert f"共 {review.PER_PAGE + 5} 条意见" in drafter.get(f"/admin/c/{SLUG}/comments?source=meeting").text
    token = page_token(drafter, f"/admin/c/{SLUG}/comments?source=meeting")
    form = {
        "_csrf_token": token,
        "value": "under_study",
        "reason": "",
        "scope": "filter",
        "query": "source=meeting",
    }
    confirm = drafter.post(f"/admin/c/{SLUG}/dispositions/confirm", data=form)
    assert f"将对以下 {review.PER_PAGE + 5} 条意见记录处理意见“待研究”。" in confirm.text
    done = drafter.post(f"/admin/c/{SLUG}/dispositions", data={**form, "expected": str(review.PER_PAGE + 5)})
    assert f"已将 {review.PER_PAGE + 5} 条意见的处理意见记为“待研究”。" in done.text
    listed = review.list_comments(demo, ref.scope(None), review.Filters(source="meeting"), per_page=100)
    assert {r.disposition for r in listed.rows} == {"under_study"} and listed.total == review.PER_PAGE + 5


def test_offline_entry_page(drafter):
    token = page_token(drafter, f"/admin/c/{SLUG}/offline?version=1")
    today = (utcnow() + timedelta(hours=8)).date().isoformat()
    data = {
        "_csrf_token": token,
        "version": "1",
        "source": "letter",
        "source_detail": "来信第 12 号",
        "received_on": today,
        "target": "art-13-p2",
        "content": "建议标准制定征求企业意见。",
        "commenter_type": "企业",
        "name": "",
        "organisation": "某建筑公司",
        "region": "",
        "contact": "",
    }
    done = drafter.post(f"/admin/c/{SLUG}/offline", data=data)
    assert "已录入，编号 YJ-" in done.text
    listed = drafter.get(f"{V1}&source=letter&q=征求企业")
    assert "共 1 条意见" in listed.text and "某建筑公司" in listed.text and "第十三条第二款" in listed.text
    # Batch entry: source, source note and date stay for the next letter; the letter's own fields empty.
    meeting = {**data, "source": "meeting", "source_detail": "五常市座谈会", "content": "建议分期实施。"}
    again = drafter.post(f"/admin/c/{SLUG}/offline", data=meeting)
    assert "已录入，编号 YJ-" in again.text
    assert '<option value="meeting" selected>' in again.text
    assert 'name="source_detail" value="五常市座谈会"' in again.text
    assert f'name="received_on" type="date" value="{today}"' in again.text
    assert "建议分期实施。" not in again.text and "某建筑公司" not in again.text
    refused = drafter.post(
        f"/admin/c/{SLUG}/offline", data={**data, "content": " ", "received_on": "2999-01-01"}
    )
    assert refused.status_code == 422
    assert "请填写意见内容。" in refused.text and "日期应写作 YYYY-MM-DD，且不能晚于今天。" in refused.text
    assert "某建筑公司" in refused.text  # what was typed is kept


def _docx(paragraphs: list[str]) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("bomb.docx", "bomb", 422, "这个 .docx 文件解压后过大，已拒绝处理。"),
        ("draft.pdf", b"%PDF-1.4", 415, "只能上传 .txt、.md 或 .docx 格式的草案。"),
        ("empty.txt", b"", 422, "请选择要上传的草案文件。"),
        ("huge.txt", b"x" * (MAX_UPLOAD + 1), 413, "文件过大：上传的草案不能超过 5 MB。"),
        ("prose.txt", "这不是法规。\n".encode(), 422, "没有找到任何“第…条”"),
        ("broken.docx", b"PK\x03\x04broken", 422, "这个 .docx 文件已损坏或不是 Word 文档。"),
    ],
)
def test_hostile_or_bad_uploads_are_refused_with_a_clear_message(drafter, name, data, status, message):
    token = page_token(drafter, f"/admin/c/{SLUG}/versions/new")
    body = _bomb() if data == "bomb" else data
    answer = drafter.post(
        f"/admin/c/{SLUG}/versions/upload", data={"_csrf_token": token}, files={"file": (name, body)}
    )
    assert answer.status_code == status
    assert message in answer.text


def test_upload_shows_warnings_then_confirm_imports_the_next_version(drafter, demo):
    token = page_token(drafter, f"/admin/c/{SLUG}/versions/new")
    text = [
        "黑龙江省促进数字经济条例",
        "（二次修改稿）",
        "第一章 总则",
        "第一条 为了促进数字经济发展，制定本条例。",
        "第三条 本条例自公布之日起施行。",
    ]
    preview = drafter.post(
        f"/admin/c/{SLUG}/versions/upload",
        data={"_csrf_token": token},
        files={"file": ("v3.docx", _docx(text))},
    )
    assert preview.status_code == 200
    assert "共 2 条" in preview.text and "保存为第 3 版（未发布）" in preview.text
    assert (
        "与第 2 版的比对" in preview.text and "删除" in preview.text
    )  # the comparison with the current round
    assert "[numbering-gap]" in preview.text or "第二条" in preview.text  # the parser's warning is shown
    assert "<li>第 9 行 [article-gap] 条文编号不连续：缺少第二条。</li>" in preview.text
    # The comparison: a summary, then side by side (the old text struck through on the left).
    assert (
        '<p class="totals"><span class="tag">修改 1</span> <span class="tag">删除 82</span>' in preview.text
    )
    assert (
        '<tr class="st-deleted">\n    <td><p class="art-head">第三条【基本原则】</p>'
        '<div class="text"><del>发展数字经济' in preview.text
    )
    upload = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    form = {
        "_csrf_token": token,
        "token": upload,
        "filename": "v3.docx",
        "stage": "二次修改稿",
        "opens": "2026-12-01",
        "closes": "2026-12-31",
    }
    done = drafter.post(f"/admin/c/{SLUG}/versions/confirm", data=form, follow_redirects=False)
    assert done.headers["location"] == f"/admin/c/{SLUG}/rounds?saved=3"
    saved = review.version_ref(demo, SLUG, 3)  # the default view stays on the latest published round
    assert (saved.numbers, saved.published) == ((1, 2, 3), False)  # a round being prepared
    again = drafter.post(f"/admin/c/{SLUG}/versions/confirm", data=form)
    assert again.status_code == 410 and "上传的文件已失效" in again.text


def test_compare_page_labels_renumbering_moves_and_carries_comments(drafter):
    page = drafter.get(f"/admin/c/{SLUG}/compare?old=1&new=2")
    assert page.status_code == 200
    text = page.text
    assert 'id="chg-1"' in text and 'href="#chg-2"' in text
    assert "条序变动：原第七十五条 → 第三十八条" in text and "移至他章" in text
    assert f'href="/c/{SLUG}?version=2#art-38"' in text
    assert "<del>" in text and "<ins>" in text
    assert "已转至：第三十条" in text  # the campaign comments on old 第二十六条 follow it
    assert "该条已删除" in text
    assert "引用“本条例第二十六条”可能已失效（疑按修改前的条序引用），建议改为“本条例第三十条”" in text
    same = drafter.get(f"/admin/c/{SLUG}/compare?old=2&new=2")
    assert same.status_code == 422 and "请选择两个不同的版本进行比对" in same.text


def test_exports_are_word_documents(drafter):
    answer = drafter.get(f"/admin/c/{SLUG}/export/summary?version=1")
    assert answer.status_code == 200
    document = Document(io.BytesIO(answer.content))
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert (
        "建议删除第二十六条中“经过加工无法识别特定个人且不能复原的除外”这一例外，切实保护公民个人信息。"
        in "".join(cells)
    )


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("comparison", "原第七十五条"),
        ("redline", "w:ins"),
    ],
)
def test_version_exports_compare_with_the_version_before(drafter, settings, kind, expected):
    answer = drafter.get(f"/admin/c/{SLUG}/export/{kind}?version=2")
    assert answer.status_code == 200
    assert f"{SLUG}-v1-v2-".encode() in answer.headers["content-disposition"].encode("latin-1")
    with zipfile.ZipFile(io.BytesIO(answer.content)) as package:
        body = package.read("word/document.xml").decode()
    assert expected in body
    # The export carried comments: no copy of it stays on disk once it has been sent.
    assert list((settings.data_dir / "exports").iterdir()) == []


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (f"/admin/c/{SLUG}/export/comparison?version=1", 409, "没有可以比对的前一版本"),
        (f"/admin/c/{SLUG}/export/minutes?version=1", 404, "没有这种导出文件"),
        ("/admin/c/no-such-draft/export/summary", 404, "找不到该征求意见项目"),
    ],
)
def test_export_refusals(drafter, url, status, message):
    answer = drafter.get(url)
    assert (answer.status_code, message in answer.text) == (status, True)


def test_admin_api_lists_answers_and_enters(drafter, demo):
    listed = drafter.get(
        f"/api/v1/admin/consultations/{SLUG}/comments", params={"version": 1, "article": "art-13"}
    ).json()
    assert (listed["total"], len(listed["comments"])) == (4, 4)
    ids = [c["id"] for c in listed["comments"]][:2]
    answered = drafter.post(
        "/api/v1/admin/comments/dispositions",
        json={"value": "partly_adopted", "reason": "部分吸收。", "ids": ids},
    )
    assert (answered.status_code, answered.json()) == (200, {"answered": 2})
    bad = drafter.post("/api/v1/admin/comments/dispositions", json={"value": "maybe", "ids": ids})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "disposition_invalid")
    form = drafter.post("/api/v1/admin/comments/dispositions", data={"value": "adopted"})
    assert form.status_code in (400, 415)
    entered = drafter.post(
        f"/api/v1/admin/consultations/{SLUG}/comments",
        json={
            "content": "联系点意见。",
            "source": "contact_point",
            "received_on": "2026-01-05",
            "target": "art-1",
        },
    )
    assert entered.status_code == 201 and entered.json()["receipt"].startswith("YJ-")
    history = drafter.get(f"/api/v1/admin/comments/{ids[0]}").json()
    assert [h["value"] for h in history["history"]][-1] == "partly_adopted"
    compared = drafter.get(f"/api/v1/admin/consultations/{SLUG}/compare", params={"old": 1, "new": 2}).json()
    assert compared["summary"]["moved"] >= 1
