"""The Alembic migrations build exactly the schema app.models describes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.models import POSTGRESQL_ONLY_INDEXES, Base


def _described(obj, name, type_, reflected, compare_to) -> bool:
    """Everything but the PostgreSQL-only expression indexes, which app.models names and leaves out."""
    return not (type_ == "index" and name in POSTGRESQL_ONLY_INDEXES)


def test_migrations_match_the_models(db):
    with db.write.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _described})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
