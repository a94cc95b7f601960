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

Brute force: the receipt page shows the contact masked (138****5678), leaving 4 unknown digits. Beyond the
web layer's per-client throttle, each client gets ``GUESSES`` online attempts per comment per ``GUESS_WINDOW``
(counted atomically across processes, app/services/throttle.py), so guessing 10,000 numbers needs thousands
of addresses. There is no lock on the comment itself: strangers who hold a receipt number can no longer
stop its owner from erasing (who types the right contact from an address that has not been guessing).
Failed online attempts are still counted on the comment (``erasure_failures``) and logged, for the office.
After an erasure the SQLite write-ahead log is checkpointed (app/db.py, with ``secure_delete`` on), so the
erased values do not linger in the WAL file.
"""

from __future__ import annotations

import hmac
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from app import models
from app.db import Database, is_sqlite, utcnow
from app.services import attachment_rows
from app.services.comments import RECEIPT, CommentInput, content_hash, normalise_receipt
from app.services.errors import ServiceError
from app.services.throttle import Throttle
from versions.vocabulary import PERSONAL_FIELDS

GUESSES, GUESS_WINDOW = 3, 86400  # online attempts per client per comment per day
MAX_FAILURES = 5  # failed online attempts on one comment after which every further one is logged
ERASED_FIELDS = (*PERSONAL_FIELDS, "client_hash")
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
    throttle: Throttle | None = None,
    guesser: str = "",
    data_dir: Path | None = None,
) -> Erasure:
    """Erases the personal fields of the comment with ``receipt`` (any case or spacing) when ``contact``
    matches the one it was sent with; ``contact=None`` skips that check (the drafting office verified the
    requester another way). ``online`` requests count against ``GUESSES`` per comment for the client
    ``guesser`` (a throttle key: see app/routes/erasure.py).

    Returns an Erasure (``already`` when it was erased before: nothing is checked or changed then, as
    nothing personal is left to protect). Raises ServiceError erasure_contact_required,
    erasure_not_verified (unknown receipt or wrong contact alike), erasure_no_contact, erasure_locked
    (this client used its ``GUESSES`` on this comment; with ``retry_after``).
    """
    now = now or utcnow()
    number = normalise_receipt(receipt)
    if contact is not None and not contact.strip():
        raise ServiceError("erasure_contact_required", {"contact": "erasure_contact_required"})
    given = None if contact is None else normalise_contact(contact)
    if not RECEIPT.match(number):
        raise ServiceError("erasure_not_verified")
    with db.reading() as session:
        found = session.execute(
            select(models.Comment.id, models.Comment.erased_at).where(models.Comment.receipt == number)
        ).first()
    if found is None:
        raise ServiceError("erasure_not_verified")
    if online and found.erased_at is None:
        verdict = (throttle or Throttle(db)).hit(f"{guesser}:{found.id}", GUESSES, GUESS_WINDOW, now)
        if not verdict.allowed:
            raise ServiceError("erasure_locked", retry_after=verdict.retry_after)
    refused: ServiceError | None = None
    removed: set[str] = set()
    with db.writing() as session:
        comment = session.get(models.Comment, found.id, with_for_update=not is_sqlite(db.url))
        if comment.erased_at is not None:
            return Erasure(comment.receipt, comment.erased_at, already=True)
        if given is not None and not comment.contact:
            raise ServiceError("erasure_no_contact")
        if given is not None and not (
            given and hmac.compare_digest(normalise_contact(comment.contact).encode(), given.encode())
        ):
            if online:
                comment.erasure_failures += 1
                if comment.erasure_failures >= MAX_FAILURES:
                    log.warning(
                        "online erasure of comment %d: %d failed attempts",
                        comment.id,
                        comment.erasure_failures,
                    )
            refused = ServiceError("erasure_not_verified")
        else:
            _erase(comment, now)
            removed = attachment_rows.erase_personal(session, comment)
            erased = Erasure(comment.receipt, now)
    # Raised after the commit so that the failure count is kept.
    if refused is not None:
        raise refused
    # The erased values must not linger in SQLite's write-ahead log (secure_delete clears the main file).
    db.checkpoint()
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
