"""The draft this project exists for: 《黑龙江省促进数字经济条例（征求意见稿）》."""

import pytest

from tests.corpus import SAMPLE, corpus_path
from versions import parse_file


@pytest.fixture(scope="module")
def draft():
    return parse_file(corpus_path(SAMPLE))


def test_title_stage_and_structure(draft):
    assert (draft.title, draft.stage, draft.enactment_date) == (
        "黑龙江省促进数字经济条例",
        "征求意见稿",
        "2023 年 X 月 X 日",
    )
    assert [c.division.label for c in draft.chapters] == [f"第{n}章" for n in "一二三四五六七八九十"] + [
        "第十一章",
        "第十二章",
        "第十三章",
    ]
    assert [c.division.title for c in draft.chapters][:3] == ["总则", "数字基础设施建设", "数据资源开发利用"]
    assert [a.number for a in draft.articles] == list(range(1, 85))


def test_captions_with_and_without_space_and_bold(draft):
    assert draft.article(13).caption == "三同步"
    assert draft.article(21).caption == "边境基础设施"  # written 【**边境基础设施**】
    assert draft.article(64).caption == "社会保障服务数字化"  # no space before 【】
    assert draft.article(84).caption is None


def test_page_break_splits_are_joined(draft):
    fourth, sixth = draft.article(4), draft.article(6)
    assert len(fourth.paragraphs) == 2 and len(sixth.paragraphs) == 2
    assert "纳入国民经济和社会发展规划，建立健全数字经济发展工作协调机制" in fourth.paragraphs[0].text
    assert sixth.paragraphs[1].text == (
        "县级以上数字经济主管部门会同同级有关部门根据省数字经济发展规划的要求和实际需要，"
        "编制本地区数字经济发展规划或者实施方案，报本级人民政府批准后组织实施。"
    )


def test_items_of_article_83(draft):
    article = draft.article(83)
    assert len(article.paragraphs) == 1
    assert [(i.id, i.label) for i in article.paragraphs[0].items] == [
        ("art-83-p1-i1", "（一）"),
        ("art-83-p1-i2", "（二）"),
        ("art-83-p1-i3", "（三）"),
        ("art-83-p1-i4", "（四）"),
    ]
    assert article.paragraphs[0].text.endswith(
        "依法责令改正；情节严重的，对直接负责的主管人员和其他直接责任人员依法给予处分；构成犯罪的，依法追究刑事责任："
    )


def test_words_are_kept_as_written(draft):
    assert "空間" in draft.article(13).text
    assert "智慧农业云平台 and 农业大数据平台" in draft.article(39).text
    assert draft.article(25).paragraphs[1].text.endswith("具有重要价值的数")
    assert len(draft.article(25).paragraphs) == 3


def test_every_repair_and_oddity_is_a_warning_with_its_line(draft):
    assert [(w.line, w.code) for w in draft.warnings] == [
        (17, "joined-break"),
        (35, "joined-break"),
        (67, "traditional-char"),
        (71, "joined-break"),
        (83, "joined-break"),
        (95, "joined-break"),
        (99, "markup"),
        (103, "markup"),
        (109, "markup"),
        (111, "joined-break"),
        (121, "truncated-paragraph"),
        (169, "latin-word"),
        (181, "joined-break"),
        (221, "joined-break"),
        (251, "joined-break"),
        (263, "joined-break"),
        (305, "joined-break"),
        (319, "placeholder-date"),
    ]
    assert (
        draft.warnings[0].message
        == "第17行以“会发展规划，”结尾、句子未完，已与第19行“建立健全数字”接合（疑为分页断开）。"
    )


def test_ids_follow_position(draft):
    article = draft.article(13)
    assert (article.id, [p.id for p in article.paragraphs], article.chapter_id) == (
        "art-13",
        ["art-13-p1", "art-13-p2"],
        "ch-2",
    )
