"""Numbers no row can carry and errors nobody planned for: pages answer with a Chinese page, the API with
its JSON error body, never a traceback."""

from __future__ import annotations

import pytest
from litestar import get
from litestar.testing import TestClient

from app.web import create_app
from tests.app.helpers import log_in

SLUG = "hlj-digital-economy"
HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (f"/admin/comments/{HUGE}", 404, "找不到该意见"),
        (f"/c/{SLUG}?version={HUGE}", 404, "找不到该版本"),
        (f"/admin/c/{SLUG}?version={HUGE}", 404, "找不到该版本"),
        (f"/admin/c/{SLUG}/comments?version=1&cluster={HUGE}", 200, "共 "),
        (f"/admin/c/{SLUG}/comments?version=1&cluster=%C2%B2", 200, "共 "),
        (f"/admin/c/{SLUG}/compare?old=1&new={HUGE}", 404, "找不到该版本"),
    ],
)
def test_numbers_past_any_row(demo_client, demo, path, status, message):
    log_in(demo_client, demo)
    answer = demo_client.get(path)
    assert (answer.status_code, message in answer.text) == (status, True)


def test_an_unplanned_error_is_a_page_or_a_json_body(settings, demo):
    @get("/boom", sync_to_thread=False)
    def boom() -> str:
        raise RuntimeError("a bug")

    @get("/api/v1/boom", sync_to_thread=False)
    def api_boom() -> str:
        raise RuntimeError("a bug")

    app = create_app(settings, demo)
    app.register(boom)
    app.register(api_boom)
    with TestClient(app) as client:
        page = client.get("/boom")
        answer = client.get("/api/v1/boom")
    assert (page.status_code, "服务器出现问题，请稍后重试。" in page.text, "Traceback" in page.text) == (
        500,
        True,
        False,
    )
    assert (answer.status_code, answer.json()) == (
        500,
        {"error": {"code": "server_error", "message": "服务器出现问题，请稍后重试。", "fields": {}}},
    )
