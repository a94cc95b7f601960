"""The exact error bodies of the JSON API for odd requests, most of them found by the schemathesis run
(tests/app/test_api_schema.py): each answers with its stable code, never with a page or a 500."""

from __future__ import annotations

import pytest

from app.services.errors import MESSAGES
from tests.app.helpers import comment_count, log_in
from tests.conftest import SLUG

PUBLIC = f"/api/v1/consultations/{SLUG}"
ADMIN = f"/api/v1/admin/consultations/{SLUG}"
JSON = {"content-type": "application/json"}


def error(code: str, **fields: str) -> dict:
    """The API's error body for ``code``, with ``fields`` mapping field names to their codes."""
    return {
        "error": {
            "code": code,
            "message": MESSAGES[code],
            "fields": {name: {"code": c, "message": MESSAGES[c]} for name, c in fields.items()},
        }
    }


@pytest.fixture
def drafter(demo_client, demo):
    """The demo client, logged in as a drafter."""
    log_in(demo_client, demo)
    return demo_client


@pytest.mark.parametrize(
    ("method", "url", "content", "headers", "status", "body"),
    [
        # Path parameters that are not numbers: no route matches; this was the site's HTML 404 page.
        ("GET", f"{PUBLIC}/versions/abc", None, {}, 404, error("not_found")),
        ("GET", "/api/v1/admin/comments/null,null", None, {}, 404, error("not_found")),
        ("GET", "/api/v1/consultations/a%2Fb/versions/1", None, {}, 404, error("not_found")),
        ("GET", "/api/v1/no-such-thing", None, {}, 404, error("not_found")),
        # A method the route has not: was the HTML page with status 405.
        ("DELETE", "/api/v1/consultations", None, {}, 405, error("method_not_allowed")),
        # Numbers no row can have: was a 500 (SQLite OverflowError, PostgreSQL integer out of range).
        ("GET", f"{PUBLIC}/versions/2147483648", None, {}, 400, error("invalid_request")),
        ("GET", f"{PUBLIC}/versions/100000000000000000000", None, {}, 400, error("invalid_request")),
        ("GET", "/api/v1/admin/comments/9223372036854775808", None, {}, 400, error("invalid_request")),
        (
            "POST",
            "/api/v1/admin/comments/dispositions",
            b'{"value": "adopted", "ids": [9223372036854775808]}',
            JSON,
            400,
            error("invalid_request"),
        ),
        (
            "POST",
            "/api/v1/admin/comments/dispositions",
            b'{"value": "adopted", "cluster_id": 1e30}',
            JSON,
            400,
            error("invalid_request"),
        ),
        (
            "POST",
            f"{ADMIN}/comments",
            b'{"content": "x", "source": "letter", "received_on": "2024-05-06", '
            b'"version": 10000000000000000000000}',
            JSON,
            400,
            error("invalid_request"),
        ),
        # Numbers below 1 are refused the same way; the largest possible one is simply not there.
        ("GET", f"{PUBLIC}/versions/0", None, {}, 400, error("invalid_request")),
        ("GET", "/api/v1/admin/comments/-5", None, {}, 400, error("invalid_request")),
        ("GET", f"{PUBLIC}/versions/2147483647", None, {}, 404, error("version_not_found")),
        # Query parameters of the drafters' list, now declared in the schema and checked.
        ("GET", f"{ADMIN}/comments?cluster=%C2%B2", None, {}, 400, error("invalid_request")),  # "²" isdigit()
        ("GET", f"{ADMIN}/comments?date_from=2026-02-30", None, {}, 400, error("invalid_request")),
        ("GET", f"{ADMIN}/comments?version=0", None, {}, 400, error("invalid_request")),
        ("GET", f"{ADMIN}/compare?old=1", None, {}, 400, error("invalid_request")),
        ("GET", f"{ADMIN}/compare?old=1&new=1", None, {}, 422, error("versions_invalid")),
        # Odd text: a NUL anywhere, bytes that are not UTF-8, a receipt number that is not one.
        ("GET", "/api/v1/receipts/%00", None, {}, 400, error("text_invalid")),
        ("GET", "/api/v1/receipts/%FF%FE", None, {}, 404, error("receipt_not_found")),
        ("GET", "/api/v1/receipts/%E2%80%AE%F0%9F%98%80", None, {}, 404, error("receipt_not_found")),
        ("POST", f"{PUBLIC}/comments", b'{"content": "\\u0000"}', JSON, 400, error("text_invalid")),
        ("POST", f"{PUBLIC}/comments", b'{"content": "\xff\xfe"}', JSON, 400, error("text_invalid")),
        # Bodies of the wrong shape or type.
        ("POST", f"{PUBLIC}/comments", b"[1, 2]", JSON, 400, error("invalid_request")),
        ("POST", f"{PUBLIC}/comments", b'{"content": 1e999}', JSON, 400, error("invalid_request")),
        ("POST", f"{PUBLIC}/comments", b'{"content": "\\ud800"}', JSON, 400, error("invalid_request")),
        ("POST", f"{PUBLIC}/comments", b'{"content": "x"', JSON, 400, error("invalid_request")),
        (
            "POST",
            f"{PUBLIC}/comments",
            b'{"content": "x"}',
            {"content-type": "text/plain"},
            415,
            error("unsupported_media_type"),
        ),
        (
            "POST",
            f"{ADMIN}/comments",
            b'{"content": "x", "source": "letter", "received_on": "99999-01-01"}',
            JSON,
            422,
            error("date_invalid", received_on="date_invalid"),
        ),
    ],
)
def test_odd_requests_get_their_stable_error(drafter, demo, method, url, content, headers, status, body):
    stored = comment_count(demo)
    answer = drafter.request(method, url, content=content, headers=headers)
    assert (answer.status_code, answer.headers["content-type"], answer.json()) == (
        status,
        "application/json",
        body,
    )
    assert comment_count(demo) == stored


def test_the_not_found_body_is_pinned_word_for_word(demo_client):
    assert demo_client.get("/api/v1/nothing/here").json() == {
        "error": {"code": "not_found", "message": "找不到该地址。", "fields": {}}
    }


def test_the_drafters_api_refuses_anonymous_requests(demo_client):
    answer = demo_client.get(f"{ADMIN}/overview")
    assert (answer.status_code, answer.json()) == (401, error("not_authenticated"))


@pytest.mark.parametrize(("page_no", "page"), [(-1, 1), (0, 1), (10**30, 1)])
def test_page_numbers_past_either_end_show_the_nearest_page(drafter, page_no, page):
    answer = drafter.get(f"{ADMIN}/comments", params={"page_no": page_no})
    assert (answer.status_code, answer.json()["page"], answer.json()["pages"]) == (200, page, 1)
