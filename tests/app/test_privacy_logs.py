"""Logs and exports never carry a commenter's contact, name or address: every log record at DEBUG during
submissions, look-ups, erasure and the drafters' pages (in process, on every backend), the output of a real
``draftreview serve`` process, and the 意见汇总表 with its default options."""

from __future__ import annotations

import http.client
import json
import logging
import re
import zipfile
from urllib.parse import quote, urlencode

import pytest
from sqlalchemy import select, text

from app import models
from app.db import Database
from app.services.comments import client_hash
from app.services.export_summary import export_summary
from tests.app.helpers import TOKEN, csrf_token, log_in
from tests.app.live import running_server

SLUG = "hlj-digital-economy"
PHONE, EMAIL, NAME, ORGANISATION = "13912345678", "Ouyang.Nana@Example.com", "欧阳娜娜", "松花江数据研究所"
CLIENT = "127.0.0.77"  # the live test's source address: distinctive, and on the loopback range
CONTENT = "建议第二款明确标准的发布时限。"


def forms_of(*values: str) -> list[str]:
    """Each value as a log line might spell it: plain, lower-cased, percent-encoded, JSON-escaped."""
    spelled = []
    for value in values:
        spelled += [value, value.lower(), quote(value), json.dumps(value)[1:-1]]
    return sorted(set(spelled))


PERSONAL = forms_of(PHONE, EMAIL, NAME, ORGANISATION)


def leaks(text: str, forbidden: list[str]) -> list[str]:
    """The forbidden strings found in ``text`` (case-insensitively)."""
    return [value for value in forbidden if value.lower() in text.lower()]


def test_the_leak_check_finds_what_it_looks_for():
    found = leaks(f"stored {quote(NAME)} from 127.0.0.77, mail ouyang.nana@example.com", [*PERSONAL, CLIENT])
    assert sorted(found) == sorted([CLIENT, EMAIL, EMAIL.lower(), quote(NAME)])


def test_no_log_record_carries_personal_data_or_the_client(client, seeded, caplog):
    caplog.set_level(logging.DEBUG)
    token = csrf_token(client)
    person = {"name": NAME, "commenter_type": "个人", "organisation": ORGANISATION, "region": "哈尔滨市"}
    page = client.post(
        f"/c/{SLUG}/comment",
        data={
            "_csrf_token": token,
            "target": "art-13-p2",
            "content": CONTENT,
            **person,
            "contact": PHONE,
            "consent": "yes",
        },
        follow_redirects=False,
    )
    assert page.status_code == 303
    by_page = page.headers["location"].split("/")[2].split("?")[0]
    api = client.post(
        f"/api/v1/consultations/{SLUG}/comments",
        json={"target": "art-13", "content": "另一条意见", **person, "contact": EMAIL, "consent": True},
    )
    assert api.status_code == 201
    refused = client.post(
        f"/api/v1/consultations/{SLUG}/comments",
        json={"content": "无效联系方式", "name": NAME, "contact": PHONE + "x", "consent": True},
    )
    assert refused.status_code == 422
    assert client.get(f"/receipt/{by_page}").status_code == 200
    assert client.get(api.json()["receipt_url"]).status_code == 200
    wrong = client.post(f"/api/v1/receipts/{api.json()['receipt']}/erasure", json={"contact": PHONE})
    assert wrong.status_code == 403
    erased = client.post("/receipt/erase", data={"_csrf_token": token, "number": by_page, "contact": PHONE})
    assert erased.status_code == 200
    log_in(client, seeded)
    listing = client.get(f"/admin/c/{SLUG}/comments")
    assert listing.status_code == 200 and EMAIL in listing.text  # drafters see it; logs must not
    records = caplog.records
    # The capture works: the erasure's own audit line is there, without the erased values.
    assert any(
        r.name == "app.services.erasure" and "erased at the commenter's request" in r.getMessage()
        for r in records
    )
    everything = caplog.text + "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in records)
    assert leaks(everything, [*PERSONAL, "testclient"]) == []


REFUSE_INSERTS = {
    "sqlite": [
        "CREATE TRIGGER refuse BEFORE INSERT ON comment BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk trouble'; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER refuse BEFORE INSERT ON comment FOR EACH ROW EXECUTE FUNCTION refuse()",
    ],
}


def test_a_failed_insert_logs_no_personal_data(client, seeded, caplog):
    with seeded.write.begin() as conn:
        for statement in REFUSE_INSERTS[conn.dialect.name]:
            conn.execute(text(statement))
    caplog.set_level(logging.DEBUG)
    answer = client.post(
        f"/api/v1/consultations/{SLUG}/comments",
        json={"content": CONTENT, "name": NAME, "contact": PHONE, "consent": True},
    )
    assert answer.status_code == 503
    assert any("storing a comment failed" in r.getMessage() for r in caplog.records)
    assert leaks(caplog.text, PERSONAL) == []


