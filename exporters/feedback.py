"""征求意见情况通报 as Word, in the official-document layout of exporters/docx_style.py: the title, the
office's text (lines 一、… in 黑体, （一）… in 楷体, the rest 仿宋 with a two-character indent), then the
appended tables (comments by channel; by chapter and article) and the names of the commenters whose
comments were adopted and who agreed to be named. Plain data in, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from exporters import docx_style as style
from exporters.result import ExportResult
from exporters.text import Cleaner, chinese_date

FONT_KAI = "楷体"
HEADING = re.compile(r"^[一二三四五六七八九十]+、")
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")
TABLE_WIDTHS_MM = (110, 40)
NAMES_TITLE = "意见被采纳并同意公布姓名的提出者"


@dataclass(frozen=True)
class FeedbackInput:
    """A round's report: the office's ``body`` (one paragraph a line) and the figures appended to it."""

    title: str
    round_label: str
    office: str
    opens: date
    closes: date
    body: str
    channels: tuple[tuple[str, int], ...]
    chapters: tuple[tuple[str, int], ...]
    articles: tuple[tuple[str, int], ...]
    names: tuple[str, ...]
    published: date | None = None

    @property
    def heading(self) -> str:
        return f"《{self.title}》征求意见情况通报"

    def paragraphs(self) -> list[tuple[str, str, str]]:
        """(kind, lead, text) for each non-blank line of the body: a heading (一、…) whole in ``lead``; a
        subheading (（一）…) with its first sentence in ``lead`` and the rest in ``text``; else text."""
        out = []
        for line in self.body.splitlines():
            line = line.strip()
            if not line:
                continue
            if HEADING.match(line):
                out.append(("heading", line, ""))
            elif SUBHEADING.match(line):
                lead, stop, rest = line.partition("。")
                out.append(("subheading", lead + stop, rest))
            else:
                out.append(("text", "", line))
        return out


def _table(
    document: Document,
    clean: Cleaner,
    caption: str,
    header: tuple[str, str],
    rows: tuple[tuple[str, int], ...],
) -> int:
    style.add_paragraph(document, caption, font=style.FONT_HEADING, size=style.SIZE_SMALL)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    style.table_properties(table, list(TABLE_WIDTHS_MM))
    style.header_row(table, list(header))
    for label, count in rows:
        cells = table.add_row().cells
        for cell, text, align in (
            (cells[0], clean(str(label)), None),
            (cells[1], str(count), WD_ALIGN_PARAGRAPH.CENTER),
        ):
            paragraph = cell.paragraphs[0]
            paragraph.alignment = align
            style.style_run(paragraph.add_run(text), size=style.SIZE_TABLE)
    style.add_paragraph(document, "")
    return len(rows)


def write_feedback(data: FeedbackInput, path: str | Path) -> ExportResult:
    """Writes the report to ``path`` (.docx); returns the number of body paragraphs and table rows."""
    clean = Cleaner()
    heading = clean(data.heading, "标题")
    document = style.new_document(title=heading)
    style.title(document, heading)
    count = 0
    for kind, lead, text in data.paragraphs():
        lead, text = clean(lead, "正文"), clean(text, "正文")
        if kind == "heading":
            style.add_paragraph(document, lead, font=style.FONT_HEADING, first_line_chars=2)
        elif kind == "subheading":
            paragraph = style.add_paragraph(document, lead, font=FONT_KAI, first_line_chars=2)
            if text:
                style.style_run(paragraph.add_run(text))
        else:
            style.add_paragraph(document, text, first_line_chars=2)
        count += 1
    if data.office or data.published:
        signature = [clean(data.office, "单位")] if data.office else []
        if data.published:
            signature.append(chinese_date(data.published))
        for line in signature:
            style.add_paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    style.add_paragraph(document, "")
    count += _table(document, clean, "附表1　意见来源", ("渠道", "意见数（条）"), data.channels)
    count += _table(document, clean, "附表2　意见按章节分布", ("章节", "意见数（条）"), data.chapters)
    count += _table(document, clean, "附表3　意见按条文分布", ("条文", "意见数（条）"), data.articles)
    if data.names:
        style.add_paragraph(document, NAMES_TITLE, font=style.FONT_HEADING, size=style.SIZE_SMALL)
        style.add_paragraph(document, "、".join(clean(n, "姓名") for n in data.names), first_line_chars=2)
        count += 1
    style.fix_every_run(document.element)
    document.save(str(path))
    return ExportResult(Path(path), count, tuple(clean.warnings()))
