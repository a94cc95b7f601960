"""Redline: tracked changes (w:ins / w:del) in the reopened file; accepting all gives the new text, rejecting
all the old one."""

from __future__ import annotations

import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from exporters.redline import RedlineOptions, display_lines, write_redline
from tests.exporters.drafts import NEW, OLD
from tests.exporters.wordml import NS, part_xml, reopen, resolved_paragraphs, runs_without_east_asian_font, w
from versions import parse_file, parse_text
from versions.model import Article, Division, Draft, Paragraph

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
WHEN = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
STAMP = "2026-11-24T08:30:00Z"
# (change, where it sits: "p" text in a paragraph, "mark" the paragraph mark itself, its text)
CHANGES = [
    ("del", "mark", ""),
    ("del", "p", "（征求意见稿）"),
    ("del", "p", "【立法目的】"),
    ("ins", "p", "促进数据开发利用，"),
    ("ins", "mark", ""),
    ("ins", "p", "第二条\u3000数据工作坚持统筹发展和安全的原则。"),
    ("del", "p", "第二条【适用范围】"),
    ("ins", "p", "第三条"),
    ("del", "p", "第三条"),
    ("ins", "p", "第四条"),
    ("ins", "p", "健全"),
    ("ins", "mark", ""),
    ("ins", "p", "；"),
    ("ins", "p", "（三）采取技术措施保障数据安全"),
    ("del", "mark", ""),
    ("del", "p", "第四条\u3000省人民政府应当建立数据交易平台。"),
    ("del", "p", "2023年1月1日"),
    ("ins", "p", "2024年1月1日"),
]


def document_lines(draft: Draft) -> list[str]:
    """The draft as the redline prints it, one paragraph per line: title, stage, preamble, 章/节, articles."""
    lines = ([draft.title] if draft.title else []) + ([f"（{draft.stage}）"] if draft.stage else [])
    lines += draft.preamble.split("\n") if draft.preamble else []
    nodes = sorted([*draft.divisions, *draft.articles], key=lambda n: (n.line, isinstance(n, Article)))
    for node in nodes:
        if isinstance(node, Division):
            if node.kind in ("章", "节"):
                lines.append(f"{node.label}\u3000{node.title}")
        else:
            lines.extend(display_lines(node))
    return lines


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("redline") / "修改稿.docx"
    result = write_redline(parse_text(OLD), parse_text(NEW), path, RedlineOptions(author="起草组", date=WHEN))
    return path, result


def changes(path: Path) -> list:
    body = reopen(path).element.body
    out = []
    for change in body.iter(w("ins"), w("del")):
        where = "mark" if change.getparent().tag == w("rPr") else "p"
        out.append(
            (change.tag.split("}")[1], where, "".join(t.text for t in change.iter(w("t"), w("delText"))))
        )
    return out


def test_tracked_changes_with_exact_texts(small):
    assert changes(small[0]) == CHANGES
    assert small[1].rows == len(CHANGES)


def test_every_change_has_a_unique_id_author_and_date(small):
    body = reopen(small[0]).element.body
    found = list(body.iter(w("ins"), w("del")))
    assert {(c.get(w("author")), c.get(w("date"))) for c in found} == {("起草组", STAMP)}
    assert sorted(int(c.get(w("id"))) for c in found) == list(range(1, len(CHANGES) + 1))


def test_deleted_text_is_del_text_and_inserted_text_is_plain_text(small):
    body = reopen(small[0]).element.body
    assert all(t.getparent().getparent().tag == w("del") for t in body.iter(w("delText")))
    assert [t.text for d in body.iter(w("del")) for t in d.iter(w("t"))] == []


@pytest.mark.parametrize(("accept", "source"), [(True, NEW), (False, OLD)])
def test_accepting_gives_the_new_text_and_rejecting_the_old(small, accept, source):
    body = reopen(small[0]).element.body
    assert resolved_paragraphs(body, accept) == document_lines(parse_text(source))


def test_python_docx_text_skips_tracked_text(small):
    # python-docx reads neither w:ins nor w:del: a paragraph that is wholly inserted reads empty.
    texts = [p.text for p in reopen(small[0]).paragraphs]
    assert texts[:3] == ["测试条例", "", "第一章\u3000总则"]


def test_headings_keep_with_the_next_paragraph(small):
    paragraphs = reopen(small[0]).element.body.findall(w("p"))
    keep = {
        "".join(t.text for t in p.iter(w("t"))): p.find("w:pPr/w:keepNext", NS) is not None
        for p in paragraphs
    }
    assert (keep["第一章\u3000总则"], keep["第二章\u3000附则"], keep["测试条例"]) == (True, True, True)
    assert keep["第五条\u3000本条例自2024年1月1日起施行。"] is False


