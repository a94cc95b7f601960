"""Database and app fixtures: every database test runs on a fresh SQLite file and, when
TEST_DATABASE_URL is set, again on PostgreSQL in a schema of its own (dropped afterwards)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from app.db import own_schema

# CI runs the property tests on a fixed set of examples so that a submission's verdict is reproducible;
# everywhere else they explore new examples on every run.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
SAMPLE = Path(__file__).resolve().parent.parent / "app" / "data" / "sample-draft.txt"
SLUG = "hlj-digital-economy"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty database: a SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    with own_schema(os.environ["TEST_DATABASE_URL"], "t") as url:
        yield url


@pytest.fixture
def settings(tmp_path, database_url):
    """Settings for one test: its own data dir and database, a fixed secret, a limit of 5 comments."""
    from app.settings import Settings

    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key=b"test-secret",
        comment_limit=5,
        comment_window=600,
        duplicate_window=600,
    )


@pytest.fixture
def db(settings):
    """The migrated, empty database."""
    from app.services.bootstrap import migrate

    database = migrate(settings)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def sample_draft():
    """The shipped sample draft, parsed once per session."""
    from versions import parse_file

    return parse_file(SAMPLE)


@pytest.fixture
def seeded(db, sample_draft):
    """The database holding the sample draft as consultation ``hlj-digital-economy``, open for 30 days."""
    from app.db import utcnow
    from app.services.importing import import_draft
    from app.timeutil import today

    start = today(utcnow())
    import_draft(
        db,
        sample_draft,
        slug=SLUG,
        stage="征求意见稿",
        opens=start - timedelta(days=1),
        closes=start + timedelta(days=29),
    )
    return db


@pytest.fixture
def client(settings, seeded):
    """A Litestar test client on the seeded database (the comment writer running)."""
    from litestar.testing import TestClient

    from app.web import create_app

    with TestClient(create_app(settings, seeded)) as test_client:
        yield test_client


@pytest.fixture
def demo(db):
    """The database holding the whole demo: the sample draft (the open round, demo comments) and its 修改稿
    (the next round, published, not yet open)."""
    from app.services.demo import seed_demo

    assert seed_demo(db)
    return db


@pytest.fixture
def demo_client(settings, demo):
    """A Litestar test client on the demo database, not logged in."""
    from litestar.testing import TestClient

    from app.web import create_app

    with TestClient(create_app(settings, demo)) as test_client:
        yield test_client
