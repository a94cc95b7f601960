"""Schemathesis against the served OpenAPI schema: no operation of the JSON API (/api/v1, the drafters' part
logged in) answers 5xx, and every answer's status, content type, headers and body are the ones the schema
declares. It runs in-process on the ASGI app over the demo data, on SQLite and on PostgreSQL.

Bounded for CI: at most 50 examples per operation and phase, derandomized (the same cases every run)."""

from __future__ import annotations

import dataclasses

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.routes.admin_common import SESSION_COOKIE
from app.web import create_app
from tests.app.helpers import comments, log_in
from tests.conftest import SLUG
from versions.vocabulary import DISPOSITIONS, SOURCES

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _real_values(db) -> dict[str, list]:
    """Values that name something in the demo, by parameter or property name: random slugs, ids and
    receipts only ever reach the 404 branch, so generation mixes these in to reach the others."""
    stored = comments(db)
    return {
        "slug": [SLUG],
        "version": [1, 2],
        "old": [1],
        "new": [2],
        "page_no": [2],
        "comment_id": [c.id for c in stored[:3]],
        "ids": [[c.id for c in stored[:2]]],
        "cluster": sorted({c.cluster_id for c in stored if c.cluster_id})[:2],
        "cluster_id": sorted({c.cluster_id for c in stored if c.cluster_id})[:2],
        "receipt": [c.receipt for c in stored[:2]],
        "target": ["draft", "art-13", "art-13-p2"],
        "article": ["art-13"],
        "content": ["建议写明责任部门。"],
        "value": sorted(DISPOSITIONS),
        "source": sorted(SOURCES),
        "received_on": ["2024-05-06"],
    }


# Integers the databases cannot compare with (SQLite stops at 2**63, PostgreSQL INTEGER at 2**31) and
# numbers below 1: Hypothesis rarely draws them on its own.
ODD_INTEGERS = [0, -1, 2**31, 2**63, 10**30]


def _mixed(values, real: dict[str, list]):
    """A strategy keeping each generated value, or swapping in one of ``real`` for its name, or for an
    integer one of ODD_INTEGERS."""
    if not isinstance(values, dict):
        return st.just(values)

    def choices(name, value) -> list:
        odd = ODD_INTEGERS if isinstance(value, int) and not isinstance(value, bool) else []
        return [*real.get(name, []), value, *odd]

    return st.fixed_dictionaries(
        {name: st.sampled_from(choices(name, value)) for name, value in values.items()}
    )


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request) -> None:
    """schemathesis 4.32's lazy loader reads and renames ``node._nodeid``, which pytest 9.2 dropped."""
    request.node._nodeid = request.node.nodeid


@pytest.fixture
def session(settings, demo) -> dict:
    """The app on the demo data with a comment limit the fuzzer's POSTs never reach (test_api.py checks
    the 429), a drafter's session cookie, and the demo's real values."""
    app = create_app(dataclasses.replace(settings, comment_limit=1_000_000), demo)
    login = TestClient(app)  # no lifespan: logging in needs no comment writer
    log_in(login, demo)
    return {"app": app, "cookie": login.cookies[SESSION_COOKIE], "real": _real_values(demo)}


@pytest.fixture
def api_schema(session):
    """The app's schema, loaded from /api/schema/openapi.json, with generation steered to real values."""
    schema = schemathesis.openapi.from_asgi("/api/schema/openapi.json", session["app"])
    real = session["real"]

    def flatmap_path_parameters(context, path_parameters):
        # {number} is a receipt number under /receipts, a version number elsewhere
        numbers = real["receipt"] if "/receipts/" in context.operation.path else real["version"]
        return _mixed(path_parameters, {**real, "number": numbers})

    def flatmap_query(context, query):
        return _mixed(query, real)

    def flatmap_body(context, body):
        return _mixed(body, real)

    for hook in (flatmap_path_parameters, flatmap_query, flatmap_body):
        schema.hook(hook)
    return schema


schema = schemathesis.pytest.from_fixture("api_schema").include(path_regex="^/api/v1/")


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
def test_api_answers_as_documented(case, session):
    case.call_and_validate(checks=CHECKS, cookies={SESSION_COOKIE: session["cookie"]})
