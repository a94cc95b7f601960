"""The standalone comparison page: aligned rows, marks, renumbering, escaping, no outside resources."""

import re

from exporters.compare_html import render_page
from versions import parse_text
from versions.align import align

OLD = "某某条例\n\n第一条 为了规范管理，制定本条例。\n\n第二条 依照食品卫生法执行。\n\n第三条 附则。\n"
NEW = "某某条例\n\n第一条 为了规范管理，制定本条例。\n\n第二条 新增<script>alert(1)</script>条文。\n\n第三条 依照食品安全法执行。\n"


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
    assert '<a href="#change-2">↓ 下一处</a>' in html
