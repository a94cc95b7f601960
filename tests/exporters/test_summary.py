"""意见汇总表: the generated .docx reopened with python-docx; rows, order, clusters, masking, escaping,
fonts."""

from __future__ import annotations

from datetime import date

import pytest

from exporters.summary import (
    SummaryComment,
    SummaryInput,
    SummaryOptions,
    SummaryTarget,
    summary_rows,
    totals,
    write_summary,
)
from tests.exporters.wordml import NS, part_xml, reopen, runs_without_east_asian_font, table_rows, w

PAYLOAD = "总体赞成。<script>alert('x')</script> ]]> & <w:t>完</w:t>"
TARGETS = (
    SummaryTarget("art-1", "第一条", "第一章\u3000总则", "为了促进数字经济发展，制定本条例。"),
    SummaryTarget(
        "art-2", "第二条", "第一章\u3000总则", "本条例适用于本省行政区域。\n本条例所称数字经济，是指……"
    ),
    SummaryTarget("art-2-p2", "第二条第二款", "第一章\u3000总则", "本条例所称数字经济，是指……"),
    SummaryTarget(
        "art-3", "第三条", "第二章\u3000数字基础设施", "县级以上人民政府应当统筹推进数字基础设施建设。"
    ),
)
COMMENTS = (
    SummaryComment(
        "art-2",
        "建议写明适用范围。",
        "企业",
        "黑龙江某科技有限公司",
        "李四",
        "lisi@example.com",
        disposition="采纳",
    ),
    SummaryComment(
        "draft",
        PAYLOAD,
        "个人",
        "",
        "张三",
        "13812345678",
        "哈尔滨市",
        disposition="部分采纳",
        reason="已在第十条中体现。",
    ),
    SummaryComment("art-2-p2", "定义\x07过窄。\x00", "专家学者", "某大学", "欧阳娜娜", "0451-12345678"),
    SummaryComment(
        "art-1",
        "建议删除“促进”。",
        "个人",
        "",
        "王五",
        commenter="k1",
        disposition="不采纳",
        reason="“促进”为立法目的。",
        cluster="c1",
    ),
    SummaryComment(
        "art-3",
        "建议增加5G基站。",
        "国家机关",
        "某市工业和信息化局",
        disposition="已有规定",
        reason="第十三条已有规定。",
    ),
    SummaryComment(
        "art-1",
        "建议删除“促进”二字。",
        "个人",
        "",
        "赵六",
        commenter="k2",
        disposition="不采纳",
        reason="“促进”为立法目的。",
        cluster="c1",
        representative=True,
    ),
    SummaryComment(
        "art-1",
        "建议删除“促进”！",
        "社会组织",
        "某协会",
        commenter="k3",
        disposition="不采纳",
        reason="“促进”为立法目的。",
        cluster="c1",
    ),
    SummaryComment("", "全文用语应统一。", "", "", "", commenter="k1", disposition="待研究"),
    SummaryComment("art-9", "第九条怎么没了？", "个人"),
)
DATA = SummaryInput(
    "黑龙江省促进数字经济条例（征求意见稿）",
    "第1版（征求意见稿）",
    date(2026, 11, 1),
    date(2026, 11, 30),
    TARGETS,
    COMMENTS,
)
HEADER = ("序号", "条款", "意见内容", "提出者", "处理意见", "理由")
MASKED_ROWS = [
    HEADER,
    ("1", "总体意见", PAYLOAD, "个人\n哈尔滨市\n张*\n138****5678", "部分采纳", "已在第十条中体现。"),
    ("2", "总体意见", "全文用语应统一。", "未注明类型", "待研究", ""),
    (
        "3",
        "第一章\u3000总则\n第一条\n为了促进数字经济发展，制定本条例。",
        "建议删除“促进”二字。\n（内容相近的意见共3条）",
        "个人2条、社会组织1条\n某协会\n王*、赵*",
        "不采纳",
        "“促进”为立法目的。",
    ),
    (
        "4",
        "第二条\n本条例适用于本省行政区域。\n本条例所称数字经济，……",
        "建议写明适用范围。",
        "企业\n黑龙江某科技有限公司\n李*\nl***@example.com",
        "采纳",
        "",
    ),
    (
        "5",
        "第二条第二款\n本条例所称数字经济，是指……",
        "定义过窄。",
        "专家学者\n某大学\n欧***\n045****5678",
        "未处理",
        "",
    ),
    (
        "6",
        "第二章\u3000数字基础设施\n第三条\n县级以上人民政府应当统筹推进数字基础设施建设。",
        "建议增加5G基站。",
        "国家机关\n某市工业和信息化局",
        "已有规定",
        "第十三条已有规定。",
    ),
    ("7", "art-9（不在本版本中）", "第九条怎么没了？", "个人", "未处理", ""),
]


@pytest.fixture(scope="module")
def masked(tmp_path_factory):
    path = tmp_path_factory.mktemp("summary") / "意见汇总表.docx"
    return path, write_summary(DATA, path)


def test_rows_in_draft_order_with_general_comments_first_and_clusters_folded(masked):
    path, result = masked
    assert table_rows(reopen(path)) == MASKED_ROWS
    assert result.rows == 7


