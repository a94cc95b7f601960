"""Files sent with a comment (issue 17): checked by their content, refused clearly when hostile, their text
extracted for search and theme analysis, and stored outside the database under their SHA-256.

Limits: ``MAX_FILES`` per comment, ``MAX_FILE`` bytes each, ``MAX_TOTAL`` bytes per comment. The kind is
read from the bytes (``sniff``): %PDF, a zip holding ``word/document.xml``, JPEG and PNG signatures, or text
that decodes as UTF-8 / GB18030 without control characters. The name's suffix must be one of the allowed
ones and agree with the content (a .pdf that is really a zip is refused, not guessed at).

Hostile files. Uploads are read in chunks against a byte budget, so an oversized file is refused without
holding more than the budget. A .docx is a zip whose directory may lie: every member is decompressed as
a stream against ``MAX_UNPACKED`` actual bytes (never trusting the declared sizes) and zipfile's CRC check
refuses a member whose data disagrees with its directory entry; only then does python-docx read it. A PDF
is read by pypdf with its per-stream limits lowered to ``MAX_STREAM`` (``LimitReachedError``); on top
of that, the decoded page contents together count against ``MAX_UNPACKED``, and pages beyond
``MAX_PAGES`` and text beyond ``MAX_TEXT`` characters are refused, not truncated.
Images are stored only (never decoded here).

Storage: ``<data dir>/attachments/ab/abcdef…`` (the SHA-256 of the bytes), written to a temporary file and
renamed, so two processes storing the same file at once both end with the same complete file. The
database row (models.Attachment) holds the metadata; files are never served to the public.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.services.errors import ServiceError

MAX_FILES = 5
MAX_FILE = 10 * 1024 * 1024
MAX_TOTAL = 20 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024  # actual bytes a .docx may inflate to, all members together
MAX_STREAM = 32 * 1024 * 1024  # one decoded PDF stream
MAX_MEMBERS = 1000
MAX_PAGES = 1000
MAX_TEXT = 1_000_000  # characters of extracted text per file
CHUNK = 64 * 1024
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".jpg": "jpg", ".jpeg": "jpg", ".png": "png"}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
    "jpg": "image/jpeg",
    "png": "image/png",
}
HASH = re.compile(r"^[0-9a-f]{64}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class AttachmentRefused(ServiceError):
    """A refused attachment; ``filename`` names the file (empty for refusals of the whole set)."""

    def __init__(self, code: str, filename: str = "") -> None:
        super().__init__(code, {"attachments": code})
        self.filename = filename


@dataclass(frozen=True)
class Checked:
    """An accepted file: its name as sent, its kind read from the content, size, SHA-256 and text."""

    filename: str
    kind: str
    size: int
    sha256: str
    text: str
    data: bytes


def clean_name(filename: str) -> str:
    """The file's own name (no folders), control characters removed, at most 200 characters."""
    name = Path((filename or "").replace("\\", "/")).name
    name = _CONTROL.sub("", name).strip()
    return name[-200:] if len(name) > 200 else name


def read_budgeted(stream, budget: int, filename: str = "") -> bytes:
    """Reads a file-like object in chunks; AttachmentRefused attachment_too_large as soon as it passes
    ``budget`` bytes (so an oversized upload is never held whole)."""
    parts, total = [], 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > budget:
            raise AttachmentRefused("attachment_too_large", filename)
        parts.append(chunk)


def sniff(data: bytes) -> str | None:
    """The kind the bytes are (pdf, docx, jpg, png, txt), or None when none of them."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        return "docx" if "word/document.xml" in names else None
    return "txt" if _decode_text(data) is not None else None


def _decode_text(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        if len(_CONTROL.findall(sample)) <= max(8, len(sample) // 100):
            return text
        return None
    return None


def _checked_zip(data: bytes, filename: str) -> None:
    """Decompresses every member as a stream against MAX_UNPACKED actual bytes; refuses bombs and
    directories that lie about sizes or contents (zipfile checks each member's CRC at its end)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        # An honest directory that announces too much is refused at once; a lying one is caught below.
        if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
            raise AttachmentRefused("attachment_bomb", filename)
        budget = MAX_UNPACKED
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        raise AttachmentRefused("attachment_bomb", filename)
    except AttachmentRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise AttachmentRefused("attachment_damaged", filename) from None


def _docx_text(data: bytes, filename: str) -> str:
    _checked_zip(data, filename)
    from versions.decode import docx_text  # python-docx, with numbering and tables rendered
    from versions.errors import ParseError

    try:
        return docx_text(data)
    except ParseError:
        raise AttachmentRefused("attachment_damaged", filename) from None


def _pdf_text(data: bytes, filename: str) -> str:
    from pypdf import apply_configuration
    from pypdf.errors import LimitReachedError, PyPdfError

    # pypdf's own per-stream limits lowered from 75 MB to MAX_STREAM (a context variable: this thread only).
    limits = {
        name: MAX_STREAM
        for name in (
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "jbig2_maximum_output_length",
            "array_based_stream_maximum_output_length",
        )
    }
    try:
        with apply_configuration(**limits):
            return _pdf_pages_text(data, filename)
    except AttachmentRefused:
        raise
    except LimitReachedError:
        raise AttachmentRefused("attachment_bomb", filename) from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError):
        raise AttachmentRefused("attachment_damaged", filename) from None


