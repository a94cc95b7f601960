"""Reading generated .docx files back for the exporter tests: python-docx reopens them, these helpers
look at the WordprocessingML underneath (fonts, row flags, tracked changes) and convert with LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def w(tag: str) -> str:
    """Clark name of a ``w:`` tag or attribute."""
    return f"{{{W}}}{tag}"


def reopen(path: Path):
    """The file reopened with python-docx (fails the test if python-docx cannot read it)."""
    return docx.Document(str(path))


def part_xml(path: Path, name: str) -> bytes:
    """One part of the package as stored (e.g. ``word/document.xml``)."""
    with zipfile.ZipFile(path) as package:
        return package.read(name)


def runs_without_east_asian_font(path: Path) -> list[str]:
    """Texts of runs in the body, headers and footers that have no ``w:rFonts/@w:eastAsia``."""
    missing = []
    with zipfile.ZipFile(path) as package:
        names = [
            n
            for n in package.namelist()
            if n.startswith("word/")
            and (n == "word/document.xml" or n.startswith(("word/footer", "word/header")))
        ]
        for name in names:
            root = etree.fromstring(package.read(name))
            for run in root.iter(w("r")):
                fonts = run.find("w:rPr/w:rFonts", NS)
                if fonts is None or not fonts.get(w("eastAsia")):
                    missing.append("".join(run.itertext()))
    return missing


def cell_text(cell) -> str:
    """A table cell's paragraphs joined by line feeds (python-docx turns ``w:br`` into \\n itself)."""
    return "\n".join(p.text for p in cell.paragraphs)


def table_rows(document, index: int = 0) -> list[tuple[str, ...]]:
    """Each row of a table as the tuple of its cell texts."""
    return [tuple(cell_text(c) for c in row.cells) for row in document.tables[index].rows]


def formatted_runs(element) -> list[tuple[str, str]]:
    """(format, text) for each run under ``element``: format is "ins" (bold and underlined), "del"
    (struck through) or ""."""
    out = []
    for run in element.iter(w("r")):
        props = run.find("w:rPr", NS)
        bold = props is not None and props.find("w:b", NS) is not None
        underline = props is not None and props.find("w:u", NS) is not None
        strike = props is not None and props.find("w:strike", NS) is not None
        kind = "ins" if bold and underline else "del" if strike else ""
        out.append((kind, "".join(t.text or "" for t in run.iter(w("t")))))
    return out


def resolved_paragraphs(body, accept: bool) -> list[str]:
    """The body's paragraph texts after accepting (or rejecting) every tracked change, as Word does it:
    text in ``w:del`` (``w:ins`` when rejecting) disappears, and a paragraph whose mark is removed runs
    on into the next one."""
    drop = "del" if accept else "ins"
    paragraphs: list[str] = []
    pending = ""
    for paragraph in body.iter(w("p")):
        text = pending
        for node in paragraph.iter(w("t"), w("delText")):
            inside = {a.tag for a in node.iterancestors()}
            if w(drop) in inside:
                continue
            text += node.text or ""
        mark = paragraph.find("w:pPr/w:rPr", NS)
        if mark is not None and mark.find(f"w:{drop}", NS) is not None:
            pending = text
            continue
        paragraphs.append(text)
        pending = ""
    if pending:
        paragraphs.append(pending)
    return paragraphs


def libreoffice_pdf(source: Path, folder: Path) -> Path:
    """Converts ``source`` with ``libreoffice --headless --convert-to pdf`` (own HOME, 180 s limit)."""
    if shutil.which("libreoffice") is None:
        pytest.skip(
            "libreoffice is not on PATH (Debian package libreoffice-writer-nogui; .ci/run installs it)"
        )
    home = folder / "home"
    home.mkdir(exist_ok=True)
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        check=True,
        timeout=180,
        capture_output=True,
        env={**os.environ, "HOME": str(home)},
    )
    pdf = folder / (source.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice wrote no PDF for {source.name}"
    return pdf


def pdf_text(pdf: Path) -> str:
    """The PDF's text by pdftotext (poppler-utils); skips when it is missing."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not on PATH (Debian package poppler-utils)")
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
