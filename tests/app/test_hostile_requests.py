"""Hostile requests through HTTP: form posts without this browser's CSRF token, posts from other sites,
oversized, malformed and mis-typed bodies, bytes that are not UTF-8, hostile uploads. Each is refused with
its precise Chinese message on pages or its stable code in the API, never a 500 or a traceback, and
writes nothing (rows and staged uploads are counted before and after)."""

from __future__ import annotations

import functools
import io
import zipfile

import pytest
from sqlalchemy import func, select

from app import csrf, models
from app.services.errors import MESSAGES, STATUS
from tests.app.helpers import PASSWORD, log_in, page_token
from versions.numerals import to_chinese

SLUG = "hlj-digital-economy"
JSON = {"Content-Type": "application/json"}
URLENCODED = {"Content-Type": "application/x-www-form-urlencoded"}
EVIL = "https://consult.evil.example"


@pytest.fixture
def drafter(demo_client, demo):
    log_in(demo_client, demo)
    return demo_client


def snapshot(db, data_dir) -> dict[str, int]:
    """What a refused request must leave unchanged: row counts, commenters' names, staged uploads."""
    with db.reading() as session:
        counted = {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (models.Comment, models.Disposition, models.Version, models.UserSession, models.User)
        }
        counted["named"] = session.scalar(select(func.count()).where(models.Comment.name != ""))
    uploads = data_dir / "uploads"
    # A staged upload is its file plus a .json note binding it to a consultation and a user.
    counted["staged"] = len([p for p in uploads.iterdir() if p.suffix != ".json"]) if uploads.exists() else 0
    return counted


def first_comment(db) -> tuple[int, str]:
    with db.reading() as session:
        row = session.execute(
            select(models.Comment.id, models.Comment.receipt).order_by(models.Comment.id)
        ).first()
    return row.id, row.receipt


