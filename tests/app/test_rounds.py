"""Rounds as the public meets them (issue 12), through the pages on every database: which round is open,
a comment filed against exactly the round and article read, closed rounds, unpublished rounds, counts,
the jump box, the office's contacts and 起草说明, and answers on the receipt once published."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app import models
from app.cli import main
from app.db import utcnow
from app.services import rounds
from app.services.errors import ServiceError
from app.services.importing import import_file
from app.timeutil import today
from tests.app.helpers import TOKEN, comments
from tests.conftest import SLUG

V2 = "app/data/sample-draft-v2.txt"
ROOT = Path(__file__).resolve().parents[2]
URL = f"/c/{SLUG}/comment"
RECEIPT = re.compile(r"YJ-\d{8}-[2-9A-HJ-NP-Z]{8}")


def import_v2(db, opens_in: int = 0, days: int = 30, path=V2):
    start = today(utcnow()) + timedelta(days=opens_in)
    return import_file(db, path, slug=SLUG, stage="修改稿", opens=start, closes=start + timedelta(days=days))


def set_period(db, number: int, closes_in_days: int) -> None:
    """Moves the end of round ``number`` (the office closing it, or keeping it open)."""
    with db.writing() as session:
        session.execute(
            update(models.Version)
            .where(models.Version.number == number)
            .values(closes_at=utcnow() + timedelta(days=closes_in_days))
        )


def form_token(client, target="art-13", version=None) -> str:
    params = {"target": target} | ({"version": version} if version else {})
    page = client.get(URL, params=params)
    assert page.status_code == 200, page.text
    return TOKEN.search(page.text).group(1)


def send(client, token, version, target, content, **extra):
    data = {"_csrf_token": token, "target": target, "content": content, **extra}
    if version is not None:
        data["version"] = str(version)
    return client.post(URL, data=data, follow_redirects=False)


def where(db, receipt: str) -> tuple[int, str | None, str]:
    """(round number, article node id, target) a stored comment points at."""
    with db.reading() as session:
        row = session.execute(
            select(models.Version.number, models.Article.node_id, models.Comment.target)
            .join(models.Version, models.Version.id == models.Comment.version_id)
            .outerjoin(models.Article, models.Article.id == models.Comment.article_id)
            .where(models.Comment.receipt == receipt)
        ).one()
    return tuple(row)


def test_a_comment_goes_to_the_round_read_even_after_a_new_round_is_imported(client, seeded, tmp_path):
    token = form_token(client, "art-26")  # the reader opens 第二十六条 of the 征求意见稿
    import_v2(seeded)  # meanwhile the office imports the 修改稿 (第二十六条 is now 第三十条)
    sent = send(client, token, 1, "art-26", "对征求意见稿第二十六条的意见")
    assert sent.status_code == 303
    receipt = RECEIPT.search(sent.headers["location"]).group(0)
    assert where(seeded, receipt) == (1, "art-26", "art-26")
    # Importing yet another round (a text of its own: an identical file is refused) never moves it.
    v3 = tmp_path / "v3.txt"
    v3.write_text(
        (ROOT / V2).read_text(encoding="utf-8").replace("数字经济", "数字经济发展", 1), encoding="utf-8"
    )
    import_v2(seeded, path=v3)
    assert where(seeded, receipt) == (1, "art-26", "art-26")


def test_a_closed_round_refuses_keeps_the_text_and_offers_the_matching_article(client, seeded):
    token = form_token(client, "art-26")
    import_v2(seeded)
    set_period(seeded, 1, closes_in_days=-1)
    text = "对第二十六条个人数据保护的意见，写了很久。"
    for htmx in (False, True):
        answer = client.post(
            URL,
            data={"_csrf_token": token, "target": "art-26", "content": text, "version": "1"},
            headers={"HX-Request": "true"} if htmx else {},
        )
        assert answer.status_code == 409
        assert "本次征求意见已经截止，不再接收意见。" in answer.text
        assert f">{text}</textarea>" in answer.text
        assert (
            f'href="/c/{SLUG}/comment?target=art-30&amp;version=2">对修改稿第三十条提意见</a>' in answer.text
        )
    assert comments(seeded) == []


def test_a_closed_round_says_so_and_links_to_the_open_one(client, seeded):
    import_v2(seeded)
    set_period(seeded, 1, closes_in_days=-1)
    old = client.get(f"/c/{SLUG}?version=1").text
    assert "征求意见稿）征求意见已于" in old and "截止，不再接收意见。" in old
    assert f'<a class="button" href="/c/{SLUG}?version=2">前往正在征求意见的修改稿</a>' in old
    assert "对本条提意见" not in old
    rounds_list = re.search(r'<nav class="rounds".*?</nav>', old, re.S).group(0)
    assert '第 1 轮：征求意见稿</a> <span class="when">（已截止，' in rounds_list
    assert '第 2 轮：修改稿</a> <span class="when">（正在征求意见，' in rounds_list
    assert "第 2 版" not in old
    current = client.get(f"/c/{SLUG}").text  # the default is the open round
    assert '<span class="stage">修改稿</span>' in current and "对本条提意见" in current


def test_a_round_being_prepared_is_never_public(client, seeded):
    prepared = import_v2(seeded)
    with seeded.writing() as session:
        session.get(models.Version, prepared.version_id).published_at = None
    assert client.get(f"/c/{SLUG}?version=2").status_code == 404
    assert "修改稿" not in client.get(f"/c/{SLUG}").text
    assert "修改稿" not in client.get("/").text
    assert client.get(f"/api/v1/consultations/{SLUG}/versions/2").status_code == 404
    assert client.get(f"/api/v1/consultations/{SLUG}/versions/1").json()["versions"] == [1]
    assert send(client, form_token(client), 2, "art-13", "意见").status_code == 404


def test_counts_say_what_they_count_and_agree_on_home_and_reading_page(client, seeded):
    token = form_token(client)
    for n in range(3):
        send(client, token, 1, "art-13", f"第一轮意见{n}")
    import_v2(seeded)
    set_period(seeded, 1, closes_in_days=-1)
    send(client, form_token(client, version=2), 2, "art-13", "第二轮意见")
    home, page = client.get("/").text, client.get(f"/c/{SLUG}").text
    figures = "本轮已收到意见 1 条，各轮合计 4 条"
    assert figures in home and figures in page
    assert "本轮已收到意见 3 条，各轮合计 4 条" in client.get(f"/c/{SLUG}?version=1").text


@pytest.mark.parametrize("typed", ["第十三条", "十三", "13", "１３", " 第13条 "])
def test_the_jump_box_takes_the_article_in_any_common_form(client, typed):
    answer = client.get(f"/c/{SLUG}", params={"go": typed, "version": "1"}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/c/{SLUG}?version=1#art-13"


def test_the_jump_box_says_when_there_is_no_such_article(client):
    answer = client.get(f"/c/{SLUG}", params={"go": "第九百条"})
    assert answer.status_code == 404
    assert "没有找到“第九百条”，请输入条文序号，例如 第十三条、十三 或 13。" in answer.text
    assert 'value="第九百条"' in answer.text


def test_import_flags_set_the_office_and_the_round_note(monkeypatch, tmp_path, database_url, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DRAFTREVIEW_DATA_DIR", str(tmp_path / "data"))
    note = tmp_path / "note.txt"
    note.write_text("一、起草背景\r\n二、主要内容", encoding="utf-8")
    args = ["import", "app/data/sample-draft.txt", "--slug", "hlj", "--stage", "征求意见稿"]
    office = [
        "--office-name",
        "某省司法厅",
        "--office-email",
        "fzc@example.org",
        "--office-phone",
        "0451-1234 5678",
    ]
    assert main([*args, "--note-file", str(note), *office]) == 0
    second = ["import", "app/data/sample-draft-v2.txt", "--slug", "hlj", "--stage", "修改稿"]
    assert main([*second, "--note", "修改说明", "--office-address", "某市某路 1 号"]) == 0
    from app.db import Database

    db = Database.connect(database_url)
    with db.reading() as session:
        c = session.scalar(select(models.Consultation))
        notes = session.scalars(select(models.Version.note).order_by(models.Version.number)).all()
    db.dispose()
    assert (c.office_name, c.office_address, c.office_email, c.office_phone) == (
        "某省司法厅",
        "某市某路 1 号",
        "fzc@example.org",
        "0451-1234 5678",
    )
    assert notes == ["一、起草背景\n二、主要内容", "修改说明"]


def test_the_reading_and_comment_pages_name_the_office_and_show_the_note(client, seeded):
    rounds.set_office(
        seeded, SLUG, name="某省司法厅", address="某市某路 1 号", email="a@example.org", phone="0451"
    )
    rounds.set_note(seeded, SLUG, 1, "起草说明正文")
    for path in (f"/c/{SLUG}", f"{URL}?target=art-13"):
        text = client.get(path).text
        assert "<dt>单位</dt><dd>某省司法厅</dd>" in text
        assert "<dt>通信地址</dt><dd>某市某路 1 号</dd>" in text
        assert '<a href="mailto:a@example.org">a@example.org</a>' in text
    assert (
        '<summary>起草说明</summary>\n  <div class="note-text">起草说明正文</div>'
        in client.get(f"/c/{SLUG}").text
    )


def answer_and_publish(db, receipt, value, reason, *, publish=True):
    from app.services.auth import UserInfo
    from app.services.dispositions import dispose

    with db.reading() as session:
        comment_id = session.scalar(select(models.Comment.id).where(models.Comment.receipt == receipt))
    dispose(db, UserInfo(None, "drafter1", "drafter"), value, reason, comment_ids=[comment_id])
    if publish:
        return rounds.publish_answers(db, SLUG, 1)
    return None


def test_the_receipt_shows_answers_only_once_published_and_later_corrections(client, seeded):
    sent = send(client, form_token(client), 1, "art-13", "建议明确验收主体。")
    receipt = RECEIPT.search(sent.headers["location"]).group(0)
    answer_and_publish(seeded, receipt, "adopted", "", publish=False)
    page = client.get(f"/receipt/{receipt}").text
    assert '<dd class="status">已收到</dd>' in page
    assert "起草部门对本轮意见的处理情况在本轮征求意见截止后统一公布" in page
    assert "采纳" not in page
    with pytest.raises(ServiceError) as refused:
        rounds.publish_answers(seeded, SLUG, 1)
    assert refused.value.code == "answers_round_open"
    set_period(seeded, 1, closes_in_days=-1)
    first = rounds.publish_answers(seeded, SLUG, 1)
    assert rounds.publish_answers(seeded, SLUG, 1) == first  # publishing again changes nothing
    page = client.get(f"/receipt/{receipt}").text
    assert '<dd class="status">已答复</dd>' in page and '<dd class="disposition">采纳</dd>' in page
    assert "公布后更正" not in page
    answer_and_publish(seeded, receipt, "partly_adopted", "验收主体已在第二款明确。", publish=False)
    page = client.get(f"/receipt/{receipt}").text
    assert '<dd class="disposition">部分采纳</dd>' in page
    assert '<dd class="reason">验收主体已在第二款明确。</dd>' in page and "（公布后更正）" in page
    api = client.get(f"/api/v1/receipts/{receipt}").json()
    assert (api["status"], api["answer"]["disposition"], api["answer"]["reason"]) == (
        "answered",
        "partly_adopted",
        "验收主体已在第二款明确。",
    )


@pytest.mark.parametrize(
    ("kind", "organisation", "region"),
    [
        ("个人", "某*****", "哈****"),
        ("", "某*****", "哈****"),
        ("企业", "某某科技有限公司", "哈尔滨市南岗区"),
    ],
)
def test_organisation_and_region_are_masked_for_individuals(client, seeded, kind, organisation, region):
    sent = send(
        client,
        form_token(client),
        1,
        "art-13",
        f"意见{kind}",
        commenter_type=kind,
        organisation="某某科技有限公司"[: len(organisation)],
        region="哈尔滨市南岗区"[: len(region)],
        consent="yes",
    )
    receipt = RECEIPT.search(sent.headers["location"]).group(0)
    page = client.get(f"/receipt/{receipt}").text
    assert f"<dt>工作单位</dt><dd>{organisation}</dd>" in page
    assert f"<dt>所在地区</dt><dd>{region}</dd>" in page
    api = client.get(f"/api/v1/receipts/{receipt}").json()
    assert (api["organisation"], api["region"]) == (organisation, region)


def test_the_demo_opens_with_the_first_round_open_and_the_revision_next(demo_client):
    home = demo_client.get("/").text
    assert '<span class="stage">征求意见稿</span>' in home
    page = demo_client.get(f"/c/{SLUG}").text
    assert '<span class="stage">征求意见稿</span>' in page and "对本条提意见" in page
    assert '第 2 轮：修改稿</a> <span class="when">（尚未开始，' in page
    assert "<dt>单位</dt><dd>黑龙江省数字经济条例起草小组（演示）</dd>" in page
    later = demo_client.get(f"/c/{SLUG}?version=2").text
    assert "本轮（修改稿）将于" in later and "对本条提意见" not in later
