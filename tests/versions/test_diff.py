"""The character diff that every renderer shares."""

import random
from itertools import pairwise

import pytest

from versions.diff import containment, diff, new_text, old_text, similarity, similarity_of


@pytest.mark.parametrize(
    ("old", "new", "segments"),
    [
        ("", "", []),
        ("同一文本。", "同一文本。", [("equal", "同一文本。")]),
        ("", "新增。", [("insert", "新增。")]),
        ("删除。", "", [("delete", "删除。")]),
        (
            "依照食品卫生法的规定执行。",
            "依照食品安全法的规定执行。",
            [("equal", "依照食品"), ("delete", "卫生"), ("insert", "安全"), ("equal", "法的规定执行。")],
        ),
        # A renumbered reference changes as a whole, not as one numeral inside it.
        (
            "本条例第二十一条规定",
            "本条例第二十三条规定",
            [("equal", "本条例"), ("delete", "第二十一条"), ("insert", "第二十三条"), ("equal", "规定")],
        ),
        (
            "支持5G网络建设",
            "支持IPv6网络建设",
            [("equal", "支持"), ("delete", "5G"), ("insert", "IPv6"), ("equal", "网络建设")],
        ),
        # Changes start and end at words: the cases a character diff cut (issue 14).
        (
            "对其直接负责的主管人员给予处分",
            "对其直接负责的主管人员和其他直接责任人员给予处分",
            [("equal", "对其直接负责的主管人员"), ("insert", "和其他直接责任人员"), ("equal", "给予处分")],
        ),
        (
            "客运经营者、货运经营者应当依法",
            "客运经营者应当依法",
            [("equal", "客运经营者"), ("delete", "、货运经营者"), ("equal", "应当依法")],
        ),
        # Amounts, references and item labels change as a whole.
        (
            "可以处五十万元以上的罚款",
            "可以处五百万元以上的罚款",
            [
                ("equal", "可以处"),
                ("delete", "五十万元以上"),
                ("insert", "五百万元以上"),
                ("equal", "的罚款"),
            ],
        ),
        (
            "适用本法第三十八条的规定",
            "适用本法第三十八条、第四十条的规定",
            [("equal", "适用本法第三十八条"), ("insert", "、第四十条"), ("equal", "的规定")],
        ),
        (
            "（一）甲项内容；\n（二）乙项内容；\n（三）丙",
            "（一）甲项内容；\n（三）丙",
            [("equal", "（一）甲项内容；\n"), ("delete", "（二）乙项内容；\n"), ("equal", "（三）丙")],
        ),
        # The drafts' own terms (defined in quotes) are never cut.
        (
            "本条例所称“数据要素”，是指数据要素市场",
            "本条例所称“数据要素”，是指数据资源市场",
            [
                ("equal", "本条例所称“数据要素”，是指"),
                ("delete", "数据要素"),
                ("insert", "数据资源"),
                ("equal", "市场"),
            ],
        ),
        # Short equal runs between changes are folded into one phrase-sized change, which then starts at a
        # word (甲乙丙丁 is one word in the dictionary, so 甲 goes with it).
        (
            "甲乙丙丁戊己庚",
            "甲X丙Y戊Z庚",
            [("delete", "甲乙丙丁戊己"), ("insert", "甲X丙Y戊Z"), ("equal", "庚")],
        ),
    ],
)
def test_diff(old, new, segments):
    assert diff(old, new) == segments


