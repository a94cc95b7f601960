"""Security headers on every response (every registered GET route, public and drafters', htmx partials,
API, static files, error pages), no inline script or style in any page the app renders, and the strict
CSP holding in a real browser (no violation reported while a reader and a drafter use the site)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from app import models
from tests.app.helpers import PASSWORD, log_in
from tests.app.live import CHROMIUM, ROOT, chromium_browser, server_with_user

SLUG = "hlj-digital-economy"
HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()",
}
# Query strings some routes need to answer 200; statuses other than 200.
QUERIES = {
    f"/admin/c/{SLUG}/export/summary": "version=1",
    f"/api/v1/admin/consultations/{SLUG}/compare": "old=1&new=2",
}
# /admin/login sends a logged-in drafter on; the schema has no HTML viewer (see app/web.py).
STATUSES = {
    "/lang/en": 303,
    "/admin/login": 303,
    "/api/schema/swagger": 404,
    # The demo has no published feedback report and no attachment: their routes answer 404, headers and all.
    f"/c/{SLUG}/feedback": 404,
    f"/c/{SLUG}/feedback.docx": 404,
    "/admin/attachments/1": 404,
    f"/admin/c/{SLUG}/working/art-13": 409,  # no working draft of the next round yet
    f"/admin/c/{SLUG}/working-export": 409,
    "/admin/themes/1": 404,  # no theme analysis run yet
    f"/admin/c/{SLUG}/report.docx": 404,
    "/admin/jobs/1/download": 404,
}


URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "hx-get",
    "hx-post",
    "hx-put",
    "hx-patch",
    "hx-delete",
}


class InlineCode(HTMLParser):
    """Collects what a strict CSP would refuse or htmx would run: inline <script>, <style>, on* and hx-on
    handlers, style attributes, javascript: URLs and js: values."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            compact = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith(("on", "hx-on", "data-hx-on")):
                self.found.append(f"<{tag} {name}=>")
            elif name == "style":
                self.found.append(f"<{tag} style=>")
            elif name in URL_ATTRIBUTES and compact.startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")
            elif name.startswith("hx-") and compact.startswith(("js:", "javascript:")):
                self.found.append(f"<{tag} {name}=js:>")


def inline_code(html: str) -> list[str]:
    """What in ``html`` a strict CSP would refuse (empty when nothing)."""
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ('<script src="/static/htmx.min.js" defer></script><p class="x">ok</p>', []),
        ("<script>alert(1)</script>", ["inline <script>"]),
        ("<style>p{}</style>", ["<style> element"]),
        ('<img src="x" onerror="alert(1)">', ["<img onerror=>"]),
        ('<rect style="fill:red"></rect>', ["<rect style=>"]),
        ('<a href=" JaVa\tScRiPt:alert(1)">x</a>', ["<a href=javascript:>"]),
        ('<input value="javascript:alert(1)">', []),  # a value is not run
        (
            '<div hx-on:click="alert(1)" hx-vals="js:{a: alert(1)}"></div>',
            ["<div hx-on:click=>", "<div hx-vals=js:>"],
        ),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt; onclick=x style=y javascript:z</p>", []),
    ],
)
def test_the_inline_code_scanner_finds_what_csp_refuses(html, found):
    assert inline_code(html) == found


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html"))
)
def test_no_template_source_holds_inline_code(template):
    """Also the templates the route walk below does not render (preview, receipt after submitting, …)."""
    assert inline_code((ROOT / template).read_text(encoding="utf-8")) == []


def security_headers(response) -> dict[str, str | None]:
    """The response's values of the headers every response must carry."""
    return {name: response.headers.get(name) for name in HEADERS}


