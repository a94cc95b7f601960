"""The public can reach no personal data: after comments that carry a name, a phone number, an e-mail
address and a region, every public route (pages and API, walked from the app's own route table) is
fetched anonymously and searched for those values. The receipt shows them only masked."""

from __future__ import annotations

import re

import pytest

from tests.app.helpers import csrf_token

SLUG = "hlj-digital-economy"
SENDERS = [
    {"name": "欧阳娜娜", "contact": "13912345678", "region": "哈尔滨市南岗区"},
    {"name": "司马相如", "contact": "xiangru.sima@example.cn", "region": "大庆市萨尔图区"},
]
# Everything a stranger could use to find the person; the masked forms keep only a first character or
# the last digits.
SECRETS = ["欧阳娜娜", "13912345678", "1391234", "司马相如", "xiangru.sima@example.cn", "xiangru.sima"]
MASKED = {"13912345678": "139****5678", "xiangru.sima@example.cn": "x***@example.cn"}


def public_gets(app, samples: dict[str, str]) -> list[str]:
    """Every GET route of ``app`` outside the drafters' area, with ``samples`` filling its parameters."""
    paths = []
    for route in app.routes:
        if route.path.startswith(("/admin", "/api/v1/admin", "/static")) or "GET" not in route.methods:
            continue
        paths.append(
            re.sub(
                r"\{(\w+):(\w+)\}", lambda m: "1" if m.group(2) == "int" else samples[m.group(1)], route.path
            )
        )
    return sorted(paths)


@pytest.fixture
def receipts(client):
    found = []
    for n, sender in enumerate(SENDERS):
        answer = client.post(
            f"/c/{SLUG}/comment",
            data={
                "_csrf_token": csrf_token(client),
                "target": "art-13",
                "content": f"建议细化第十三条（{n}）。",
                "commenter_type": "个人",
                "consent": "yes",
                **sender,
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        found.append(answer.headers["location"].split("/")[2].split("?")[0])
    return found


def test_no_public_route_shows_personal_data(client, receipts):
    samples = {"slug": SLUG, "number": receipts[0], "code": "en", "path": "openapi.json"}
    extra = [
        f"/receipt/{receipts[1]}",
        f"/receipt?number={receipts[0]}",
        f"/c/{SLUG}/comment?target=art-13",
        f"/api/v1/receipts/{receipts[1]}",
        f"/c/{SLUG}?version=2",
        f"/receipt/erase?number={receipts[0]}",
    ]
    paths = public_gets(client.app, samples) + extra
    assert len(paths) >= 12
    for path in paths:
        answer = client.get(path)
        assert answer.status_code < 500, path
        leaked = [secret for secret in SECRETS if secret in answer.text]
        assert (path, leaked) == (path, [])


@pytest.mark.parametrize(
    ("sender", "masked"), [(0, ["欧***", "139****5678"]), (1, ["司***", "x***@example.cn"])]
)
def test_the_receipt_shows_personal_data_masked(client, receipts, sender, masked):
    page = client.get(f"/receipt/{receipts[sender]}").text
    api = client.get(f"/api/v1/receipts/{receipts[sender]}").json()
    assert [m in page for m in masked] == [True, True]
    assert [api["name"], api["contact"]] == masked
