"""Attachments checked by content: the hostile-file table, extraction and storage under content hashes."""

from __future__ import annotations

import pytest

from app.services import attachments
from app.services.attachments import MAX_FILE, AttachmentRefused
from tests.app import attachment_files as files

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("意见.docx", lambda: files.zip_bomb(120), "attachment_bomb"),
        ("意见.docx", files.lying_zip, "attachment_damaged"),
        ("意见.pdf", lambda: files.expanding_pdf(80), "attachment_bomb"),
        ("意见.pdf", files.encrypted_pdf, "attachment_encrypted"),
        ("意见.pdf", files.plain_zip, "attachment_type_invalid"),
        ("意见.pdf", lambda: files.docx("正文"), "attachment_type_mismatch"),
        ("意见.docx", files.plain_zip, "attachment_type_invalid"),
        ("照片.png", lambda: files.JPG, "attachment_type_mismatch"),
        ("意见.pdf", lambda: b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "attachment_type_invalid"),
        ("意见.exe", lambda: files.pdf("正文"), "attachment_type_invalid"),
        ("页面.html", lambda: b"<script>alert(1)</script>", "attachment_type_invalid"),
        ("意见", lambda: b"plain text", "attachment_type_invalid"),
        ("空.txt", lambda: b"", "attachment_empty"),
        ("大.txt", lambda: b"a" * (MAX_FILE + 1), "attachment_too_large"),
        ("坏.pdf", lambda: b"%PDF-1.4\n garbage", "attachment_damaged"),
        ("坏.docx", lambda: b"PK\x03\x04" + bytes(100), "attachment_type_invalid"),
    ],
)
def test_hostile_files_are_refused_with_their_name(name, make, code):
    with pytest.raises(AttachmentRefused) as refused:
        attachments.check(name, make())
    assert (refused.value.code, refused.value.filename, refused.value.fields) == (
        code,
        name,
        {"attachments": code},
    )


@pytest.mark.parametrize(
    ("sizes", "code"),
    [
        ([1] * 6, "attachment_too_many"),
        ([8 * MB, 8 * MB, 5 * MB], "attachment_total_too_large"),
    ],
)
def test_limits_of_one_comment(sizes, code):
    with pytest.raises(AttachmentRefused) as refused:
        attachments.check_all([(f"{n}.txt", b"a" * size) for n, size in enumerate(sizes)])
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("name", "make", "kind", "text"),
    [
        ("意见.docx", lambda: files.docx("建议增设数据信托\n第二段"), "docx", "建议增设数据信托\n\n第二段"),
        ("意见.pdf", lambda: files.pdf("建议增设数据信托 trustee"), "pdf", "建议增设数据信托 trustee"),
        ("意见.txt", lambda: "建议删除第五条".encode(), "txt", "建议删除第五条"),
        ("意见.TXT", lambda: "建议删除第五条".encode("gb18030"), "txt", "建议删除第五条"),
        ("照片.jpeg", lambda: files.JPG, "jpg", ""),
        ("图.png", lambda: files.PNG, "png", ""),
        ("../../etc/意见.txt", lambda: b"ok", "txt", "ok"),
    ],
)
def test_accepted_files_and_their_text(name, make, kind, text):
    checked = attachments.check(name, make())
    assert (checked.filename, checked.kind, checked.text) == (name.rsplit("/", 1)[-1], kind, text)


def test_read_budgeted_stops_at_the_budget():
    import io

    assert attachments.read_budgeted(io.BytesIO(b"x" * 100), 100) == b"x" * 100
    with pytest.raises(AttachmentRefused) as refused:
        attachments.read_budgeted(io.BytesIO(b"x" * (3 * attachments.CHUNK)), attachments.CHUNK, "a.txt")
    assert refused.value.code == "attachment_too_large"


def test_store_under_content_hash_once(tmp_path):
    first = attachments.check("a.txt", b"same bytes")
    second = attachments.check("b.txt", b"same bytes")
    attachments.store(tmp_path, [first, second])
    path = attachments.path_of(tmp_path, first.sha256)
    assert path.read_bytes() == b"same bytes"
    assert [p.name for p in path.parent.iterdir()] == [first.sha256]
    assert attachments.remove_unreferenced(tmp_path, {first.sha256}, {first.sha256}) == 0
    assert attachments.remove_unreferenced(tmp_path, {first.sha256}, set()) == 1
    assert not path.exists()
    with pytest.raises(ValueError):
        attachments.path_of(tmp_path, "../secret_key")
