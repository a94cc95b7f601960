"""The hostile-input table of issue 15: one row per attack or fault that a campaign against running servers
found, each asserting what must happen now (every row failed on the code before the fix). Rows that need
several real ``serve`` processes on PostgreSQL, a ``kill -9`` or a read-only folder are in
tests/app/test_hardening_live.py; this table names them so that each item has its row."""

from __future__ import annotations

import io
import os
import resource
import sqlite3
import stat
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from app import models
from app.db import utcnow
from app.services import auth, importing, uploads
from app.services.errors import ServiceError
from tests.app.helpers import log_in, page_token
from tests.app.live import ROOT, app_command
from versions import ParseError, parse_bytes, parse_text
from versions.decode import MAX_DOCX_XML_PART

SLUG = "hlj-digital-economy"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LIVE = "tests/app/test_hardening_live.py"


# --- helpers ------------------------------------------------------------------------------------------------


def docx(paragraphs: list[str], numbering: str | None = None, document_xml: bytes | None = None) -> bytes:
    """A .docx with ``paragraphs``; ``numbering`` replaces word/numbering.xml (every paragraph numbered
    with numId 1), ``document_xml`` replaces word/document.xml."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    if numbering is None and document_xml is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml" and numbering is not None:
                data = data.replace(
                    b"<w:p>",
                    b'<w:p><w:pPr><w:numPr><w:ilvl w:val="99999999999999"/>'
                    b'<w:numId w:val="1"/></w:numPr></w:pPr>',
                )
            if info.filename == "word/document.xml" and document_xml is not None:
                data = document_xml
            archive.writestr(info, data)
        if numbering is not None:
            archive.writestr("word/numbering.xml", numbering)
    return out.getvalue()


def long_article_draft(paragraphs: int) -> str:
    """A draft whose last article has ``paragraphs`` paragraphs (like an annex imported after it)."""
    lines = ["测试条例（征求意见稿）", "第一条 为了测试，制定本条例。", "第二条 本条例所称附件如下："]
    lines += [f"附件第{n}项内容。" for n in range(1, paragraphs)]
    return "\n".join(lines)


# --- item 3: zip bombs --------------------------------------------------------------------------------------


def test_03_docx_part_inflating_past_the_budget_is_refused_while_inflating():
    # Valid XML that deflates to a few hundred kB: refused after MAX_DOCX_XML_PART bytes were produced,
    # never held whole (before: anything the directory said was under 200 MB went to python-docx in full).
    paragraph = f'<w:p xmlns:w="{W}"><w:r><w:t>第一条 测试。</w:t></w:r></w:p>'.encode()
    body = paragraph * (MAX_DOCX_XML_PART // len(paragraph) + 10)
    xml = f'<w:document xmlns:w="{W}"><w:body>'.encode() + body + b"</w:body></w:document>"
    with pytest.raises(ParseError) as refused:
        parse_bytes(docx([], document_xml=xml), "bomb.docx")
    assert refused.value.code == "docx-bomb"


# --- item 4: linear parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lines", [2_000, 8_000])
def test_04_parser_work_is_linear_on_lines_without_sentence_ends(monkeypatch, lines):
    # Counted, not timed: the characters the parser examines to decide whether a block ends a sentence.
    # Before, it joined the whole block again for every line (quadratic: 4.9 MB kept a thread ~6 minutes).
    import versions.parser as parser

    examined = []
    real = parser.ends_sentence
    monkeypatch.setattr(parser, "ends_sentence", lambda text: examined.append(len(text)) or real(text))
    text = "测试条例\n第一条 " + "\n".join("这是一行没有句末标点的文字用于测试" for _ in range(lines))
    draft = parse_text(text)
    assert len(draft.articles) == 1
    assert sum(examined) <= 300 * lines


# --- item 5: articles with 110 paragraphs and more ----------------------------------------------------------


@pytest.fixture
def long_client(settings, db):
    from litestar.testing import TestClient

    from app.timeutil import today
    from app.web import create_app

    start = today(utcnow())
    importing.import_draft(
        db,
        parse_text(long_article_draft(120)),
        slug="long",
        stage="征求意见稿",
        opens=start - timedelta(days=1),
        closes=start + timedelta(days=29),
    )
    with TestClient(create_app(settings, db)) as client:
        yield client


def test_05_an_article_with_120_paragraphs_serves_every_page(long_client, db):
    pages = ["/c/long", "/c/long/comment?target=art-2-p115", "/api/v1/consultations/long/versions/1"]
    assert [long_client.get(path).status_code for path in pages] == [200, 200, 200]
    answer = long_client.post(
        "/api/v1/consultations/long/comments",
        json={"target": "art-2-p115", "content": "附件第114项应当删除。"},
    )
    assert answer.status_code == 201
    receipt = long_client.get(f"/receipt/{answer.json()['receipt']}")
    assert (receipt.status_code, "第二条第一百一十五款" in receipt.text) == (200, True)
    log_in(long_client, db)
    assert long_client.get("/admin/c/long/comments").status_code == 200
    assert long_client.get("/admin/c/long/export/summary?version=1").status_code == 200


# --- item 6: the password hash runs outside any transaction -------------------------------------------------


def test_06_password_check_holds_no_write_lock(db, monkeypatch):
    if not db.url.startswith("sqlite"):
        pytest.skip("SQLite's single write lock is what a login flood held")
    auth.create_user(db, "drafter1", "drafter", "correct horse battery")
    path = db.url.removeprefix("sqlite:///")
    held = []
    real = auth._verify

    def verify(hashed, password):
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails with "database is locked" while login holds it
            other.execute("ROLLBACK")
        except sqlite3.OperationalError:
            held.append(True)
        finally:
            other.close()
        return real(hashed, password)

    monkeypatch.setattr(auth, "_verify", verify)
    with pytest.raises(ServiceError):
        auth.login(db, "drafter1", "wrong password!")
    auth.login(db, "drafter1", "correct horse battery")
    assert held == []


# --- item 8: user names cannot be discovered; no one can lock an owner out ----------------------------------


def test_08_real_and_unknown_names_get_the_same_answers_and_the_same_work(db, monkeypatch):
    auth.create_user(db, "drafter1", "drafter", "correct horse battery")
    checked = []
    real = auth._verify
    monkeypatch.setattr(auth, "_verify", lambda h, p: checked.append(1) or real(h, p))
    answers = {}
    for name in ("drafter1", "nobody"):
        checked.clear()
        codes = []
        for attempt in range(auth.ACCOUNT_LIMIT + 2):
            try:
                auth.login(db, name, f"wrong {attempt}", client=f"10.1.0.{attempt}")
            except ServiceError as error:
                codes.append((error.code, error.status, bool(error.retry_after)))
        answers[name] = (codes, len(checked))
    assert answers["drafter1"] == answers["nobody"]
    assert answers["nobody"] == ([("login_failed", 401, False)] * 5 + [("login_throttled", 429, True)] * 2, 5)


# --- item 12: 500s with tracebacks --------------------------------------------------------------------------


HOSTILE_NUMBERING = (
    f'<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="x">'
    '<w:start w:val="-99999999999999999999"/><w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="第%1条"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
).encode()


def test_12_hostile_word_numbering_values_parse_or_are_refused_cleanly():
    data = docx(["为了测试，制定本条例。", "本条例自公布之日起施行。"], numbering=HOSTILE_NUMBERING)
    try:
        parse_bytes(data, "numbering.docx")
    except ParseError as error:
        assert error.code == "no-articles"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_12_drafters_date_filters_at_the_ends_of_the_calendar(demo_client, demo, day):
    log_in(demo_client, demo)
    for field in ("date_from", "date_to"):
        assert demo_client.get(f"/admin/c/{SLUG}/comments?{field}={day}").status_code == 200


@pytest.mark.parametrize(("opens", "closes"), [("9999-12-31", "9999-12-31"), ("0001-01-01", "0001-01-02")])
def test_12_extreme_dates_when_confirming_an_upload(demo_client, demo, opens, closes):
    log_in(demo_client, demo)
    token = page_token(demo_client, f"/admin/c/{SLUG}/versions/new")
    text = "测试条例（修改稿）\n第一条 为了测试，制定本条例。\n第二条 本条例自公布之日起施行。"
    preview = demo_client.post(
        f"/admin/c/{SLUG}/versions/upload",
        data={"_csrf_token": token},
        files={"file": ("v3.txt", text.encode())},
    )
    upload = preview.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    form = {"_csrf_token": token, "token": upload, "stage": "修改稿", "opens": opens, "closes": closes}
    answer = demo_client.post(f"/admin/c/{SLUG}/versions/confirm", data=form)
    assert (answer.status_code, "征求意见的起止日期应在 2000 年至 2999 年之间。" in answer.text) == (
        422,
        True,
    )


@pytest.mark.parametrize(
    "dates", [["--opens", "9999-12-31"], ["--opens", "0001-01-01", "--closes", "0001-01-02"]]
)
def test_12_extreme_dates_in_the_import_command(tmp_path, dates):
    draft = tmp_path / "draft.txt"
    draft.write_text("测试条例\n第一条 为了测试，制定本条例。\n", encoding="utf-8")
    env = {**os.environ, "DRAFTREVIEW_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        app_command("import", str(draft), "--slug", "test-slug", *dates),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stderr) == (
        2,
        "draftreview: 征求意见的起止日期应在 2000 年至 2999 年之间。\n",
    )


def test_12_json_nested_thousands_deep_on_the_public_api(client):
    body = '{"content": ' + "[" * 5000 + "]" * 5000 + "}"
    answer = client.post(
        f"/api/v1/consultations/{SLUG}/comments", content=body, headers={"Content-Type": "application/json"}
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "invalid_request")


def test_12_a_static_file_used_as_a_folder(client):
    answer = client.get("/static/site.css/x")
    assert (answer.status_code, "找不到该页面。" in answer.text) == (404, True)


# --- item 13: NUL bytes anywhere in a .txt ------------------------------------------------------------------


def test_13_nul_bytes_after_the_first_4_kib_are_refused_before_any_write(db, tmp_path):
    path = tmp_path / "draft.txt"
    path.write_bytes(("测试条例\n第一条 为了测试，制定本条例。\n" * 400).encode() + b"\x00tail")
    with pytest.raises(ParseError) as refused:
        importing.import_file(db, path, slug="nul")
    assert refused.value.code == "binary"
    with db.reading() as session:
        assert session.scalar(select(models.Consultation.id)) is None


# --- item 14: receipt look-ups are throttled ----------------------------------------------------------------


def test_14_receipt_lookups_are_throttled_per_client(client):
    from app.routes.common import LOOKUP_LIMIT, LOOKUP_WINDOW

    for n in range(LOOKUP_LIMIT):
        assert client.get(f"/api/v1/receipts/YJ-20260101-{n:08d}").status_code == 404
    api = client.get("/api/v1/receipts/YJ-20260101-ABCDEFGH")
    assert (api.status_code, api.json()["error"]["code"]) == (429, "lookup_throttled")
    assert LOOKUP_WINDOW - 59 <= int(api.headers["retry-after"]) <= LOOKUP_WINDOW
    page = client.get("/receipt?number=YJ-20260101-ABCDEFGH")
    assert (page.status_code, "查询过于频繁。请于10分钟后再试。" in page.text) == (429, True)


# --- items 15 and 16: no erased value left in the SQLite files; files private -------------------------------


def test_15_erased_contact_leaves_no_trace_in_the_database_or_its_wal(settings, seeded):
    if not seeded.url.startswith("sqlite"):
        pytest.skip("the WAL and secure_delete are SQLite's")
    from app.services.comments import CommentInput, Submission, store_batch
    from app.services.erasure import erase_personal_data

    contact = "13987654321"
    comment = CommentInput("draft", "测试意见。", name="王某某", contact=contact, consent=True)
    with seeded.write.connect() as conn, conn.begin():
        [accepted] = store_batch(
            conn, [Submission(SLUG, comment, "c" * 64)], utcnow(), limit=0, window=600, duplicate_window=600
        )
    path = Path(seeded.url.removeprefix("sqlite:///"))
    erase_personal_data(seeded, accepted.receipt, contact)
    for name in (path, Path(f"{path}-wal")):
        if name.exists():
            assert contact.encode() not in name.read_bytes(), name
    with seeded.write.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_16_database_files_are_created_private(tmp_path):
    from app.services.bootstrap import migrate
    from app.settings import Settings

    old = os.umask(0o022)
    try:
        db = migrate(Settings(tmp_path, f"sqlite:///{tmp_path / 'new.sqlite3'}", b"k"))
        db.dispose()
    finally:
        os.umask(old)
    files = sorted(p for p in tmp_path.iterdir() if p.name.startswith("new.sqlite3"))
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files), files


# --- item 17: no password printed ---------------------------------------------------------------------------


def test_17_database_password_is_never_printed():
    from app.commands.serve import shown_url

    shown = shown_url("postgresql+psycopg://app:s3cret-pass@db.example:5432/draftreview")
    assert shown == "postgresql+psycopg://app:***@db.example:5432/draftreview"


# --- item 18: Retry-After tells the truth -------------------------------------------------------------------


def test_18_comment_limit_says_when_a_slot_frees(client):
    for n in range(5):  # the test settings' limit
        assert (
            client.post(f"/api/v1/consultations/{SLUG}/comments", json={"content": f"意见{n}"}).status_code
            == 201
        )
    refused = client.post(f"/api/v1/consultations/{SLUG}/comments", json={"content": "再来一条"})
    assert refused.status_code == 429
    assert 541 <= int(refused.headers["retry-after"]) <= 600  # the 600 s window, not a fixed 60
    assert refused.json()["error"]["message"] == "提交过于频繁。请于10分钟后再试。"


def test_18_trusted_addresses_have_no_per_client_limit(settings, seeded):
    import dataclasses

    from litestar.testing import TestClient

    from app.web import create_app

    trusting = dataclasses.replace(settings, trusted_clients=("testclient", "127.0.0.0/8"))
    with TestClient(create_app(trusting, seeded)) as client:
        answers = [
            client.post(
                f"/api/v1/consultations/{SLUG}/comments", json={"content": f"居民意见{n}"}
            ).status_code
            for n in range(8)
        ]
    assert answers == [201] * 8


# --- item 20: staged uploads are bound and expire -----------------------------------------------------------


def test_20_staged_upload_is_bound_to_its_consultation_and_drafter_and_expires(tmp_path, db):
    text = "测试条例\n第一条 为了测试，制定本条例。\n".encode()
    today = utcnow().date()
    options = {"stage_name": "修改稿", "opens": today, "closes": today + timedelta(days=30)}
    staged = uploads.stage(tmp_path, "v.txt", text, slug="open-one", user_id=1)
    for slug, user_id in (("closed-one", 1), ("open-one", 2)):
        with pytest.raises(ServiceError) as refused:
            uploads.confirm(db, tmp_path, staged.token, slug, user_id=user_id, **options)
        assert refused.value.code == "upload_expired"
    folder = tmp_path / "uploads"
    old = utcnow().timestamp() - uploads.LIFETIME - 1
    for path in folder.iterdir():
        os.utime(path, (old, old))
    with pytest.raises(ServiceError):
        uploads.confirm(db, tmp_path, staged.token, "open-one", user_id=1, **options)
    assert list(folder.iterdir()) == []


# --- item 21: parse reads with a bound ----------------------------------------------------------------------


def _one_gigabyte() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_21_parse_dev_zero_stops_at_the_limit():
    # Under 1 GB of address space: before, the whole of /dev/zero was read before the 20 MB check.
    done = subprocess.run(
        app_command("parse", "/dev/zero"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_one_gigabyte,
    )
    assert (done.returncode, done.stderr) == (
        2,
        "draftreview: 文件超过 20 MB 的上限，请拆分或压缩后再上传。\n",
    )


# --- the rows that need real servers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "test"),
    [
        (1, "test_01_07_sixty_concurrent_wrong_logins_check_five_passwords"),
        (2, "test_02_forwarded_for_is_not_believed_from_an_unnamed_proxy"),
        (7, "test_07_sixty_concurrent_comments_from_one_client_respect_the_limit"),
        (7, "test_07_identical_submissions_in_parallel_are_stored_once"),
        (
            9,
            "tests/app/test_erasure.py::test_each_client_has_few_guesses_per_comment_and_none_can_block_its_owner",
        ),
        (10, "test_10_three_processes_start_together_on_an_empty_database"),
        (11, "test_11_kill_9_during_first_start_seeding_is_completed_by_the_next_start"),
        (22, "test_22_serve_on_a_read_only_data_folder_says_what_is_wrong"),
    ],
)
def test_live_rows_exist(item, test):
    where, _, name = test.rpartition("::")
    source = (ROOT / (where or LIVE)).read_text(encoding="utf-8")
    assert f"def {name}(" in source, (item, test)
