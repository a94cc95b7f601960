"""Settings read from the environment, with defaults that make ``draftreview serve`` work from any folder.

- ``DRAFTREVIEW_DATA_DIR``: where the SQLite file and the generated secret live
  (default ``$XDG_DATA_HOME/draftreview`` or ``~/.local/share/draftreview``).
- ``DATABASE_URL``: any SQLAlchemy URL (``postgresql+psycopg://…``); default a SQLite file in the data dir.
- ``SECRET_KEY``: keys CSRF tokens and the client hash; generated once and kept in the data dir when unset.
- ``DRAFTREVIEW_COMMENT_LIMIT``: accepted comments per client per ``DRAFTREVIEW_COMMENT_WINDOW`` seconds
  (default 60 per 3600 s: a 基层立法联系点 typing in its residents' comments behind one address can live
  with it, while identical-text and campaign detection deal with floods; 0 turns the limit off).
- ``DRAFTREVIEW_TRUSTED_CLIENTS``: addresses or networks (comma-separated, e.g. ``10.1.2.3,192.168.8.0/24``)
  the office trusts, such as its contact points: no per-client comment limit for them (duplicates are still
  recognised).
- ``DRAFTREVIEW_DUPLICATE_WINDOW``: seconds within which an identical submission counts as the same one (600).
- ``DRAFTREVIEW_FORWARDED_ALLOW_IPS``: the reverse proxies (comma-separated addresses) whose
  ``X-Forwarded-For`` is believed; none by default (``serve --forwarded-allow-ips`` overrides it).
- ``REDIS_URL``: when set, the login, erasure and receipt throttles count in Redis instead of the database.
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
    comment_limit: int = 60
    comment_window: int = 3600
    duplicate_window: int = 600
    trusted_clients: tuple[str, ...] = ()
    forwarded_allow_ips: tuple[str, ...] = ()
    redis_url: str = ""
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


def _list(value: str) -> tuple[str, ...]:
    """The non-empty items of a comma-separated setting."""
    return tuple(item.strip() for item in value.split(",") if item.strip())


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
        comment_limit=int(env.get("DRAFTREVIEW_COMMENT_LIMIT", "60")),
        comment_window=int(env.get("DRAFTREVIEW_COMMENT_WINDOW", "3600")),
        duplicate_window=int(env.get("DRAFTREVIEW_DUPLICATE_WINDOW", "600")),
        trusted_clients=_list(env.get("DRAFTREVIEW_TRUSTED_CLIENTS", "")),
        forwarded_allow_ips=_list(env.get("DRAFTREVIEW_FORWARDED_ALLOW_IPS", "")),
        redis_url=env.get("REDIS_URL", ""),
        jobs_in_process={"1": True, "0": False}.get(env.get("DRAFTREVIEW_JOBS_IN_PROCESS", "")),
    )