def form_posts(db) -> dict[str, tuple[str, dict]]:
    """Every form post of the site (route path → concrete path, fields that would succeed with a token)."""
    comment_id, receipt = first_comment(db)
    return {
        "/c/{slug:str}/comment": (
            f"/c/{SLUG}/comment",
            {"target": "art-13", "content": "建议明确责任主体。"},
        ),
        "/receipt/erase": ("/receipt/erase", {"number": receipt, "contact": "13800000000"}),
        "/admin/login": ("/admin/login", {"name": "drafter1", "password": PASSWORD, "next": "/admin"}),
        "/admin/logout": ("/admin/logout", {}),
        "/admin/comments/{comment_id:int}/disposition": (
            f"/admin/comments/{comment_id}/disposition",
            {"value": "adopted", "reason": ""},
        ),
        "/admin/c/{slug:str}/dispositions": (
            f"/admin/c/{SLUG}/dispositions",
            {"value": "adopted", "ids": str(comment_id), "scope": "selection"},
        ),
        "/admin/c/{slug:str}/dispositions/confirm": (
            f"/admin/c/{SLUG}/dispositions/confirm",
            {"value": "adopted", "ids": str(comment_id), "scope": "selection"},
        ),
        "/admin/c/{slug:str}/dispositions/undo": (f"/admin/c/{SLUG}/dispositions/undo", {"action": "1"}),
        "/admin/c/{slug:str}/rounds/{number:int}/publish": (
            f"/admin/c/{SLUG}/rounds/2/publish",
            {"opens": "2026-12-01", "closes": "2026-12-31", "note": "起草说明"},
        ),
        "/admin/c/{slug:str}/rounds/{number:int}/answers": (f"/admin/c/{SLUG}/rounds/1/answers", {}),
        "/admin/users": ("/admin/users", {"name": "drafter9", "role": "drafter", "password": PASSWORD}),
        "/admin/users/{account:str}/{action:str}": ("/admin/users/drafter1/end-sessions", {}),
        "/admin/c/{slug:str}/themes/run": (f"/admin/c/{SLUG}/themes/run", {"version": "1"}),
        "/admin/c/{slug:str}/themes/merge": (
            f"/admin/c/{SLUG}/themes/merge",
            {"version": "1", "themes": ["1", "2"]},
        ),
        "/admin/themes/{theme_id:int}/{action:str}": ("/admin/themes/1/rename", {"label": "新名称"}),
        "/admin/c/{slug:str}/report/{action:str}": (f"/admin/c/{SLUG}/report/generate", {"version": "1"}),
        "/admin/c/{slug:str}/offline": (
            f"/admin/c/{SLUG}/offline",
            {
                "version": "1",
                "source": "letter",
                "received_on": "2026-01-05",
                "target": "art-13",
                "content": "来信：建议明确责任主体。",
                "name": "王某",
            },
        ),
        "/admin/c/{slug:str}/cluster": (f"/admin/c/{SLUG}/cluster", {"version": "1"}),
        "/admin/jobs/{job_id:int}/retry": ("/admin/jobs/1/retry", {}),
        "/admin/c/{slug:str}/versions/upload": (f"/admin/c/{SLUG}/versions/upload", {}),
        "/admin/c/{slug:str}/working": (f"/admin/c/{SLUG}/working", {}),
        "/admin/c/{slug:str}/working/{node:str}": (f"/admin/c/{SLUG}/working/art-13", {"text": "第一款。"}),
        "/admin/c/{slug:str}/adopt": (
            f"/admin/c/{SLUG}/adopt",
            {"comment": str(comment_id), "text": "新条文。"},
        ),
        "/admin/c/{slug:str}/working-publish": (
            f"/admin/c/{SLUG}/working-publish",
            {"opens": "2026-12-01", "closes": "2026-12-31"},
        ),
        "/admin/c/{slug:str}/working-import": (f"/admin/c/{SLUG}/working-import", {}),
        "/admin/attachments/{attachment_id:int}/personal": (
            "/admin/attachments/1/personal",
            {"personal": "no"},
        ),
        "/admin/c/{slug:str}/versions/confirm": (
            f"/admin/c/{SLUG}/versions/confirm",
            {"token": "A" * 32, "stage": "二次修改稿", "opens": "2026-12-01", "closes": "2026-12-31"},
        ),
    }


def json_posts(db) -> dict[str, tuple[str, dict]]:
    """Every JSON post of the API (route path → concrete path, a body that would succeed)."""
    comment_id, receipt = first_comment(db)
    return {
        "/api/v1/consultations/{slug:str}/comments": (
            f"/api/v1/consultations/{SLUG}/comments",
            {"content": "建议明确责任主体。", "target": "art-13"},
        ),
        "/api/v1/receipts/{number:str}/erasure": (
            f"/api/v1/receipts/{receipt}/erasure",
            {"contact": "13800000000"},
        ),
        "/api/v1/admin/comments/dispositions": (
            "/api/v1/admin/comments/dispositions",
            {"value": "adopted", "ids": [comment_id]},
        ),
        "/api/v1/admin/consultations/{slug:str}/comments": (
            f"/api/v1/admin/consultations/{SLUG}/comments",
            {"content": "来信", "source": "letter", "received_on": "2026-01-05", "version": 1},
        ),
    }


def test_the_tables_cover_every_unsafe_route(drafter, demo):
    unsafe = {route.path for route in drafter.app.routes if route.methods - {"GET", "HEAD", "OPTIONS"}}
    assert unsafe == set(form_posts(demo)) | set(json_posts(demo))


def upload_file(name: str = "v3.txt", data: bytes = "第一条 为了促进数字经济发展，制定本条例。\n".encode()):
    return {"file": (name, data)}


def assert_page_refusal(answer, code: str) -> None:
    assert (answer.status_code, answer.headers["content-type"]) == (STATUS[code], "text/html; charset=utf-8")
    assert MESSAGES[code] in answer.text
    assert "Traceback" not in answer.text


