"""The working draft of the next round through the drafters' pages: create it, adopt a proposal (as
proposed and edited), edit an article, publish, and the comparison (page and Word 说明) attributing the
change to the comment; several proposals side by side, the most common first."""

from __future__ import annotations

import io
import re

from docx import Document
from sqlalchemy import select

from app import models
from tests.app.helpers import comments, csrf_token, log_in, page_token

SLUG = "hlj-digital-economy"
P2 = "建设工程移动通信基础设施建设标准，由省通信管理主管部门会同省住房和城乡建设主管部门及有关单位制定。"
NEW_P2 = P2.replace("省通信管理主管部门", "省通信管理局")
OTHER_P2 = P2.replace("及有关单位", "")


def _propose(client, target: str, text: str, content: str = "建议修改。") -> None:
    answer = client.post(
        f"/c/{SLUG}/comment",
        data={
            "_csrf_token": csrf_token(client, target),
            "target": target,
            "content": content,
            "proposal_base": target,
            "proposed_text": text,
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def test_adopt_publish_and_the_comparison_names_the_comment(client, seeded):
    for n, text in enumerate((OTHER_P2, NEW_P2, NEW_P2)):
        _propose(client, "art-13-p2", text, f"建议修改（{n}）。")
    first, second, third = comments(seeded)
    log_in(client, seeded)
    token = page_token(client, f"/admin/c/{SLUG}/working")
    assert client.post(f"/admin/c/{SLUG}/working", data={"_csrf_token": token}).status_code == 200
    article = client.get(f"/admin/c/{SLUG}/working/art-13").text
    # The most common wording first: NEW_P2 (two comments) before OTHER_P2 (one).
    assert article.index(f"第{second.id}号") < article.index(f"第{first.id}号")
    assert "2 条意见" in article and "1 条意见" in article
    # The public never sees the round being prepared.
    assert client.get(f"/c/{SLUG}", params={"version": 2}).status_code == 404
    assert client.get(f"/api/v1/consultations/{SLUG}/versions/2").status_code == 404
    answer = client.post(
        f"/admin/c/{SLUG}/adopt",
        data={"_csrf_token": token, "comment": [str(second.id), str(third.id)], "text": NEW_P2},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"]).text
    assert "<del>主管部门</del><ins>局</ins>" in page.replace("<span>", "").replace("</span>", "")
    assert [c.disposition for c in comments(seeded)] == ["", "adopted", "adopted"]
    with seeded.reading() as session:
        adoption = session.scalars(select(models.Adoption).order_by(models.Adoption.id)).all()
    assert [(a.comment_id, a.node_id, a.text, a.edited) for a in adoption] == [
        (second.id, "art-13-p2", NEW_P2, False),
        (third.id, "art-13-p2", NEW_P2, False),
    ]
    published = client.post(
        f"/admin/c/{SLUG}/working-publish",
        data={"_csrf_token": token, "opens": "2026-12-01", "closes": "2026-12-31"},
        follow_redirects=False,
    )
    assert published.status_code == 303
    assert published.headers["location"] == f"/admin/c/{SLUG}/compare?old=1&new=2"
    comparison = client.get(published.headers["location"]).text
    assert re.search(rf"采纳<a href=\"/admin/comments/{second.id}\">第{second.id}号</a>、", comparison)
    docx = client.get(f"/admin/c/{SLUG}/export/comparison", params={"version": 2})
    assert docx.status_code == 200
    cells = [
        cell.text
        for table in Document(io.BytesIO(docx.content)).tables
        for row in table.rows
        for cell in row.cells
    ]
    assert any(f"采纳第{second.id}号、第{third.id}号意见" in text for text in cells)
    # Published: the public now reads the adopted wording.
    assert NEW_P2 in client.get(f"/c/{SLUG}").text


def test_adopting_after_editing_is_partly_adopted_and_edits_are_kept(client, seeded):
    _propose(client, "art-13", "新的第十三条第一款。\n新的第二款。")
    [comment] = comments(seeded)
    log_in(client, seeded)
    token = page_token(client, f"/admin/c/{SLUG}/working")
    client.post(f"/admin/c/{SLUG}/working", data={"_csrf_token": token})
    detail = client.get(f"/admin/comments/{comment.id}").text
    assert "采纳到第 2 版工作稿" in detail
    client.post(
        f"/admin/c/{SLUG}/adopt",
        data={
            "_csrf_token": token,
            "comment": str(comment.id),
            "text": "新的第十三条第一款。\n改过的第二款。",
        },
    )
    assert comments(seeded)[0].disposition == "partly_adopted"
    refused = client.post(
        f"/admin/c/{SLUG}/working/art-13",
        data={"_csrf_token": token, "text": "第一款。\n第十四条 另起一条。"},
    )
    assert refused.status_code == 422
    assert "不能另起一条" in refused.text and "第十四条 另起一条。" in refused.text
    saved = client.post(
        f"/admin/c/{SLUG}/working/art-13",
        data={"_csrf_token": token, "text": "第一款。\n（一）一项；\n（二）二项。"},
    )
    assert saved.status_code == 200 and "已保存到工作稿。" in saved.text
    with seeded.reading() as session:
        rows = session.execute(
            select(models.Paragraph.node_id, models.Paragraph.text, models.Paragraph.items)
            .join(models.Version)
            .where(models.Version.number == 2, models.Paragraph.node_id.like("art-13-%"))
        ).all()
    assert [(r.node_id, r.text) for r in rows] == [("art-13-p1", "第一款。")]
    assert '"label": "（一）"' in rows[0].items


def test_the_working_draft_goes_out_as_word_and_comes_back(client, seeded):
    log_in(client, seeded)
    token = page_token(client, f"/admin/c/{SLUG}/working")
    client.post(f"/admin/c/{SLUG}/working", data={"_csrf_token": token})
    exported = client.get(f"/admin/c/{SLUG}/working-export")
    assert exported.status_code == 200
    document = Document(io.BytesIO(exported.content))
    [p2] = [p for p in document.paragraphs if p.text == P2]
    for run in p2.runs[1:]:
        run.text = ""
    p2.runs[0].text = NEW_P2
    assert document.paragraphs[0].runs[0].font.name is not None  # official fonts on every run
    edited = io.BytesIO()
    document.save(edited)
    answer = client.post(
        f"/admin/c/{SLUG}/working-import",
        data={"_csrf_token": token},
        files=[("file", ("工作稿.docx", edited.getvalue(), "application/octet-stream"))],
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    article = client.get(f"/admin/c/{SLUG}/working/art-13").text
    assert "<del>主管部门</del><ins>局</ins>" in article.replace("<span>", "").replace("</span>", "")
    refused = client.post(
        f"/admin/c/{SLUG}/working-import",
        data={"_csrf_token": token},
        files=[("file", ("工作稿.pdf", b"%PDF-1.4", "application/pdf"))],
    )
    assert refused.status_code == 415 and "只能上传 .txt、.md 或 .docx 格式的草案。" in refused.text
