"""Turn an uploaded file's bytes into text: UTF-8 (with or without BOM), GB18030, or a .docx."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from versions.errors import ParseError

MAX_INPUT_BYTES = 20 * 1024 * 1024
# A .docx is a zip: refuse archives that inflate far beyond what any draft needs (zip bombs). Counted as
# the members are actually inflated, in chunks, never from the sizes the zip directory claims. An XML part
# is held and parsed whole by python-docx (lxml takes about ten times its size), hence its own, lower bound:
# the civil code's document.xml is under 10 MB.
MAX_DOCX_UNPACKED = 64 * 1024 * 1024
MAX_DOCX_XML_PART = 24 * 1024 * 1024
_CHUNK = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_bytes(data: bytes, filename: str = "") -> tuple[str, str]:
    """Reads raw bytes; returns (text, encoding name). Raises ParseError for binary or unknown encodings."""
    if len(data) > MAX_INPUT_BYTES:
        raise ParseError("too-large", "文件超过 20 MB 的上限，请拆分或压缩后再上传。")
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".docx"):
        return docx_text(data), "docx"
    if not data.strip():
        raise ParseError("empty", "文件为空，没有可读取的条文。")
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(data[3:].decode("utf-8", errors="strict"), "utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(data.decode("utf-16"), "utf-16"), "utf-16"
    if b"\x00" in data:  # anywhere, not only near the start: no database column can hold a NUL
        raise ParseError("binary", "这不是文本文件（含有二进制内容），请上传 .txt、.md 或 .docx 格式的草案。")
    try:
        return _checked(data.decode("utf-8"), "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("gb18030"), "gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        raise ParseError(
            "encoding", f"无法识别文件编码（第 {error.start} 字节处），请另存为 UTF-8 或 GB18030 后重试。"
        ) from None


def _checked(text: str, encoding: str) -> str:
    # GB18030 decodes almost any byte string; a text full of control characters was not text.
    controls = len(_CONTROL.findall(text[:20000]))
    if controls > max(8, len(text[:20000]) // 100):
        raise ParseError(
            "binary", "这不是文本文件（含有大量控制字符），请上传 .txt、.md 或 .docx 格式的草案。"
        )
    return text


def docx_text(data: bytes) -> str:
    """Reads a .docx: one line per Word paragraph (tables row by row), automatic numbering rendered."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if len(archive.infolist()) > 2000:
            raise ParseError("docx-bomb", "这个 .docx 文件解压后过大，已拒绝处理。")
        _inflate_within_budget(archive)
    except ParseError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError, OSError, EOFError):
        raise ParseError("docx-invalid", "这个 .docx 文件已损坏或不是 Word 文档。") from None
    if "word/document.xml" not in archive.namelist():
        raise ParseError("docx-invalid", "这个 .docx 文件已损坏或不是 Word 文档。")
    from docx import Document  # python-docx is only needed for .docx input

    try:
        document = Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds on a broken package
        raise ParseError("docx-invalid", "这个 .docx 文件已损坏或不是 Word 文档。") from None
    numbering = _Numbering(document)
    lines: list[str] = []
    body = document.element.body
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(numbering.prefix(block) + _paragraph_text(block))
        elif tag == "tbl":
            for row in block.iter(_w("tr")):
                cells = [
                    "".join(_paragraph_text(p) for p in cell.iter(_w("p"))) for cell in row.iter(_w("tc"))
                ]
                lines.append("\t".join(cells))
    return "\n\n".join(lines)


def _inflate_within_budget(archive: zipfile.ZipFile) -> None:
    """Inflates every member as a stream, keeping nothing, and raises ParseError docx-bomb as soon as the
    bytes actually produced pass MAX_DOCX_UNPACKED in all or MAX_DOCX_XML_PART in one XML part
    (zipfile's own CRC check refuses a member whose directory entry lies about it)."""
    total = 0
    for info in archive.infolist():
        limit = MAX_DOCX_XML_PART if info.filename.endswith((".xml", ".rels")) else MAX_DOCX_UNPACKED
        if info.file_size > limit:
            raise ParseError("docx-bomb", "这个 .docx 文件解压后过大，已拒绝处理。")
        size = 0
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                total += len(chunk)
                if size > limit or total > MAX_DOCX_UNPACKED:
                    raise ParseError("docx-bomb", "这个 .docx 文件解压后过大，已拒绝处理。")


def _int(text: str | None, default: int, low: int = 0, high: int = 9999) -> int:
    """A numeric attribute of the numbering part: ``default`` when absent or not a number, else clamped
    (a hostile file may say start="-5" or ilvl="99999999999")."""
    try:
        return min(max(int(text), low), high) if text is not None else default
    except ValueError:
        return default


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def _paragraph_text(paragraph: Any) -> str:  # an lxml w:p element
    parts: list[str] = []
    for node in paragraph.iter(_w("t"), _w("tab"), _w("br"), _w("delText")):
        tag = node.tag.rsplit("}", 1)[-1]
        if tag == "t":
            parts.append(node.text or "")
        elif tag == "tab":
            parts.append("\t")
        elif tag == "br":
            parts.append("\n")
    return "".join(parts)


class _Numbering:
    """Renders Word automatic numbering (第%1条, （%1）) that python-docx leaves out of paragraph text."""

    def __init__(self, document: Any) -> None:  # a python-docx Document (untyped)
        self.formats: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.counters: dict[tuple[str, str], int] = {}
        try:
            part = document.part.numbering_part
        except (NotImplementedError, KeyError, ValueError, AttributeError):
            return
        root = part.element
        abstract = {}
        for node in root.iter(_w("abstractNum")):
            levels = {}
            for level in node.iter(_w("lvl")):
                fmt = level.find(_w("numFmt"))
                text = level.find(_w("lvlText"))
                start = level.find(_w("start"))
                levels[level.get(_w("ilvl"))] = (
                    fmt.get(_w("val")) if fmt is not None else "decimal",
                    text.get(_w("val")) if text is not None else "",
                    _int(start.get(_w("val")) if start is not None else None, 1),
                )
            abstract[node.get(_w("abstractNumId"))] = levels
        for num in root.iter(_w("num")):
            ref = num.find(_w("abstractNumId"))
            if ref is not None:
                for ilvl, spec in abstract.get(ref.get(_w("val")), {}).items():
                    self.formats[(num.get(_w("numId")), ilvl)] = spec

    def prefix(self, paragraph: Any) -> str:
        num_pr = paragraph.find(f"{_w('pPr')}/{_w('numPr')}")
        if num_pr is None:
            return ""
        num_id = num_pr.find(_w("numId"))
        ilvl = num_pr.find(_w("ilvl"))
        key = (
            num_id.get(_w("val")) if num_id is not None else "",
            ilvl.get(_w("val")) if ilvl is not None else "0",
        )
        spec = self.formats.get(key)
        if spec is None:
            return ""
        fmt, template, start = spec
        count = self.counters.get(key, start - 1) + 1
        self.counters[key] = count
        for other in list(self.counters):
            if other[0] == key[0] and other[1] > key[1]:
                del self.counters[other]
        return template.replace("%" + str(_int(key[1], 0, 0, 8) + 1), _format_number(count, fmt))


def _format_number(value: int, fmt: str) -> str:
    from versions.numerals import to_chinese

    if (
        fmt
        in (
            "chineseCounting",
            "chineseCountingThousand",
            "ideographTraditional",
            "chineseLegalSimplified",
        )
        and 0 < value <= 99999
    ):
        return to_chinese(value)
    return str(value)
