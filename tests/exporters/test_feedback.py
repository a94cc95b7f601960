"""征求意见情况通报 as Word: title, headings in 黑体/楷体, body in 仿宋, the appended tables and names, every
run with an East Asian font, hostile text kept as text."""

from __future__ import annotations

from datetime import date

from exporters.feedback import FeedbackInput, write_feedback
from tests.exporters.wordml import NS, part_xml, reopen, runs_without_east_asian_font, w

PAYLOAD = "<script>alert('x')</script> & <w:t>完</w:t>\x07"
DATA = FeedbackInput(
    title="黑龙江省促进数字经济条例",
    round_label="第1轮（征求意见稿）",
    office="黑龙江省司法厅",
    opens=date(2026, 11, 1),
    closes=date(2026, 11, 30),
    body="共收到7人提出的8条意见。\n\n一、意见的分布\n（一）基站建设。" + PAYLOAD + "\n感谢支持。",
    channels=(("网上提交", 5), ("信函", 1)),
    chapters=(("第二章　数字基础设施", 3),),
    articles=(("第十三条", 3), ("总体意见", 2)),
    names=("张三", "王五"),
    published=date(2026, 12, 1),
)


def test_layout_and_content(tmp_path):
    path = tmp_path / "feedback.docx"
    result = write_feedback(DATA, path)
    document = reopen(path)
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts == [
        "《黑龙江省促进数字经济条例》征求意见情况通报",
        "共收到7人提出的8条意见。",
        "一、意见的分布",
        "（一）基站建设。<script>alert('x')</script> & <w:t>完</w:t>",
        "感谢支持。",
        "黑龙江省司法厅",
        "2026年12月1日",
        "附表1　意见来源",
        "附表2　意见按章节分布",
        "附表3　意见按条文分布",
        "意见被采纳并同意公布姓名的提出者",
        "张三、王五",
    ]
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == [
        ["渠道", "意见数（条）"],
        ["网上提交", "5"],
        ["信函", "1"],
    ]
    assert [[c.text for c in row.cells] for row in document.tables[2].rows][1:] == [
        ["第十三条", "3"],
        ["总体意见", "2"],
    ]
    assert result.rows == 4 + 2 + 1 + 2 + 1 and result.warnings
    assert runs_without_east_asian_font(path) == []
    fonts = {
        p.text: p.runs[0]._r.find("w:rPr/w:rFonts", NS).get(w("eastAsia"))
        for p in document.paragraphs
        if p.runs
    }
    assert fonts["一、意见的分布"] == "黑体"
    assert fonts["共收到7人提出的8条意见。"] == "仿宋"
    assert fonts["《黑龙江省促进数字经济条例》征求意见情况通报"] == "方正小标宋简体"
    assert fonts[DATA.body.splitlines()[3].replace("\x07", "")] == "楷体"
    assert b"<script>" not in part_xml(path, "word/document.xml")


def test_no_names_section_without_names(tmp_path):
    path = tmp_path / "feedback.docx"
    write_feedback(FeedbackInput(**{**vars(DATA), "names": ()}), path)
    assert "意见被采纳并同意公布姓名的提出者" not in [p.text for p in reopen(path).paragraphs]