def test_title_period_and_totals(masked):
    paragraphs = [p.text for p in reopen(masked[0]).paragraphs if p.text]
    assert paragraphs == [
        "《黑龙江省促进数字经济条例（征求意见稿）》意见汇总表",
        "版本：第1版（征求意见稿）\u3000\u3000征求意见期：2026年11月1日至2026年11月30日",
        "共收到意见9条，采纳1条，部分采纳1条，不采纳3条，已有规定1条，待研究1条，未处理2条。",
        "提出者8个；按提出者类型：个人4条、企业1条、社会组织1条、国家机关1条、专家学者1条、未注明类型1条。",
        "内容相近的意见3条合并为1行，行内注明条数。",
    ]


def test_control_characters_are_removed_and_counted(masked):
    assert masked[1].warnings == ("已删除 2 个 Word 无法保存的控制字符。",)


def test_markup_is_written_as_text(masked):
    xml = part_xml(masked[0], "word/document.xml").decode()
    assert "&lt;script&gt;alert('x')&lt;/script&gt; ]]&gt; &amp; &lt;w:t&gt;完&lt;/w:t&gt;" in xml
    assert "<script>" not in xml


def test_personal_data_shown_when_the_drafter_asks(tmp_path):
    path = tmp_path / "full.docx"
    write_summary(DATA, path, SummaryOptions(show_personal=True, excerpt_chars=8))
    rows = table_rows(reopen(path))
    assert rows[1][3] == "个人\n哈尔滨市\n张三\n13812345678"
    assert rows[3][1:4] == (
        "第一章\u3000总则\n第一条\n为了促进数字经济……",
        "建议删除“促进”二字。\n（内容相近的意见共3条）",
        "个人2条、社会组织1条\n某协会\n王五、赵六",
    )
    assert rows[5][3] == "专家学者\n某大学\n欧阳娜娜\n0451-12345678"


def test_every_run_has_an_east_asian_font_and_no_theme_fonts_remain(masked):
    assert runs_without_east_asian_font(masked[0]) == []
    styles = part_xml(masked[0], "word/styles.xml").decode()
    assert "Theme=" not in styles and 'w:eastAsia="仿宋"' in styles


def test_header_repeats_and_rows_do_not_split(masked):
    table = reopen(masked[0]).tables[0]._tbl
    rows = table.findall(w("tr"))
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert [r.find("w:trPr/w:cantSplit", NS) is not None for r in rows] == [True] * 8
    assert [r.find("w:trPr/w:tblHeader", NS) is not None for r in rows[1:]] == [False] * 7


def test_page_is_a4_landscape_with_landscape_margins(masked):
    section = reopen(masked[0]).sections[0]
    sizes = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    # Top and bottom 25 mm: the portrait page's 37/35 mm would leave a landscape table 138 mm of 210.
    assert [round(size.mm, 1) for size in sizes] == [297, 210, 25, 25, 28, 26]


@pytest.mark.parametrize(
    ("comments", "expected"),
    [
        ((), ["共收到意见0条，采纳0条，部分采纳0条，不采纳0条，已有规定0条。", "提出者0个。"]),
        (
            (
                SummaryComment("draft", "甲", "个人", name="张三"),
                SummaryComment("art-1", "乙", "个人", name="张三"),
            ),
            [
                "共收到意见2条，采纳0条，部分采纳0条，不采纳0条，已有规定0条，未处理2条。",
                "提出者1个；按提出者类型：个人2条。",
            ],
        ),
        (
            (SummaryComment("draft", "甲", disposition="其他处理"),),
            [
                "共收到意见1条，采纳0条，部分采纳0条，不采纳0条，已有规定0条，其他处理1条。",
                "提出者1个；按提出者类型：未注明类型1条。",
            ],
        ),
    ],
)
def test_totals(comments, expected):
    assert totals(SummaryInput("条例", "第1版", None, None, TARGETS, comments)) == expected


def test_cluster_members_with_different_answers_stay_apart():
    comments = (
        SummaryComment("art-1", "同一意见", cluster="c", disposition="采纳"),
        SummaryComment("art-1", "同一意见", cluster="c", disposition="不采纳", reason="理由"),
    )
    rows = summary_rows(SummaryInput("条例", "第1版", None, None, TARGETS, comments))
    assert [(r.number, r.content, r.disposition) for r in rows] == [
        (1, "同一意见", "采纳"),
        (2, "同一意见", "不采纳"),
    ]


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary_one(tmp_path, monkeypatch):
    import exporters.summary

    written = []

    def failing(row):
        if len(written) == 3:
            raise RuntimeError("disk full")
        written.append(row)
        return ""

    path = tmp_path / "意见汇总表.docx"
    path.write_bytes(b"previous")
    monkeypatch.setattr(exporters.summary, "_row_xml", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        write_summary(DATA, path)
    assert [p.name for p in tmp_path.iterdir()] == ["意见汇总表.docx"]
    assert path.read_bytes() == b"previous"


@pytest.mark.parametrize(
    ("content", "splits"),
    [
        ("建议写明适用范围。", False),  # a short row is never broken across pages
        ("建议" * 400, True),  # a row taller than a third of the page may continue on the next one
    ],
)
def test_only_long_rows_may_split_across_pages(tmp_path, content, splits):
    from exporters.summary import may_split, summary_rows

    data = SummaryInput("测试条例", "第1版", None, None, (), (SummaryComment("draft", content, "个人"),))
    (row,) = summary_rows(data)
    assert may_split(row) is splits
    path = tmp_path / "split.docx"
    write_summary(data, path)
    rows = reopen(path).tables[0]._tbl.tr_lst
    assert [r.find(".//w:cantSplit", NS) is not None for r in rows] == [True, not splits]
