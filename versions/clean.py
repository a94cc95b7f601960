"""First pass over a draft's text: drop what is not legal text, keep line numbers, report every change.

Removes YAML front matter, HTML comments, markdown heading marks and bold markers, zero-width
characters, page numbers and browser print headers. The legal words themselves are never touched:
``Line.text`` is what the document says (less markup and outer whitespace), ``Line.norm`` is an
NFKC-normalised copy used only for matching structure (Kangxi radicals such as ⼀ become 一).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from versions.model import ParseWarning

ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
HTML_COMMENT = re.compile(r"<!--.*?-->")
# Chinese drafts indent lines with tabs and full-width spaces, so any indentation is allowed before the
# marks (CommonMark would read a tab-indented line as code); legal text never starts with "# ".
MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
BOLD = re.compile(r"\*\*|__")
# **第一条** → 第一条; 第一条 **立法目的** 为了… → 第一条【立法目的】为了…: a bold caption is a caption.
BOLD_LABEL = re.compile(r"^\*\*(第[^*\s]{1,12}?条(?:之[^*\s]{1,3})?)\*\*")
BOLD_CAPTION = re.compile(
    r"^(第[^*\s]{1,12}?条(?:之[^*\s]{1,3})?)[ \t\u3000]*\*\*([^*]{1,30}?)\*\*[ \t\u3000]*"
)
PAGE_NUMBER = re.compile(
    r"^(?:[-—–－·\s]*\d{1,4}[-—–－·\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$"
)
PRINT_NOISE = re.compile(
    r"^(?:https?://\S+(?:\s+\d+/\d+)?|\d{4}/\d{1,2}/\d{1,2}\s+\d{1,2}:\d{2}.*|今天是\s*\d{4}.*|当前位置[:：].*"
    r"|请输入关键字查询|来源[:：].*发布时间[:：].*)$"
)
NOISE_STARTS = frozenset("h今当请来")  # how PRINT_NOISE lines start (or with a digit): the rest skip it
KANGXI = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
SPACES = re.compile(r"[ \t\u00a0\u3000]+")


@dataclass(frozen=True)
class Line:
    """One non-empty line of legal text: its 1-based line number, text as written, matching copy."""

    number: int
    text: str
    norm: str
    blank_before: bool
    heading_mark: bool = False  # the line was a markdown heading (# …)


@dataclass(frozen=True)
class Cleaned:
    lines: tuple[Line, ...]
    warnings: tuple[ParseWarning, ...]
    front_matter: dict[str, str]


# Full-width ASCII forms (，；：（） in every Chinese line) and the ideographic space are compatibility
# characters whose NFKC is one ASCII character: replacing them first gives the same NFKC (it decomposes
# character by character), and what is left usually passes the quick check, so the slow full normalisation
# is rarely run.
# str.replace per distinct character found is several times faster than str.translate on non-Latin text.
LONG = 2000  # characters: a longer text is normalised line by line when it needs the full normalisation
FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
FULL_WIDTH_ASCII = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


def nfkc(text: str) -> str:
    """NFKC of a text; a text that passes the quick check once full-width forms are mapped (no other
    compatibility characters) skips the full normalisation."""
    if text.isascii():
        return text
    for char in set(FULL_WIDTH.findall(text)):
        text = text.replace(char, FULL_WIDTH_ASCII[char])
    if unicodedata.is_normalized("NFKC", text):
        return text
    if len(text) > LONG and "\n" in text:
        # A whole draft with one odd character: only its lines need the (slow) full normalisation, and
        # NFKC composes nothing across a line break.
        return "\n".join(nfkc(line) for line in text.split("\n"))
    return unicodedata.normalize("NFKC", text)


def normalise(text: str) -> str:
    """Matching copy of a text: NFKC (Kangxi radicals, full-width digits) with spaces removed."""
    return SPACES.sub("", nfkc(text))


def clean(text: str) -> Cleaned:
    """Reads the decoded text; returns its lines of legal text, the warnings and any front matter."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    warnings: list[ParseWarning] = []
    front_matter, start = _front_matter(raw)
    if start:
        warnings.append(ParseWarning(1, "front-matter", f"已跳过文件开头的元数据（第1—{start}行）。"))
    zero_width_lines: list[int] = []
    lines: list[Line] = []
    blank = True
    in_comment = False
    # Markup most texts never hold is looked for line by line only when the whole text holds it.
    comments, zero_width = "<!--" in text, bool(ZERO_WIDTH.search(text))
    hashes, bold = "#" in text, "*" in text or "__" in text
    kangxi = bool(KANGXI.search(text))
    for index in range(start, len(raw)):
        number = index + 1
        value = raw[index]
        if in_comment:
            if "-->" not in value:
                continue
            value = value.split("-->", 1)[1]
            in_comment = False
        if comments and "<!--" in value:
            value = HTML_COMMENT.sub("", value)
            if "<!--" in value:
                value, in_comment = value.split("<!--", 1)[0], True
        if zero_width and ZERO_WIDTH.search(value):
            zero_width_lines.append(number)
            value = ZERO_WIDTH.sub("", value)
        heading = hashes and value.lstrip().startswith("#") and bool(MD_HEADING.match(value))
        if heading:
            value = MD_HEADING.sub("", value)
        if bold and ("*" in value or "__" in value) and BOLD.search(value):
            value = BOLD_CAPTION.sub(r"\1【\2】", BOLD_LABEL.sub(r"\1", value.lstrip()))
            warnings.append(ParseWarning(number, "markup", "已去除 Markdown 加粗标记（**）。"))
            value = BOLD.sub("", value)
        value = value.strip(" \t\u00a0\u3000")
        if not value:
            blank = True
            continue
        normal = nfkc(value)
        norm = SPACES.sub("", normal)
        if len(norm) <= 12 and PAGE_NUMBER.match(value):
            warnings.append(ParseWarning(number, "page-number", f"已跳过页码行“{value}”。"))
            continue
        if (normal[0] in NOISE_STARTS or normal[0].isdecimal()) and PRINT_NOISE.match(normal):
            warnings.append(ParseWarning(number, "page-noise", f"已跳过网页打印的页眉页脚“{value[:30]}”。"))
            continue
        if kangxi and normal != value and KANGXI.search(value):
            count = len(KANGXI.findall(value))
            warnings.append(
                ParseWarning(
                    number,
                    "kangxi",
                    f"本行有 {count} 个康熙部首形近字（如“⼀”），比对时按规范字处理，原文未改。",
                )
            )
        lines.append(Line(number, value, norm, blank, heading))
        blank = False
    if zero_width_lines:
        warnings.append(
            ParseWarning(
                zero_width_lines[0],
                "zero-width",
                f"已删除 {len(zero_width_lines)} 行中的零宽字符（首见第{zero_width_lines[0]}行）。",
            )
        )
    return Cleaned(tuple(lines), tuple(warnings), front_matter)


def _front_matter(raw: list[str]) -> tuple[dict[str, str], int]:
    first = next((i for i, line in enumerate(raw) if line.strip()), None)
    if first is None or raw[first].strip() != "---":
        return {}, 0
    for end in range(first + 1, min(len(raw), first + 80)):
        if raw[end].strip() == "---":
            fields = {}
            for line in raw[first + 1 : end]:
                key, sep, value = line.partition(":")
                if sep:
                    fields[key.strip()] = value.strip().strip('"')
            return fields, end + 1
    return {}, 0
