"""The parser on the real corpus: every file parses with the counts its README gives."""

import pytest

from tests.corpus import SAMPLE, corpus_path
from versions import parse_file
from versions.render import to_dict


@pytest.mark.parametrize(
    ("name", "articles", "chapters", "sections", "title", "stage"),
    [
        (SAMPLE, 84, 13, 0, "黑龙江省促进数字经济条例", "征求意见稿"),
        ("admin-reconsideration-law-2017.lawrefbook.md.txt", 43, 7, 0, "中华人民共和国行政复议法", None),
        ("animal-epidemic-law-2015-amended.ihmsje.txt", 85, 10, 0, "中华人民共和国动物防疫法", None),
        ("animal-epidemic-law-2020-revision-draft1.ihmsje.txt", 113, 12, 0, "", None),
        ("animal-epidemic-law-2020-revision-draft2.ihmsje.txt", 112, 12, 0, "", None),
        ("animal-epidemic-law-2021-revised-final.ihmsje.txt", 113, 11, 0, "", None),
        ("civil-code-2020-single-file.lawrefbook.md.txt", 1260, 84, 37, "中华人民共和国民法典", None),
        ("company-law-2018.lawrefbook.md.txt", 218, 13, 11, "中华人民共和国公司法", None),
        ("company-law-2023.lawrefbook.md.txt", 266, 15, 9, "中华人民共和国公司法", None),
        (
            "digital-economy-promotion-law-expert-proposal.pdftotext.md.txt",
            65,
            7,
            0,
            "中华人民共和国数字经济促进法",
            "专家建议稿",
        ),
        ("dsl-final-2021.lawrefbook.md.txt", 55, 7, 0, "中华人民共和国数据安全法", None),
        ("food-safety-law-2015.ihmsje.txt", 154, 10, 4, "", None),
        ("hlj-digital-economy-final-2024.flk.md.txt", 86, 7, 6, "黑龙江省数字经济促进条例", None),
        ("pig-slaughter-reg-2008.ihmsje.txt", 36, 5, 0, "", None),
        ("pig-slaughter-reg-2011.ihmsje.txt", 36, 5, 0, "", None),
        ("pipl-final-2021.lawrefbook.md.txt", 74, 8, 3, "中华人民共和国个人信息保护法", None),
        (
            "tianjin-icv-promotion-draft-2025-02.pdftotext.md.txt",
            47,
            7,
            0,
            "天津市促进智能网联汽车发展条例",
            "征求意见稿",
        ),
        (
            "tianjin-icv-promotion-final-2025-11.webpage-pypdf-noisy.md.txt",
            43,
            6,
            0,
            "天津市促进智能网联汽车发展条例",
            None,
        ),
        ("zhejiang-digital-economy-2020.lawrefbook.md.txt", 62, 9, 0, "浙江省数字经济促进条例", None),
    ],
)
def test_every_corpus_file_parses_with_its_counts(name, articles, chapters, sections, title, stage):
    draft = parse_file(corpus_path(name))
    assert len(draft.articles) == articles
    assert len(draft.chapters) == chapters
    assert sum(len(c.sections) for c in draft.chapters) == sections
    assert (draft.title, draft.stage) == (title, stage)
    # No duplicate chapters (a table of contents must not produce a second 第一章).
    keys = [(c.division.parent, c.division.number) for c in draft.chapters]
    assert len(keys) == len(set(keys))
    # Ids are unique and no markdown survives anywhere.
    ids = [node.id for a in draft.articles for node in (a, *a.paragraphs)]
    assert len(ids) == len(set(ids))
    for article in draft.articles:
        assert "*" not in article.text and "*" not in (article.caption or "")


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        (
            "tianjin-icv-promotion-draft-2025-02.pdftotext.md.txt",
            {"front-matter", "hard-wrap", "page-number", "placeholder-date", "toc-skipped"},
        ),
        (
            "tianjin-icv-promotion-final-2025-11.webpage-pypdf-noisy.md.txt",
            {"front-matter", "hard-wrap", "kangxi", "page-noise", "toc-skipped"},
        ),
        ("company-law-2023.lawrefbook.md.txt", {"zero-width"}),
        ("animal-epidemic-law-2021-revised-final.ihmsje.txt", {"division-gap"}),
        ("pig-slaughter-reg-2008.ihmsje.txt", set()),
    ],
)
def test_noise_is_reported(name, codes):
    draft = parse_file(corpus_path(name))
    assert {w.code for w in draft.warnings} == codes


