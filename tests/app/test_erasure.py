"""Erasure of a commenter's personal data (个人信息保护法 第四十七条): the service, the page, the JSON API,
the ``draftreview erase`` command, the drafters' view and the 意见汇总表, on every database backend."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import models
from app.cli import main
from app.db import utcnow
from app.services.comments import CommentInput, Submission, content_hash, store_batch
from app.services.erasure import GUESS_WINDOW, GUESSES, erase_personal_data, normalise_contact
from app.services.errors import MESSAGES, ServiceError
from tests.app.helpers import TOKEN, log_in
from tests.exporters.wordml import reopen, table_rows

SLUG = "hlj-digital-economy"
PERSON = {
    "name": "欧阳娜娜",
    "commenter_type": "个人",
    "organisation": "松花江数据研究所",
    "region": "哈尔滨市",
    "contact": "13912345678",
    "consent": True,
}
CONTENT = "建议第二款明确标准的发布时限。"
UNKNOWN = "YJ-20261124-ABCDEFGH"


def store(db, content: str = CONTENT, client: str = "c" * 64, **personal) -> str:
    """Stores one comment on 第十三条第二款 through the comment service; returns its receipt."""
    raw = CommentInput("art-13-p2", content, **personal)
    with db.writing() as session:
        [accepted] = store_batch(
            session.connection(),
            [Submission(SLUG, raw, client)],
            utcnow(),
            limit=0,
            window=600,
            duplicate_window=600,
        )
    return accepted.receipt


def row(db, receipt: str) -> models.Comment:
    with db.reading() as session:
        return session.scalar(select(models.Comment).where(models.Comment.receipt == receipt))


def refusal(call) -> str:
    with pytest.raises(ServiceError) as refused:
        call()
    return refused.value.code


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("８６１３９１２３４５６７８", "13912345678"),  # full-width, as a Chinese keyboard may type it
        ("0451-8765 4321", "045187654321"),
        (" Ouyang.Nana@Example.COM ", "ouyang.nana@example.com"),
        ("ｏｕｙａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "ouyang@example.com"),
        ("", ""),
    ],
)
def test_contacts_are_compared_normalised(typed, normal):
    assert normalise_contact(typed) == normal


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("13912345678", "139 1234 5678"),
        ("139-1234-5678", "+8613912345678"),
        ("Ouyang.Nana@Example.com", "ouyang.nana@EXAMPLE.COM"),
        ("0451-87654321", "045187654321"),
    ],
)
def test_erasure_blanks_personal_fields_and_keeps_the_comment(seeded, stored, typed):
    receipt = store(seeded, **{**PERSON, "contact": stored})
    before = row(seeded, receipt)
    now = utcnow()
    done = erase_personal_data(seeded, receipt.lower(), typed, now=now)
    assert (done.receipt, done.erased_at, done.already) == (receipt, now, False)
    after = row(seeded, receipt)
    assert (after.name, after.organisation, after.region, after.contact, after.client_hash) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert (
        after.content,
        after.target,
        after.commenter_type,
        after.created_at,
        after.consent,
        after.status,
    ) == (CONTENT, "art-13-p2", "个人", before.created_at, True, "received")
    assert after.erased_at == now
    # The old hash covered the contact; the new one covers only what is left.
    assert after.content_hash == content_hash(
        CommentInput("art-13-p2", CONTENT, commenter_type="个人", consent=True)
    )
    assert after.content_hash != before.content_hash


def test_erasure_is_idempotent_and_keeps_the_first_time(seeded):
    receipt = store(seeded, **PERSON)
    first = erase_personal_data(seeded, receipt, "13912345678")
    again = erase_personal_data(seeded, receipt, "13912345678", now=first.erased_at + timedelta(days=3))
    other = erase_personal_data(seeded, receipt, "anything@example.com")
    assert (again.erased_at, again.already, other.erased_at, other.already) == (
        first.erased_at,
        True,
        first.erased_at,
        True,
    )
    assert row(seeded, receipt).erased_at == first.erased_at


def test_dispositions_and_their_history_are_kept(seeded):
    from app.services.auth import create_user
    from app.services.dispositions import dispose

    receipt = store(seeded, **PERSON)
    comment_id = row(seeded, receipt).id
    drafter = create_user(seeded, "drafter1", "drafter", "correct horse battery")
    dispose(seeded, drafter, "under_study", "", comment_ids=[comment_id])
    dispose(seeded, drafter, "not_adopted", "与上位法不一致。", comment_ids=[comment_id])
    erase_personal_data(seeded, receipt, "13912345678")
    with seeded.reading() as session:
        history = session.execute(
            select(models.Disposition.value, models.Disposition.reason, models.Disposition.user_name)
            .where(models.Disposition.comment_id == comment_id)
            .order_by(models.Disposition.id)
        ).all()
    assert [tuple(h) for h in history] == [
        ("under_study", "", "drafter1"),
        ("not_adopted", "与上位法不一致。", "drafter1"),
    ]
    assert row(seeded, receipt).disposition == "not_adopted"


@pytest.mark.parametrize(
    ("receipt", "contact", "code"),
    [
        (UNKNOWN, "13912345678", "erasure_not_verified"),  # no such receipt
        ("not-a-receipt", "13912345678", "erasure_not_verified"),
        ("{receipt}", "13912345670", "erasure_not_verified"),  # wrong contact: the same refusal
        ("{receipt}", "ouyang@example.com", "erasure_not_verified"),
        ("{receipt}", "x", "erasure_not_verified"),
        ("{receipt}", "  ", "erasure_contact_required"),
        ("{bare}", "13912345678", "erasure_no_contact"),  # sent with a name but no contact
    ],
)
def test_refusals(seeded, receipt, contact, code):
    names = {
        "receipt": store(seeded, **PERSON),
        "bare": store(seeded, "另一条意见", name="王五", consent=True),
    }
    assert refusal(lambda: erase_personal_data(seeded, receipt.format(**names), contact)) == code
    assert [row(seeded, r).erased_at for r in names.values()] == [None, None]


def test_each_client_has_few_guesses_per_comment_and_none_can_block_its_owner(seeded):
    receipt = store(seeded, **PERSON)
    now = utcnow()
    for guess in range(GUESSES):
        assert (
            refusal(
                lambda g=guess: erase_personal_data(seeded, receipt, f"1390000000{g}", guesser="x", now=now)
            )
            == "erasure_not_verified"
        )
    with pytest.raises(ServiceError) as locked:
        erase_personal_data(seeded, receipt, "13912345678", guesser="x", now=now)
    assert (locked.value.code, locked.value.retry_after) == ("erasure_locked", GUESS_WINDOW)
    for stranger in range(10):  # many addresses guessing: each gets its few tries, the comment no lock
        refusal(
            lambda s=stranger: erase_personal_data(seeded, receipt, "13900000000", guesser=f"s{s}", now=now)
        )
    assert row(seeded, receipt).erasure_failures == GUESSES + 10
    assert erase_personal_data(seeded, receipt, "13912345678", guesser="owner", now=now).erased_at == now
    other = store(seeded, "第三条意见", **PERSON)
    for _ in range(GUESSES + 1):
        refusal(lambda: erase_personal_data(seeded, other, "13900000000", guesser="x", now=now))
    assert erase_personal_data(seeded, other, "13912345678", online=False, now=now).erased_at == now


def test_a_success_resets_the_failure_count(seeded):
    receipt = store(seeded, **PERSON)
    for guess in range(GUESSES - 1):
        refusal(lambda g=guess: erase_personal_data(seeded, receipt, "13900000000", guesser=str(g)))
    erase_personal_data(seeded, receipt, "13912345678")
    assert (row(seeded, receipt).erasure_failures, row(seeded, receipt).erasure_locked_until) == (0, None)


# --- the page -------------------------------------------------------------------------------------------


def form_token(client, number: str = "") -> str:
    page = client.get("/receipt/erase", params={"number": number})
    assert page.status_code == 200
    return TOKEN.search(page.text).group(1)


@pytest.mark.parametrize(
    ("personal", "shown"),
    [
        (PERSON, '<a href="/receipt/erase?number={receipt}">删除我的个人信息</a>'),
        (
            {"name": "王五", "consent": True},
            "提交意见时没有留下联系方式，无法在网上核实身份。如需删除个人信息，请凭回执编号联系起草部门办理。",
        ),
        ({}, None),
    ],
)
def test_receipt_page_links_to_erasure_only_when_it_can_be_verified(client, seeded, personal, shown):
    receipt = store(seeded, **personal)
    page = client.get(f"/receipt/{receipt}").text
    assert ("删除我的个人信息" in page or "联系起草部门" in page) == (shown is not None)
    if shown:
        assert shown.format(receipt=receipt) in page


def test_form_says_what_is_erased_and_what_kept(client):
    page = client.get("/receipt/erase", params={"number": UNKNOWN}).text
    assert f'name="number" value="{UNKNOWN}"' in page
    assert "将删除：姓名、工作单位、所在地区、联系方式，以及用于防止重复提交的网络地址标识。" in page
    assert "将保留：意见内容、意见针对的条款、身份类别、提交时间和处理情况。" in page
    assert 'name="_csrf_token"' in page and 'method="post" action="/receipt/erase"' in page


def test_erasing_through_the_page_without_javascript(client, seeded):
    receipt = store(seeded, **PERSON)
    answer = client.post(
        "/receipt/erase",
        data={"_csrf_token": form_token(client, receipt), "number": receipt, "contact": "139 1234 5678"},
    )
    assert answer.status_code == 200 and "<html" in answer.text
    assert (
        f"已删除回执 {receipt} 的个人信息。意见内容和处理情况仍然保留，您仍可凭回执编号查询。" in answer.text
    )
    receipt_page = client.get(f"/receipt/{receipt}").text
    assert CONTENT in receipt_page
    assert not any(
        text in receipt_page
        for text in ("欧*", "139****5678", "松花江数据研究所", "哈尔滨市", "删除我的个人信息")
    )
    assert re.search(r"个人信息已应本人要求删除（\d{4}年\d+月\d+日 \d\d:\d\d）", receipt_page)
    assert "姓名和联系方式只显示部分" not in receipt_page
    again = client.post(
        "/receipt/erase",
        data={"_csrf_token": form_token(client), "number": receipt, "contact": "13912345678"},
        headers={"hx-request": "true"},
    )
    assert again.status_code == 200 and "<html" not in again.text
    assert re.search(
        rf"回执 {receipt} 的个人信息已于 \d{{4}}年\d+月\d+日 \d\d:\d\d 删除，无需再次办理。", again.text
    )


@pytest.mark.parametrize(
    ("number", "contact", "status", "code"),
    [
        (UNKNOWN, "13912345678", 403, "erasure_not_verified"),
        ("{receipt}", "13912345670", 403, "erasure_not_verified"),
        ("{receipt}", "", 422, "erasure_contact_required"),
        ("{bare}", "13912345678", 409, "erasure_no_contact"),
    ],
)
def test_page_refusals_keep_what_was_typed(client, seeded, number, contact, status, code):
    names = {
        "receipt": store(seeded, **PERSON),
        "bare": store(seeded, "另一条意见", name="王五", consent=True),
    }
    number = number.format(**names)
    answer = client.post(
        "/receipt/erase", data={"_csrf_token": form_token(client), "number": number, "contact": contact}
    )
    assert answer.status_code == status
    assert MESSAGES[code] in answer.text
    assert f'name="number" value="{number}"' in answer.text
    assert ('aria-invalid="true"' in answer.text) == (code == "erasure_contact_required")
    assert row(seeded, names["receipt"]).erased_at is None


def test_page_refuses_without_the_csrf_token(client, seeded):
    receipt = store(seeded, **PERSON)
    answer = client.post("/receipt/erase", data={"number": receipt, "contact": "13912345678"})
    assert answer.status_code == 403 and MESSAGES["csrf_failed"] in answer.text
    assert row(seeded, receipt).erased_at is None


# --- the API --------------------------------------------------------------------------------------------


def test_api_erases_then_reports_it_was_already_done(client, seeded):
    receipt = store(seeded, **PERSON)
    first = client.post(f"/api/v1/receipts/{receipt.lower()}/erasure", json={"contact": "13912345678"})
    erased_at = row(seeded, receipt).erased_at
    expected = {
        "receipt": receipt,
        "code": "personal_data_erased",
        "already_erased": False,
        "erased_at": erased_at.isoformat().replace("+00:00", "Z"),
    }
    assert (first.status_code, first.json()) == (200, expected)
    again = client.post(f"/api/v1/receipts/{receipt}/erasure", json={"contact": "13912345678"})
    assert (again.status_code, again.json()) == (
        200,
        {**expected, "code": "personal_data_already_erased", "already_erased": True},
    )
    assert client.get(f"/api/v1/receipts/{receipt}").json()["contact"] == ""


@pytest.mark.parametrize(
    ("number", "body", "status", "code"),
    [
        (UNKNOWN, {"contact": "13912345678"}, 403, "erasure_not_verified"),
        ("{receipt}", {"contact": "13912345670"}, 403, "erasure_not_verified"),
        ("{receipt}", {"contact": ""}, 422, "erasure_contact_required"),
        ("{bare}", {"contact": "13912345678"}, 409, "erasure_no_contact"),
        ("{receipt}", {}, 400, "invalid_request"),
        ("{receipt}", {"contact": 13912345678}, 400, "invalid_request"),
    ],
)
def test_api_refusals_have_stable_codes(client, seeded, number, body, status, code):
    names = {
        "receipt": store(seeded, **PERSON),
        "bare": store(seeded, "另一条意见", name="王五", consent=True),
    }
    answer = client.post(f"/api/v1/receipts/{number.format(**names)}/erasure", json=body)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code and answer.json()["error"]["message"] == MESSAGES[code]
    assert row(seeded, names["receipt"]).erased_at is None


def test_unknown_receipt_and_wrong_contact_are_indistinguishable(client, seeded):
    receipt = store(seeded, **PERSON)
    unknown = client.post(f"/api/v1/receipts/{UNKNOWN}/erasure", json={"contact": "13912345678"})
    wrong = client.post(f"/api/v1/receipts/{receipt}/erasure", json={"contact": "13912345670"})
    assert (unknown.status_code, unknown.content) == (wrong.status_code, wrong.content)


def test_attempts_are_throttled_per_client_across_page_and_api(client):
    token = form_token(client)
    for n in range(10):
        if n % 2:
            answer = client.post(f"/api/v1/receipts/{UNKNOWN}/erasure", json={"contact": f"1391234567{n}"})
        else:
            answer = client.post(
                "/receipt/erase", data={"_csrf_token": token, "number": UNKNOWN, "contact": f"1391234567{n}"}
            )
        assert answer.status_code == 403, n
    api = client.post(f"/api/v1/receipts/{UNKNOWN}/erasure", json={"contact": "13912345678"})
    assert (api.status_code, api.json()["error"]["code"]) == (429, "erasure_throttled")
    assert 541 <= int(api.headers["retry-after"]) <= 600  # what is left of the 600 s window
    assert api.json()["error"]["message"] == "删除请求过于频繁。请于10分钟后再试。"
    page = client.post(
        "/receipt/erase", data={"_csrf_token": token, "number": UNKNOWN, "contact": "13912345678"}
    )
    assert (page.status_code, 541 <= int(page.headers["retry-after"]) <= 600) == (429, True)
    assert "删除请求过于频繁。请于10分钟后再试。" in page.text


# --- drafters, the 意见汇总表 and the command line -----------------------------------------------------


def test_drafters_see_that_the_data_was_erased(client, seeded):
    receipt = store(seeded, **PERSON)
    log_in(client, seeded)
    path = f"/admin/comments/{row(seeded, receipt).id}"
    assert "欧阳娜娜" in client.get(path).text
    erase_personal_data(seeded, receipt, "13912345678")
    page = client.get(path).text
    assert re.search(r'<dd class="erased">个人信息已应本人要求删除（\d{4}年\d+月\d+日 \d\d:\d\d）</dd>', page)
    assert CONTENT in page and "欧阳娜娜" not in page and "13912345678" not in page


@pytest.mark.parametrize("show_personal", [False, True])
def test_summary_shows_nothing_personal_of_an_erased_comment(seeded, tmp_path, show_personal):
    from app.services.export_summary import export_summary

    receipt = store(seeded, **PERSON)
    store(
        seeded,
        "保留个人信息的意见。",
        client="d" * 64,
        **{**PERSON, "name": "李四", "contact": "lisi@example.com"},
    )
    erase_personal_data(seeded, receipt, "13912345678")
    out = tmp_path / "s.docx"
    export_summary(seeded, SLUG, out, show_personal=show_personal)
    rows = {r[2]: r[3] for r in table_rows(reopen(out))}
    assert rows[CONTENT] == "个人\n个人信息已应本人要求删除"
    kept = "个人\n松花江数据研究所\n哈尔滨市\n" + (
        "李四\nlisi@example.com" if show_personal else "李*\nl***@example.com"
    )
    assert rows["保留个人信息的意见。"] == kept


@pytest.fixture
def cli_env(monkeypatch, tmp_path, database_url, seeded):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DRAFTREVIEW_DATA_DIR", str(tmp_path / "cli"))
    return seeded


@pytest.mark.parametrize(
    ("args", "stdin", "code", "out", "err"),
    [
        (
            ["--contact", "139 1234 5678"],
            "",
            0,
            "已删除回执 {receipt} 的个人信息（姓名、单位、地区、联系方式、网络地址标识），"
            "意见内容和处理情况保留。",
            "",
        ),
        (["--contact", "-"], "13912345678\n", 0, "已删除回执 {receipt} 的个人信息", ""),
        (["--contact", "13912345670"], "", 2, "", "draftreview: " + MESSAGES["erasure_not_verified"] + "\n"),
        (["--identity-checked"], "", 0, "已删除回执 {receipt} 的个人信息", ""),
    ],
)
def test_cli_erases_for_the_drafting_office(cli_env, capsys, monkeypatch, args, stdin, code, out, err):
    receipt = store(cli_env, **PERSON)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(["erase", receipt, *args]) == code
    captured = capsys.readouterr()
    assert captured.out.startswith(out.format(receipt=receipt)) and captured.err == err
    assert (row(cli_env, receipt).erased_at is not None) == (code == 0)


def test_cli_without_contact_needs_the_office_check(cli_env, capsys):
    bare = store(cli_env, "另一条意见", name="王五", consent=True)
    assert main(["erase", bare, "--contact", "13912345678"]) == 2
    assert capsys.readouterr().err == (
        "draftreview: "
        + MESSAGES["erasure_no_contact"]
        + "核实申请人身份后，可改用 --identity-checked 删除。\n"
    )
    assert main(["erase", bare, "--identity-checked"]) == 0
    assert row(cli_env, bare).name == ""
    assert main(["erase", bare, "--identity-checked"]) == 0
    assert re.fullmatch(
        rf"回执 {bare} 的个人信息已于 \d{{4}}-\d\d-\d\d \d\d:\d\d 删除，未作改动。\n",
        capsys.readouterr().out.split("\n", 1)[1],
    )