def get_routes(app, samples: dict[str, str]) -> list[str]:
    """Every registered GET route, with its path parameters filled from ``samples`` (KeyError for a new
    parameter: add a sample so that the new route is walked too; ``number`` is the receipt on receipt
    routes, else a version) and the query it needs."""
    paths = []
    for route in app.routes:
        if "GET" not in route.methods:
            continue
        receipt = "/receipt" in route.path
        path = re.sub(
            r"\{(\w+):\w+\}",
            lambda m, receipt=receipt: samples[
                "receipt" if m.group(1) == "number" and receipt else m.group(1)
            ],
            route.path,
        )
        paths.append(path + (f"?{QUERIES[path]}" if path in QUERIES else ""))
    return paths


@pytest.fixture
def drafter(demo_client, demo):
    log_in(demo_client, demo, role="admin")  # every page, the administrators' ones included
    return demo_client


def demo_samples(db) -> dict[str, str]:
    """Path parameter values from the demo: a real receipt and comment id, version 1, kind summary."""
    with db.reading() as session:
        comment = session.execute(
            select(models.Comment.id, models.Comment.receipt).order_by(models.Comment.id).limit(1)
        ).one()
    return {
        "slug": SLUG,
        "number": "1",
        "receipt": comment.receipt,
        "comment_id": str(comment.id),
        "kind": "summary",
        "theme_id": "1",
        "job_id": "1",
        "name": "drafter1",
        "action": "end-sessions",
        "code": "en",
        "file_path": "site.css",
        "path": "swagger",
        "node": "art-13",
        "attachment_id": "1",
    }


def test_every_get_route_answers_with_the_security_headers(drafter, demo):
    routes = get_routes(drafter.app, demo_samples(demo))
    assert len(routes) >= 25
    for path in routes:
        answer = drafter.get(path, follow_redirects=False)
        assert (path, answer.status_code) == (path, STATUSES.get(path, 200))
        assert (path, security_headers(answer)) == (path, HEADERS)
        private = path.startswith(("/admin", "/api/v1/admin"))
        assert (path, answer.headers.get("cache-control") == "no-store") == (path, private)
        assert "strict-transport-security" not in answer.headers  # plain http here
        if answer.headers.get("content-type", "").startswith("text/html"):
            assert (path, inline_code(answer.text)) == (path, [])


FORM = b"target=art-13&content=%E6%84%8F%E8%A7%81&name=x&password=y"  # no CSRF token


@pytest.mark.parametrize(
    ("method", "path", "extra", "status", "kind"),
    [
        ("GET", "/admin/login", {}, 200, "text/html"),
        ("GET", "/no-such-page", {}, 404, "text/html"),
        ("DELETE", "/", {}, 405, "text/html"),
        ("GET", "/c/no-such-consultation", {}, 404, "text/html"),
        ("GET", "/receipt/YJ-20260101-AAAAAAAA", {}, 404, "text/html"),
        ("GET", f"/c/{SLUG}/comment?target=art-999", {"HX-Request": "true"}, 404, "text/html"),
        ("GET", f"/c/{SLUG}/comment?target=art-13", {"HX-Request": "true"}, 200, "text/html"),
        (
            "POST",
            f"/c/{SLUG}/comment",
            {"Content-Type": "application/x-www-form-urlencoded"},
            403,
            "text/html",
        ),
        ("POST", "/admin/login", {"Content-Type": "application/x-www-form-urlencoded"}, 403, "text/html"),
        ("GET", "/static/htmx.min.js", {}, 200, "text/javascript"),
        ("GET", "/static/no-such-file.css", {}, 404, "text/html"),
        ("GET", "/api/v1/consultations", {}, 200, "application/json"),
        ("GET", "/api/v1/receipts/nothing", {}, 404, "application/json"),
        (
            "POST",
            f"/api/v1/consultations/{SLUG}/comments",
            {"Content-Type": "text/plain"},
            415,
            "application/json",
        ),
        ("GET", "/api/v1/admin/consultations", {}, 404, "application/json"),
        ("GET", f"/api/v1/admin/consultations/{SLUG}/overview", {}, 401, "application/json"),
        ("GET", "/admin", {}, 303, "text/plain"),
    ],
)
def test_error_pages_partials_static_files_and_api_errors_carry_the_headers(
    demo_client, method, path, extra, status, kind
):
    answer = demo_client.request(
        method, path, headers=extra, content=FORM if method == "POST" else None, follow_redirects=False
    )
    assert (answer.status_code, answer.headers["content-type"].split(";")[0]) == (status, kind)
    assert security_headers(answer) == HEADERS
    if kind == "text/html":
        assert inline_code(answer.text) == []


