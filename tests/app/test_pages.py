"""The public pages through the Litestar test client, on every database backend."""

from __future__ import annotations

import re

import pytest

from tests.app.helpers import csrf_token


def test_home_lists_the_consultation_with_stage_period_and_count(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<a href="/c/hlj-digital-economy">黑龙江省促进数字经济条例</a>' in page.text
    assert '<span class="stage">征求意见稿</span>' in page.text
    assert re.search(r"截止日期：\d{4}年\d{1,2}月\d{1,2}日，还剩 29 天", page.text)
    assert "本轮已收到意见 0 条" in page.text
    assert 'href="/c/hlj-digital-economy"' in page.text


def test_home_puts_open_consultations_before_closed_ones(client, seeded, sample_draft):
    from datetime import date

    from app.services.importing import import_draft

    import_draft(
        seeded,
        sample_draft,
        slug="old-closed",
        title="已截止的草案",
        stage="征求意见稿",
        opens=date(2020, 1, 1),
        closes=date(2020, 1, 31),
    )
    page = client.get("/").text
    assert page.index("黑龙江省促进数字经济条例") < page.index("已截止的草案")
    assert "已于 2020年1月31日 截止" in page


def test_reading_view_has_toc_articles_anchors_and_counts(client):
    page = client.get("/c/hlj-digital-economy")
    assert page.status_code == 200
    text = page.text
    assert "<h1>黑龙江省促进数字经济条例</h1>" in text
    assert text.count('class="article"') == 84
    assert (
        '<summary>第二章 数字基础设施建设 <span class="range">（第十一条至第二十一条）</span></summary>'
        in text
    )
    assert '<li><a href="#art-13">第十三条 三同步</a></li>' in text
    assert 'id="art-13"' in text and 'id="art-13-p2"' in text
    assert '<span class="caption">【三同步】</span>' in text
    assert '<span class="count" id="art-13-count">本轮意见 0 条</span>' in text
    assert 'href="/c/hlj-digital-economy/comment?target=art-13&amp;version=1"' in text
    assert "<script>" not in text.split("</head>")[1]  # no inline script in the body


def test_reading_view_counts_comments_per_article(client):
    token = csrf_token(client)
    for content in ("第一条意见", "第二条意见"):
        client.post(
            "/c/hlj-digital-economy/comment",
            data={"_csrf_token": token, "target": "art-13-p2", "content": content},
            follow_redirects=False,
        )
    page = client.get("/c/hlj-digital-economy").text
    assert '<span class="count" id="art-13-count">本轮意见 2 条</span>' in page
    assert '<span class="count" id="art-12-count">本轮意见 0 条</span>' in page
    assert "第一条意见" not in page  # comments themselves are never shown


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/c/no-such-draft", 404, "找不到该征求意见项目。"),
        ("/c/hlj-digital-economy?version=9", 404, "找不到该版本。"),
        (
            "/c/hlj-digital-economy/comment?target=art-999",
            404,
            "找不到要提意见的条文或款，请从草案页面重新进入。",
        ),
        ("/nowhere", 404, "找不到该页面。"),
    ],
)
def test_unknown_things_get_a_chinese_error_page(client, url, status, message):
    page = client.get(url)
    assert page.status_code == status
    assert message in page.text
    assert "Traceback" not in page.text


@pytest.mark.parametrize(
    ("target", "heading", "options"),
    [
        (
            "art-13",
            "对第十三条提意见",
            ['<option value="art-13" selected>', '<option value="art-13-p2">第十三条第二款'],
        ),
        ("art-13-p2", "对第十三条提意见", ['<option value="art-13-p2" selected>第十三条第二款']),
        ("draft", "提出总体意见", ['<input type="hidden" name="target" value="draft">']),
    ],
)
def test_comment_form_full_page(client, target, heading, options):
    page = client.get("/c/hlj-digital-economy/comment", params={"target": target})
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    for option in options:
        assert option in page.text
    assert "draftreview_csrf" in page.headers.get("set-cookie", "")


def test_comment_form_htmx_partial_has_no_page_chrome(client):
    page = client.get(
        "/c/hlj-digital-economy/comment", params={"target": "art-13"}, headers={"HX-Request": "true"}
    )
    assert page.status_code == 200
    assert page.text.lstrip().startswith('<div class="comment-box" id="box-art-13">')
    assert "<html" not in page.text
    assert 'hx-post="/c/hlj-digital-economy/comment"' in page.text


def test_english_locale(client):
    switched = client.get("/lang/en", params={"next": "/c/hlj-digital-economy"}, follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/c/hlj-digital-economy"
    page = client.get("/")
    assert '<html lang="en">' in page.text
    assert "Draft regulations open for comment" in page.text
    assert re.search(r"Closes \d{1,2} [A-Z][a-z]+ \d{4}, 29 days left", page.text)
    assert "正在征求意见的法规草案" not in page.text


def test_language_switch_never_redirects_off_site(client):
    switched = client.get("/lang/en", params={"next": "//evil.example/"}, follow_redirects=False)
    assert switched.headers["location"] == "/"


def test_static_files_are_served(client):
    assert client.get("/static/htmx.min.js").status_code == 200
    assert "font-size" in client.get("/static/site.css").text
