"""Erasing a commenter's personal data at their request (个人信息保护法 第四十七条), for the site, the API and
the ``draftreview erase`` command.

What is personal and erased: name, organisation, region and contact (blanked); ``client_hash`` (a keyed
hash of the sender's address: not the address, but it links every submission from one address, so it is
blanked too); ``content_hash`` (a hash over everything typed, personal fields included, so a guessed
contact could be confirmed against it: recomputed without them). What is kept: the comment text, its
target, commenter type, consent flag, source, timestamps, status, disposition with its history and the
near-duplicate cluster: the drafters still weigh the comment, they only no longer know who sent it.
``erased_at`` records that and when an erasure happened, never what was erased. Attachments the office
marks as carrying personal data (the default) are removed, rows and files (issue 17).

Verification: the contact given must be the one stored, compared normalised (``normalise_contact``).
An unknown receipt and a wrong contact get the same refusal (``erasure_not_verified``), so the form
cannot be used to learn which of the two was wrong. A comment without a contact cannot be verified
online; the drafting office then checks the requester's identity itself and erases with ``contact=None``.

Brute force: the receipt page shows the contact masked (138****5678), leaving 4 unknown digits, so beyond
the web layer's per-client throttle each comment counts its failed online attempts and refuses online
attempts for ``LOCK`` after ``MAX_FAILURES`` in a row (kept in the database: a restart does not reset it).
"""

from __future__ import annotations

import hmac
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app import models
from app.db import Database, utcnow
from app.services import attachment_rows
from app.services.comments import RECEIPT, CommentInput, content_hash, normalise_receipt
from app.services.errors import ServiceError

MAX_FAILURES = 5  # failed online attempts on one comment, in a row, before the lock
LOCK = timedelta(hours=24)
ERASED_FIELDS = ("name", "organisation", "region", "contact", "client_hash")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Erasure:
    """The outcome: the receipt, when its personal data was erased, and whether that had already been
    done by an earlier request (erasure is idempotent)."""

    receipt: str
    erased_at: datetime
    already: bool = False


def normalise_contact(text: str) -> str:
    """A contact in comparable form: e-mail addresses lower-cased without spaces; phone numbers as their
    digits alone, a leading +86 / 86 country code dropped from a mobile number. "" for a blank one."""
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", text or ""))
    if "@" in text:
        return text.lower()
    digits = re.sub(r"\D", "", text)
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    return digits


def erase_personal_data(
    db: Database,
    receipt: str,
    contact: str | None,
    *,
    online: bool = True,
    now: datetime | None = None,
    data_dir: Path | None = None,
) -> Erasure:
    """Erases the personal fields of the comment with ``receipt`` (any case or spacing) when ``contact``
    matches the one it was sent with; ``contact=None`` skips that check (the drafting office verified the
    requester another way). ``online`` requests count failures and respect the lock.

    Returns an Erasure (``already`` when it was erased before: nothing is checked or changed then, as
    nothing personal is left to protect). Raises ServiceError erasure_contact_required,
    erasure_not_verified (unknown receipt or wrong contact alike), erasure_no_contact, erasure_locked.
    """
    now = now or utcnow()
    number = normalise_receipt(receipt)
    if contact is not None and not contact.strip():
        raise ServiceError("erasure_contact_required", {"contact": "erasure_contact_required"})
    given = None if contact is None else normalise_contact(contact)
    if not RECEIPT.match(number):
        raise ServiceError("erasure_not_verified")
    refused: ServiceError | None = None
    removed: set[str] = set()
    with db.writing() as session:
        comment = session.scalar(select(models.Comment).where(models.Comment.receipt == number))
        if comment is None:
            raise ServiceError("erasure_not_verified")
        if comment.erased_at is not None:
            return Erasure(comment.receipt, comment.erased_at, already=True)
        if online and comment.erasure_locked_until is not None and comment.erasure_locked_until > now:
            raise ServiceError("erasure_locked")
        if given is not None and not comment.contact:
            raise ServiceError("erasure_no_contact")
        if given is not None and not (
            given and hmac.compare_digest(normalise_contact(comment.contact).encode(), given.encode())
        ):
            if online:
                comment.erasure_failures += 1
                if comment.erasure_failures >= MAX_FAILURES:
                    comment.erasure_failures = 0
                    comment.erasure_locked_until = now + LOCK
                    log.warning(
                        "online erasure of comment %d locked after %d failed attempts",
                        comment.id,
                        MAX_FAILURES,
                    )
            refused = ServiceError("erasure_not_verified")
        else:
            _erase(comment, now)
            removed = attachment_rows.erase_personal(session, comment)
            erased = Erasure(comment.receipt, now)
    # Raised after the commit so that the failure count is kept.
    if refused is not None:
        raise refused
    if removed and data_dir is not None:  # after the commit: a file is gone only once no row names it
        attachment_rows.remove_files(db, data_dir, removed)
    log.info(
        "personal data of comment %d erased at the commenter's request (%s)",
        comment.id,
        "online" if online else "drafting office",
    )
    return erased


def _erase(comment: models.Comment, now: datetime) -> None:
    for name in ERASED_FIELDS:
        setattr(comment, name, "")
    comment.content_hash = content_hash(
        CommentInput(
            comment.target,
            comment.content,
            commenter_type=comment.commenter_type,
            consent=comment.consent,
            proposed_text=comment.proposed_text,
        )
    )
    comment.erased_at = now
    comment.erasure_failures = 0
    comment.erasure_locked_until = None