def assert_api_refusal(answer, code: str) -> None:
    assert (answer.status_code, answer.json()["error"]["code"]) == (STATUS[code], code)
    assert answer.json()["error"]["message"] == MESSAGES[code]


@pytest.mark.parametrize("token", ["missing", "forged", "another client's", "without its cookie"])
def test_form_posts_without_this_browsers_token_are_refused(drafter, demo, settings, token):
    valid = page_token(drafter, "/admin")
    other, _ = csrf.token_for(settings.secret_key, None)  # what the site hands a browser with another cookie
    before = snapshot(demo, settings.data_dir)
    for route, (path, fields) in form_posts(demo).items():
        data = {
            **fields,
            **(
                {
                    "forged": {"_csrf_token": "0" * 64},
                    "another client's": {"_csrf_token": other},
                    "without its cookie": {"_csrf_token": valid},
                }.get(token, {})
            ),
        }
        cookie = drafter.cookies.get(csrf.COOKIE)
        if token == "without its cookie":
            drafter.cookies.delete(csrf.COOKIE)
        files = upload_file() if route.endswith("/upload") else None
        answer = drafter.post(path, data=data, files=files, follow_redirects=False)
        drafter.cookies.set(csrf.COOKIE, cookie, domain="testserver.local")
        assert (route, answer.status_code) == (route, 403)
        assert MESSAGES["csrf_failed"] in answer.text
    assert snapshot(demo, settings.data_dir) == before
    assert drafter.get("/admin", follow_redirects=False).status_code == 200  # not even logged out


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Origin": "http://testserver.local:8080"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": EVIL, "Sec-Fetch-Site": "same-origin"},
    ],
)
def test_posts_from_other_sites_are_refused_even_with_a_valid_token(drafter, demo, settings, headers):
    token = page_token(drafter, "/admin")
    before = snapshot(demo, settings.data_dir)
    for route, (path, fields) in form_posts(demo).items():
        files = upload_file() if route.endswith("/upload") else None
        answer = drafter.post(path, data={**fields, "_csrf_token": token}, files=files, headers=headers)
        assert (route, answer.status_code) == (route, 403)
        assert MESSAGES["cross_origin"] in answer.text
    for route, (path, body) in json_posts(demo).items():
        answer = drafter.post(path, json=body, headers=headers)
        assert (route, answer.json()["error"]["code"]) == (route, "cross_origin")
    assert snapshot(demo, settings.data_dir) == before


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "http://testserver.local"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Origin": "https://consult.example.gov.cn", "X-Forwarded-Host": "consult.example.gov.cn"},
    ],
)
def test_same_site_posts_still_work(drafter, demo, settings, headers):
    before = snapshot(demo, settings.data_dir)
    token = page_token(drafter, "/admin")
    path, fields = form_posts(demo)["/c/{slug:str}/comment"]
    page = drafter.post(path, data={**fields, "_csrf_token": token}, headers=headers, follow_redirects=False)
    api = drafter.post(
        f"/api/v1/consultations/{SLUG}/comments",
        headers=headers,
        json={"content": "另一条意见。", "target": "art-13"},
    )
    assert (page.status_code, api.status_code) == (303, 201)
    assert snapshot(demo, settings.data_dir)["Comment"] == before["Comment"] + 2


@pytest.mark.parametrize(
    ("headers", "code"), [({"Origin": EVIL}, "cross_origin"), ({}, "unsupported_media_type")]
)
def test_a_cross_site_text_plain_post_to_the_api_fails(demo_client, demo, settings, headers, code):
    before = snapshot(demo, settings.data_dir)
    answer = demo_client.post(
        f"/api/v1/consultations/{SLUG}/comments",
        content=b'{"content": "forged"}',
        headers={"Content-Type": "text/plain", **headers},
    )
    assert_api_refusal(answer, code)
    assert snapshot(demo, settings.data_dir) == before


