"""Settings read from the environment, with defaults that make ``draftreview serve`` work from any folder.

- ``DRAFTREVIEW_DATA_DIR``: where the SQLite file and the generated secret live
  (default ``$XDG_DATA_HOME/draftreview`` or ``~/.local/share/draftreview``).
- ``DATABASE_URL``: any SQLAlchemy URL (``postgresql+psycopg://…``); default a SQLite file in the data dir.
- ``SECRET_KEY``: keys CSRF tokens and the client hash; generated once and kept in the data dir when unset.
- ``DRAFTREVIEW_COMMENT_LIMIT``: accepted comments per client per ``DRAFTREVIEW_COMMENT_WINDOW`` seconds
  (default 20 per 600 s; 0 turns the limit off, which only the ingest benchmark does).
- ``DRAFTREVIEW_DUPLICATE_WINDOW``: seconds within which an identical submission counts as the same one (600).
- ``DRAFTREVIEW_JOBS_IN_PROCESS``: ``1`` runs background jobs inside the app process, ``0`` leaves them to
  ``draftreview worker``; default 1 on SQLite, 0 on PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Everything the app and the CLI need to know about their environment."""

    data_dir: Path
    database_url: str
    secret_key: bytes
    comment_limit: int = 20
    comment_window: int = 600
    duplicate_window: int = 600
    jobs_in_process: bool | None = None  # None: on SQLite only

    @property
    def runs_jobs(self) -> bool:
        """True when the app process itself runs background jobs."""
        if self.jobs_in_process is not None:
            return self.jobs_in_process
        return self.database_url.startswith("sqlite")


def default_data_dir(env: Mapping[str, str]) -> Path:
    """The per-user data folder: XDG_DATA_HOME/draftreview, else ~/.local/share/draftreview."""
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "draftreview"


def _secret(data_dir: Path, env: Mapping[str, str]) -> bytes:
    """SECRET_KEY from the environment, else the one kept in the data dir (created 0600 on first use)."""
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"].encode()
    path = data_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default ``os.environ``); creates the data dir when missing."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("DRAFTREVIEW_DATA_DIR") or default_data_dir(env)).expanduser()
    data_dir.mkdir(parents=True, exist_ok=True)
    url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'draftreview.sqlite3'}"
    return Settings(
        data_dir=data_dir,
        database_url=url,
        secret_key=_secret(data_dir, env),
        comment_limit=int(env.get("DRAFTREVIEW_COMMENT_LIMIT", "20")),
        comment_window=int(env.get("DRAFTREVIEW_COMMENT_WINDOW", "600")),
        duplicate_window=int(env.get("DRAFTREVIEW_DUPLICATE_WINDOW", "600")),
        jobs_in_process={"1": True, "0": False}.get(env.get("DRAFTREVIEW_JOBS_IN_PROCESS", "")),
    )
