"""Comments: validating what the public sends, masking it for the receipt page, and reading receipts.

Writing goes through ``app.services.writer.CommentWriter`` (group commit), which calls ``apply`` here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, func, insert, select

from app import models
from app.db import Database
from app.services.errors import N_, ServiceError
from app.services.search import index_comments
from app.timeutil import CST, closing_day
from versions.vocabulary import (
    COMMENTER_TYPES,
    ORGANISATION_TYPES,
    PERSONAL_FIELDS,
    mask,
    target_label,
)

MAX_CONTENT = 5000
STATUS_LABELS = {"received": N_("已收到"), "answered": N_("已答复")}
MAX_LENGTH = {"name": 50, "organisation": 100, "region": 50, "contact": 100}
BLANK = re.compile(r"^[\s\u200b\u200c\u200d\u2060\ufeff]*$")
MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}(?:\d{1,5})?$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
RECEIPT = re.compile(r"^YJ-\d{8}-[2-9A-HJ-NP-Z]{8}$")
TARGET = re.compile(r"^(?:draft|art-\d+(?:-\d+)?(?:-d\d+)?(?:-p\d+)?)$")


@dataclass(frozen=True)
class CommentInput:
    """A comment as the public sent it, before validation (strings as typed)."""

    target: str = "draft"
    content: str = ""
    name: str = ""
    commenter_type: str = ""
    organisation: str = ""
    region: str = ""
    contact: str = ""
    consent: bool = False
    name_consent: bool = False  # may the name be published if the comment is adopted (asked apart)
    proposed_text: str = ""  # 修改建议稿 for the target (app/services/proposals.py); "" = none


@dataclass(frozen=True)
class Submission:
    """A validated comment on round ``version`` (its number, as the form carried it) of consultation
    ``slug``, from ``client_hash``; ``version`` None means the round open now (the API's default);
    ``trusted`` when it comes from an address the office trusts (no per-client limit); ``attachments``:
    the files already checked and stored (app/services/attachments.py ``Checked``)."""

    slug: str
    comment: CommentInput
    client_hash: str
    trusted: bool = False
    version: int | None = None
    attachments: tuple = ()


@dataclass(frozen=True)
class Accepted:
    """A stored comment: its receipt; ``duplicate`` when it repeated one sent moments before."""

    receipt: str
    created_at: datetime
    duplicate: bool = False


def _contact_ok(contact: str) -> bool:
    compact = re.sub(r"[\s()\-]", "", contact)
    return bool(MOBILE.match(compact) or LANDLINE.match(compact) or EMAIL.match(contact))


def validate(raw: CommentInput) -> CommentInput:
    """The cleaned comment (content trimmed, CRLF→LF, contact NFKC); ServiceError naming every bad field."""
    content = raw.content.replace("\r\n", "\n").replace("\r", "\n").strip()
    fields = {f: unicodedata.normalize("NFKC", getattr(raw, f)).strip() for f in PERSONAL_FIELDS}
    errors: dict[str, str] = {}
    if BLANK.match(content):
        errors["content"] = "content_required"
    elif len(content) > MAX_CONTENT:
        errors["content"] = "content_too_long"
    for name, limit in MAX_LENGTH.items():
        if len(fields[name]) > limit:
            errors[name] = "field_too_long"
    if raw.commenter_type and raw.commenter_type not in COMMENTER_TYPES:
        errors["commenter_type"] = "commenter_type_invalid"
    if fields["contact"] and "contact" not in errors and not _contact_ok(fields["contact"]):
        errors["contact"] = "contact_invalid"
    if any(fields.values()) and not raw.consent:
        errors["consent"] = "consent_required"
    if not TARGET.match(raw.target or ""):
        errors.setdefault("target", "target_not_found")
    proposed = raw.proposed_text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(proposed) > MAX_CONTENT:
        errors["proposed_text"] = "proposal_too_long"
    elif proposed and raw.target == "draft":
        errors["proposed_text"] = "proposal_target_invalid"
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    return CommentInput(
        raw.target,
        content,
        commenter_type=raw.commenter_type,
        consent=raw.consent,
        proposed_text=proposed,
        name_consent=raw.name_consent,
        **fields,
    )


def client_hash(secret: bytes, address: str) -> str:
    """A keyed hash of the client's address: stable for rate limits, useless for finding the address."""
    return hmac.new(secret, b"client:" + address.encode(), hashlib.sha256).hexdigest()


def content_hash(comment: CommentInput, files: tuple = ()) -> str:
    """Hash of everything the commenter typed (and the hashes of the files sent), to recognise a
    repeated submission."""
    fields = dict(vars(comment))
    if not fields["proposed_text"]:  # no proposal: the same hash as before proposals existed
        del fields["proposed_text"]
    values = list(fields.values())
    values.extend(f.sha256 for f in files)
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


def new_receipt(now: datetime) -> str:
    """YJ-YYYYMMDD-XXXXXXXX: the Beijing date and 8 random characters (40 bits)."""
    # One urandom call instead of eight secrets.choice calls (a tenth of the comment writer's time);
    # 256 is a multiple of the 32 letters, so byte % 32 picks each letter with the same probability.
    tail = "".join(RECEIPT_ALPHABET[byte % 32] for byte in secrets.token_bytes(8))
    return f"YJ-{now.astimezone(CST):%Y%m%d}-{tail}"


def normalise_receipt(text: str) -> str:
    """The receipt number as typed, in canonical form (upper case, no spaces, full-width folded)."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or "")).upper()


T = {
    name: model.__table__
    for name, model in {
        "c": models.Consultation,
        "v": models.Version,
        "a": models.Article,
        "p": models.Paragraph,
        "m": models.Comment,
    }.items()
}


def _round(conn: Connection, slug: str, number: int | None, now: datetime):
    """The published version ``number`` of ``slug`` (id, number, opens_at, closes_at): exactly the round
    the person read, never another. ``number`` None: the round open at ``now`` (the latest if several),
    else the latest. ServiceError consultation_not_found, version_not_found."""
    c, v = T["c"], T["v"]
    query = (
        select(v.c.id, v.c.number, v.c.opens_at, v.c.closes_at)
        .join(c, c.c.id == v.c.consultation_id)
        .where(c.c.slug == slug, v.c.published_at.is_not(None))
    )
    if number is not None:
        row = conn.execute(query.where(v.c.number == number)).first()
        if row is None:
            exists = conn.scalar(select(c.c.id).where(c.c.slug == slug))
            raise ServiceError("version_not_found" if exists else "consultation_not_found")
        return row
    rows = conn.execute(query.order_by(v.c.number)).all()
    if not rows:
        raise ServiceError("consultation_not_found")
    open_rows = [r for r in rows if r.opens_at <= now < r.closes_at]
    return (open_rows or rows)[-1]


def target_ids(conn: Connection, version_id: int, target: str) -> tuple[int | None, int | None]:
    """(article id, paragraph id) of node ``target`` in version ``version_id``: (None, None) for "draft",
    (article, None) for an article; ServiceError target_not_found when the version has no such node."""
    if target == "draft":
        return None, None
    a, p = T["a"], T["p"]
    article = conn.scalar(select(a.c.id).where(a.c.version_id == version_id, a.c.node_id == target))
    if article is not None:
        return article, None
    row = conn.execute(
        select(p.c.article_id, p.c.id).where(p.c.version_id == version_id, p.c.node_id == target)
    ).first()
    if row is None:
        raise ServiceError("target_not_found")
    return row.article_id, row.id


def _check_period(version, now: datetime) -> None:
    if now < version.opens_at:
        raise ServiceError("consultation_not_open")
    if now >= version.closes_at:
        raise ServiceError("consultation_closed")


def _lock_clients(conn: Connection, clients: set[str]) -> None:
    """On PostgreSQL, takes a transaction-level advisory lock per client (in a fixed order, so two batches
    cannot deadlock): the count for the limit and the duplicate check then see every comment another process
    committed for these clients, and no other process can add one until this transaction ends. SQLite needs
    nothing: the writer's BEGIN IMMEDIATE already serialises every writing process."""
    if conn.dialect.name != "postgresql":
        return
    for key in sorted(int(hashlib.sha256(client.encode()).hexdigest()[:15], 16) for client in clients):
        conn.execute(select(func.pg_advisory_xact_lock(key)))


def store_batch(
    conn: Connection, subs: list[Submission], now: datetime, *, limit: int, window: int, duplicate_window: int
) -> list[Accepted | ServiceError]:
    """Checks each submission and inserts the accepted ones with one executemany, inside the caller's
    transaction. Returns, in order, an Accepted or the ServiceError (consultation_not_found,
    consultation_not_open, consultation_closed, target_not_found, rate_limited) of each; a refused one
    writes nothing. Lookups are shared by the whole batch, so a batch costs a handful of statements."""
    m = T["m"]
    _lock_clients(conn, {sub.client_hash for sub in subs})
    digests = [content_hash(sub.comment, sub.attachments) for sub in subs]
    earlier = {
        (r.client_hash, r.version_id, r.target, r.content_hash): Accepted(r.receipt, r.created_at, True)
        for r in conn.execute(
            select(
                m.c.receipt, m.c.created_at, m.c.client_hash, m.c.version_id, m.c.target, m.c.content_hash
            ).where(
                m.c.content_hash.in_(set(digests)),
                m.c.created_at >= now - timedelta(seconds=duplicate_window),
            )
        )
    }
    recent: dict[str, int] = {}
    oldest: dict[str, datetime] = {}
    if limit > 0:
        for client, count, first in conn.execute(
            select(m.c.client_hash, func.count(), func.min(m.c.created_at))
            .where(
                m.c.client_hash.in_({sub.client_hash for sub in subs}),
                m.c.created_at >= now - timedelta(seconds=window),
            )
            .group_by(m.c.client_hash)
        ).all():
            recent[client] = count
            oldest[client] = first if first.tzinfo else first.replace(tzinfo=UTC)
    versions: dict[tuple[str, int | None], object] = {}
    targets: dict[tuple[int, str], tuple[int | None, int | None]] = {}
    results: list[Accepted | ServiceError] = []
    rows, files = [], []
    for sub, digest in zip(subs, digests, strict=True):
        try:
            read = (sub.slug, sub.version)
            if read not in versions:
                versions[read] = _round(conn, sub.slug, sub.version, now)
            version = versions[read]
            _check_period(version, now)
            key = (version.id, sub.comment.target)
            if key not in targets:
                targets[key] = target_ids(conn, *key)
            same = (sub.client_hash, version.id, sub.comment.target, digest)
            if same in earlier:
                results.append(earlier[same])
                continue
            if limit > 0 and not sub.trusted and recent.get(sub.client_hash, 0) >= limit:
                # The oldest comment in the window leaving it frees the next slot.
                free = oldest.get(sub.client_hash, now) + timedelta(seconds=window) - now
                raise ServiceError("rate_limited", retry_after=max(1, math.ceil(free.total_seconds())))
        except ServiceError as error:
            results.append(error)
            continue
        recent[sub.client_hash] = recent.get(sub.client_hash, 0) + 1
        oldest.setdefault(sub.client_hash, now)
        row = comment_row(sub.comment, version.id, targets[key], sub.client_hash, now, digest)
        rows.append(row)
        files.append(sub.attachments)
        receipt = str(row["receipt"])
        results.append(Accepted(receipt, now))
        earlier[same] = Accepted(receipt, now, True)
    insert_comments(conn, rows, files)
    return results


def comment_row(
    comment: CommentInput,
    version_id: int,
    target: tuple[int | None, int | None],
    client: str,
    created_at: datetime,
    digest: str | None = None,
    **extra: object,
) -> dict[str, object]:
    """The Comment row of validated ``comment`` on version ``version_id``: ``target`` is its
    (article id, paragraph id) from ``target_ids``, ``client`` the sender's keyed hash, ``digest`` its
    ``content_hash`` (computed from the comment alone when None), a new receipt number for
    ``created_at``; ``extra`` sets further columns (an offline comment's source, received_on, ...).
    The one way every writer (the site and API, offline entry, the demo) shapes a comment row."""
    article_id, paragraph_id = target
    return {
        **vars(comment),
        "receipt": new_receipt(created_at),
        "version_id": version_id,
        "article_id": article_id,
        "paragraph_id": paragraph_id,
        "content_hash": content_hash(comment) if digest is None else digest,
        "client_hash": client,
        "created_at": created_at,
        "status": "received",
        **extra,
    }


def insert_comments(conn: Connection, rows: list[dict], files: list[tuple] | None = None) -> list[int]:
    """Inserts the ``comment_row`` rows with one executemany inside the caller's transaction, with their
    search index (the bigrams of the text and of the attachments' text) and the rows of their
    attachments (``files``: the checked, already stored files of each row; none when omitted). Returns
    the new comment ids in the order of ``rows``."""
    if not rows:
        return []
    files = files or [()] * len(rows)
    m = T["m"]
    ids = list(conn.execute(insert(m).returning(m.c.id, sort_by_parameter_order=True), rows).scalars())
    # The attachments' text is searched with the comment: its bigrams go in the comment's index.
    index_comments(
        conn,
        [
            (i, "\n".join([str(row["content"]), *(f.text for f in checked)]))
            for i, row, checked in zip(ids, rows, files, strict=True)
        ],
    )
    _store_attachment_rows(
        conn, [(i, checked, row["created_at"]) for i, row, checked in zip(ids, rows, files, strict=True)]
    )
    return ids


def _store_attachment_rows(conn: Connection, triples: list[tuple[int, tuple, object]]) -> None:
    """Inserts the attachment rows of (comment id, checked files, the comment's time) triples (the files
    themselves are already stored; their text's bigrams are indexed with the comment's)."""
    rows = [
        {
            "comment_id": comment_id,
            "position": n,
            "filename": f.filename,
            "kind": f.kind,
            "size": f.size,
            "sha256": f.sha256,
            "text": f.text,
            "personal": True,
            "created_at": now,
        }
        for comment_id, checked, now in triples
        for n, f in enumerate(checked)
    ]
    if rows:
        conn.execute(insert(models.Attachment.__table__), rows)


@dataclass(frozen=True)
class Answer:
    """The office's answer to a comment, as its receipt shows it once the round's answers are public."""

    disposition: str  # a vocabulary.DISPOSITIONS key
    reason: str
    answered_at: datetime
    corrected: bool  # changed after the answers were published


@dataclass(frozen=True)
class Receipt:
    """What the receipt page shows: the comment with personal data masked, and the answer once public."""

    receipt: str
    slug: str
    consultation_title: str
    version_number: int
    target: str
    target_label: str
    content: str
    name: str
    commenter_type: str
    organisation: str
    region: str
    contact: str
    created_at: datetime
    status: str
    erased_at: datetime | None = None  # personal fields erased at the commenter's request
    stage: str = ""
    round_closes_at: datetime | None = None
    answers_published_at: datetime | None = None
    answer: Answer | None = None
    office: object = None  # app.services.rounds.Office of the consultation

    @property
    def round_closing_day(self):
        """The last day the comment's round took comments."""
        return closing_day(self.round_closes_at) if self.round_closes_at else None

    # 修改建议稿 as (targeted text, proposed text, diff segments); the names of the files sent (never served).
    proposal: tuple | None = None
    attachments: tuple[str, ...] = ()


def _answer(session, comment: models.Comment, published_at: datetime | None) -> Answer | None:
    """The latest disposition of ``comment`` when its round's answers are public, else None."""
    if published_at is None or not comment.disposition:
        return None
    latest = session.scalar(
        select(models.Disposition)
        .where(models.Disposition.comment_id == comment.id)
        .order_by(models.Disposition.id.desc())
        .limit(1)
    )
    if latest is None:
        return None
    return Answer(latest.value, latest.reason, latest.created_at, latest.created_at > published_at)


def get_receipt(db: Database, number: str) -> Receipt:
    """The comment with receipt ``number`` (any case/spacing); ServiceError receipt_not_found."""
    from app.services.rounds import office_of

    number = normalise_receipt(number)
    if not RECEIPT.match(number):
        raise ServiceError("receipt_not_found")
    with db.reading() as session:
        row = session.execute(
            select(models.Comment, models.Version, models.Consultation, models.Article.label)
            .join(models.Version, models.Version.id == models.Comment.version_id)
            .join(models.Consultation, models.Consultation.id == models.Version.consultation_id)
            .outerjoin(models.Article, models.Article.id == models.Comment.article_id)
            .where(models.Comment.receipt == number)
        ).first()
        if row is None:
            raise ServiceError("receipt_not_found")
        comment, version, consultation, article_label = row
        paragraph_no = None
        if comment.paragraph_id is not None:
            paragraph_no = (
                session.scalar(
                    select(models.Paragraph.position).where(models.Paragraph.id == comment.paragraph_id)
                )
                + 1
            )
        files = tuple(
            session.scalars(
                select(models.Attachment.filename)
                .where(models.Attachment.comment_id == comment.id)
                .order_by(models.Attachment.position)
            )
        )
        answer = _answer(session, comment, version.answers_published_at)
    speaks_for_organisation = comment.commenter_type in ORGANISATION_TYPES
    from app.services.proposals import receipt_diff  # proposals reads this module's labels

    proposal = receipt_diff(db, comment.id)
    return Receipt(
        comment.receipt,
        consultation.slug,
        consultation.title,
        version.number,
        comment.target,
        target_label(article_label, paragraph_no),
        comment.content,
        mask(comment.name, "name"),
        comment.commenter_type,
        comment.organisation if speaks_for_organisation else mask(comment.organisation, "organisation"),
        comment.region if speaks_for_organisation else mask(comment.region, "region"),
        mask(comment.contact, "contact"),
        comment.created_at,
        "answered" if answer else comment.status,
        comment.erased_at,
        version.stage,
        version.closes_at,
        version.answers_published_at,
        answer,
        office_of(consultation),
        None if proposal is None else (proposal[0], comment.proposed_text, proposal[1]),
        files,
    )