def multipart(boundary: str, *parts: bytes, close: bool = True) -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    return body + (b"--" + boundary.encode() + b"--\r\n" if close else b"")


def field(name: str, value: bytes, extra: bytes = b"") -> bytes:
    return b'Content-Disposition: form-data; name="' + name.encode() + b'"\r\n' + extra + b"\r\n" + value


MB = 1024 * 1024
# (label, content type, body with {token} for the CSRF token, refusal code) for the comment form.
FORM_BODIES = [
    (
        "over 1 MB",
        URLENCODED,
        b"_csrf_token={token}&target=art-13&content=" + b"a" * (2 * MB),
        "request_too_large",
    ),
    (
        "percent-encoded non-UTF-8",
        URLENCODED,
        b"_csrf_token={token}&target=art-13&content=%C4%E3%BA%C3",
        "text_invalid",
    ),
    (
        "raw non-UTF-8 bytes",
        URLENCODED,
        b"_csrf_token={token}&target=art-13&content=\xc4\xe3\xba\xc3",
        "text_invalid",
    ),
    ("NUL character", URLENCODED, b"_csrf_token={token}&target=art-13&content=a%00b", "text_invalid"),
    (
        "multipart non-UTF-8 field",
        {"Content-Type": "multipart/form-data; boundary=XyZ"},
        multipart("XyZ", field("_csrf_token", b"{token}"), field("content", b"\xc4\xe3\xba\xc3")),
        "text_invalid",
    ),
    (
        "multipart unknown charset",
        {"Content-Type": "multipart/form-data; boundary=XyZ"},
        multipart(
            "XyZ", field("content", b"abc", b"Content-Type: text/plain; charset=x-no-such-charset\r\n")
        ),
        "text_invalid",
    ),
    (
        "multipart truncated",
        {"Content-Type": "multipart/form-data; boundary=XyZ"},
        multipart("XyZ", field("content", b"abc"), close=False)[:-2],
        "form_invalid",
    ),
    (
        "multipart boundary missing",
        {"Content-Type": "multipart/form-data"},
        multipart("XyZ", field("content", b"abc")),
        "form_invalid",
    ),
    (
        "multipart boundary wrong",
        {"Content-Type": "multipart/form-data; boundary=Other"},
        multipart("XyZ", field("content", b"abc")),
        "form_invalid",
    ),
    (
        "multipart garbage",
        {"Content-Type": "multipart/form-data; boundary=XyZ"},
        b"\x00\xff" * 64,
        "form_invalid",
    ),
    ("JSON to a form", JSON, b'{"content": "abc", "target": "art-13"}', "form_invalid"),
    ("XML to a form", {"Content-Type": "application/xml"}, b"<comment>abc</comment>", "form_invalid"),
]


@pytest.mark.parametrize(
    ("label", "headers", "body", "code"), FORM_BODIES, ids=[row[0] for row in FORM_BODIES]
)
def test_malformed_comment_forms_are_refused_precisely(
    demo_client, demo, settings, label, headers, body, code
):
    token = page_token(demo_client, f"/c/{SLUG}/comment").encode()
    before = snapshot(demo, settings.data_dir)
    answer = demo_client.post(f"/c/{SLUG}/comment", content=body.replace(b"{token}", token), headers=headers)
    assert_page_refusal(answer, code)
    assert snapshot(demo, settings.data_dir) == before


def test_an_oversized_body_without_content_length_is_refused_too(demo_client, demo, settings):
    before = snapshot(demo, settings.data_dir)
    chunks = iter([b"target=art-13&content="] + [b"a" * 65536] * 24)  # streamed: no Content-Length
    assert_page_refusal(
        demo_client.post(f"/c/{SLUG}/comment", content=chunks, headers=URLENCODED), "request_too_large"
    )
    assert snapshot(demo, settings.data_dir) == before