def _pdf_pages_text(data: bytes, filename: str) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise AttachmentRefused("attachment_encrypted", filename)
    if len(reader.pages) > MAX_PAGES:
        raise AttachmentRefused("attachment_bomb", filename)
    parts, total, unpacked = [], 0, 0
    for page in reader.pages:
        # Decoded here first: extract_text swallows pypdf's LimitReachedError and returns "". The
        # decoded content of all pages together counts against the same budget as a .docx.
        contents = page.get_contents()
        unpacked += len(contents.get_data()) if contents is not None else 0
        if unpacked > MAX_UNPACKED:
            raise AttachmentRefused("attachment_bomb", filename)
        text = page.extract_text() or ""
        total += len(text)
        if total > MAX_TEXT:
            raise AttachmentRefused("attachment_bomb", filename)
        parts.append(text.strip())
    return "\n\n".join(p for p in parts if p)


def extract(kind: str, data: bytes, filename: str = "") -> str:
    """The text of a file of ``kind`` ("" for images); AttachmentRefused attachment_damaged,
    attachment_bomb, attachment_encrypted."""
    if kind == "txt":
        text = _decode_text(data) or ""
    elif kind == "docx":
        text = _docx_text(data, filename)
    elif kind == "pdf":
        text = _pdf_text(data, filename)
    else:
        return ""
    text = text.replace("\r\n", "\n").replace("\x00", "")
    if len(text) > MAX_TEXT:
        raise AttachmentRefused("attachment_bomb", filename)
    return text


def check(filename: str, data: bytes) -> Checked:
    """One file as sent: AttachmentRefused attachment_empty, attachment_too_large, attachment_type_invalid
    (a suffix not allowed, or content of no allowed kind), attachment_type_mismatch (content of another
    kind than its suffix says), or the refusals of ``extract``."""
    name = clean_name(filename) or "附件"
    if not data:
        raise AttachmentRefused("attachment_empty", name)
    if len(data) > MAX_FILE:
        raise AttachmentRefused("attachment_too_large", name)
    claimed = SUFFIXES.get(Path(name).suffix.lower())
    if claimed is None:
        raise AttachmentRefused("attachment_type_invalid", name)
    kind = sniff(data)
    if kind is None:
        raise AttachmentRefused("attachment_type_invalid", name)
    if kind != claimed:
        raise AttachmentRefused("attachment_type_mismatch", name)
    text = extract(kind, data, name)
    return Checked(name, kind, len(data), hashlib.sha256(data).hexdigest(), text, data)


def read_uploads(parts: list) -> list[tuple[str, bytes]]:
    """(name, bytes) of the files of a form field (objects with ``filename`` and a file-like ``file``, as
    the web layer's upload parts are); an empty file input's blank part is skipped. Each file is read
    against the per-file budget, the whole set against the per-comment one: AttachmentRefused
    attachment_too_many, attachment_too_large, attachment_total_too_large."""
    parts = [p for p in parts if not isinstance(p, str) and (p.filename or "").strip()]
    if len(parts) > MAX_FILES:
        raise AttachmentRefused("attachment_too_many")
    files, total = [], 0
    for part in parts:
        name = clean_name(part.filename)
        part.file.seek(0)
        data = read_budgeted(part.file, MAX_FILE, name)
        total += len(data)
        if total > MAX_TOTAL:
            raise AttachmentRefused("attachment_total_too_large")
        files.append((part.filename, data))
    return files


def receive(data_dir: Path, parts: list) -> tuple[Checked, ...]:
    """The checked and stored files of a form's upload parts (``read_uploads``, ``check_all``, ``store``),
    ready to be recorded with their comment; AttachmentRefused as those say."""
    checked = check_all(read_uploads(parts))
    store(data_dir, checked)
    return tuple(checked)


def check_all(files: list[tuple[str, bytes]]) -> list[Checked]:
    """Every file of one comment, in order; AttachmentRefused attachment_too_many, attachment_total_too_large
    or the first file's refusal."""
    if len(files) > MAX_FILES:
        raise AttachmentRefused("attachment_too_many")
    if sum(len(data) for _, data in files) > MAX_TOTAL:
        raise AttachmentRefused("attachment_total_too_large")
    return [check(name, data) for name, data in files]


def folder(data_dir: Path) -> Path:
    """Where attachment files live (created 0700 on first use)."""
    path = Path(data_dir) / "attachments"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_of(data_dir: Path, sha256: str) -> Path:
    """The file of content hash ``sha256``; ValueError for anything that is not a hash."""
    if not HASH.match(sha256 or ""):
        raise ValueError("not a SHA-256")
    return folder(data_dir) / sha256[:2] / sha256


def store(data_dir: Path, checked: list[Checked]) -> None:
    """Writes each file under its hash (a file already there is the same bytes and is kept)."""
    for item in checked:
        target = path_of(data_dir, item.sha256)
        if target.exists():
            continue
        target.parent.mkdir(mode=0o700, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(item.data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def remove_unreferenced(data_dir: Path, hashes: set[str], still_used: set[str]) -> int:
    """Deletes the files of ``hashes`` that no attachment row uses any more (``still_used``); returns how
    many were deleted."""
    removed = 0
    for sha in hashes - still_used:
        try:
            path_of(data_dir, sha).unlink()
            removed += 1
        except (FileNotFoundError, ValueError):
            pass
    return removed
