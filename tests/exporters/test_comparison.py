"""条文对照表: two drafts aligned and diffed, written as a Word table and reopened with python-docx."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporters.comparison import ComparisonOptions, write_comparison
from tests.exporters.drafts import NEW, OLD
from tests.exporters.wordml import (
    NS,
    formatted_runs,
    part_xml,
    reopen,
    runs_without_east_asian_font,
    table_rows,
    w,
)
from versions import parse_file, parse_text
from versions.model import Article, Draft, Paragraph

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
ROWS = [
    ("修改前", "修改后", "说明"),
    ("第一章\u3000总则", "第一章\u3000总则", ""),
    (
        "第一条【立法目的】\u3000为了规范数据处理活动，保障数据安全，制定本条例。",
        "第一条\u3000为了规范数据处理活动，保障数据安全，促进数据开发利用，制定本条例。",
        "修改\n收到意见2条：采纳1条，不采纳1条。",
    ),
    ("", "第二条\u3000数据工作坚持统筹发展和安全的原则。", "新增"),
    (
        "第二条【适用范围】\u3000本省行政区域内的数据处理活动，适用本条例。",
        "第三条\u3000本省行政区域内的数据处理活动，适用本条例。",
        "原第二条",
    ),
    (
        "第三条\u3000数据处理者应当履行下列义务：\n（一）建立数据安全管理制度；\n（二）组织开展数据安全教育培训。",
        "第四条\u3000数据处理者应当履行下列义务：\n（一）建立健全数据安全管理制度；\n（二）组织开展数据安全教育培训；\n"
        "（三）采取技术措施保障数据安全。",
        "修改，原第三条",
    ),
    ("第四条\u3000省人民政府应当建立数据交易平台。", "", "删除\n收到意见1条：采纳1条。"),
    ("第二章\u3000附则", "第二章\u3000附则", ""),
    ("第五条\u3000本条例自2023年1月1日起施行。", "第五条\u3000本条例自2024年1月1日起施行。", "修改"),
]
MARKS = [  # (struck in 修改前, bold and underlined in 修改后) per row after the header
    ([], []),
    (["【立法目的】"], ["促进数据开发利用，"]),
    ([], ["数据工作坚持统筹发展和安全的原则。"]),
    (["【适用范围】"], []),
    ([], ["健全", "；", "（三）采取技术措施保障数据安全"]),
    (["省人民政府应当建立数据交易平台。"], []),
    ([], []),
    (["2023年1月1日"], ["2024年1月1日"]),
]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("comparison") / "对照表.docx"
    options = ComparisonOptions(
        notes={"art-1": "收到意见2条：采纳1条，不采纳1条。"}, old_notes={"art-4": "收到意见1条：采纳1条。"}
    )
    return path, write_comparison(parse_text(OLD), parse_text(NEW), path, options)


def marks(row) -> tuple[list[str], list[str]]:
    old = [text for kind, text in formatted_runs(row.cells[0]._tc) if kind == "del"]
    new = [text for kind, text in formatted_runs(row.cells[1]._tc) if kind == "ins"]
    return old, new


def test_rows_texts_and_notes(small):
    assert table_rows(reopen(small[0])) == ROWS
    assert small[1].rows == 8


def test_deletions_struck_and_insertions_bold_underlined(small):
    rows = reopen(small[0]).tables[0].rows[1:]
    assert [marks(row) for row in rows] == MARKS


def test_title_and_counts(small):
    assert [p.text for p in reopen(small[0]).paragraphs if p.text] == [
        "《测试条例》条文对照表",
        "修改前：《测试条例（征求意见稿）》\u3000\u3000修改后：《测试条例》",
        "共5条（原5条）：修改3条，新增1条，删除1条，拆分0处，合并0处，条序变动2条。",
    ]


def test_fonts_header_and_row_flags(small):
    assert runs_without_east_asian_font(small[0]) == []
    rows = reopen(small[0]).tables[0]._tbl.findall(w("tr"))
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)


def test_changed_only_leaves_out_untouched_articles(tmp_path):
    # 修改条文: the renumbered-only 第三条 → 第四条 is left out too; the added and the modified are kept.
    old = parse_text("第一条 甲。\n第二条 乙。\n第三条 丙。\n")
    new = parse_text("第一条 甲。\n第二条 丁戊。\n第三条 乙乙。\n第四条 丙。\n")
    path = tmp_path / "c.docx"
    write_comparison(
        old, new, path, ComparisonOptions(changed_only=True, old_name="old.txt", new_name="new.txt")
    )
    document = reopen(path)
    assert table_rows(document)[1:] == [
        ("", "第二条\u3000丁戊。", "新增"),
        ("第二条\u3000乙。", "第三条\u3000乙乙。", "修改，原第二条"),
    ]
    assert [p.text for p in document.paragraphs if p.text][:2] == [
        "条文对照表（修改条文）",
        "修改前：old.txt\u3000\u3000修改后：new.txt",
    ]


def test_split_rows_and_citation_notes(tmp_path):
    old = parse_text(
        "第一条 为了规范管理，制定本条例。\n第二条 县级以上人民政府负责数据安全监督管理工作。\n"
        "中国人民解放军总后勤部可以依照本条例制定军队实施的具体办法，报国务院备案。\n"
        "第三条 违反本条例第二条规定的，责令改正。\n"
    )
    new = parse_text(
        "第一条 为了规范管理，制定本条例。\n第二条 县级以上人民政府负责数据安全监督管理工作。\n"
        "第三条 中央军事委员会可以依照本条例制定军队实施的具体办法，报国务院备案。\n"
        "第四条 违反本条例第五条规定的，责令改正。\n"
    )
    path = tmp_path / "c.docx"
    write_comparison(old, new, path)
    rows = table_rows(reopen(path))[1:]
    assert rows[1] == (
        "第二条\u3000县级以上人民政府负责数据安全监督管理工作。\n中国人民解放军总后勤部可以依照本条例制定军队实施的具体办法，报国务院备案。",
        "第二条\u3000县级以上人民政府负责数据安全监督管理工作。\n第三条\u3000中央军事委员会可以依照本条例制定军队实施的具体办法，报国务院备案。",
        "由原第二条拆分",
    )
    assert (
        rows[2][2] == "修改，原第三条\n“本条例第二条”改为“本条例第五条”："
        "引用改指他条（原所指条文现为第二条），属实质修改，请核实"
    )


def _draft(text: str) -> Draft:
    article = Article("art-1", 1, "第一条", None, (Paragraph("art-1-p1", text, 1),), 1)
    return Draft("条例", None, "", None, (), (article,))


def test_markup_is_text_and_control_characters_are_counted(tmp_path):
    path = tmp_path / "x.docx"
    same = "为了规范数据处理活动，保障数据安全，制定本条例。"
    result = write_comparison(
        _draft(same + "<script>alert(1)</script>\x01"), _draft(same + "<b>]]></b> & 完"), path
    )
    assert table_rows(reopen(path))[1] == (
        f"第一条\u3000{same}<script>alert(1)</script>",
        f"第一条\u3000{same}<b>]]></b> & 完",
        "修改",
    )
    assert result.warnings == ("已删除 1 个 Word 无法保存的控制字符。",)
    xml = part_xml(path, "word/document.xml").decode()
    # The diff keeps the shared "<" apart: 。< | script>alert(1)</script> | b>]]></b> & 完
    assert "条例。&lt;</w:t>" in xml and ">script&gt;alert(1)&lt;/script&gt;</w:t>" in xml
    assert ">b&gt;]]&gt;&lt;/b&gt; &amp; 完</w:t>" in xml
    assert "<script>" not in xml and "<b>" not in xml


def corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(
            f"../shared/corpus/{name} is absent: the corpus of real legal texts is not beside this checkout"
        )
    return path


def display(articles) -> str:
    return "\n".join(
        a.label + (f"【{a.caption}】" if a.caption else "") + "\u3000" + a.text for a in articles
    )


@pytest.mark.corpus
def test_pig_slaughter_2008_to_2011_marks_exactly_one_change(tmp_path):
    old = parse_file(corpus("pig-slaughter-reg-2008.ihmsje.txt"))
    new = parse_file(corpus("pig-slaughter-reg-2011.ihmsje.txt"))
    path = tmp_path / "pig.docx"
    write_comparison(old, new, path)
    rows = reopen(path).tables[0].rows[1:]
    changed = [
        (cells[0].text.split("\u3000")[0], marks(row), cells[2].text)
        for row in rows
        if any(marks(row))
        for cells in [row.cells]
    ]
    assert changed == [("第九条", (["卫生"], ["安全"]), "修改")]
    texts = [tuple(c.text for c in row.cells) for row in rows]
    assert len(texts) == 36 + 5  # every article, and a heading row for each of the 5 chapters
    assert texts[0] == ("第一章\u3000总则", "第一章\u3000总则", "")


@pytest.mark.corpus
def test_sample_draft_to_final_text_shows_both_versions_completely(tmp_path):
    from versions.align import align

    old = parse_file(corpus("000_96ffd4173f4f589a.txt"))
    new = parse_file(corpus("hlj-digital-economy-final-2024.flk.md.txt"))
    alignment = align(old, new)
    path = tmp_path / "hlj.docx"
    write_comparison(old, new, path, alignment=alignment)
    rows = [row for row in reopen(path).tables[0].rows[1:]]
    article_rows = [
        row
        for row in rows
        if row.cells[2].text
        or row.cells[0].text.split("\u3000")[0][-1:] == "条"
        or row.cells[1].text.split("\u3000")[0][-1:] == "条"
    ]
    assert [(r.cells[0].text.replace("\n", ""), r.cells[1].text.replace("\n", "")) for r in article_rows] == [
        (display(p.old).replace("\n", ""), display(p.new).replace("\n", "")) for p in alignment.pairs
    ]
    assert runs_without_east_asian_font(path) == []
