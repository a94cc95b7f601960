"""Importing a new version from the browser in two steps: the upload is checked (type, size; the parser
refuses hostile .docx files such as zip bombs), parsed and kept aside under a random token while the
drafter reads the parser's warnings; confirming imports it as the next version."""

from __future__ import annotations

import re
import secrets
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


def stage(data_dir: Path, filename: str, data: bytes) -> Pending:
    """Checks and parses an upload and keeps it for ``confirm``. UploadRefused upload_missing,
    upload_type_invalid, upload_too_large, parse_failed (with the parser's message)."""
    name = Path(filename or "").name
    if not data:
        raise UploadRefused("upload_missing")
    if not name.lower().endswith(SUFFIXES):
        raise UploadRefused("upload_type_invalid")
    if len(data) > MAX_UPLOAD:
        raise UploadRefused("upload_too_large")
    draft = _parse(data, name)
    token = secrets.token_urlsafe(24)
    suffix = Path(name).suffix.lower()
    (_folder(data_dir) / f"{token}{suffix}").write_bytes(data)
    return Pending(token, name, draft)


def _stored(data_dir: Path, token: str) -> Path:
    if not TOKEN.match(token or ""):
        raise UploadRefused("upload_expired")
    for suffix in SUFFIXES:
        path = _folder(data_dir) / f"{token}{suffix}"
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
) -> ImportResult:
    """Imports the upload ``token`` as the next version of ``slug``, unpublished, and discards the kept
    file."""
    path = _stored(data_dir, token)
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
    return result
