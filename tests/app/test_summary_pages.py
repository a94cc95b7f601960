"""The demo's 意见汇总表 (26 comments of the first round) rendered by LibreOffice stays within 3 A4
landscape pages: margins meant for landscape tables, 五号 type, and no half-empty pages (long rows may split,
short ones never do). The pages are kept as PNGs beside the PDF for a person to look at. The other exports
of the demo (条文对照表 修改条文 and 全部条文, 修改稿 in revision mode, of its 85-article draft) stay within
bounds too."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from app.services import exports
from app.services.demo import FIRST_ROUND
from app.services.export_summary import export_summary
from tests.exporters.wordml import libreoffice_pdf, pdf_text

MAX_PAGES = 3


@pytest.mark.slow
def test_demo_summary_of_26_comments_fits_in_3_pages(demo, tmp_path):
    if not demo.url.startswith("sqlite"):
        pytest.skip("one database is enough for a page count")
    source = tmp_path / "summary.docx"
    export_summary(demo, "hlj-digital-economy", source, number=1)
    pdf = libreoffice_pdf(source, tmp_path)
    text = pdf_text(pdf)
    assert len(FIRST_ROUND) == 26 and "共收到意见26条" in re.sub(r"\s", "", text)
    pages = text.count("\f") or 1
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 1 <= pages <= MAX_PAGES
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "changed_only", "max_pages"),
    [
        ("comparison", True, 7),  # 6 pages on 2026-12-06: only the changed, added, deleted and moved articles
        ("comparison", False, 40),  # 38 (45 before rows could split)
        ("redline", False, 30),  # 28
    ],
    ids=["comparison-changed", "comparison-all", "redline"],
)
def test_demo_exports_stay_within_their_page_bounds(demo, tmp_path, kind, changed_only, max_pages):
    if not demo.url.startswith("sqlite"):
        pytest.skip("one database is enough for a page count")
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo (poppler-utils) counts the pages")
    path, _name = exports.export(demo, tmp_path, "hlj-digital-economy", kind, 2, changed_only=changed_only)
    source = tmp_path / f"{kind}.docx"
    path.rename(source)
    pdf = libreoffice_pdf(source, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 1 <= pages <= max_pages