def test_fonts_and_page(small):
    assert runs_without_east_asian_font(small[0]) == []
    section = reopen(small[0]).sections[0]
    sizes = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    assert [round(size.mm, 1) for size in sizes] == [210, 297, 37, 35, 28, 26]
    title = reopen(small[0]).element.body.find("w:p/w:r/w:rPr", NS)
    assert title.find("w:rFonts", NS).get(w("eastAsia")) == "方正小标宋简体"
    assert title.find("w:sz", NS).get(w("val")) == "44"


def test_markup_and_control_characters(tmp_path):
    def draft(text: str) -> Draft:
        article = Article("art-1", 1, "第一条", None, (Paragraph("art-1-p1", text, 1),), 1)
        return Draft("条例", None, "", None, (), (article,))

    path = tmp_path / "x.docx"
    same = "为了规范数据处理活动，保障数据安全，制定本条例。"
    result = write_redline(draft(same + "]]>\x0b"), draft(same + "<w:t>&amp;</w:t>"), path)
    body = reopen(path).element.body
    assert resolved_paragraphs(body, True) == ["条例", f"第一条\u3000{same}<w:t>&amp;</w:t>"]
    assert resolved_paragraphs(body, False) == ["条例", f"第一条\u3000{same}]]>"]
    assert result.warnings == ("已删除 1 个 Word 无法保存的控制字符。",)
    assert changes(path)[-2:] == [("del", "p", "]]>"), ("ins", "p", "<w:t>&amp;</w:t>")]
    xml = part_xml(path, "word/document.xml").decode()
    assert ">]]&gt;</w:delText>" in xml and ">&lt;w:t&gt;&amp;amp;&lt;/w:t&gt;</w:t>" in xml


def corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(
            f"../shared/corpus/{name} is absent: the corpus of real legal texts is not beside this checkout"
        )
    return path


@pytest.mark.corpus
def test_pig_slaughter_2008_to_2011_is_one_replaced_word(tmp_path):
    old = parse_file(corpus("pig-slaughter-reg-2008.ihmsje.txt"))
    new = parse_file(corpus("pig-slaughter-reg-2011.ihmsje.txt"))
    path = tmp_path / "pig.docx"
    write_redline(old, new, path, RedlineOptions(date=WHEN))
    assert changes(path) == [("del", "p", "卫生"), ("ins", "p", "安全")]
    body = reopen(path).element.body
    assert resolved_paragraphs(body, True) == document_lines(new)
    assert resolved_paragraphs(body, False) == document_lines(old)


@pytest.mark.corpus
def test_sample_draft_to_final_text(tmp_path):
    old = parse_file(corpus("000_96ffd4173f4f589a.txt"))
    new = parse_file(corpus("hlj-digital-economy-final-2024.flk.md.txt"))
    path = tmp_path / "hlj.docx"
    write_redline(old, new, path, RedlineOptions(date=WHEN))
    body = reopen(path).element.body
    assert resolved_paragraphs(body, True) == document_lines(new)
    # Moved articles stay where the new version has them: rejecting gives every old line, in the new order.
    assert Counter(resolved_paragraphs(body, False)) == Counter(document_lines(old))
    assert runs_without_east_asian_font(path) == []


def test_moved_article_carries_a_comment_and_headings_that_remain_are_never_deleted(tmp_path):
    old = parse_text(
        "第一章 总则\n第一条 为了规范管理，制定本条例。\n第二条 本条例适用于本省行政区域。\n"
        "第二章 职责\n第三条 省人民政府统筹全省数据安全工作。\n第四条 县级以上人民政府负责本行政区域工作。\n"
    )
    new = parse_text(
        "第一章 总则\n第一条 为了规范管理，制定本条例。\n第二条 省人民政府统筹全省数据安全工作。\n"
        "第三条 本条例适用于本省行政区域。\n第二章 职责\n第四条 县级以上人民政府负责本行政区域工作。\n"
    )
    path = tmp_path / "moved.docx"
    write_redline(old, new, path, RedlineOptions(date=WHEN))
    with zipfile.ZipFile(path) as package:
        comments = etree.fromstring(package.read("word/comments.xml"))
        document = etree.fromstring(package.read("word/document.xml"))
    assert ["".join(c.itertext()) for c in comments.iter(w("comment"))] == [
        "本条由原第三条移来，原在第二章。"
    ]
    assert len(document.findall(".//w:commentReference", NS)) == 1
    deleted_text = "".join(t.text or "" for t in document.iter(w("delText")))
    assert "职责" not in deleted_text and "总则" not in deleted_text
