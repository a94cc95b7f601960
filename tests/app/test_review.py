"""Review services on every backend: filters, Chinese search, dispositions with history, bulk and cluster
answers, offline entry, clustering, and the demo data they run on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import models
from app.db import utcnow
from app.services import clusters, comment_context, dispositions, offline, review, totals
from app.services.auth import create_user
from app.services.comments import CommentInput
from app.services.demo import CAMPAIGN, FIRST_ROUND
from app.services.errors import ServiceError
from app.services.search import grams
from tests.app.helpers import PASSWORD

SLUG = "hlj-digital-economy"


def first(db):
    return review.version_ref(db, SLUG, 1)


def contents(page: review.CommentPage) -> list[str]:
    return [row.content for row in page.rows]


def test_demo_has_two_versions_and_marked_comments(demo):
    ref = review.version_ref(demo, SLUG)
    assert (ref.numbers, ref.stage, ref.period.state, first(demo).period.state) == (
        (1, 2),
        "修改稿",
        "upcoming",
        "open",
    )
    with demo.reading() as session:
        marks = set(session.scalars(select(models.Comment.source_detail)))
        total = session.scalar(select(func.count(models.Comment.id)))
    assert (marks, total) == ({"演示数据"}, len(FIRST_ROUND))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (review.Filters(article="art-13"), 4),  # the article and its paragraphs
        (review.Filters(article="draft"), 2),
        (review.Filters(chapter="ch-2"), 6),  # 第十三条 (4), 第十八条, 第十九条
        (review.Filters(commenter_type="专家学者"), 4),
        (review.Filters(source="contact_point"), 2),
        (review.Filters(disposition="adopted"), 4),
        (review.Filters(disposition="none"), len(FIRST_ROUND) - 7),
        (review.Filters(article="art-13", commenter_type="企业"), 1),
        (review.Filters(q="数据"), 5),  # a two-character query
        (review.Filters(q="繁体字"), 1),
        (review.Filters(q="AND"), 1),  # case-insensitive for Latin letters
        (review.Filters(q="个人信息 切实"), 6),  # every term must occur
        (review.Filters(q="100%"), 0),  # LIKE wildcards are literal
        (review.Filters(q="的"), 14),  # one character: LIKE only
    ],
)
def test_filters_and_search(demo, filters, expected):
    assert review.list_comments(demo, first(demo).version_id, filters).total == expected


def test_search_result_really_contains_the_term(demo):
    page = review.list_comments(demo, first(demo).version_id, review.Filters(q="数据"))
    assert all("数据" in text for text in contents(page))
    assert (
        contents(page)[0] == "第二十六条应当规定个人数据处理者响应查阅、更正、删除请求的义务。"
    )  # newest first


def test_date_filter_and_paging(demo):
    ref = first(demo)
    everything = review.list_comments(demo, ref.version_id, review.Filters(), per_page=10)
    assert (everything.total, everything.pages, len(everything.rows)) == (len(FIRST_ROUND), 3, 10)
    last = review.list_comments(demo, ref.version_id, review.Filters(), page=99, per_page=10)
    assert (last.page, len(last.rows)) == (3, len(FIRST_ROUND) - 20)
    rows = review.list_comments(demo, ref.version_id, review.Filters(), per_page=100).rows
    # The demo's comments come every 6 hours from the seeding time, so how many fall on the first Beijing
    # day depends on the time of day the test runs: count them from the rows.
    beijing = sorted((r.created_at + timedelta(hours=8)) for r in rows)
    day = beijing[0].date()
    first_day = sum(1 for t in beijing if t.date() == day)
    assert 1 <= first_day <= 4
    assert review.list_comments(demo, ref.version_id, review.Filters(date_to=day)).total == first_day
    assert (
        review.list_comments(demo, ref.version_id, review.Filters(date_from=day + timedelta(days=30))).total
        == 0
    )


def test_bigrams_skip_whitespace():
    assert grams("数据 安全Ab") == {"数据", "安全", "全a", "ab"}


def test_campaign_comments_form_one_cluster_with_representative(demo):
    ref = first(demo)
    page = review.list_comments(demo, ref.version_id, review.Filters(article="art-26"))
    clustered = [r for r in page.rows if r.cluster_id]
    assert len(clustered) == 7 and {r.cluster_size for r in clustered} == {7}
    representative = next(r for r in clustered if r.cluster_id == r.id)
    assert representative.content == CAMPAIGN
    lone = [r for r in page.rows if not r.cluster_id]
    assert [r.content[:10] for r in lone] == ["第二十六条应当规定个"]
    assert totals.overview(demo, ref.version_id).clusters == 1


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ({1: "甲乙丙丁戊己庚辛", 2: "甲乙丙丁戊己庚辛", 3: "完全不同的一条意见内容"}, {1: 1, 2: 1}),
        ({1: "短", 2: "短"}, {1: 1, 2: 1}),
        ({1: "", 2: "！！"}, {}),
    ],
)
def test_find_clusters(texts, expected):
    assert clusters.find_clusters(texts) == expected


def test_overview_counts(demo):
    stats = totals.overview(demo, first(demo).version_id)
    assert stats.total == len(FIRST_ROUND) and stats.answered == 7
    by_article = {t.key: t.count for t in stats.by_article}
    assert (by_article["draft"], by_article["art-13"], by_article["art-26"], len(by_article)) == (2, 4, 8, 85)
    assert {t.key: t.count for t in stats.by_chapter}["ch-2"] == 6
    assert {t.key: t.count for t in stats.by_source} == {
        "online": 20,
        "letter": 2,
        "email": 2,
        "contact_point": 2,
        "meeting": 0,
        "other": 0,
    }


def test_disposition_history_and_bulk(demo):
    user = create_user(demo, "drafter1", "drafter", PASSWORD)
    ref = first(demo)
    row = review.list_comments(demo, ref.version_id, review.Filters(article="art-13", q="繁体字")).rows[0]
    assert dispositions.dispose(demo, user, "adopted", "", comment_ids=[row.id]) == 1
    assert (
        dispositions.dispose(demo, user, "already_provided", "  已在修改稿中改正。 ", comment_ids=[row.id])
        == 1
    )
    detail = comment_context.comment_detail(demo, row.id)
    assert [(h.value, h.reason, h.user_name) for h in detail.history] == [
        ("adopted", "", "drafter1"),
        ("already_provided", "已在修改稿中改正。", "drafter1"),
    ]
    assert detail.comment.disposition == "already_provided"
    cluster = next(
        r.cluster_id
        for r in review.list_comments(demo, ref.version_id, review.Filters(article="art-26")).rows
        if r.cluster_id
    )
    assert dispositions.dispose(demo, user, "not_adopted", "该例外为法律规定。", cluster_id=cluster) == 7
    assert review.list_comments(demo, ref.version_id, review.Filters(disposition="not_adopted")).total == 7


def test_comment_detail_shows_its_article_with_the_paragraph_marked_and_its_cluster(demo):
    ref = first(demo)
    row = review.list_comments(demo, ref.version_id, review.Filters(q="移动通信基础设施建设标准")).rows[0]
    detail = comment_context.comment_detail(demo, row.id)
    P, A = models.Paragraph, models.Article
    with demo.reading() as session:
        paragraphs = session.scalars(
            select(P.text)
            .join(A, A.id == P.article_id)
            .where(A.version_id == ref.version_id, A.node_id == "art-13")
            .order_by(P.position)
        ).all()
    assert [text for _, text, _ in detail.article_text] == list(paragraphs)
    assert [(label, marked) for label, _, marked in detail.article_text if marked] == [("第二款", True)]
    assert (detail.siblings, detail.slug, detail.version_number) == ([], SLUG, 1)

    campaign = review.list_comments(demo, ref.version_id, review.Filters(q="经过加工无法识别")).rows
    cluster = campaign[0].cluster_id
    members = [r.id for r in review.list_comments(demo, ref.version_id, review.Filters(cluster=cluster)).rows]
    assert cluster is not None and len(members) == 7
    detail = comment_context.comment_detail(demo, members[2])
    assert [s.id for s in detail.siblings] == [i for i in members if i != members[2]]  # newest first
    assert {s.cluster_size for s in detail.siblings} == {7}


@pytest.mark.parametrize(
    ("value", "reason", "ids", "code"),
    [
        ("approved", "", [1], "disposition_invalid"),
        ("not_adopted", "  ", [1], "reason_required"),
        ("partly_adopted", "理" * 2001, [1], "reason_too_long"),
        ("adopted", "", [], "selection_empty"),
        ("adopted", "", [1, 999999], "comment_not_found"),
    ],
)
def test_disposition_refusals_write_nothing(demo, value, reason, ids, code):
    user = create_user(demo, "drafter1", "drafter", PASSWORD)
    with demo.reading() as session:
        before = session.scalar(select(func.count(models.Disposition.id)))
    with pytest.raises(ServiceError) as refused:
        dispositions.dispose(demo, user, value, reason, comment_ids=ids)
    assert refused.value.code == code
    with demo.reading() as session:
        assert session.scalar(select(func.count(models.Disposition.id))) == before


def test_offline_entry_is_listed_searchable_and_attached(demo, monkeypatch):
    nudged = []
    monkeypatch.setattr(offline.jobs, "nudge", lambda db, name: nudged.append((db, name)))
    user = create_user(demo, "drafter1", "drafter", PASSWORD)
    ref = first(demo)
    today = (utcnow() + timedelta(hours=8)).date().isoformat()
    receipt = offline.enter(
        demo,
        user,
        ref.version_id,
        offline.OfflineInput(
            CommentInput("art-13-p2", "建议明确标准由谁发布。", "赵六", "个人", contact="13912345678"),
            "contact_point",
            "道里区基层立法联系点",
            today,
        ),
    )
    page = review.list_comments(demo, ref.version_id, review.Filters(source="contact_point", q="谁发布"))
    row = page.rows[0]
    assert (page.total, row.receipt, row.target_label, row.name, row.contact, row.source_detail) == (
        1,
        receipt,
        "第十三条第二款",
        "赵六",
        "13912345678",
        "道里区基层立法联系点",
    )
    assert row.received_on.isoformat() == today
    assert nudged == [(demo, "clusters.catch_up")]  # it joins its cluster soon, as an online comment does


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        (
            offline.OfflineInput(CommentInput("art-13", ""), "letter", "", "2026-01-02"),
            {"content": "content_required"},
        ),
        (
            offline.OfflineInput(CommentInput("art-13", "意见"), "online", "", "2026-01-02"),
            {"source": "source_invalid"},
        ),
        (
            offline.OfflineInput(CommentInput("art-13", "意见"), "letter", "", "昨天"),
            {"received_on": "date_invalid"},
        ),
        (
            offline.OfflineInput(CommentInput("art-13", "意见"), "letter", "", "2999-01-01"),
            {"received_on": "date_invalid"},
        ),
        (
            offline.OfflineInput(CommentInput("art-13", "意见", contact="123"), "email", "", "2026-01-02"),
            {"contact": "contact_or_address_invalid"},  # a letter may give a postal address
        ),
    ],
)
def test_offline_refusals(demo, raw, fields):
    user = create_user(demo, "drafter1", "drafter", PASSWORD)
    with pytest.raises(ServiceError) as refused:
        offline.enter(demo, user, first(demo).version_id, raw)
    assert refused.value.fields == fields


def test_offline_entry_on_unknown_target(demo):
    user = create_user(demo, "drafter1", "drafter", PASSWORD)
    with pytest.raises(ServiceError) as refused:
        offline.enter(
            demo,
            user,
            first(demo).version_id,
            offline.OfflineInput(CommentInput("art-999", "意见"), "letter", "", "2026-01-02"),
        )
    assert refused.value.code == "target_not_found"


def test_online_comments_are_indexed_for_search(client, seeded):
    from tests.app.helpers import csrf_token

    client.post(
        "/c/hlj-digital-economy/comment",
        data={"target": "art-13", "content": "建议增加无障碍设施。", "_csrf_token": csrf_token(client)},
    )
    ref = review.version_ref(seeded, SLUG)
    assert contents(review.list_comments(seeded, ref.version_id, review.Filters(q="障碍"))) == [
        "建议增加无障碍设施。"
    ]