# A long replaced run (REFINE_SIDE characters or more on both sides) is split at the whole words both sides
# share when they are REFINE_EQUAL characters or longer, or hold a clause end (issue 14); shorter shared words
# stay inside the change, as folding short equal runs left them.
@pytest.mark.parametrize(
    ("old", "new", "segments"),
    [
        (
            "由县级以上地方人民政府农业农村 (畜牧兽医)主管部门对货主、承运人和接收人分别"
            "处五千元以上一万元以下罚款",
            "由县级以上地方人民政府农业农村主管部门对运输人处五千元以上一万元以下罚款",
            [
                ("equal", "由县级以上地方人民政府农业农村"),
                ("delete", " (畜牧兽医)"),
                ("equal", "主管部门对"),
                ("delete", "货主、承运人和接收人分别"),
                ("insert", "运输人"),
                ("equal", "处五千元以上一万元以下罚款"),
            ],
        ),
        (
            "由国务院农业农村 (畜牧兽医)主管部门会同林业草原等有关部门制定",
            "由国务院农业农村主管部门会同野生动物保护等有关部门制定",
            [
                ("equal", "由国务院农业农村"),
                ("delete", " (畜牧兽医)"),
                ("equal", "主管部门会同"),
                ("delete", "林业草原"),
                ("insert", "野生动物保护"),
                ("equal", "等有关部门制定"),
            ],
        ),
        (
            "处三千元以上一万元以下罚款",
            "情节严重的，并处三千元以上三万元以下罚款",
            [
                ("delete", "处"),
                ("insert", "情节严重的，并处"),
                ("equal", "三千元以上"),
                ("delete", "一万元以下"),
                ("insert", "三万元以下"),
                ("equal", "罚款"),
            ],
        ),
        (
            "公司不具有法人资格，其民事责任由公司承担。",
            "公司具有法人资格，依法独立承担民事责任。",
            [
                ("equal", "公司"),
                ("delete", "不"),
                ("equal", "具有法人资格，"),
                ("delete", "其"),
                ("insert", "依法独立承担"),
                ("equal", "民事责任"),
                ("delete", "由公司承担"),
                ("equal", "。"),
            ],
        ),
        (
            "根据风险程度，国家对兽医器械实行分类备案管理，具体办法由国务院规定。",
            "兽药和兽医器械的具体管理办法由国务院规定。",
            [
                ("delete", "根据风险程度，国家对"),
                ("insert", "兽药和"),
                ("equal", "兽医器械"),
                ("delete", "实行分类备案管理，"),
                ("insert", "的"),
                ("equal", "具体"),
                ("insert", "管理"),
                ("equal", "办法由国务院规定。"),
            ],
        ),
        # Shared words shorter than REFINE_EQUAL (在, 作出) stay inside the rewritten clause.
        (
            "申请人应当在三十日内作出书面决定",
            "申请人可以在六十日内作出答复意见",
            [
                ("equal", "申请人"),
                ("delete", "应当在三十日内作出书面决定"),
                ("insert", "可以在六十日内作出答复意见"),
            ],
        ),
    ],
)
def test_long_replaced_runs_split_at_shared_words(old, new, segments):
    assert diff(old, new) == segments


def test_an_insertion_snaps_to_punctuation():
    segments = diff("应当加强领导。鼓励创新。", "应当加强领导。支持研发。鼓励创新。")
    assert segments == [("equal", "应当加强领导。"), ("insert", "支持研发。"), ("equal", "鼓励创新。")]


def test_segments_rebuild_both_texts():
    rng = random.Random(7)
    alphabet = "数字经济发展应当促进，。、；的和县级以上人民政府第一二三条款"
    for _ in range(500):
        old = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        new = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        segments = diff(old, new)
        assert (old_text(segments), new_text(segments)) == (old, new)
        assert all(text for _op, text in segments)
        assert all(a[0] != b[0] for a, b in pairwise(segments))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("甲乙丙", "甲乙丙", 1.0),
        ("保障数据安全", "保障网络安全", 2 * 4 / 12),
        ("", "", 1.0),
        ("甲乙", "丙丁", 0.0),
    ],
)
def test_similarity(old, new, expected):
    assert similarity(old, new) == pytest.approx(expected)
    assert similarity_of(diff(old, new)) == pytest.approx(expected)


def test_containment():
    assert containment("保障安全", "应当保障数据安全") == 1.0
    assert containment("甲乙", "丙丁") == 0.0