def test_kangxi_lookalikes_match_structure_but_stay_in_the_text():
    draft = parse_file(corpus_path("tianjin-icv-promotion-final-2025-11.webpage-pypdf-noisy.md.txt"))
    assert [a.label for a in draft.articles[:3]] == ["第一条", "第二条", "第三条"]
    assert draft.chapters[0].division.title == "总则"
    assert "⼈" in draft.article(4).text  # as the document writes it, reported rather than rewritten


def test_sub_items_under_an_item():
    article = parse_file(corpus_path("admin-reconsideration-law-2017.lawrefbook.md.txt")).article(28)
    item = article.paragraphs[0].items[2]
    assert (item.id, item.label) == ("art-28-p1-i3", "（三）")
    assert [(s.id, s.label, s.text) for s in item.items] == [
        ("art-28-p1-i3-s1", "1.", "主要事实不清、证据不足的；"),
        ("art-28-p1-i3-s2", "2.", "适用依据错误的；"),
        ("art-28-p1-i3-s3", "3.", "违反法定程序的；"),
        ("art-28-p1-i3-s4", "4.", "超越或者滥用职权的；"),
        ("art-28-p1-i3-s5", "5.", "具体行政行为明显不当的。"),
    ]
    assert article.paragraphs[1].text.startswith("行政复议机关责令被申请人重新作出")


def test_hard_wrapped_pdf_lines_become_paragraphs():
    article = parse_file(corpus_path("animal-epidemic-law-2020-revision-draft1.ihmsje.txt")).article(4)
    assert [len(p.items) for p in article.paragraphs] == [3, 0]
    assert (
        article.paragraphs[0].items[0].text
        == "一类疫病,是指对人与动物危害严重,需要采取紧急、严厉的强制预防、控制、扑灭等措施的;"
    )


def test_captions_on_their_own_line():
    draft = parse_file(corpus_path("digital-economy-promotion-law-expert-proposal.pdftotext.md.txt"))
    assert [(a.caption, len(a.paragraphs)) for a in draft.articles[:2]] == [
        ("立法目的", 1),
        ("数字经济定义", 1),
    ]
    assert draft.article(2).text == (
        "本法所称数字经济，是指以数据资源作为关键生产要素、以现代信息网络作为重要载体、"
        "以信息通信技术的有效使用作为效率提升和经济结构优化的重要推动力的系列经济活动的总称。"
    )


def test_sections_carry_their_chapter():
    draft = parse_file(corpus_path("hlj-digital-economy-final-2024.flk.md.txt"))
    assert [
        (c.division.label, c.division.title, [s.title for s in c.sections]) for c in draft.chapters[:2]
    ] == [
        ("第一章", "总则", []),
        ("第二章", "数字经济发展支撑", ["数字基础设施建设", "数字技术创新攻关", "数据资源开发利用"]),
    ]
    article = draft.article(10)
    assert (article.chapter, article.section, article.chapter_id, article.section_id) == (
        "第二章",
        "第一节",
        "ch-2",
        "ch-2-sec-1",
    )


def test_json_contract_keys():
    data = to_dict(parse_file(corpus_path(SAMPLE)))
    assert list(data) == ["title", "stage", "chapters", "articles", "warnings"]
    assert list(data["articles"][0]) == [
        "number",
        "label",
        "caption",
        "chapter",
        "section",
        "paragraphs",
        "text",
    ]
    assert [a["number"] for a in data["articles"]] == list(range(1, 85))
