"""Word boundaries asked sentence by sentence are the boundaries of the whole text."""

from __future__ import annotations

import pytest

from versions.words import Bounds, SentenceBounds, boundaries, terms, words

TEXTS = [
    "",
    "主管人员和其他直接责任人员依法给予处分。",
    "对直接负责的主管人员处五十万元以上一百万元以下的罚款；情节严重的，吊销营业执照。\n前款规定的期限为三十日内。",
    "本条例所称“数字经济”，是指以数据资源为关键要素的经济形态。依照本条例第三十八条、第四十条的规定执行！",
    "（一）客运经营者、货运经营者；（二）食品卫生法规定的其他情形？\n\n2023年12月1日起施行5G网络",
    "【适用范围】。。；；\n",
]


@pytest.mark.parametrize("text", TEXTS)
def test_sentence_bounds_answer_as_the_whole_text(text):
    keep = terms(text)
    whole, lazy = Bounds(text, keep), boundaries(text, keep)
    assert isinstance(lazy, SentenceBounds)
    assert [p for p in range(len(text) + 1) if p in lazy] == [p for p in range(len(text) + 1) if p in whole]


def test_a_sentence_both_versions_share_is_segmented_once():
    cache: dict = {}
    old = boundaries("第一句相同。第二句旧的。", frozenset(), cache)
    new = boundaries("第一句相同。第二句新的。", frozenset(), cache)
    assert 3 in old and 3 in new
    assert list(cache) == ["第一句相同。"]


def test_a_term_across_a_sentence_end_is_segmented_whole():
    assert isinstance(boundaries("甲。乙", frozenset({"甲。乙"})), Bounds)


@pytest.mark.parametrize(
    ("text", "keep", "expected"),
    [
        ("", frozenset(), []),
        (
            "处五十万元以上罚款，依照本法第三十八条（一）项",
            frozenset(),
            ["处", "五十万元以上", "罚款", "，", "依照", "本法", "第三十八条", "（一）", "项"],
        ),
        ("推动数据要素市场建设", frozenset({"数据要素"}), ["推动", "数据要素", "市场", "建设"]),
    ],
)
def test_words_keep_atomic_spans_and_terms_whole(text, keep, expected):
    assert words(text, keep) == expected
    assert "".join(words(text, keep)) == text