def test_drafter_partials_and_refusals_carry_the_headers(drafter):
    listing = drafter.get(
        f"/admin/c/{SLUG}/comments?version=1&article=art-13", headers={"HX-Request": "true"}
    )
    refused = drafter.post("/admin/logout", data={"_csrf_token": "forged"})
    unknown = drafter.get("/admin/comments/999999")
    for answer, status in ((listing, 200), (refused, 403), (unknown, 404)):
        assert (answer.status_code, security_headers(answer)) == (status, HEADERS)
        assert answer.headers["cache-control"] == "no-store"
        assert inline_code(answer.text) == []
    assert "<html" not in listing.text  # the partial alone


def test_https_adds_strict_transport_security_and_secure_cookies(settings, demo):
    from app.web import create_app

    with TestClient(create_app(settings, demo), base_url="https://consult.example.gov.cn") as client:
        answer = client.get("/")
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
    assert security_headers(answer) == HEADERS
    assert re.fullmatch(
        r"draftreview_csrf=[\w-]{32}; HttpOnly; Path=/; SameSite=lax; Secure", answer.headers["set-cookie"]
    )


def test_the_schema_is_served_as_json_and_yaml_only(demo_client):
    assert demo_client.get("/api/schema/openapi.json").json()["info"]["title"] == "draftreview public API"
    assert "\n  title: draftreview public API\n" in demo_client.get("/api/schema/openapi.yaml").text
    for viewer in ("swagger", "redoc", "rapidoc", "elements"):  # they load scripts from CDNs
        assert demo_client.get(f"/api/schema/{viewer}").status_code == 404


VIOLATIONS = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));"""


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_no_csp_violation_while_reading_commenting_and_reviewing(tmp_path):
    with server_with_user(tmp_path, "drafter1", PASSWORD) as base, chromium_browser() as browser:
        page = browser.new_page()
        page.add_init_script(VIOLATIONS)
        seen: list[str] = []
        page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)

        def visit(path: str) -> None:
            page.goto(base + path)
            seen.extend(page.evaluate("window.__violations"))

        for path in ("/", f"/c/{SLUG}", f"/c/{SLUG}?version=1", "/receipt", "/no-such-page"):
            visit(path)
        visit(f"/c/{SLUG}")
        page.locator("#art-13").get_by_role("link", name=re.compile(r"^对本条提意见\s*（第十三条）")).click()
        page.locator("#box-art-13 form textarea[name=content]").wait_for()  # htmx swapped the form in
        seen.extend(page.evaluate("window.__violations"))
        visit("/admin/login")
        page.get_by_label("用户名").fill("drafter1")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/admin")
        for path in (
            "/admin",
            f"/admin/c/{SLUG}?version=1",
            f"/admin/c/{SLUG}/comments?version=1",
            "/admin/comments/1",
            f"/admin/c/{SLUG}/offline",
            f"/admin/c/{SLUG}/versions/new",
            f"/admin/c/{SLUG}/compare?old=1&new=2",
        ):
            visit(path)
        visit(f"/admin/c/{SLUG}/comments?version=1")
        page.get_by_label("条文").select_option("art-13")
        page.locator("#listing .totals", has_text="共 4 条意见").wait_for()
        seen.extend(page.evaluate("window.__violations"))
        assert seen == []
        # Both detectors work: an inline style set from script is refused and reported.
        with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
            page.evaluate("document.body.setAttribute('style', 'color: red')")
        page.wait_for_function("window.__violations.length > 0")
        assert page.evaluate("window.__violations") == ["style-src-attr inline"]
        assert len(seen) == 1 and "Applying inline style violates" in seen[0]
        page.close()
