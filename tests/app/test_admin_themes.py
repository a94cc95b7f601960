"""The drafters' theme and report pages through HTTP on the demo: run, read, merge, approve, rename,
move, split; generate, edit and publish the report (administrators only); the public page and Word; the
login guard and CSRF on every form."""

from __future__ import annotations

import io
import re
import time

import docx
import pytest
from sqlalchemy import select

from app import models
from app.services import jobs, theme_runs, themes
from tests.app.helpers import TOKEN, log_in

SLUG = "hlj-digital-economy"
BASE = f"/admin/c/{SLUG}"


def _token(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return TOKEN.search(page.text).group(1)


def _post(client, path: str, data: dict, origin: str):
    return client.post(path, data={"_csrf_token": _token(client, origin), **data}, follow_redirects=False)


def _analysed(client, db) -> int:
    answer = _post(client, f"{BASE}/themes/run", {"version": "1"}, f"{BASE}/themes?version=1")
    assert answer.status_code == 303 and answer.headers["location"].endswith("done=run")
    with db.reading() as session:
        version_id = session.scalar(select(models.Version.id).where(models.Version.number == 1))
    deadline = time.monotonic() + 120
    while (job := theme_runs.latest_job(db, version_id)).active:
        assert time.monotonic() < deadline
        jobs.queue_for(db).drain()  # PostgreSQL: no worker process in this test; SQLite: the app's runner
        time.sleep(0.2)
    assert job.state == "done", job.error
    assert theme_runs.latest_run(db, version_id).status == "done"
    return version_id


def test_anonymous_is_sent_to_login(demo_client):
    for path in (f"{BASE}/themes", "/admin/themes/1", f"{BASE}/report", f"{BASE}/report.docx"):
        answer = demo_client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/admin/login"), path


def test_drafter_works_through_themes(demo_client, demo):
    log_in(demo_client, demo)
    version_id = _analysed(demo_client, demo)
    page = demo_client.get(f"{BASE}/themes?version=1")
    assert "分析完成" in page.text and "小主题（少数意见）" in page.text
    listed = themes.list_themes(demo, version_id)
    every = listed.themes + listed.small
    campaign = next(t for t in every if t.campaigns)
    assert f"{campaign.comments} 条意见" in page.text and "各按一种意见计" in page.text
    first, second = every[0], every[1]
    answer = _post(
        demo_client,
        f"{BASE}/themes/merge",
        {"version": "1", "themes": [first.id, second.id]},
        f"{BASE}/themes",
    )
    assert answer.status_code == 303 and "done=merged" in answer.headers["location"]
    origin = f"/admin/themes/{first.id}"
    assert _post(demo_client, f"{origin}/rename", {"label": "个人信息<保护>"}, origin).status_code == 303
    assert _post(demo_client, f"{origin}/approve", {}, origin).status_code == 303
    page = demo_client.get(origin)
    assert "个人信息&lt;保护&gt;" in page.text and "已确认" in page.text and "确认主题" in page.text
    merged = themes.theme_detail(demo, first.id).theme
    assert merged.approved and merged.comments == first.comments + second.comments
    moved = merged.members[0].id
    answer = _post(demo_client, f"{origin}/split", {"comments": [moved], "label": "拆出"}, origin)
    new_id = int(re.search(r"/admin/themes/(\d+)", answer.headers["location"]).group(1))
    assert [m.id for m in themes.theme_detail(demo, new_id).theme.members] == [moved]
    answer = _post(
        demo_client, f"/admin/themes/{new_id}/move", {"comments": [moved], "target": first.id}, origin
    )
    assert "done=moved" in answer.headers["location"]
    # Refusals come back as a message on the page, never a traceback.
    answer = _post(demo_client, f"{origin}/rename", {"label": "  "}, origin)
    assert "error=theme_label_invalid" in answer.headers["location"]
    assert "主题名称须为 1–200 个字。" in demo_client.get(answer.headers["location"]).text
    answer = _post(
        demo_client, f"{BASE}/themes/merge", {"version": "1", "themes": [first.id]}, f"{BASE}/themes"
    )
    assert "error=themes_merge_invalid" in answer.headers["location"]
    forged = demo_client.post(f"{origin}/unapprove", data={"_csrf_token": "0" * 64}, follow_redirects=False)
    assert forged.status_code == 403 and "页面已过期" in forged.text
    assert themes.theme_detail(demo, first.id).theme.approved
    assert demo_client.get("/admin/themes/999999").status_code == 404


def test_report_is_published_by_an_administrator_only(demo_client, demo):
    log_in(demo_client, demo, "drafter1")
    origin = f"{BASE}/report?version=1"
    assert "生成通报" in demo_client.get(origin).text
    assert _post(demo_client, f"{BASE}/report/generate", {"version": "1"}, origin).status_code == 303
    page = demo_client.get(origin)
    assert "共收到" in page.text and "通报由管理员发布。" in page.text
    body = "一、总体情况\n办公室改写的正文<b>。"
    assert (
        _post(demo_client, f"{BASE}/report/save", {"version": "1", "body": body}, origin).status_code == 303
    )
    answer = _post(demo_client, f"{BASE}/report/publish", {"version": "1"}, origin)
    assert "error=admin_required" in answer.headers["location"]
    assert demo_client.get(f"/c/{SLUG}/feedback?round=1").status_code == 404
    log_in(demo_client, demo, "admin1", "admin")
    answer = _post(demo_client, f"{BASE}/report/publish", {"version": "1"}, origin)
    assert "done=published" in answer.headers["location"]
    public = demo_client.get(f"/c/{SLUG}/feedback?round=1")
    assert public.status_code == 200
    assert (
        "《黑龙江省促进数字经济条例（征求意见稿）》征求意见情况通报" in public.text
        or "征求意见情况通报" in public.text
    )
    assert "<h2>一、总体情况</h2>" in public.text and "办公室改写的正文&lt;b&gt;。" in public.text
    word = demo_client.get(f"/c/{SLUG}/feedback.docx?round=1")
    assert word.status_code == 200
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert "办公室改写的正文<b>。" in paragraphs


@pytest.mark.parametrize(
    "path", ["/c/no-such/feedback", f"/c/{SLUG}/feedback?round=7", f"/c/{SLUG}/feedback.docx"]
)
def test_unpublished_or_missing_reports_are_not_found(demo_client, path):
    answer = demo_client.get(path)
    assert answer.status_code == 404 and "尚未发布" in answer.text
