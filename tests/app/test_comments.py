"""Commenting through the pages: success with and without htmx, and every refusal writing nothing."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest
from sqlalchemy import update

from app import models
from app.routes.admin_api import OfflineIn
from app.routes.api import CommentIn, ReceiptOut
from app.services.comments import CommentInput, Receipt
from app.services.review import CommentRow
from exporters.summary import SummaryComment
from tests.app.helpers import comment_count, comments, csrf_token
from versions.vocabulary import PERSONAL_FIELDS

URL = "/c/hlj-digital-economy/comment"
RECEIPT = re.compile(r"YJ-\d{8}-[2-9A-HJ-NP-Z]{8}")


def post(client, token, **fields):
    data = {"_csrf_token": token, "target": "art-13", "content": "建议明确“同步验收”的责任主体。", **fields}
    return client.post(URL, data={k: v for k, v in data.items() if v is not None}, follow_redirects=False)


def test_comment_without_javascript_redirects_to_its_receipt(client, seeded):
    response = post(
        client,
        csrf_token(client),
        target="art-13-p2",
        name="张三",
        commenter_type="专家学者",
        organisation="某大学",
        region="哈尔滨市",
        contact="13812345678",
        consent="yes",
    )
    assert response.status_code == 303
    number = RECEIPT.search(response.headers["location"]).group(0)
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    assert number in page.text
    assert "意见已提交，感谢您的参与。" in page.text
    assert "第十三条第二款" in page.text
    assert "建议明确“同步验收”的责任主体。" in page.text
    assert "张*" in page.text and "138****5678" in page.text
    assert "张三" not in page.text and "13812345678" not in page.text
    assert "已收到" in page.text
    [stored] = comments(seeded)
    assert (stored.receipt, stored.target, stored.name, stored.contact, stored.consent) == (
        number,
        "art-13-p2",
        "张三",
        "13812345678",
        True,
    )
    assert stored.client_hash != "testclient" and len(stored.client_hash) == 64


def test_comment_with_htmx_returns_the_receipt_inline(client, seeded):
    response = client.post(
        URL,
        data={"_csrf_token": csrf_token(client), "target": "draft", "content": "总体赞成。"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div class="comment-box done" role="status">')
    number = RECEIPT.search(response.text).group(0)
    assert comments(seeded)[0].receipt == number
    assert comments(seeded)[0].article_id is None


def test_receipt_lookup_finds_a_receipt_typed_loosely(client):
    number = RECEIPT.search(post(client, csrf_token(client)).headers["location"]).group(0)
    found = client.get("/receipt", params={"number": " " + number.lower() + " "}, follow_redirects=False)
    assert (found.status_code, found.headers["location"]) == (303, f"/receipt/{number}")
    missing = client.get("/receipt", params={"number": "YJ-20261124-AAAAAAAA"})
    assert missing.status_code == 404
    assert "没有找到这个回执编号，请核对后重试。" in missing.text
    assert 'value="YJ-20261124-AAAAAAAA"' in missing.text


LONG = "字" * 5001
BAD = [
    # (fields, status, field with the error or None, message)
    ({"content": ""}, 422, "content", "请填写意见内容。"),
    ({"content": " \u3000\n\t\u200b "}, 422, "content", "请填写意见内容。"),
    (
        {"content": LONG},
        422,
        "content",
        "意见内容不能超过 5000 字。 现有 5001 字，超出 1 字，请删减后再提交。",
    ),
    (
        {"contact": "1381234", "consent": "yes"},
        422,
        "contact",
        "请填写有效的手机号码（11 位）、固定电话或电子邮箱。",
    ),
    (
        {"contact": "someone@", "consent": "yes"},
        422,
        "contact",
        "请填写有效的手机号码（11 位）、固定电话或电子邮箱。",
    ),
    ({"name": "李四"}, 422, "consent", "填写了个人信息，须勾选同意处理个人信息后才能提交。"),
    ({"commenter_type": "外星人"}, 422, "commenter_type", "请选择列表中的身份类别。"),
    ({"name": "名" * 51, "consent": "yes"}, 422, "name", "内容过长，请删减。"),
]


@pytest.mark.parametrize(("fields", "status", "field", "message"), BAD)
def test_bad_input_is_refused_next_to_the_field_and_kept(client, seeded, fields, status, field, message):
    for htmx in (False, True):
        response = (
            post(client, csrf_token(client), **fields)
            if not htmx
            else client.post(
                URL,
                data={"_csrf_token": csrf_token(client), "target": "art-13", "content": "意见", **fields},
                headers={"HX-Request": "true"},
            )
        )
        assert response.status_code == status
        assert f'id="f-art-13-{field}-err">{message}</p>' in response.text
        assert "提交未成功，请按提示修改。您填写的内容已保留。" in response.text
        for name, value in fields.items():
            if (
                name != "commenter_type" and value not in ("yes", "") and len(value) < 100
            ):  # a select keeps only its options
                assert value.strip() in response.text
    assert comment_count(seeded) == 0


def test_over_long_content_is_kept_in_full(client, seeded):
    response = post(client, csrf_token(client), content=LONG)
    assert f">{LONG}</textarea>" in response.text
    assert comment_count(seeded) == 0


def test_user_input_is_escaped(client, seeded):
    script = '<script>alert("x")</script>'
    response = post(client, csrf_token(client), content=script, name=script)
    assert script not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text
    assert comment_count(seeded) == 0


@pytest.mark.parametrize(("token", "cookie"), [("0" * 64, True), (None, True), ("any", False)])
def test_forged_or_missing_csrf_token_is_refused_and_keeps_the_text(client, seeded, token, cookie):
    csrf_token(client)
    if not cookie:
        client.cookies.clear()
    response = post(client, token, content="我的意见内容")
    assert response.status_code == 403
    assert "页面已过期或无法确认提交来源，请再次点击提交（您填写的内容已保留）。" in response.text
    assert ">我的意见内容</textarea>" in response.text
    assert comment_count(seeded) == 0


def test_unknown_article_is_refused(client, seeded):
    response = post(client, csrf_token(client), target="art-999")
    assert response.status_code == 404
    assert "找不到要提意见的条文或款，请从草案页面重新进入。" in response.text
    assert comment_count(seeded) == 0


def test_closed_consultation_is_refused_and_keeps_the_text(client, seeded):
    token = csrf_token(client)
    with seeded.writing() as session:
        session.execute(update(models.Version).values(closes_at=models.Version.opens_at))
    response = post(client, token, content="晚到的意见")
    assert response.status_code == 409
    assert "本次征求意见已经截止，不再接收意见。" in response.text
    assert ">晚到的意见</textarea>" in response.text
    assert comment_count(seeded) == 0
    assert "对本条提意见" not in client.get("/c/hlj-digital-economy").text


def test_repeated_identical_submission_counts_once(client, seeded):
    token = csrf_token(client)
    first = post(client, token).headers["location"]
    second = post(client, token).headers["location"]
    assert first == second
    assert comment_count(seeded) == 1
    assert post(client, token, content="另一条意见").headers["location"] != first
    assert comment_count(seeded) == 2


def test_too_many_submissions_get_a_try_later_page(client, seeded):
    token = csrf_token(client)
    for n in range(5):
        assert post(client, token, content=f"意见{n}").status_code == 303
    response = post(client, token, content="第六条意见")
    assert response.status_code == 429
    assert "提交过于频繁。请于10分钟后再试。" in response.text  # the true wait, in minutes
    assert 541 <= int(response.headers["retry-after"]) <= 600
    assert ">第六条意见</textarea>" in response.text
    assert comment_count(seeded) == 5


def test_upcoming_consultation_refuses_comments(client, seeded, sample_draft):
    from app.services.importing import import_draft

    import_draft(
        seeded,
        sample_draft,
        slug="later",
        stage="征求意见稿",
        opens=date(2099, 1, 1),
        closes=date(2099, 2, 1),
    )
    response = client.post(
        "/c/later/comment",
        data={"_csrf_token": csrf_token(client), "target": "art-1", "content": "提前的意见"},
    )
    assert response.status_code == 409
    assert "本次征求意见尚未开始，暂不接收意见。" in response.text
    assert comment_count(seeded) == 0


@pytest.mark.parametrize(
    "cls", [CommentInput, Receipt, CommentRow, SummaryComment, CommentIn, ReceiptOut, OfflineIn]
)
def test_every_commenter_dataclass_declares_the_personal_fields(cls):
    """The personal fields are one list (versions.vocabulary): each dataclass carrying a commenter has them
    all."""
    assert set(PERSONAL_FIELDS) <= {f.name for f in dataclasses.fields(cls)}
