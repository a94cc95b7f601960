"""Large Word documents written fast: body content generated as WordprocessingML text and streamed into the
file.

python-docx builds a table row in about a millisecond (``table.add_row()`` and ``cell.text``), and holding
100,000 rows as an lxml tree takes more than a gigabyte. Here python-docx builds the frame (styles, page
set-up, title, the table with its header row); rows and paragraphs are generated as XML text from fixed
templates, with every piece of user text passed through ``text.escape`` (so ``<script>``, ``]]>`` and
``&`` stay literal text), and streamed into ``word/document.xml`` inside the .docx zip. Memory stays flat
whatever the number of rows, and the file is written under a temporary name and renamed, so a failure
never leaves half a document behind.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from docx.document import Document
from lxml import etree

from exporters.docx_style import FONT_BODY, FONT_LATIN
from exporters.text import escape

MARKER = "draftreview-content"
BOLD, STRIKE, UNDERLINE = "<w:b/>", "<w:strike/>", '<w:u w:val="single"/>'
BATCH = 2000


@dataclass
class Revision:
    """Author and time stamped on tracked changes; each change gets the next unique ``w:id``."""

    author: str
    date: str  # 2026-11-24T08:00:00Z
    last_id: int = 0

    def attributes(self) -> str:
        """``w:id``, ``w:author`` and ``w:date`` for one change, with a fresh id."""
        self.last_id += 1
        return f'w:id="{self.last_id}" w:author="{escape_attribute(self.author)}" w:date="{self.date}"'


def escape_attribute(text: str) -> str:
    """``text`` for a double-quoted XML attribute."""
    return escape(text).replace('"', "&quot;")


@lru_cache(maxsize=256)
def run_props(
    *,
    font: str = FONT_BODY,
    bold: bool = False,
    strike: bool = False,
    underline: bool = False,
    size: float | None = None,
    mark: str = "",
) -> str:
    """A ``w:rPr`` with its children in schema order; ``mark`` is a paragraph mark's ``w:ins``/``w:del``."""
    fonts = (
        f'<w:rFonts w:ascii="{FONT_LATIN}" w:hAnsi="{FONT_LATIN}" w:eastAsia="{font}" '
        f'w:cs="{FONT_LATIN}" w:hint="eastAsia"/>'
    )
    half_points = f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>' if size else ""
    return (
        f"<w:rPr>{mark}{fonts}{BOLD if bold else ''}{STRIKE if strike else ''}"
        f"{half_points}{UNDERLINE if underline else ''}</w:rPr>"
    )


def run_xml(text: str, *, deleted: bool = False, **props: Any) -> str:
    """One ``w:r`` holding ``text`` (already cleaned; escaped here); line feeds become ``w:br``, tabs
    ``w:tab``.
    ``deleted`` writes ``w:delText``, as text inside ``w:del`` must be."""
    tag = "w:delText" if deleted else "w:t"
    if "\n" not in text and "\t" not in text:  # the common case, without the generators below
        return f'<w:r>{run_props(**props)}<{tag} xml:space="preserve">{escape(text)}</{tag}></w:r>'
    body = "<w:br/>".join(
        "<w:tab/>".join(f'<{tag} xml:space="preserve">{escape(piece)}</{tag}>' for piece in line.split("\t"))
        for line in text.split("\n")
    )
    return f"<w:r>{run_props(**props)}{body}</w:r>"


def inserted(runs: str, revision: Revision) -> str:
    """Runs wrapped as a tracked insertion."""
    return f"<w:ins {revision.attributes()}>{runs}</w:ins>"


def deleted(runs: str, revision: Revision) -> str:
    """Runs (written with ``deleted=True``) wrapped as a tracked deletion."""
    return f"<w:del {revision.attributes()}>{runs}</w:del>"


def paragraph_xml(
    runs: str,
    *,
    align: str | None = None,
    first_line_chars: int = 0,
    size: float | None = None,
    line_pitch: float | None = None,
    mark: str = "",
    mark_font: str = FONT_BODY,
    keep_next: bool = False,
) -> str:
    """A ``w:p`` around generated runs. ``mark`` (``w:ins``/``w:del``) tracks the paragraph mark itself;
    ``keep_next`` keeps a heading on the page of what follows it."""
    props = "<w:keepNext/>" if keep_next else ""
    if line_pitch:
        props += f'<w:spacing w:line="{round(line_pitch * 20)}" w:lineRule="exact"/>'
    if first_line_chars:
        props += (
            f'<w:ind w:firstLineChars="{first_line_chars * 100}" '
            f'w:firstLine="{round(first_line_chars * (size or 12) * 20)}"/>'
        )
    if align:
        props += f'<w:jc w:val="{align}"/>'
    if mark or size:
        props += run_props(font=mark_font, size=size, mark=mark)
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def cell_xml(paragraphs: Iterable[str], *, span: int = 1) -> str:
    """A ``w:tc`` holding generated paragraphs (an empty paragraph when there are none: Word needs one)."""
    inner = "".join(paragraphs) or "<w:p/>"
    props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
    return f"<w:tc>{props}{inner}</w:tc>"


def text_cell(text: str, *, align: str | None = None, font: str = FONT_BODY, bold: bool = False) -> str:
    """A cell with one paragraph per line of ``text``."""
    if not text:
        return cell_xml(())
    if "\n" not in text:
        return f"<w:tc>{paragraph_xml(run_xml(text, font=font, bold=bold), align=align)}</w:tc>"
    return cell_xml(
        paragraph_xml(run_xml(line, font=font, bold=bold), align=align) for line in text.split("\n")
    )


def row_xml(cells: Iterable[str], *, cant_split: bool = True) -> str:
    """A ``w:tr`` that does not split across pages (``cant_split``), or one that may (a long row, which
    would otherwise leave the rest of a page empty)."""
    if not cant_split:
        return f"<w:tr>{''.join(cells)}</w:tr>"
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>"


def save_streamed(
    document: Document,
    parent: Any,  # the lxml element the rows go in
    chunks: Iterable[str],
    path: str | Path,
    *,
    index: int | None = None,
    compresslevel: int = 1,
) -> None:
    """Saves ``document`` to ``path`` with the XML ``chunks`` placed in ``parent`` (an lxml element of the
    body: a ``w:tbl`` after its header row, or the body itself) at ``index`` (default: the end)."""
    path = Path(path)
    marker = etree.ProcessingInstruction(MARKER)
    parent.insert(len(parent) if index is None else index, marker)
    try:
        packed = io.BytesIO()
        document.save(packed)
        xml = etree.tostring(document.element, encoding="UTF-8", standalone=True)
    finally:
        parent.remove(marker)
    head, tail = xml.split(etree.tostring(marker), 1)
    fd, temp = tempfile.mkstemp(prefix=".export-", suffix=".docx", dir=path.parent)
    os.close(fd)
    try:
        with (
            zipfile.ZipFile(packed) as source,
            zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target,
        ):
            for info in source.infolist():
                if info.filename != "word/document.xml":
                    target.writestr(info.filename, source.read(info.filename))
                    continue
                with target.open(info.filename, "w", force_zip64=True) as stream:
                    stream.write(head)
                    iterator = iter(chunks)
                    while batch := list(islice(iterator, BATCH)):
                        stream.write("".join(batch).encode())
                    stream.write(tail)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
