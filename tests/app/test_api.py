"""The JSON API: listing, the version tree, submitting, receipts, and its stable error codes."""

from __future__ import annotations

import pytest

from tests.app.helpers import comment_count

BASE = "/api/v1/consultations/hlj-digital-economy"


def test_list_consultations(client):
    [item] = client.get("/api/v1/consultations").json()
    assert (item["slug"], item["title"], item["stage"], item["version"], item["comment_count"]) == (
        "hlj-digital-economy",
        "黑龙江省促进数字经济条例",
        "征求意见稿",
        1,
        0,
    )
    assert (item["period"]["state"], item["period"]["days_left"]) == ("open", 29)


def test_read_a_version_tree(client):
    tree = client.get(f"{BASE}/versions/1").json()
    assert (tree["title"], tree["stage"], len(tree["articles"])) == (
        "黑龙江省促进数字经济条例",
        "征求意见稿",
        84,
    )
    article = next(a for a in tree["articles"] if a["id"] == "art-13")
    assert (article["label"], article["caption"], article["chapter_id"], article["comment_count"]) == (
        "第十三条",
        "三同步",
        "ch-2",
        0,
    )
    assert [p["id"] for p in article["paragraphs"]] == ["art-13-p1", "art-13-p2"]
    assert article["paragraphs"][1]["text"].startswith("建设工程移动通信基础设施建设标准")
    assert tree["divisions"][1] == {
        "id": "ch-2",
        "kind": "章",
        "number": 2,
        "label": "第二章",
        "title": "数字基础设施建设",
        "parent": None,
    }


def test_submit_and_read_back_a_comment(client, seeded):
    sent = client.post(
        f"{BASE}/comments",
        json={
            "target": "art-13",
            "content": "建议修改。",
            "name": "王五",
            "contact": "wang@example.com",
            "consent": True,
        },
    )
    assert sent.status_code == 201
    body = sent.json()
    assert body["duplicate"] is False
    receipt = client.get(body["receipt_url"]).json()
    assert (
        receipt["receipt"],
        receipt["target"],
        receipt["target_label"],
        receipt["content"],
        receipt["name"],
        receipt["contact"],
        receipt["status"],
    ) == (body["receipt"], "art-13", "第十三条", "建议修改。", "王*", "w***@example.com", "received")
    again = client.post(
        f"{BASE}/comments",
        json={
            "target": "art-13",
            "content": "建议修改。",
            "name": "王五",
            "contact": "wang@example.com",
            "consent": True,
        },
    )
    assert (again.status_code, again.json()["receipt"], again.json()["duplicate"]) == (
        200,
        body["receipt"],
        True,
    )
    assert comment_count(seeded) == 1
    assert client.get(f"{BASE}/versions/1").json()["comment_count"] == 1


@pytest.mark.parametrize(
    ("url", "body", "status", "code", "fields"),
    [
        (f"{BASE}/comments", {"content": "  "}, 422, "content_required", {"content": "content_required"}),
        (
            f"{BASE}/comments",
            {"content": "x" * 5001},
            422,
            "content_too_long",
            {"content": "content_too_long"},
        ),
        (
            f"{BASE}/comments",
            {"content": "好", "contact": "abc", "consent": True},
            422,
            "contact_invalid",
            {"contact": "contact_invalid"},
        ),
        (
            f"{BASE}/comments",
            {"content": "好", "name": "赵六"},
            422,
            "consent_required",
            {"consent": "consent_required"},
        ),
        (f"{BASE}/comments", {"content": "好", "target": "art-999"}, 404, "target_not_found", {}),
        (
            f"{BASE}/comments",
            {"content": "好", "target": "../etc"},
            404,
            "target_not_found",
            {"target": "target_not_found"},
        ),
        ("/api/v1/consultations/nope/comments", {"content": "好"}, 404, "consultation_not_found", {}),
        (f"{BASE}/comments", {"target": "draft"}, 400, "invalid_request", {}),
        (f"{BASE}/comments", {"content": 5}, 400, "invalid_request", {}),
    ],
)
def test_submission_errors_have_stable_codes(client, seeded, url, body, status, code, fields):
    response = client.post(url, json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert {name: f["code"] for name, f in error["fields"].items()} == fields
    assert comment_count(seeded) == 0


def test_form_encoded_bodies_are_refused(client, seeded):
    response = client.post(
        f"{BASE}/comments", content='{"content": "好"}', headers={"content-type": "text/plain"}
    )
    assert (response.status_code, response.json()["error"]["code"]) in {
        (415, "unsupported_media_type"),
        (400, "invalid_request"),
    }
    assert comment_count(seeded) == 0


def test_rate_limit_answers_429(client, seeded):
    for n in range(5):
        assert client.post(f"{BASE}/comments", json={"content": f"意见{n}"}).status_code == 201
    response = client.post(f"{BASE}/comments", json={"content": "再来一条"})
    assert response.status_code == 429
    # The true wait: until the oldest of the 5 comments leaves the 600 s window (not a fixed 60).
    assert 541 <= int(response.headers["retry-after"]) <= 600
    assert response.json()["error"] == {
        "code": "rate_limited",
        "message": "提交过于频繁。请于10分钟后再试。",
        "fields": {},
    }
    assert comment_count(seeded) == 5


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/receipts/YJ-20261124-AAAAAAAA", "receipt_not_found"),
        ("/api/v1/receipts/nonsense", "receipt_not_found"),
        (f"{BASE}/versions/7", "version_not_found"),
        ("/api/v1/consultations/nope/versions/1", "consultation_not_found"),
    ],
)
def test_read_errors(client, url, code):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == code


def test_openapi_schema_documents_the_api(client):
    schema = client.get("/api/schema/openapi.json").json()
    assert {
        "/api/v1/consultations",
        "/api/v1/consultations/{slug}/versions/{number}",
        "/api/v1/consultations/{slug}/comments",
        "/api/v1/receipts/{number}",
    } <= set(schema["paths"])
    responses = schema["paths"]["/api/v1/consultations/{slug}/comments"]["post"]["responses"]
    assert {"201", "422", "429", "409", "404"} <= set(responses)
