"""The standalone comparison page: aligned rows, marks, renumbering, escaping, no outside resources."""

import re

from exporters.compare_html import render_page
from versions import parse_text
from versions.align import align

OLD = "某某条例\n\n第一条 为了规范管理，制定本条例。\n\n第二条 依照食品卫生法执行。\n\n第三条 附则。\n"
NEW = (
    "某某条例\n\n第一条 为了规范管理，制定本条例。\n\n第二条 新增<script>alert(1)</script>条文。\n\n"
    "第三条 依照食品安全法执行。\n"
)


def page():
    old, new = parse_text(OLD), parse_text(NEW)
    return render_page(old, new, align(old, new))


def test_rows_marks_and_renumbering():
    html = page()
    rows = re.findall(r'<tr class="(\w+)"', html)
    assert rows == ["unchanged", "added", "modified", "deleted"]
    assert "依照食品<del>卫生</del>法执行。" in html
    assert "依照食品<ins>安全</ins>法执行。" in html
    assert '<span class="badge">原第二条</span>' in html


def test_user_text_is_escaped_and_the_page_is_self_contained():
    html = page()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in html


def test_navigation_links_every_change():
    html = page()
    assert re.findall(r'id="(change-\d+)"', html) == ["change-1", "change-2", "change-3"]
    assert '<a href="#change-2">↓ 下一处修改</a>' in html


def test_next_change_skips_articles_only_renumbered():
    old = parse_text("第一条 甲项规定。\n第二条 乙项规定。\n第三条 丙项规定。\n")
    new = parse_text("第一条 新增规定。\n第二条 甲项规定。\n第三条 乙项规定。\n第四条 丙项规定有修改。\n")
    html = render_page(old, new, align(old, new))
    assert re.findall(r'<tr class="([\w-]+)"(?: id="([\w-]+)")?', html) == [
        ("added", "change-0"),
        ("renumber-only", "renumber-1"),
        ("renumber-only", "renumber-2"),
        ("modified", "change-3"),
    ]
    assert '<a href="#change-3">↓ 下一处修改</a>' in html
    assert '<a href="#renumber-2">↓ 下一处条序变动</a>' in html
    # Changes only, with or without the renumbered articles: a CSS toggle that needs no script.
    assert '<input type="checkbox" id="only"><label for="only">只看修改</label>' in html


def test_a_split_shows_each_new_article_under_its_own_heading():
    old = parse_text(
        "第一条 为了规范管理，制定本条例。\n第二条 县级以上人民政府负责数据安全监督管理工作。\n"
        "中国人民解放军总后勤部可以依照本条例制定军队实施的具体办法，报国务院备案。\n"
        "第三条 本条例自公布之日起施行。\n"
    )
    new = parse_text(
        "第一条 为了规范管理，制定本条例。\n第二条 县级以上人民政府负责数据安全监督管理工作。\n"
        "第三条 中央军事委员会可以依照本条例制定军队实施的具体办法，报国务院备案。\n"
        "第四条 本条例自公布之日起施行。\n"
    )
    alignment = align(old, new)
    split = next(p for p in alignment.pairs if p.status == "split")
    assert [a.label for a in split.old] == ["第二条"] and [a.label for a in split.new] == ["第二条", "第三条"]
    assert split.paragraphs == (("art-2-p1", "art-2-p1"), ("art-2-p2", "art-3-p1"))
    html = render_page(old, new, alignment)
    assert (
        '<span class="label">第三条</span><br><ins>中央军事委员会</ins>可以依照本条例制定军队实施的具体办法，'
        "报国务院备案。<br>" in html
    )
