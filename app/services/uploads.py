"""Importing a new version from the browser in two steps: the upload is checked (type, size; the parser
refuses hostile .docx files such as zip bombs), parsed and kept aside under a random token while the
drafter reads the parser's warnings; confirming imports it as the next version.

A staged upload is bound to the consultation it was uploaded for and to the drafter who uploaded it (kept
in a small JSON file beside it): confirming it for another consultation or by another account is refused
as expired. Staged files older than ``LIFETIME`` are deleted whenever anyone stages or confirms one."""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.db import Database
from app.services.errors import ServiceError
from app.services.importing import ImportResult, import_draft
from versions import Draft, ParseError, parse_bytes

MAX_UPLOAD = 5 * 1024 * 1024
SUFFIXES = (".txt", ".md", ".docx")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
LIFETIME = 3600  # seconds a staged upload waits for its confirmation


class UploadRefused(ServiceError):
    """A refused upload; ``detail`` is the parser's own message when it has one."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.detail = detail


@dataclass(frozen=True)
class Pending:
    """A parsed upload waiting for confirmation."""

    token: str
    filename: str
    draft: Draft


def _folder(data_dir: Path) -> Path:
    folder = data_dir / "uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _parse(data: bytes, filename: str) -> Draft:
    try:
        return parse_bytes(data, filename)
    except ParseError as error:
        raise UploadRefused("parse_failed", error.message) from None


def stage(
    data_dir: Path, filename: str, data: bytes, *, slug: str = "", user_id: int | None = None
) -> Pending:
    """Checks and parses an upload and keeps it for ``confirm`` by ``user_id`` into ``slug``. UploadRefused
    upload_missing, upload_type_invalid, upload_too_large, parse_failed (with the parser's message)."""
    name = Path(filename or "").name
    if not data:
        raise UploadRefused("upload_missing")
    if not name.lower().endswith(SUFFIXES):
        raise UploadRefused("upload_type_invalid")
    if len(data) > MAX_UPLOAD:
        raise UploadRefused("upload_too_large")
    draft = _parse(data, name)
    folder = _folder(data_dir)
    sweep(folder)
    token = secrets.token_urlsafe(24)
    suffix = Path(name).suffix.lower()
    (folder / f"{token}{suffix}").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"slug": slug, "user_id": user_id}))
    return Pending(token, name, draft)


def sweep(folder: Path, now: float | None = None) -> int:
    """Deletes staged files older than LIFETIME; returns how many."""
    cutoff = (now or time.time()) - LIFETIME
    removed = 0
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process swept it first
            continue
    return removed


def _stored(data_dir: Path, token: str, slug: str, user_id: int | None) -> Path:
    """The staged file of ``token`` when it was staged for ``slug`` by ``user_id`` and has not expired."""
    if not TOKEN.match(token or ""):
        raise UploadRefused("upload_expired")
    folder = _folder(data_dir)
    sweep(folder)
    try:
        bound = json.loads((folder / f"{token}.json").read_text())
    except (OSError, ValueError):
        raise UploadRefused("upload_expired") from None
    if bound != {"slug": slug, "user_id": user_id}:
        raise UploadRefused("upload_expired")
    for suffix in SUFFIXES:
        path = folder / f"{token}{suffix}"
        if path.exists():
            return path
    raise UploadRefused("upload_expired")


def confirm(
    db: Database,
    data_dir: Path,
    token: str,
    slug: str,
    *,
    stage_name: str,
    opens: date,
    closes: date,
    filename: str = "",
    now: datetime | None = None,
    user_id: int | None = None,
) -> ImportResult:
    """Imports the upload ``token`` (staged for ``slug`` by ``user_id``) as the next version of ``slug``,
    unpublished, and discards the kept file. UploadRefused upload_expired for a token staged elsewhere, by
    someone else, or too long ago."""
    path = _stored(data_dir, token, slug, user_id)
    draft = _parse(path.read_bytes(), path.name)
    result = import_draft(
        db,
        draft,
        slug=slug,
        stage=stage_name,
        opens=opens,
        closes=closes,
        source_name=Path(filename).name or path.name,
        now=now,
        published=False,  # a round being prepared: an administrator publishes it with its period
    )
    path.unlink(missing_ok=True)
    path.with_suffix(".json").unlink(missing_ok=True)
    return result
