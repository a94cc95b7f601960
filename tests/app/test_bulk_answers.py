"""Bulk answers as one undoable action, across rounds, search by receipt and by person, the neighbours of a
comment in a filtered list, offline letters with a postal address, and identical uploads, on every backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app import models
from app.db import utcnow
from app.services import comment_context, dispositions, offline, review, search, totals
from app.services.auth import create_user
from app.services.comments import CommentInput
from app.services.demo import FIRST_ROUND
from app.services.erasure import erase_personal_data
from app.services.errors import ServiceError
from app.services.importing import IdenticalVersion, import_file
from tests.app.helpers import PASSWORD

SLUG = "hlj-digital-economy"


@pytest.fixture
def drafter(demo):
    return create_user(demo, "drafter1", "drafter", PASSWORD)


def everything(db) -> review.VersionRef:
    return review.version_ref(db, SLUG)


def values(db, ids: list[int]) -> list[tuple[str, str]]:
    return [
        (r.disposition, comment_context.comment_detail(db, r.id).saved_reason)
        for r in review.rows_by_id(db, everything(db).scope(None), ids)
    ]


def test_lists_and_overview_cover_every_round_with_a_round_filter(demo):
    ref = everything(demo)
    offline.enter(
        demo,
        create_user(demo, "clerk", "drafter", PASSWORD),
        ref.version_id,
        offline.OfflineInput(
            CommentInput("art-13", "第二轮来信。"), "letter", "", utcnow().date().isoformat()
        ),
    )
    assert review.list_comments(demo, ref.scope(None), review.Filters()).total == len(FIRST_ROUND) + 1
    assert review.list_comments(demo, ref.scope(2), review.Filters(round=2)).total == 1
    stats = totals.overview(demo, ref.scope(None), ref.version_id)
    assert (stats.total, stats.answered) == (len(FIRST_ROUND) + 1, 7)
    art13 = next(t for t in stats.by_article if t.key == "art-13")
    assert art13.count == 5  # four in the first round, one in the second
    assert totals.overview(demo, ref.scope(1)).total == len(FIRST_ROUND)


def test_bulk_answer_is_one_action_and_undo_restores_what_each_had(demo, drafter):
    ref = everything(demo)
    art26 = review.matching_ids(demo, ref.scope(None), review.Filters(article="art-26"))
    before = values(demo, art26)
    count = dispositions.dispose(
        demo,
        drafter,
        "not_adopted",
        "上位法已有规定。",
        comment_ids=art26,
        bulk=(ref.consultation_id, "filter"),
    )
    assert count == 8 and values(demo, art26) == [("not_adopted", "上位法已有规定。")] * 8
    action = dispositions.history(demo, ref.consultation_id)[0]
    assert (action.count, action.value, action.scope, action.undone_at) == (8, "not_adopted", "filter", None)
    # One comment is answered again afterwards: undo leaves that newer answer alone.
    dispositions.dispose(demo, drafter, "adopted", "", comment_ids=[art26[0]])
    assert dispositions.undo(demo, drafter, ref.consultation_id, action.id) == 7
    assert values(demo, art26)[1:] == before[1:] and values(demo, art26)[0] == ("adopted", "")
    history = comment_context.comment_detail(demo, art26[1]).history
    assert [h.value for h in history][-2:] == ["not_adopted", ""]  # the history keeps every change
    with pytest.raises(ServiceError) as again:
        dispositions.undo(demo, drafter, ref.consultation_id, action.id)
    assert again.value.code == "undo_unavailable"


def test_only_the_latest_bulk_action_can_be_undone(demo, drafter):
    ref = everything(demo)
    ids = review.matching_ids(demo, ref.scope(None), review.Filters(article="art-13"))
    dispositions.dispose(
        demo, drafter, "adopted", "", comment_ids=ids[:2], bulk=(ref.consultation_id, "selection")
    )
    dispositions.dispose(
        demo, drafter, "adopted", "", comment_ids=ids[2:], bulk=(ref.consultation_id, "selection")
    )
    first, latest = dispositions.history(demo, ref.consultation_id)[::-1][:2]
    with pytest.raises(ServiceError):
        dispositions.undo(demo, drafter, ref.consultation_id, first.id)
    assert dispositions.undo(demo, drafter, ref.consultation_id, latest.id) == len(ids) - 2


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("王建国", 1),
        ("建国", 1),
        ("红旗农机", 1),  # organisation
        ("五常", 1),  # region
        ("13912345678", 1),
        ("139-1234-5678", 1),  # typed with dashes
        ("南岗区", 1),  # a postal address is a contact
        ("李四", 0),
    ],
)
def test_search_by_person(demo, drafter, who, expected):
    ref = everything(demo)
    for contact in ("13912345678", "哈尔滨市南岗区中山路 1 号"):
        offline.enter(
            demo,
            drafter,
            ref.version_id,
            offline.OfflineInput(
                CommentInput(
                    "art-13",
                    f"来信：{contact}",
                    "王建国" if "139" in contact else "",
                    "企业",
                    "红旗农机" if "139" in contact else "",
                    "五常" if "139" in contact else "",
                    contact,
                    True,
                ),
                "letter",
                "来信第 1 号",
                (utcnow() + timedelta(hours=8)).date().isoformat(),
            ),
        )
    assert review.list_comments(demo, ref.scope(None), review.Filters(who=who)).total == expected


def enter_letter(db, drafter, name: str, organisation: str, contact: str) -> str:
    ref = everything(db)
    raw = offline.OfflineInput(
        CommentInput("art-13", "来信意见", name, "企业", organisation, "", contact, True),
        "letter",
        "",
        (utcnow() + timedelta(hours=8)).date().isoformat(),
    )
    return offline.enter(db, drafter, ref.version_id, raw)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("wang jian", 1),  # Latin letters in any case, a space inside
        ("ABC 农机", 1),
        ("g", 1),  # one character: no bigram, a scan
        ("0451", 1),  # digits of a contact
        ("g j", 1),  # single letters around a space: no bigram either, a scan
        ("wang jianguo abc", 0),
    ],
)
def test_search_by_person_on_every_backend(demo, drafter, who, expected):
    # On PostgreSQL this goes through migration 0012's bigram index; the answer must be the scan's.
    enter_letter(demo, drafter, "Wang Jianguo", "abc 农机合作社", "0451-87654321")
    ref = everything(demo)
    assert review.list_comments(demo, ref.scope(None), review.Filters(who=who)).total == expected


def test_person_search_forgets_erased_personal_data(demo, drafter):
    receipt = enter_letter(demo, drafter, "欧阳娜娜", "红旗农机", "13912345678")
    ref = everything(demo)
    found = review.list_comments(demo, ref.scope(None), review.Filters(who="欧阳")).rows
    assert [r.receipt for r in found] == [receipt]
    erase_personal_data(demo, receipt, None)
    for who in ("欧阳", "红旗农机", "13912345678"):
        assert review.list_comments(demo, ref.scope(None), review.Filters(who=who)).total == 0, who
    assert review.list_comments(demo, ref.scope(None), review.Filters(who=receipt[-5:])).total == 1


def test_person_search_uses_the_index_on_postgresql(demo):
    if demo.write.dialect.name != "postgresql":
        pytest.skip("the person index exists on PostgreSQL only (SQLite scans)")
    C = models.Comment.__table__
    with demo.read.connect() as conn:
        for who in ("王建", "SJBUR"):
            stmt = select(func.count()).select_from(C).where(search.person_clause(who, C, "postgresql"))
            sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
            conn.exec_driver_sql("SET enable_seqscan = off")  # a handful of rows: show the index is usable
            plan = "\n".join(conn.execute(text("EXPLAIN " + sql.replace("%%", "%"))).scalars())
            conn.exec_driver_sql("RESET enable_seqscan")
            assert "ix_comment_person_bigrams" in plan, plan
            assert ("ix_comment_receipt_reversed" in plan) == (who == "SJBUR"), plan


def test_search_by_receipt_whole_and_last_letters(demo):
    ref = everything(demo)
    row = review.list_comments(demo, ref.scope(None), review.Filters()).rows[3]
    for typed in (row.receipt, row.receipt.lower(), row.receipt[-4:], " ".join(row.receipt[-6:])):
        found = review.list_comments(demo, ref.scope(None), review.Filters(who=typed)).rows
        assert row.id in [r.id for r in found] and len(found) <= 2, typed


def test_neighbours_follow_the_filtered_list(demo):
    ref = everything(demo)
    filters = review.Filters(article="art-26")
    ids = review.matching_ids(demo, ref.scope(None), filters)  # newest first
    near = comment_context.neighbours(demo, ref.scope(None), filters, ids[1])
    assert (near.previous, near.next) == (ids[0], ids[2])
    open_ = [i for i in ids if comment_context.comment_detail(demo, i).comment.disposition == ""]
    assert near.next_open == next(i for i in open_ if i < ids[1])


@pytest.mark.parametrize(
    ("contact", "stored"),
    [("哈尔滨市南岗区中山路１号", "哈尔滨市南岗区中山路1号"), ("0451-12345678", "0451-12345678")],
)
def test_offline_letter_with_a_postal_address(demo, drafter, contact, stored):
    ref = everything(demo)
    raw = offline.OfflineInput(
        CommentInput("draft", "来信意见", "张三", "", "", "", contact, True),
        "letter",
        "",
        (utcnow() + timedelta(hours=8)).date().isoformat(),
    )
    receipt = offline.enter(demo, drafter, ref.version_id, raw)
    row = review.list_comments(demo, ref.scope(None), review.Filters(who=receipt)).rows[0]
    assert row.contact == stored


def test_offline_refuses_what_is_no_contact(demo, drafter):
    raw = offline.OfflineInput(
        CommentInput("draft", "来信", "张三", "", "", "", "abc", True), "letter", "", "2026-01-01"
    )
    with pytest.raises(ServiceError) as refused:
        offline.enter(demo, drafter, everything(demo).version_id, raw)
    assert refused.value.fields == {"contact": "contact_or_address_invalid"}


def test_identical_file_is_refused_naming_the_version(demo):
    from app.services.demo import SAMPLE_V2  # the demo's second round

    with pytest.raises(IdenticalVersion) as refused:
        import_file(demo, SAMPLE_V2, slug=SLUG, stage="三稿", opens=utcnow().date(), closes=utcnow().date())
    assert (refused.value.number, refused.value.detail) == (2, "第 2 版（修改稿）")
