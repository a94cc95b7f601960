"""Files as people upload them: encodings, Word documents, and things that are not drafts at all."""

import io
import zipfile

import pytest
from docx import Document

from versions import ParseError, parse_bytes

DRAFT = (
    "某某条例（征求意见稿）\n\n第一章 总则\n\n第一条【目的】为了规范管理，制定本条例。\n\n"
    "第二条 本条例自公布之日起施行。\n"
)


@pytest.mark.parametrize(
    "data",
    [
        DRAFT.encode("utf-8"),
        b"\xef\xbb\xbf" + DRAFT.encode("utf-8"),
        DRAFT.encode("gb18030"),
        DRAFT.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "utf-16"],
)
def test_encodings_give_the_same_tree(data):
    draft = parse_bytes(data, "draft.txt")
    assert (draft.title, draft.stage, [a.text for a in draft.articles]) == (
        "某某条例",
        "征求意见稿",
        ["为了规范管理，制定本条例。", "本条例自公布之日起施行。"],
    )
    assert draft.articles[0].caption == "目的"


def _docx(paragraphs):
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs():
    data = _docx(
        [
            "某某条例",
            "第一章 总则",
            "第一条 为了规范管理，制定本条例。",
            "（一）甲；",
            "（二）乙。",
            "第二条 其他。",
        ]
    )
    draft = parse_bytes(data, "draft.docx")
    assert draft.title == "某某条例"
    assert [(p.text, [i.label for i in p.items]) for p in draft.article(1).paragraphs] == [
        ("为了规范管理，制定本条例。", ["（一）", "（二）"])
    ]


def test_docx_automatic_article_numbering_is_rendered():
    data = _docx(["为了规范管理，制定本条例。", "本条例自公布之日起施行。"])
    # python-docx's default template already has a numbering part: give it a 第%1条 list.
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        files = {name: source.read(name) for name in source.namelist()}
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    files["word/numbering.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering {w}>'
        '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条 "/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    ).encode()
    files["word/document.xml"] = files["word/document.xml"].replace(
        b"<w:p>", b'<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in files.items():
            target.writestr(name, content)
    draft = parse_bytes(buffer.getvalue(), "numbered.docx")
    assert [(a.label, a.text) for a in draft.articles] == [
        ("第一条", "为了规范管理，制定本条例。"),
        ("第二条", "本条例自公布之日起施行。"),
    ]


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "empty.txt", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "draft.txt", "binary"),
        (bytes(range(1, 32)) * 200, "draft.txt", "binary"),
        (b"\xff\xd8\xff\xe0" + bytes(range(128, 256)) * 8, "draft.txt", "encoding"),
        (b"not a zip at all", "draft.docx", "docx-invalid"),
        (_zip({"hello.txt": "hi"}), "draft.docx", "docx-invalid"),
        (_zip({"word/document.xml": "0" * (210 * 1024 * 1024)}), "bomb.docx", "docx-bomb"),
        (b"x" * (21 * 1024 * 1024), "big.txt", "too-large"),
        ("这是一封信，没有条文。".encode(), "letter.txt", "no-articles"),
    ],
    ids=[
        "empty",
        "png",
        "controls",
        "undecodable",
        "not-zip",
        "zip-not-docx",
        "zip-bomb",
        "too-large",
        "no-articles",
    ],
)
def test_bad_files_get_a_clear_error(data, filename, code):
    with pytest.raises(ParseError) as raised:
        parse_bytes(data, filename)
    assert raised.value.code == code
    assert raised.value.message  # a sentence in Chinese for the person who uploaded it
