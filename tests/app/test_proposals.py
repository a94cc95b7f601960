"""Proposed wording and attachments through the comment form (no JavaScript and htmx), the receipt's diff,
and refusals that keep what was typed."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from app import models
from app.services import attachment_rows, attachments
from tests.app import attachment_files as files
from tests.app.helpers import comment_count, comments, csrf_token

URL = "/c/hlj-digital-economy/comment"
RECEIPT = re.compile(r"YJ-\d{8}-[2-9A-HJ-NP-Z]{8}")
P2 = "建设工程移动通信基础设施建设标准，由省通信管理主管部门会同省住房和城乡建设主管部门及有关单位制定。"


def form_text(page: str) -> str:
    """The proposal box's text as the page holds it."""
    import html

    found = re.search(r'name="proposed_text"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def post(client, token, files_=None, headers=None, **fields):
    data = {"_csrf_token": token, "target": "art-13", "content": "建议修改第十三条。", **fields}
    return client.post(URL, data=data, files=files_ or None, headers=headers, follow_redirects=False)


def test_the_form_prefills_the_article_and_a_paragraph(client):
    article = client.get(URL, params={"target": "art-13"}).text
    assert form_text(article).startswith("新建、改建、扩建工程") and form_text(article).endswith(P2)
    assert 'enctype="multipart/form-data"' in article and 'name="attachments"' in article
    assert form_text(client.get(URL, params={"target": "art-13-p2"}).text) == P2
    assert 'name="proposed_text"' not in client.get(URL, params={"target": "draft"}).text


@pytest.mark.parametrize("htmx", [False, True])
def test_a_paragraph_proposal_is_stored_and_shown_as_a_diff(client, seeded, htmx):
    proposed = P2.replace("由省通信管理主管部门", "由省通信管理局")
    token = csrf_token(client, "art-13-p2")
    answer = post(
        client,
        token,
        headers={"HX-Request": "true"} if htmx else None,
        target="art-13-p2",
        proposal_base="art-13-p2",
        proposed_text=proposed.replace("。", "。\r\n"),
    )
    assert answer.status_code == (200 if htmx else 303), answer.text
    [stored] = comments(seeded)
    assert stored.proposed_text == proposed
    page = client.get(f"/receipt/{stored.receipt}").text
    assert "建议修改后的条文" in page
    assert (
        '<div class="diff"><span>建设工程移动通信基础设施建设标准，由省通信管理</span>'
        "<del>主管部门</del><ins>局</ins>"
        "<span>会同省住房和城乡建设主管部门及有关单位制定。</span></div>"
    ) in page


def test_an_untouched_proposal_box_proposes_nothing(client, seeded):
    page = client.get(URL, params={"target": "art-13"}).text
    answer = post(client, csrf_token(client), proposal_base="art-13", proposed_text=form_text(page))
    assert answer.status_code == 303
    assert comments(seeded)[0].proposed_text == ""
    assert "建议修改后的条文" not in client.get(answer.headers["location"]).text


def test_switching_the_target_after_editing_is_refused_with_the_text_kept(client, seeded):
    answer = post(
        client,
        csrf_token(client),
        target="art-13-p1",
        proposal_base="art-13",
        proposed_text="我建议的整条新写法。",
    )
    assert answer.status_code == 422
    assert "您更改了意见针对的条款" in answer.text
    assert form_text(answer.text) == "我建议的整条新写法。"
    assert "建议修改第十三条。" in answer.text
    assert comment_count(seeded) == 0


def test_attachments_are_stored_by_hash_with_their_text(client, seeded, settings):
    upload = [
        ("attachments", ("单位意见.docx", files.docx("建议增设数据信托制度"), "application/octet-stream")),
        ("attachments", ("附件二.pdf", files.pdf("数据经纪人 broker"), "application/pdf")),
    ]
    answer = post(client, csrf_token(client), files_=upload)
    assert answer.status_code == 303, answer.text
    [stored] = comments(seeded)
    with seeded.reading() as session:
        rows = session.execute(
            select(
                models.Attachment.filename,
                models.Attachment.kind,
                models.Attachment.text,
                models.Attachment.sha256,
            )
            .where(models.Attachment.comment_id == stored.id)
            .order_by(models.Attachment.position)
        ).all()
    assert [(r.filename, r.kind, r.text) for r in rows] == [
        ("单位意见.docx", "docx", "建议增设数据信托制度"),
        ("附件二.pdf", "pdf", "数据经纪人 broker"),
    ]
    for row in rows:
        assert attachments.path_of(settings.data_dir, row.sha256).is_file()
    receipt = client.get(answer.headers["location"]).text
    assert "单位意见.docx" in receipt and "附件只供起草部门研究，不公开。" in receipt


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ([("炸弹.docx", files.zip_bomb(120))], "附件“炸弹.docx”：附件解压或展开后过大"),
        ([("报告.pdf", files.docx("x"))], "附件“报告.pdf”：附件的内容与文件扩展名不符"),
        ([(f"{n}.txt", b"text") for n in range(6)], "每条意见最多上传 5 个附件"),
        ([(f"{n}.txt", b"a" * (9 * 1024 * 1024)) for n in range(3)], "附件合计过大"),
        ([("大.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))], "附件“大.pdf”：附件过大"),
    ],
)
def test_hostile_attachments_are_refused_and_the_comment_kept(client, seeded, upload, message):
    answer = post(
        client,
        csrf_token(client),
        files_=[("attachments", (name, data, "application/octet-stream")) for name, data in upload],
        content="这段意见文字必须保留。",
    )
    assert answer.status_code in (413, 415, 422), answer.text
    assert message in answer.text
    assert "这段意见文字必须保留。" in answer.text
    assert comment_count(seeded) == 0


def test_erasure_removes_personal_attachments_and_keeps_the_others(client, seeded, settings):
    from app.services.erasure import erase_personal_data

    upload = [
        ("attachments", ("简历.txt", "张三 13812345678 哈尔滨".encode(), "text/plain")),
        ("attachments", ("意见.txt", "建议增设数据信托".encode(), "text/plain")),
    ]
    answer = post(client, csrf_token(client), files_=upload, contact="13812345678", consent="yes")
    assert answer.status_code == 303, answer.text
    [stored] = comments(seeded)
    with seeded.reading() as session:
        rows = session.execute(
            select(models.Attachment.id, models.Attachment.sha256).order_by(models.Attachment.position)
        ).all()
    attachment_rows.set_personal(seeded, rows[1].id, False)  # the office decides: no personal data in it
    erase_personal_data(seeded, stored.receipt, "13812345678", data_dir=settings.data_dir)
    with seeded.reading() as session:
        left = session.scalars(select(models.Attachment.filename)).all()
        grams = set(
            session.scalars(select(models.CommentGram.gram).where(models.CommentGram.comment_id == stored.id))
        )
    assert left == ["意见.txt"]
    assert not attachments.path_of(settings.data_dir, rows[0].sha256).exists()
    assert attachments.path_of(settings.data_dir, rows[1].sha256).exists()
    assert "张三" not in grams and "信托" in grams


def test_a_word_only_in_an_attachment_finds_the_comment_and_the_summary_counts_files(client, seeded):
    import io

    from docx import Document

    from tests.app.helpers import log_in

    upload = [
        ("attachments", ("单位意见.docx", files.docx("建议增设数据信托制度"), "application/octet-stream")),
        ("attachments", ("附件二.pdf", files.pdf("数据经纪人"), "application/pdf")),
    ]
    assert post(client, csrf_token(client), files_=upload, content="详见附件。").status_code == 303
    assert post(client, csrf_token(client), content="另一条意见。").status_code == 303
    with_files, without = comments(seeded)
    log_in(client, seeded)
    for word in ("数据信托", "经纪人", "信托"):  # 信托: two characters, one bigram, the index alone
        found = client.get("/admin/c/hlj-digital-economy/comments", params={"q": word}).text
        assert with_files.receipt in found and without.receipt not in found
    detail = client.get(f"/admin/comments/{with_files.id}").text
    assert "附件（2 个）" in detail and "单位意见.docx" in detail
    [first] = re.findall(r'href="(/admin/attachments/\d+)"', detail)[:1]
    download = client.get(first)
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment;")
    with seeded.reading() as session:
        stored = session.scalar(select(models.Attachment.sha256).where(models.Attachment.position == 0))
    assert hashlib.sha256(download.content).hexdigest() == stored
    assert client.get(first.replace("/admin", "")).status_code == 404  # no public route to files
    docx = client.get("/admin/c/hlj-digital-economy/export/summary")
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(docx.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "详见附件。\n（附件 2 个）" in text


def test_attachments_need_a_drafter(client, seeded):
    upload = [("attachments", ("a.txt", b"secret words", "text/plain"))]
    assert post(client, csrf_token(client), files_=upload).status_code == 303
    answer = client.get("/admin/attachments/1", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/admin/login")


def test_offline_entries_take_attachments(client, seeded):
    from tests.app.helpers import log_in, page_token

    log_in(client, seeded)
    token = page_token(client, "/admin/c/hlj-digital-economy/offline")
    fields = {
        "_csrf_token": token,
        "source": "letter",
        "received_on": "2026-11-30",
        "target": "art-13",
        "content": "来信意见，详见扫描件。",
    }
    refused = client.post(
        "/admin/c/hlj-digital-economy/offline",
        data=fields,
        files=[("attachments", ("扫描件.pdf", files.JPG, "application/pdf"))],
    )
    assert refused.status_code == 415 and "附件的内容与文件扩展名不符" in refused.text
    assert "来信意见，详见扫描件。" in refused.text and comment_count(seeded) == 0
    answer = client.post(
        "/admin/c/hlj-digital-economy/offline",
        data=fields,
        files=[
            ("attachments", ("扫描件.jpg", files.JPG, "image/jpeg")),
            ("attachments", ("来信.pdf", files.pdf("建议增设数据信托"), "application/pdf")),
        ],
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    [stored] = comments(seeded)
    with seeded.reading() as session:
        kinds = session.scalars(
            select(models.Attachment.kind).where(models.Attachment.comment_id == stored.id)
        ).all()
    assert sorted(kinds) == ["jpg", "pdf"]
    found = client.get("/admin/c/hlj-digital-economy/comments", params={"q": "数据信托"}).text
    assert stored.receipt in found


def test_theme_analysis_reads_attachment_text(client, seeded):
    upload = [("attachments", ("意见.docx", files.docx("建议增设数据信托制度"), "application/octet-stream"))]
    assert post(client, csrf_token(client), files_=upload, content="详见附件。").status_code == 303
    [stored] = comments(seeded)
    assert attachment_rows.analysis_texts(seeded, stored.version_id) == {
        stored.id: "详见附件。\n建议增设数据信托制度"
    }
