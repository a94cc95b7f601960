"""Small drafts that pin down one parser behaviour each."""

import pytest

from versions import ParseError, parse_text


def articles(text):
    return [(a.label, a.caption, a.text) for a in parse_text(text).articles]


@pytest.mark.parametrize(
    ("first_line", "caption", "body"),
    [
        ("第一条【立法目的】为了促进发展。", "立法目的", "为了促进发展。"),
        ("第一条 【立法目的】为了促进发展。", "立法目的", "为了促进发展。"),
        ("第一条〖立法目的〗为了促进发展。", "立法目的", "为了促进发展。"),
        ("第一条（立法目的）为了促进发展。", "立法目的", "为了促进发展。"),
        ("第一条 **立法目的** 为了促进发展。", "立法目的", "为了促进发展。"),
        ("**第一条** 为了促进发展。", None, "为了促进发展。"),
        ("第一条　为了促进发展。", None, "为了促进发展。"),
        ("第一条为了促进发展。", None, "为了促进发展。"),
        (
            "第一条（以下简称本市，包括所辖区县）为了促进发展。",
            None,
            "（以下简称本市，包括所辖区县）为了促进发展。",
        ),
    ],
)
def test_caption_forms(first_line, caption, body):
    assert articles(first_line + "\n第二条 其他。\n") == [
        ("第一条", caption, body),
        ("第二条", None, "其他。"),
    ]


def test_inserted_articles_and_their_ids():
    draft = parse_text("第二十条 甲。\n第二十条之一 乙。\n第二十一条 丙。\n")
    assert [(a.id, a.label, a.number, a.sub) for a in draft.articles] == [
        ("art-20", "第二十条", 20, 0),
        ("art-20-1", "第二十条之一", 20, 1),
        ("art-21", "第二十一条", 21, 0),
    ]
    assert [w.code for w in draft.warnings] == ["article-gap"]  # the first article is not 第一条


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("第一条 甲。\n第三条 乙。\n", ["article-gap"]),
        ("第一条 甲。\n第一条 乙。\n", ["article-duplicate"]),
        ("第一条 甲。\n第二条 乙。\n第一条 丙。\n", ["article-restart"]),
        ("第一章 总则\n第一条 甲。\n第三章 附则\n第二条 乙。\n", ["division-gap"]),
        ("第二章 总则\n第一条 甲。\n第一章 附则\n第二条 乙。\n", ["division-gap", "division-order"]),
    ],
)
def test_numbering_problems_are_warnings(text, codes):
    assert [w.code for w in parse_text(text).warnings] == codes


def test_duplicate_numbers_still_get_unique_ids():
    draft = parse_text("第一条 甲。\n第一条 乙。\n")
    assert [a.id for a in draft.articles] == ["art-1", "art-1-d2"]


@pytest.mark.parametrize(
    "line",
    ["第五条规定的期限内，应当报告。", "第五条的规定适用于前款。", "第五条、第六条另有规定的除外。"],
)
def test_a_reference_at_the_start_of_a_line_is_not_an_article(line):
    draft = parse_text(f"第一条 甲应当依照本法\n{line}\n第二条 乙。\n")
    assert [a.label for a in draft.articles] == ["第一条", "第二条"]


def test_table_of_contents_is_skipped():
    text = (
        "目录\n第一章 总则......1\n第二章 附则......3\n第一章 总则\n第一条 甲。\n第二章 附则\n第二条 乙。\n"
    )
    draft = parse_text(text)
    assert [(c.division.id, c.division.title, c.division.line) for c in draft.chapters] == [
        ("ch-1", "总则", 4),
        ("ch-2", "附则", 6),
    ]
    assert [w.code for w in draft.warnings] == ["toc-skipped"]


def test_parts_chapters_sections_ids():
    text = (
        "第一编 总则\n第一章 基本规定\n第一节 一般规定\n第一条 甲。\n第二编 物权\n第一章 通则\n第二条 乙。\n"
    )
    draft = parse_text(text)
    assert [d.id for d in draft.divisions] == ["pt-1", "pt-1-ch-1", "pt-1-ch-1-sec-1", "pt-2", "pt-2-ch-1"]
    assert [(a.part, a.chapter, a.section) for a in draft.articles] == [
        ("第一编", "第一章", "第一节"),
        ("第二编", "第一章", None),
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   \n\n", "empty"),
        ("这是一封信，没有条文。\n", "no-articles"),
        ("第一章 总则\n", "no-articles"),
    ],
)
def test_not_a_regulation(text, code):
    with pytest.raises(ParseError) as raised:
        parse_text(text)
    assert raised.value.code == code


def test_markdown_front_matter_and_comments_are_not_text():
    text = "---\ntitle: 某某条例\n---\n\n# 某某条例\n\n<!-- 注释 -->\n\n## 第一章 总则\n\n第一条 甲。\n"
    draft = parse_text(text)
    assert (draft.title, draft.chapters[0].division.title, draft.article(1).text) == (
        "某某条例",
        "总则",
        "甲。",
    )
    assert [w.code for w in draft.warnings] == ["front-matter"]


@pytest.mark.parametrize(
    "heading", ["## 第一章 总则", "\t## 第一章 总则", "\u3000\u3000##\t第一章 总则", "    # 第一章 总则"]
)
def test_indented_markdown_headings_are_headings(heading):
    draft = parse_text(f"{heading}\n第一条 甲。\n")
    assert (draft.chapters[0].division.title, draft.article(1).text, draft.preamble) == ("总则", "甲。", "")


def test_zero_width_spaces_are_whitespace():
    draft = parse_text("第一条 甲\u200b乙。\n\u200b\n第二条 丙。\n")
    assert draft.article(1).text == "甲乙。"
    assert [(w.line, w.code) for w in draft.warnings] == [(1, "zero-width")]


def test_enactment_date_placeholder():
    draft = parse_text("第一条 本法自 年 月 日起施行。\n")
    assert draft.enactment_date == "年 月 日"
    assert [w.code for w in draft.warnings] == ["placeholder-date"]