# (label, content type, body, refusal code) for the JSON API.
API_BODIES = [
    ("text/plain", {"Content-Type": "text/plain"}, b'{"content": "abc"}', "unsupported_media_type"),
    ("form", URLENCODED, b"content=abc", "unsupported_media_type"),
    (
        "multipart",
        {"Content-Type": "multipart/form-data; boundary=XyZ"},
        multipart("XyZ", field("content", b"abc")),
        "unsupported_media_type",
    ),
    ("XML", {"Content-Type": "application/xml"}, b"<content>abc</content>", "unsupported_media_type"),
    ("no content type", {}, b'{"content": "abc"}', "unsupported_media_type"),
    ("truncated JSON", JSON, b'{"content": "ab', "invalid_request"),
    ("not JSON", JSON, b"content=abc", "invalid_request"),
    ("JSON array", JSON, b'["abc"]', "invalid_request"),
    ("JSON string", JSON, b'"abc"', "invalid_request"),
    ("wrong field type", JSON, b'{"content": 5}', "invalid_request"),
    ("lone surrogate", JSON, b'{"content": "a\\ud800b"}', "invalid_request"),
    ("empty JSON body", JSON, b"", "invalid_request"),
    ("GBK bytes", JSON, '{"content": "你好"}'.encode("gbk"), "text_invalid"),
    ("UTF-16", JSON, '{"content": "你好"}'.encode("utf-16"), "text_invalid"),
    ("NUL escape", JSON, b'{"content": "a\\u0000b"}', "text_invalid"),
    ("over 1 MB", JSON, b'{"content": "' + b"a" * (2 * MB) + b'"}', "request_too_large"),
]


@pytest.mark.parametrize(("label", "headers", "body", "code"), API_BODIES, ids=[row[0] for row in API_BODIES])
def test_malformed_api_bodies_get_stable_codes(drafter, demo, settings, label, headers, body, code):
    before = snapshot(demo, settings.data_dir)
    for path, _ in json_posts(demo).values():
        answer = drafter.post(path, content=body, headers=headers)
        assert (path, answer.status_code) == (path, STATUS[code])
        assert_api_refusal(answer, code)
    assert snapshot(demo, settings.data_dir) == before


@pytest.mark.parametrize(
    "path",
    [
        "/c/a%00b",
        f"/c/{SLUG}?version=1%00",
        "/receipt?number=YJ%00",
        "/receipt/YJ-20260101-%00",
        f"/admin/c/{SLUG}/comments?q=%00",
        f"/api/v1/consultations/{SLUG}%00/versions/1",
        "/api/v1/receipts/%00",
    ],
)
def test_nul_in_a_url_is_refused_before_any_query(drafter, path):
    """PostgreSQL cannot compare text with NUL: without this the look-up would fail with a 500."""
    answer = drafter.get(path)
    if path.startswith("/api/"):
        assert_api_refusal(answer, "text_invalid")
    else:
        assert_page_refusal(answer, "text_invalid")


def test_nul_in_a_drafters_form_is_refused(drafter, demo, settings):
    before = snapshot(demo, settings.data_dir)
    path, fields = form_posts(demo)["/admin/c/{slug:str}/offline"]
    answer = drafter.post(
        path, data={**fields, "name": "王\x00某", "_csrf_token": page_token(drafter, "/admin")}
    )
    assert_page_refusal(answer, "text_invalid")
    assert "意见处理工作台" in answer.text  # the drafters' layout
    login = drafter.post(
        "/admin/login",
        data={"name": "drafter1\x00", "password": PASSWORD, "_csrf_token": page_token(drafter, "/admin")},
    )
    assert_page_refusal(login, "text_invalid")
    assert snapshot(demo, settings.data_dir) == before


