"""Alignment of two versions: synthetic cases pin each status, the corpus proves it on real series."""

from pathlib import Path

import pytest

from tests.corpus import SAMPLE, corpus_path
from versions import parse_file, parse_text
from versions.align import align

ARTICLES = {
    1: "为了促进数字经济发展，制定本条例。",
    2: "本条例适用于本省行政区域内的数字经济促进活动。",
    3: "县级以上人民政府应当加强对数字经济发展的领导，建立协调机制。",
    4: "省发展改革主管部门负责统筹推进全省数字经济发展工作。",
    5: "数据资源开发利用应当遵循依法规范、促进流通、合理使用、保障安全的原则。",
    6: "违反本条例第四条规定的，由有关部门责令改正。",
}


def draft(*articles, chapters=None):
    """A draft from article texts in order; ``chapters`` maps an index to a chapter heading placed before
    it."""
    lines = []
    for index, text in enumerate(articles, 1):
        if chapters and index in chapters:
            lines.append(chapters[index])
        lines.append(f"第{'一二三四五六七八九十'[index - 1]}条 {text}")
    return parse_text("\n\n".join(lines) + "\n")


def rows(alignment):
    return [
        (p.status, [a.number for a in p.old], [a.number for a in p.new], p.renumbered)
        for p in alignment.pairs
    ]


def test_identical_versions():
    old = draft(*ARTICLES.values())
    assert rows(align(old, old)) == [("unchanged", [n], [n], False) for n in range(1, 7)]


def test_inserted_article_renumbers_without_modifying():
    old = draft(ARTICLES[1], ARTICLES[2], ARTICLES[3], ARTICLES[4], ARTICLES[5])
    new = draft(
        ARTICLES[1],
        "新增条文：鼓励社会资本参与数字基础设施建设。",
        ARTICLES[2],
        ARTICLES[3],
        ARTICLES[4],
        ARTICLES[5],
    )
    assert rows(align(old, new)) == [
        ("unchanged", [1], [1], False),
        ("added", [], [2], False),
        ("unchanged", [2], [3], True),
        ("unchanged", [3], [4], True),
        ("unchanged", [4], [5], True),
        ("unchanged", [5], [6], True),
    ]


def test_deletion_is_placed_where_it_stood():
    old = draft(ARTICLES[1], ARTICLES[2], ARTICLES[3], ARTICLES[4])
    new = draft(ARTICLES[1], ARTICLES[3], ARTICLES[4])
    assert rows(align(old, new)) == [
        ("unchanged", [1], [1], False),
        ("deleted", [2], [], False),
        ("unchanged", [3], [2], True),
        ("unchanged", [4], [3], True),
    ]


def test_a_far_move_does_not_drag_a_deletion_along():
    # 第二条 moves to the end and 第四条 is deleted: the deletion stays between 第三条 and 第五条, where it
    # stood.
    old = draft(*ARTICLES.values())
    new = draft(ARTICLES[1], ARTICLES[3], ARTICLES[5], ARTICLES[6], ARTICLES[2])
    assert rows(align(old, new)) == [
        ("unchanged", [1], [1], False),
        ("unchanged", [3], [2], True),
        ("deleted", [4], [], False),
        ("unchanged", [5], [3], True),
        ("unchanged", [6], [4], True),
        ("unchanged", [2], [5], True),
    ]


def test_modified_and_moved_articles():
    old = draft(
        ARTICLES[1], ARTICLES[2], ARTICLES[3], ARTICLES[4], chapters={1: "第一章 总则", 3: "第二章 职责"}
    )
    new = draft(
        ARTICLES[1],
        ARTICLES[3],
        ARTICLES[4].replace("统筹推进", "组织推进"),
        ARTICLES[2],
        chapters={1: "第一章 总则", 4: "第二章 附则"},
    )
    alignment = align(old, new)
    assert rows(alignment) == [
        ("unchanged", [1], [1], False),
        ("unchanged", [3], [2], True),
        ("modified", [4], [3], True),
        ("unchanged", [2], [4], True),
    ]
    assert [p.moved for p in alignment.pairs] == [False, True, True, True]
    assert alignment.pairs[2].segments == (
        ("equal", "省发展改革主管部门负责"),
        ("delete", "统筹"),
        ("insert", "组织"),
        ("equal", "推进全省数字经济发展工作。"),
    )


def test_split_and_merge():
    first, second = (
        "县级以上人民政府应当加强对数字经济发展的领导。",
        "建立健全数字经济发展工作协调机制，统筹解决重大问题。",
    )
    old = draft(ARTICLES[1], first + second, ARTICLES[4])
    new = draft(ARTICLES[1], first, second, ARTICLES[4])
    assert rows(align(old, new)) == [
        ("unchanged", [1], [1], False),
        ("split", [2], [2, 3], False),
        ("unchanged", [3], [4], True),
    ]
    assert rows(align(new, old)) == [
        ("unchanged", [1], [1], False),
        ("merged", [2, 3], [2], False),
        ("unchanged", [4], [3], True),
    ]


def test_captions_do_not_count():
    old = parse_text("第一条【立法目的】为了促进发展，制定本条例。\n第二条【适用范围】本条例适用于本省。\n")
    new = parse_text("第一条 为了促进发展，制定本条例。\n第二条 本条例适用于本省。\n")
    assert [p.status for p in align(old, new).pairs] == ["unchanged", "unchanged"]


