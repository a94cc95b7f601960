"""XSS and markup injection everywhere user text goes: each payload, sent in every comment field through the
public form, the JSON API and the drafters' offline entry, in a disposition reason, in reflected query
parameters and in an uploaded draft, comes back escaped on every page that shows it (never the raw markup,
no inline code at all), as the same plain string from the API, and as literal text in well-formed Word XML."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document
from lxml import etree
from markupsafe import escape
from sqlalchemy import select

from app import models
from tests.app.helpers import log_in, page_token
from tests.app.test_security_headers import inline_code

SLUG = "hlj-digital-economy"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "single quote": "' autofocus onfocus='alert(1)",
    "javascript URL": "javascript:alert(1)",
    "template": "{{7*7}}${7*7}{% raw %}",
    "textarea": "</textarea><svg onload=alert(1)>",
    "Word XML": "</w:t></w:r><w:r><w:t>injected",
    "CDATA and entity": "]]><w:p/>&amp;&#x3c;",
    "control characters": "控\x01制\x08字\x1b[31m符\x7f",
}
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what Word cannot hold; the export drops it


@pytest.fixture
def drafter(demo_client, demo):
    log_in(demo_client, demo)
    return demo_client


def assert_escaped(html: str, *texts: str) -> None:
    """Each text is on the page escaped, never as raw markup, and the page carries no inline code."""
    for text in texts:
        assert str(escape(text)) in html
        if str(escape(text)) != text:
            assert text not in html
    assert inline_code(html) == []


def show(client, path: str) -> str:
    answer = client.get(path)
    assert (path, answer.status_code) == (path, 200)
    return answer.text


def comment_id(db, receipt: str) -> int:
    with db.reading() as session:
        return session.scalar(select(models.Comment.id).where(models.Comment.receipt == receipt))


def summary_export(client, version: int) -> tuple[list[str], list[str]]:
    """(table cell texts, w:t texts) of the 意见汇总表 with personal data; fails on malformed XML."""
    answer = client.get(f"/admin/c/{SLUG}/export/summary?version={version}&personal=true")
    assert answer.status_code == 200
    cells = [
        cell.text
        for table in Document(io.BytesIO(answer.content)).tables
        for row in table.rows
        for cell in row.cells
    ]
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))  # XMLSyntaxError if anything broke out
    return cells, [node.text or "" for node in root.iter(f"{W}t")]


def assert_literal_in_word(cells: list[str], runs: list[str], *texts: str) -> None:
    for text in texts:
        literal = XML_ILLEGAL.sub("", text)
        assert any(literal in cell for cell in cells)
        assert any(literal in run for run in runs)  # whole, inside one w:t: no run was injected
    assert "injected" not in runs


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_public_comment_fields(drafter, demo, payload):
    personal = {"name": payload, "organisation": payload, "region": payload}
    form = drafter.post(
        f"/c/{SLUG}/comment",
        follow_redirects=False,
        data={
            "_csrf_token": page_token(drafter, f"/c/{SLUG}/comment"),
            "target": "art-13",
            "content": f"表单意见{payload}",
            "commenter_type": "个人",
            "consent": "yes",
            **personal,
        },
    )
    assert form.status_code == 303, form.text
    by_form = re.search(r"YJ-\d{8}-\w{8}", form.headers["location"]).group(0)
    api = drafter.post(
        f"/api/v1/consultations/{SLUG}/comments",
        json={"target": "art-13-p2", "content": f"接口意见{payload}", "consent": True, **personal},
    )
    assert api.status_code == 201, api.text
    by_api = api.json()["receipt"]

    for receipt, content in ((by_form, f"表单意见{payload}"), (by_api, f"接口意见{payload}")):
        assert_escaped(show(drafter, f"/receipt/{receipt}"), content, payload)  # organisation, region masked
        assert_escaped(show(drafter, f"/admin/comments/{comment_id(demo, receipt)}"), content, payload)
        public = drafter.get(f"/api/v1/receipts/{receipt}").json()
        # A 个人's organisation and region are personal data: masked like the name.
        masked = payload[0] + "*" * (len(payload) - 1)
        assert (public["content"], public["organisation"], public["region"]) == (content, masked, masked)
        assert public["name"] == payload[0] + "*" * (len(payload) - 1)  # masked, as a plain string
        full = drafter.get(f"/api/v1/admin/comments/{comment_id(demo, receipt)}").json()["comment"]
        assert {k: full[k] for k in ("content", *personal)} == {"content": content, **personal}
    listing = show(drafter, f"/admin/c/{SLUG}/comments?version=1&article=art-13")
    assert_escaped(listing, f"表单意见{payload}", f"接口意见{payload}", payload)
    partial = drafter.get(
        f"/admin/c/{SLUG}/comments?version=1&article=art-13", headers={"HX-Request": "true"}
    )
    assert_escaped(partial.text, f"表单意见{payload}")
    assert_literal_in_word(*summary_export(drafter, 1), f"表单意见{payload}", f"接口意见{payload}", payload)


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_refused_form_echoes_what_was_typed_escaped(demo_client, payload, htmx):
    """A contact that is no phone number or e-mail: the form comes back with every field as typed."""
    answer = demo_client.post(
        f"/c/{SLUG}/comment",
        headers={"HX-Request": "true"} if htmx else {},
        data={
            "_csrf_token": page_token(demo_client, f"/c/{SLUG}/comment"),
            "target": "art-13",
            "content": payload,
            "name": payload,
            "organisation": payload,
            "region": payload,
            "contact": payload,
            "consent": "yes",
        },
    )
    assert answer.status_code == 422
    assert "请填写有效的手机号码（11 位）、固定电话或电子邮箱。" in answer.text
    assert answer.text.count(str(escape(payload))) == 5
    assert_escaped(answer.text, payload)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_offline_entry_and_disposition_reason(drafter, demo, payload):
    token = page_token(drafter, "/admin")
    fields = {
        "content": f"来信意见{payload}",
        "name": payload,
        "organisation": payload,
        "region": payload,
        "source_detail": payload,
    }
    refused = drafter.post(
        f"/admin/c/{SLUG}/offline",
        data={
            "_csrf_token": token,
            "version": "1",
            "source": "letter",
            "received_on": "not a date",
            "target": "art-13",
            **fields,
        },
    )
    assert refused.status_code == 422
    assert_escaped(refused.text, *fields.values())
    entered = drafter.post(
        f"/admin/c/{SLUG}/offline",
        follow_redirects=False,
        data={
            "_csrf_token": token,
            "version": "1",
            "source": "letter",
            "received_on": "2026-01-05",
            "target": "art-13",
            **fields,
        },
    )
    assert entered.status_code == 303, entered.text
    receipt = re.search(r"done=(YJ-\d{8}-\w{8})", entered.headers["location"]).group(1)
    number = comment_id(demo, receipt)
    reason = f"理由{payload}"
    answered = drafter.post(
        f"/admin/comments/{number}/disposition",
        follow_redirects=False,
        data={"_csrf_token": token, "value": "not_adopted", "reason": reason},
    )
    assert answered.status_code == 303
    refused_reason = drafter.post(
        f"/admin/comments/{number}/disposition",
        headers={"HX-Request": "true"},
        data={"_csrf_token": token, "value": "no-such-value", "reason": reason},
    )
    assert refused_reason.status_code == 422
    assert_escaped(refused_reason.text, reason)  # the textarea keeps what was typed

    assert_escaped(show(drafter, f"/admin/comments/{number}"), *fields.values(), reason)
    assert_escaped(
        show(drafter, f"/admin/c/{SLUG}/comments?version=1&article=art-13&source=letter"), *fields.values()
    )
    assert_escaped(show(drafter, f"/admin/c/{SLUG}/compare?old=1&new=2"), fields["content"])
    detail = drafter.get(f"/api/v1/admin/comments/{number}").json()
    assert {k: detail["comment"][k] for k in fields} == fields
    assert detail["history"][0]["reason"] == reason
    assert_literal_in_word(*summary_export(drafter, 1), fields["content"], payload, reason)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_reflected_parameters(drafter, demo_client, payload):
    from urllib.parse import quote

    q = quote(payload, safe="")
    listing = show(drafter, f"/admin/c/{SLUG}/comments?version=1&q={q}&article={q}&date_from={q}")
    assert_escaped(listing, payload)
    assert_escaped(show(drafter, f"/receipt/erase?number={q}"), payload[:40])
    lookup = drafter.get(f"/receipt?number={q}")
    assert lookup.status_code == 404
    assert_escaped(lookup.text, payload)
    answer = drafter.post(
        "/admin/login",
        data={
            "name": payload,
            "password": "wrong password",
            "next": payload,
            "_csrf_token": page_token(drafter, "/admin"),
        },
    )
    assert answer.status_code == 401
    assert_escaped(answer.text, payload)
    assert 'name="next" value="/admin"' in answer.text  # not a place to send anyone


DRAFT = [
    "<script>alert(1)</script>数据条例",
    "第一章 总则%(title)s 100%",  # a format string: the overview once ran labels through gettext
    '第一条【</textarea><svg onload=alert(1)>】为了"><img src=x onerror=alert(1)>，制定本条例。',
    "第二条 {{7*7}} javascript:alert(1) </w:t></w:r><w:r><w:t>injected 本条例自公布之日起施行。",
]


def test_an_uploaded_draft_with_payloads_is_shown_escaped(drafter, demo):
    token = page_token(drafter, f"/admin/c/{SLUG}/versions/new")
    preview = drafter.post(
        f"/admin/c/{SLUG}/versions/upload",
        data={"_csrf_token": token},
        files={"file": ("v3.txt", "\n\n".join(DRAFT).encode())},
    )
    assert preview.status_code == 200
    assert_escaped(preview.text, "<script>alert(1)</script>数据条例")
    upload = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    done = drafter.post(
        f"/admin/c/{SLUG}/versions/confirm",
        follow_redirects=False,
        data={
            "_csrf_token": token,
            "token": upload,
            "filename": "<b>v3</b>.txt",
            "stage": "<i>二次修改稿</i>",
            "opens": "2026-12-01",
            "closes": "2026-12-31",
        },
    )
    assert done.status_code == 303, done.text
    texts = [
        "</textarea><svg onload=alert(1)>",
        '为了"><img src=x onerror=alert(1)>，制定本条例。',
        "{{7*7}} javascript:alert(1) </w:t></w:r><w:r><w:t>injected 本条例自公布之日起施行。",
    ]
    assert_escaped(show(drafter, f"/c/{SLUG}?version=3"), *texts, "<i>二次修改稿</i>")
    overview = show(drafter, f"/admin/c/{SLUG}?version=3")  # the chart and table label chapters and articles
    assert_escaped(
        overview, "<i>二次修改稿</i>", "第一条【</textarea><svg onload=alert(1)>】", "第一章 总则%(title"
    )
    compare = show(drafter, f"/admin/c/{SLUG}/compare?old=2&new=3")
    assert_escaped(compare, "</textarea><svg onload=alert(1)>")
    assert "<svg onload" not in compare and "<img src=x" not in compare
    version = drafter.get(f"/api/v1/consultations/{SLUG}/versions/3").json()
    assert version["articles"][0]["caption"] == texts[0]
    assert [p["text"] for a in version["articles"] for p in a["paragraphs"]] == texts[1:]