@pytest.mark.parametrize("show_personal", [False, True])
def test_summary_export_masks_contacts_and_names_by_default(client, seeded, tmp_path, show_personal):
    token = csrf_token(client)
    for content, contact in (("意见一", PHONE), ("意见二", EMAIL)):
        answer = client.post(
            f"/c/{SLUG}/comment",
            data={
                "_csrf_token": token,
                "target": "art-13",
                "content": content,
                "name": NAME,
                "contact": contact,
                "consent": "yes",
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303
    out = tmp_path / "s.docx"
    export_summary(seeded, SLUG, out, show_personal=show_personal)
    with zipfile.ZipFile(out) as package:  # every part of the file, not only the table
        text = "\n".join(package.read(name).decode("utf-8", "replace") for name in package.namelist())
    assert [value for value in (PHONE, EMAIL, NAME) if value in text] == (
        [PHONE, EMAIL, NAME] if show_personal else []
    )
    assert [value for value in ("139****5678", "O***@Example.com", "欧***") if value in text] == (
        [] if show_personal else ["139****5678", "O***@Example.com", "欧***"]
    )


class Browser:
    """A plain HTTP client that connects from ``CLIENT`` and keeps the CSRF cookie."""

    def __init__(self, base: str) -> None:
        self.host, self.port = base.removeprefix("http://").split(":")
        self.cookie = ""

    def send(
        self, method: str, path: str, body: bytes | None = None, kind: str = ""
    ) -> tuple[int, str, dict]:
        connection = http.client.HTTPConnection(
            self.host, int(self.port), timeout=30, source_address=(CLIENT, 0)
        )
        headers = {"Content-Type": kind} if kind else {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        found = re.match(r"(draftreview_csrf=[^;]+)", response.getheader("set-cookie") or "")
        if found:
            self.cookie = found.group(1)
        return response.status, text, dict(response.getheaders())

    def form(self, path: str, fields: dict) -> tuple[int, str, dict]:
        return self.send("POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def json(self, path: str, body: dict) -> tuple[int, dict]:
        status, text, _ = self.send("POST", path, json.dumps(body).encode(), "application/json")
        return status, json.loads(text)


@pytest.mark.slow
def test_a_real_server_prints_no_client_address_or_personal_data(tmp_path):
    with running_server(tmp_path) as (base, _env):
        browser = Browser(base)
        status, page, _ = browser.send("GET", f"/c/{SLUG}/comment?target=art-13")
        assert status == 200
        token = TOKEN.search(page).group(1)
        status, _, headers = browser.form(
            f"/c/{SLUG}/comment",
            {
                "_csrf_token": token,
                "target": "art-13",
                "content": CONTENT,
                "name": NAME,
                "commenter_type": "个人",
                "organisation": ORGANISATION,
                "contact": PHONE,
                "consent": "yes",
            },
        )
        assert status == 303
        by_page = headers["location"].split("/")[2].split("?")[0]
        status, answer = browser.json(
            f"/api/v1/consultations/{SLUG}/comments",
            {"target": "art-13", "content": "另一条意见", "name": NAME, "contact": EMAIL, "consent": True},
        )
        assert status == 201
        assert browser.json(f"/api/v1/receipts/{answer['receipt']}/erasure", {"contact": PHONE})[0] == 403
        assert browser.json(f"/api/v1/receipts/{answer['receipt']}/erasure", {"contact": EMAIL})[0] == 200
        assert (
            browser.form("/receipt/erase", {"_csrf_token": token, "number": by_page, "contact": PHONE})[0]
            == 200
        )
        status, kept = browser.json(f"/api/v1/consultations/{SLUG}/comments", {"content": "第三条意见"})
        assert status == 201
        assert browser.send("GET", "/no-such-page")[0] == 404
        assert (
            browser.send("POST", f"/api/v1/consultations/{SLUG}/comments", b"{", "application/json")[0] == 400
        )
    output = (tmp_path / "server.log").read_text(errors="replace")
    # What is read here is the server's output, app logging included; the address checked for is the one
    # the server saw (its keyed hash is on the comment that was not erased).
    assert "draftreview: http://127.0.0.1:" in output
    assert output.count("erased at the commenter's request (online)") == 2
    assert kept_client_hash(tmp_path, kept["receipt"]) == client_hash(
        (tmp_path / "secret_key").read_bytes().strip(), CLIENT
    )
    assert leaks(output, [*PERSONAL, CLIENT]) == []


def kept_client_hash(data_dir, receipt: str) -> str:
    """The client hash stored with ``receipt`` in the live server's SQLite database."""
    db = Database.connect(f"sqlite:///{data_dir / 'draftreview.sqlite3'}")
    try:
        with db.reading() as session:
            return session.scalar(select(models.Comment.client_hash).where(models.Comment.receipt == receipt))
    finally:
        db.dispose()
