"""The feedback report: its figures equal what the database holds (on both databases), naming follows
consent exactly, editing and publishing (administrators only), and the public page and Word file."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from app import models
from app.db import utcnow
from app.services import feedback, theme_runs, themes
from app.services import theme_decisions as decide
from app.services.auth import UserInfo
from app.services.comments import new_receipt
from app.services.dispositions import dispose

DRAFTER = UserInfo(None, "drafter1", "drafter")  # type: ignore[arg-type]
ADMIN = UserInfo(None, "admin1", "admin")  # type: ignore[arg-type]
# (target, text, name, contact, source, name_consent, disposition)
ROWS = [
    ("art-13", "第十三条基站建设用地难以落实，建议明确。", "张三", "13800000001", "online", True, "adopted"),
    ("art-13", "第十三条基站进入小区应当免费。", "张三", "13800000001", "online", True, "adopted"),
    ("art-13", "基站建设与道路同步规划。", "李四", "", "letter", False, "adopted"),
    ("art-1", "立法依据写明数据安全法。", "王五", "wang@example.cn", "online", True, "partly_adopted"),
    ("art-1", "立法依据补充个人信息保护法。", "赵六", "", "contact_point", True, "not_adopted"),
    ("draft", "总体赞成，建议加快出台。", "", "", "online", True, "adopted"),
    ("draft", "建议增加法律责任。", "孙七", "", "email", True, ""),
    ("art-26", "删除第二十六条的例外。", "周八", "", "online", True, "adopted"),
]


def _fill(db) -> int:
    now = utcnow()
    with db.writing() as session:
        version_id = session.scalar(select(models.Version.id))
        ids = []
        for n, (target, text, name, contact, source, named, _) in enumerate(ROWS):
            article_id = session.scalar(
                select(models.Article.id).where(
                    models.Article.version_id == version_id, models.Article.node_id == target
                )
            )
            ids.append(
                session.execute(
                    insert(models.Comment).returning(models.Comment.id),
                    {
                        "receipt": new_receipt(now),
                        "version_id": version_id,
                        "article_id": article_id,
                        "target": target,
                        "content": text,
                        "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                        "name": name,
                        "contact": contact,
                        "consent": bool(name or contact),
                        "name_consent": named,
                        "source": source,
                        "client_hash": hashlib.sha256(f"client{n % 3}".encode()).hexdigest(),
                        "created_at": now + timedelta(seconds=n),
                    },
                ).scalar_one()
            )
    for comment_id, row in zip(ids, ROWS, strict=True):
        if row[6]:
            dispose(db, DRAFTER, row[6], "" if row[6] == "adopted" else "理由。", comment_ids=[comment_id])
    # 周八 consented and was adopted, then had the personal data erased: never named.
    with db.writing() as session:
        session.execute(
            models.Comment.__table__.update()
            .where(models.Comment.id == ids[-1])
            .values(name="", erased_at=utcnow())
        )
    return version_id


def test_figures_equal_the_database(seeded):
    version_id = _fill(seeded)
    f = feedback.figures(seeded, version_id)
    with seeded.reading() as session:
        total = session.scalar(
            select(func.count()).select_from(models.Comment).where(models.Comment.version_id == version_id)
        )
        by_source = dict(
            session.execute(
                select(models.Comment.source, func.count())
                .where(models.Comment.version_id == version_id)
                .group_by(models.Comment.source)
            ).all()
        )
        by_article = dict(
            session.execute(
                select(models.Article.label, func.count())
                .join(models.Comment, models.Comment.article_id == models.Article.id)
                .group_by(models.Article.label)
            ).all()
        )
    assert f["comments"] == total == len(ROWS)
    # 张三 twice (same contact), 李四, 王五, 赵六, 孙七, the anonymous online one, the erased one: 7 people.
    assert f["commenters"] == 7
    labels = {"网上提交": "online", "信函": "letter", "电子邮件": "email", "基层立法联系点": "contact_point"}
    assert {label: n for label, n in f["channels"]} == {k: by_source[v] for k, v in labels.items()}
    assert dict(f["articles"]) == {**by_article, "总体意见": 2}
    assert sum(n for _, n in f["chapters"]) == total
    assert dict(f["dispositions"]) == {"采纳": 5, "部分采纳": 1, "不采纳": 1}
    body = feedback.draft_body(f)
    assert "共收到7人提出的8条意见，其中网上提交5条、信函1条、电子邮件1条、基层立法联系点1条" in body
    assert "经认真研究，采纳5条，部分采纳1条，不采纳1条。" in body


def test_naming_follows_consent_exactly(seeded):
    version_id = _fill(seeded)
    # 张三 (adopted, consented) once; 王五 (partly adopted, consented). Not 李四 (no consent), 赵六 (not
    # adopted), 孙七 (not answered), the anonymous comment (no name), 周八 (erased).
    assert feedback.figures(seeded, version_id)["names"] == ["张三", "王五"]


def test_approved_themes_and_handling_in_the_report(seeded):
    version_id = _fill(seeded)
    theme_runs.analyse_version(seeded, version_id, "drafter1")
    theme = themes.list_themes(seeded, version_id)
    first = (theme.themes + theme.small)[0]
    decide.rename(seeded, DRAFTER, first.id, "基站建设")
    decide.set_handling(seeded, DRAFTER, first.id, "已在修改稿第十三条中明确。")
    assert feedback.figures(seeded, version_id)["themes"] == []  # not approved yet
    decide.approve(seeded, DRAFTER, first.id)
    report = feedback.generate(seeded, DRAFTER, version_id)
    assert (
        f"（一）基站建设。共{first.comments}条意见，{first.commenters}人提出。已在修改稿第十三条中明确。"
        in report.body
    )


def test_edit_publish_and_read_publicly(seeded):
    version_id = _fill(seeded)
    with pytest.raises(feedback.ServiceError) as missing:
        feedback.public(seeded, "hlj-digital-economy")
    assert missing.value.code == "report_not_found"
    feedback.generate(seeded, DRAFTER, version_id)
    feedback.save_body(seeded, DRAFTER, version_id, "一、总体情况\n办公室修改后的正文。")
    with pytest.raises(feedback.ServiceError) as refused:
        feedback.publish(seeded, DRAFTER, version_id)
    assert refused.value.code == "admin_required"
    with pytest.raises(feedback.ServiceError):
        feedback.public(seeded, "hlj-digital-economy")
    feedback.publish(seeded, ADMIN, version_id)
    report, _ = feedback.public(seeded, "hlj-digital-economy", 1)
    assert report.body == "一、总体情况\n办公室修改后的正文。" and report.published_by == "admin1"
    assert report.document().names == ("张三", "王五")
    # Regenerating withdraws it until it is published again.
    feedback.generate(seeded, DRAFTER, version_id)
    with pytest.raises(feedback.ServiceError):
        feedback.public(seeded, "hlj-digital-economy")


@pytest.mark.parametrize(("ticked", "stored"), [("yes", True), (None, False)])
def test_comment_form_asks_consent_to_be_named_apart(client, seeded, ticked, stored):
    from tests.app.helpers import comments, csrf_token

    form = client.get("/c/hlj-digital-economy/comment", params={"target": "art-13"}).text
    assert 'name="consent"' in form and 'name="name_consent"' in form
    assert "如我的意见被采纳，同意在征求意见情况通报中公布我的姓名" in form
    data = {
        "_csrf_token": csrf_token(client),
        "target": "art-13",
        "content": "建议明确同步验收的责任主体。",
        "name": "张三",
        "consent": "yes",
        "name_consent": ticked,
    }
    answer = client.post(
        "/c/hlj-digital-economy/comment", data={k: v for k, v in data.items() if v}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    (comment,) = comments(seeded)
    assert (comment.consent, comment.name_consent, comment.name) == (True, stored, "张三")