@functools.cache
def zip_bomb() -> bytes:
    """A .docx-shaped zip whose document.xml inflates to 210 MB (far past the parser's limits)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (210 * MB))
    return buffer.getvalue()


UPLOADS = [
    ("over 5 MB", "v3.txt", b"x" * (5 * MB + 1), "upload_too_large", ""),
    ("over the route limit", "v3.txt", b"x" * (6 * MB), "upload_too_large", ""),
    (
        "not a zip named .docx",
        "v3.docx",
        "第一条 这不是 Word 文档。".encode(),
        "parse_failed",
        "这个 .docx 文件已损坏或不是 Word 文档。",
    ),
    (
        "zip without document.xml",
        "v3.docx",
        b"PK\x05\x06" + b"\0" * 18,
        "parse_failed",
        "这个 .docx 文件已损坏或不是 Word 文档。",
    ),
    ("zip bomb", "v3.docx", "bomb", "parse_failed", "这个 .docx 文件解压后过大，已拒绝处理。"),
    (
        "binary named .txt",
        "v3.txt",
        bytes(range(256)) * 64,
        "parse_failed",
        "这不是文本文件（含有二进制内容）",
    ),
    ("PDF", "v3.pdf", b"%PDF-1.4", "upload_type_invalid", ""),
]


@pytest.mark.parametrize(
    ("label", "name", "data", "code", "detail"), UPLOADS, ids=[row[0] for row in UPLOADS]
)
def test_hostile_uploads_get_the_upload_page_with_a_precise_message(
    drafter, demo, settings, label, name, data, code, detail
):
    token = page_token(drafter, f"/admin/c/{SLUG}/versions/new")
    before = snapshot(demo, settings.data_dir)
    answer = drafter.post(
        f"/admin/c/{SLUG}/versions/upload",
        data={"_csrf_token": token},
        files=upload_file(name, zip_bomb() if data == "bomb" else data),
    )
    assert_page_refusal(answer, code)
    assert detail in answer.text
    assert 'enctype="multipart/form-data"' in answer.text  # the form again, to pick another file
    assert snapshot(demo, settings.data_dir) == before


@pytest.mark.parametrize(
    ("body", "headers", "code"),
    ids=["truncated", "boundary missing", "NUL in file name"],
    argvalues=[
        (
            multipart(
                "XyZ",
                field("_csrf_token", b"t"),
                b'Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc',
                close=False,
            )[:-2],
            {"Content-Type": "multipart/form-data; boundary=XyZ"},
            "form_invalid",
        ),
        (b"file=abc", {"Content-Type": "multipart/form-data"}, "form_invalid"),
        (
            multipart("XyZ", b'Content-Disposition: form-data; name="file"; filename="a\x00.txt"\r\n\r\nabc'),
            {"Content-Type": "multipart/form-data; boundary=XyZ"},
            "text_invalid",
        ),
    ],
)
def test_a_broken_upload_form_gets_the_upload_page(drafter, demo, settings, body, headers, code):
    before = snapshot(demo, settings.data_dir)
    answer = drafter.post(f"/admin/c/{SLUG}/versions/upload", content=body, headers=headers)
    assert_page_refusal(answer, code)
    assert 'enctype="multipart/form-data"' in answer.text
    assert snapshot(demo, settings.data_dir) == before


def test_uploads_keep_their_own_limit_above_the_app_wide_one(drafter, demo, settings):
    """A 2 MB draft is over the 1 MB every other form gets but within the 5 MB of uploads: it is parsed."""
    articles = "".join(
        f"第{to_chinese(n)}条 为了促进数字经济发展，{'规范数据处理活动，' * 30}制定本条例。\n"
        for n in range(1, 3000)
    )
    data = ("黑龙江省促进数字经济条例\n" + articles).encode()
    assert 2 * MB < len(data) < 5 * MB
    answer = drafter.post(
        f"/admin/c/{SLUG}/versions/upload",
        files=upload_file("big.txt", data),
        data={"_csrf_token": page_token(drafter, f"/admin/c/{SLUG}/versions/new")},
    )
    assert answer.status_code == 200
    assert "共 2999 条" in answer.text
    assert snapshot(demo, settings.data_dir)["staged"] == 1  # kept aside for the confirmation
