"""Page, fonts, footer and table flags of the official-document frame every export starts from."""

from __future__ import annotations

import pytest
from lxml import etree

from exporters import docx_style as style
from tests.exporters.wordml import NS, part_xml, reopen, runs_without_east_asian_font, w


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A portrait document with a title, a body paragraph, a plain python-docx run and a styled table."""
    document = style.new_document(title="测试文件")
    style.title(document, "关于测试的通知")
    style.add_paragraph(document, "正文“引号”——测试。", first_line_chars=2)
    document.add_paragraph("未设置字体的段落")  # fixed by fix_every_run below
    table = document.add_table(rows=2, cols=3)
    table.style = "Table Grid"
    style.table_properties(table, [40, 60, 56])
    style.header_row(table, ["甲", "乙", "丙"])
    fixed = style.fix_every_run(document.element)
    path = tmp_path_factory.mktemp("style") / "style.docx"
    document.save(path)
    return path, fixed


def test_a4_portrait_with_gb_t_9704_margins(saved):
    section = reopen(saved[0]).sections[0]
    sizes = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    assert [round(size.mm, 1) for size in sizes] == [210, 297, 37, 35, 28, 26]


def test_every_run_gets_an_east_asian_font(saved):
    assert saved[1] == 1  # only the plain python-docx run needed fixing
    assert runs_without_east_asian_font(saved[0]) == []


@pytest.mark.parametrize(
    ("text", "east_asia", "size"),
    [
        ("关于测试的通知", "方正小标宋简体", 22),
        ("正文“引号”——测试。", "仿宋", None),
        ("未设置字体的段落", "仿宋", None),
    ],
)
def test_paragraph_fonts(saved, text, east_asia, size):
    paragraph = next(p for p in reopen(saved[0]).paragraphs if p.text == text)
    run = paragraph.runs[0]
    fonts = run._r.find("w:rPr/w:rFonts", NS)
    assert (fonts.get(w("eastAsia")), fonts.get(w("ascii")), fonts.get(w("hint"))) == (
        east_asia,
        "Times New Roman",
        "eastAsia",
    )
    assert (run.font.size.pt if run.font.size else None) == size


def test_defaults_are_chinese_and_theme_fonts_are_gone(saved):
    styles = etree.fromstring(part_xml(saved[0], "word/styles.xml"))
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:rFonts", NS).get(w("eastAsia")) == "仿宋"
    assert defaults.find("w:sz", NS).get(w("val")) == "32"  # 三号
    assert defaults.find("w:lang", NS).get(w("eastAsia")) == "zh-CN"
    theme = [
        f
        for f in styles.iter(w("rFonts"))
        if any(k.endswith("Theme") or k.endswith("theme") for k in f.attrib)
    ]
    assert theme == []
    settings = etree.fromstring(part_xml(saved[0], "word/settings.xml"))
    assert settings.find("w:themeFontLang", NS).get(w("eastAsia")) == "zh-CN"
    assert settings.find("w:evenAndOddHeaders", NS) is not None


def test_font_table_declares_the_chinese_fonts_as_gb2312(saved):
    fonts = etree.fromstring(part_xml(saved[0], "word/fontTable.xml"))
    charsets = {f.get(w("name")): f.find("w:charset", NS).get(w("val")) for f in fonts.iter(w("font"))}
    assert {name: charsets[name] for name in ("仿宋", "黑体", "方正小标宋简体", "宋体")} == dict.fromkeys(
        ("仿宋", "黑体", "方正小标宋简体", "宋体"), "86"
    )


@pytest.mark.parametrize(
    ("footer", "align", "indent"), [("footer", "right", "w:right"), ("even_page_footer", "left", "w:left")]
)
def test_page_number_footer(saved, footer, align, indent):
    paragraph = getattr(reopen(saved[0]).sections[0], footer).paragraphs[0]
    p = paragraph._p
    assert p.find("w:pPr/w:jc", NS).get(w("val")) == align
    assert p.find("w:pPr/w:ind", NS).get(w(indent.split(":")[1])) == "280"  # one 四号 character
    assert paragraph.text == "— 1 —"
    assert [c.get(w("fldCharType")) for c in p.iter(w("fldChar"))] == ["begin", "separate", "end"]
    assert [t.text for t in p.iter(w("instrText"))] == [" PAGE "]
    assert {r.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) for r in p.iter(w("r"))} == {"宋体"}


def test_table_is_fixed_width_with_a_repeating_header(saved):
    table = reopen(saved[0]).tables[0]
    tbl = table._tbl
    assert [c.get(w("w")) for c in tbl.findall("w:tblGrid/w:gridCol", NS)] == ["2268", "3402", "3175"]
    assert [child.tag.split("}")[1] for child in tbl.tblPr] == [
        "tblStyle",
        "tblW",
        "jc",
        "tblLayout",
        "tblLook",
    ]
    first, second = tbl.findall(w("tr"))
    assert (
        first.find("w:trPr/w:tblHeader", NS) is not None and first.find("w:trPr/w:cantSplit", NS) is not None
    )
    assert second.find("w:trPr", NS) is None
    fonts = {r.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) for r in first.iter(w("r"))}
    assert fonts == {"黑体"}
    assert [c.text for c in table.rows[0].cells] == ["甲", "乙", "丙"]


def test_core_properties(saved):
    properties = reopen(saved[0]).core_properties
    assert (properties.title, properties.author, properties.comments) == ("测试文件", "draftreview", "")