def test_renumbered_reference_is_a_reference_update_not_an_edit():
    # The citation points at the article 省发展改革主管部门…, 第二条 before and 第三条 after the insertion.
    old = draft(ARTICLES[1], ARTICLES[4], ARTICLES[6].replace("第四条", "第二条"))
    new = draft(
        ARTICLES[1], "新增条文：鼓励社会资本参与。", ARTICLES[4], ARTICLES[6].replace("第四条", "第三条")
    )
    alignment = align(old, new)
    last = alignment.pairs[-1]
    assert (last.status, last.renumbered) == ("unchanged", True)
    assert [(u.old, u.new) for u in last.reference_updates] == [("本条例第二条", "本条例第三条")]
    assert alignment.references == ()


@pytest.mark.parametrize(
    ("old_cites", "new_cites", "updates", "repointed", "stale"),
    [
        # A list renumbered as a whole: four updates, none "carried over unchanged".
        (
            "第二条、第三条、第四条",
            "第三条、第四条、第五条",
            [("本条例第二条", "本条例第三条"), ("第三条", "第四条"), ("第四条", "第五条")],
            [],
            [],
        ),
        # Left in the old numbering: stale, with the number it should have.
        ("第二条", "第二条", [], [], [("本条例第二条", "renumbered", "本条例第三条")]),
        # Re-pointed to another article: a substantive change, never "unchanged".
        ("第二条", "第五条", [], [("本条例第二条", "本条例第五条", "第三条")], []),
    ],
)
def test_citations_checked_through_the_alignment(old_cites, new_cites, updates, repointed, stale):
    body = [ARTICLES[2], ARTICLES[3], ARTICLES[4], ARTICLES[5]]
    old = draft(ARTICLES[1], *body, f"违反本条例{old_cites}规定的，由有关部门责令改正。")
    new = draft(
        ARTICLES[1],
        "新增条文：鼓励社会资本参与。",
        *body,
        f"违反本条例{new_cites}规定的，由有关部门责令改正。",
    )
    alignment = align(old, new)
    last = alignment.pairs[-1]
    assert [(u.old, u.new) for u in last.reference_updates] == updates
    assert [(r.old, r.new, r.was) for r in last.repointed] == repointed
    assert [(r.text, r.reason, r.suggestion) for r in alignment.references] == stale
    assert last.status == ("modified" if repointed else "unchanged")


def test_pig_slaughter_one_word():
    alignment = align(
        parse_file(corpus_path("pig-slaughter-reg-2008.ihmsje.txt")),
        parse_file(corpus_path("pig-slaughter-reg-2011.ihmsje.txt")),
    )
    changed = [p for p in alignment.pairs if p.status != "unchanged"]
    assert [(p.status, p.old[0].label, p.new[0].label) for p in changed] == [("modified", "第九条", "第九条")]
    assert [s for s in changed[0].segments if s[0] != "equal"] == [("delete", "卫生"), ("insert", "安全")]
    assert alignment.summary()["unchanged"] == 35


@pytest.mark.parametrize(
    ("old", "new", "summary"),
    [
        (
            "animal-epidemic-law-2020-revision-draft2.ihmsje.txt",
            "animal-epidemic-law-2021-revised-final.ihmsje.txt",
            {
                "unchanged": 35,
                "modified": 75,
                "added": 1,
                "deleted": 1,
                "split": 1,
                "merged": 0,
                "stale_references": 0,
            },
        ),
        (
            "company-law-2018.lawrefbook.md.txt",
            "company-law-2023.lawrefbook.md.txt",
            {
                "unchanged": 29,
                "modified": 150,
                "added": 67,
                "deleted": 23,
                "split": 8,
                "merged": 4,
                "stale_references": 0,
            },
        ),
        (
            SAMPLE,
            "hlj-digital-economy-final-2024.flk.md.txt",
            {
                "unchanged": 0,
                "modified": 50,
                "added": 34,
                "deleted": 30,
                "split": 0,
                "merged": 2,
                "stale_references": 0,
            },
        ),
    ],
)
def test_corpus_series_counts(old, new, summary):
    """The counts recorded in docs/alignment.md, where samples of each were read and judged; the enacted
    texts cite correctly, so no citation may be flagged (23 citations written anew in 公司法 2023 are
    checked for the old numbering)."""
    old_draft, new_draft = parse_file(corpus_path(old)), parse_file(corpus_path(new))
    alignment = align(old_draft, new_draft)
    counts = alignment.summary()
    assert {k: counts[k] for k in summary} == summary
    # Every article of both versions appears exactly once.
    assert sorted(a.id for p in alignment.pairs for a in p.old) == sorted(a.id for a in old_draft.articles)
    assert sorted(a.id for p in alignment.pairs for a in p.new) == sorted(a.id for a in new_draft.articles)


def test_company_law_reference_updates():
    alignment = align(
        parse_file(corpus_path("company-law-2018.lawrefbook.md.txt")),
        parse_file(corpus_path("company-law-2023.lawrefbook.md.txt")),
    )
    pair = next(p for p in alignment.pairs if p.old and p.old[0].number == 53)
    assert (pair.new[0].number, [(u.old, u.new) for u in pair.reference_updates]) == (
        78,
        [("本法第一百五十一条", "本法第一百八十九条")],
    )


def test_demo_revision_cites_the_old_number_once():
    demo = Path(__file__).resolve().parents[2] / "app" / "data"
    alignment = align(parse_file(demo / "sample-draft.txt"), parse_file(demo / "sample-draft-v2.txt"))
    assert [(r.article.label, r.text, r.reason, r.suggestion) for r in alignment.references] == [
        ("第八十三条", "本条例第二十六条", "old-numbering", "本条例第三十条")
    ]
