"""Alembic environment: runs on the connection app.migrate passes in, or on DATABASE_URL / settings."""

from __future__ import annotations

from alembic import context

from app.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Upgrades on the given connection (the app's own) or on one opened from the settings."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    from app.db import make_engine
    from app.settings import load_settings

    engine = make_engine(load_settings().database_url, writer=True)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported: run against a database")
run_migrations_online()
