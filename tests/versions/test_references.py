"""Cross-references: which ones are ours, and which ones an alignment shows to be stale."""

import pytest

from versions import parse_text
from versions.align import align
from versions.references import internal_references


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("违反本条例第四条规定的，责令改正。", ["本条例第四条"]),
        ("依照本法第十条第二款的规定。", ["本法第十条"]),
        ("适用第十条至第十二条的规定。", ["第十条", "第十二条"]),
        ("依照《中华人民共和国网络安全法》第二十一条的规定。", []),
        ("依照网络安全法第二十一条、第二十二条的规定。", []),
        ("依照本法第三条、第五条和第七条之一的规定。", ["本法第三条", "第五条", "第七条之一"]),
    ],
)
def test_internal_references(text, found):
    article = parse_text(f"第一条 {text}\n").articles[0]
    assert [r.text for r in internal_references(article)] == found


BASE = [
    "为了规范管理，制定本条例。",
    "县级以上人民政府负责本条例的实施。",
    "违反本条例第二条规定的，由上级机关责令改正。",
]


def stale(old_texts, new_texts):
    def draft(texts):
        return parse_text("\n".join(f"第{'一二三四五六'[n]}条 {t}" for n, t in enumerate(texts)) + "\n")

    return [
        (r.article.number, r.text, r.reason, r.suggestion)
        for r in align(draft(old_texts), draft(new_texts)).references
    ]


def test_reference_left_on_the_old_number():
    new = [BASE[0], "鼓励社会资本参与。", BASE[1], BASE[2]]
    assert stale(BASE, new) == [(4, "本条例第二条", "renumbered", "本条例第三条")]


def test_reference_updated_with_the_renumbering_is_fine():
    new = [BASE[0], "鼓励社会资本参与。", BASE[1], BASE[2].replace("第二条", "第三条")]
    assert stale(BASE, new) == []


def test_reference_to_a_deleted_article():
    new = [BASE[0], BASE[2].replace("第二条", "第二条")]
    assert stale(BASE, new) == [(2, "本条例第二条", "deleted", None)]


def test_reference_to_an_article_that_does_not_exist():
    new = [*BASE, "违反本条例第九条规定的，依法处理。"]
    assert stale(BASE, new) == [(4, "本条例第九条", "missing", None)]


def test_preceding_paragraphs_must_exist():
    draft = parse_text("第一条 前款规定的情形除外。\n第二条 甲。\n乙。\n前两款规定的除外。\n")
    alignment = align(draft, draft)
    assert [(r.article.number, r.paragraph_id, r.text, r.reason) for r in alignment.references] == [
        (1, "art-1-p1", "前款", "no-previous-paragraph")
    ]


OLD_DATA = [
    "为了促进数字经济发展，制定本条例。",
    "处理个人数据应当取得个人同意，不得泄露、篡改个人数据。",
    "县级以上人民政府应当建设公共数据平台。",
]
# The new version inserts an article before 第二条, so the personal-data article becomes 第三条.
NEW_DATA = [OLD_DATA[0], "鼓励企业开展技术创新。", OLD_DATA[1], OLD_DATA[2]]


@pytest.mark.parametrize(
    ("added", "expected"),
    [
        # Written anew with the old number, about personal data: 第二条 is now 技术创新.
        (
            "违反本条例第二条规定，泄露、篡改个人数据的，依法处理。",
            [(5, "本条例第二条", "old-numbering", "本条例第三条")],
        ),
        # Written anew with the new number: nothing to say.
        ("违反本条例第三条规定，泄露、篡改个人数据的，依法处理。", []),
        # Its words fit the article that carries the number now.
        ("违反本条例第二条规定，不开展技术创新的企业不得享受扶持。", []),
        # A clause citing several articles says nothing about any one of them.
        ("本条例第二条、第四条的规定，适用于个人数据的处理。", []),
    ],
)
def test_new_references_in_the_old_numbering(added, expected):
    assert stale(OLD_DATA, [*NEW_DATA, added]) == expected
