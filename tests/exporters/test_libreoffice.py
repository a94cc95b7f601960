"""A real office suite opens each kind of export: LibreOffice converts a small one of each to PDF."""

from __future__ import annotations

import re
from datetime import date

import pytest

from exporters.comparison import write_comparison
from exporters.redline import write_redline
from exporters.summary import SummaryComment, SummaryInput, SummaryTarget, write_summary
from tests.exporters.drafts import NEW, OLD
from tests.exporters.wordml import libreoffice_pdf, pdf_text
from versions import parse_text


def _summary(path):
    targets = (SummaryTarget("art-1", "第一条", "第一章\u3000总则", "为了规范数据处理活动，制定本条例。"),)
    comments = (
        SummaryComment(
            "draft", "总体赞成<script>。", "个人", name="张三", contact="13812345678", disposition="采纳"
        ),
        SummaryComment("art-1", "建议修改。", "企业", "某公司", disposition="不采纳", reason="已有规定。"),
    )
    write_summary(
        SummaryInput(
            "测试条例", "第1版（征求意见稿）", date(2026, 11, 1), date(2026, 11, 30), targets, comments
        ),
        path,
    )


def _comparison(path):
    write_comparison(parse_text(OLD), parse_text(NEW), path)


def _redline(path):
    write_redline(parse_text(OLD), parse_text(NEW), path)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (
            _summary,
            ["《测试条例》意见汇总表", "意见内容", "总体赞成<script>。", "张*", "138****5678", "已有规定。"],
        ),
        (_comparison, ["《测试条例》条文对照表", "修改前", "修改后", "说明", "促进数据开发利用", "原第三条"]),
        (_redline, ["测试条例", "第一章", "总则", "促进数据开发利用", "2023", "2024"]),
    ],
    ids=["summary", "comparison", "redline"],
)
def test_libreoffice_converts_it_to_pdf(tmp_path, build, expected):
    source = tmp_path / f"{build.__name__.strip('_')}.docx"
    build(source)
    pdf = libreoffice_pdf(source, tmp_path)
    text = re.sub(r"[ \t]+", "", pdf_text(pdf))
    assert [piece for piece in expected if piece.replace(" ", "") not in text] == []
    assert "— 1 —".replace(" ", "") in text  # the page number field was evaluated
