"""Database tables: consultations, their versions, each version's stored article tree, and comments.

Articles and paragraphs are rows keyed by (version, node id) — ``art-13``, ``art-13-p2`` — so a comment
points at exactly the text it was written against, and a later version never changes what an old comment
meant. Items (项/目) are kept as JSON on their paragraph: nobody comments on an item alone.
A comment's ``status`` starts as ``received``. The drafters' workspace (issue 5) adds accounts and
sessions, the Disposition history (采纳/部分采纳/不采纳/已有规定/待研究 with a reason, who and when; the
latest is copied onto ``comment.disposition`` for filtering), offline sources, near-duplicate clusters and
a bigram index for Chinese substring search.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.db import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Consultation(Base):
    """A draft put out for comment; its versions are successive texts (征求意见稿, 二次征求意见稿…)."""

    __tablename__ = "consultation"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The consulting body and how to reach it, shown on every public page of the consultation.
    office_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    office_address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    office_email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    office_phone: Mapped[str] = mapped_column(String(80), default="", server_default="")
    versions: Mapped[list[Version]] = relationship(
        back_populates="consultation", order_by="Version.number", cascade="all, delete-orphan"
    )


class Version(Base):
    """One text of a consultation, with the period during which it takes comments."""

    __tablename__ = "version"
    __table_args__ = (UniqueConstraint("consultation_id", "number", name="uq_version_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    stage: Mapped[str] = mapped_column(String(40))
    preamble: Mapped[str] = mapped_column(Text, default="")
    enactment_date: Mapped[str | None] = mapped_column(String(80))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source_name: Mapped[str] = mapped_column(String(300), default="")
    warnings: Mapped[str] = mapped_column(Text, default="[]")  # the parser's warnings, JSON
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # 起草说明 of this round
    # NULL: a round being prepared, never shown to the public; else when the office published it.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # NULL: answers not yet public; else when dispositions and reasons became visible on receipts.
    answers_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consultation: Mapped[Consultation] = relationship(back_populates="versions")


class Division(Base):
    """编/分编/章/节 of a version, in document order."""

    __tablename__ = "division"
    __table_args__ = (UniqueConstraint("version_id", "node_id", name="uq_division_node"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"))
    node_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(8))
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    parent_node_id: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    line: Mapped[int] = mapped_column(Integer)


class Article(Base):
    """条 of a version."""

    __tablename__ = "article"
    __table_args__ = (UniqueConstraint("version_id", "node_id", name="uq_article_node"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"))
    node_id: Mapped[str] = mapped_column(String(40))
    number: Mapped[int] = mapped_column(Integer)
    sub: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(40))
    caption: Mapped[str | None] = mapped_column(String(300))
    chapter_node_id: Mapped[str | None] = mapped_column(String(40))
    section_node_id: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    line: Mapped[int] = mapped_column(Integer)
    paragraphs: Mapped[list[Paragraph]] = relationship(order_by="Paragraph.position")


class Paragraph(Base):
    """款 of an article; ``items`` holds its 项 and 目 as JSON ``[{id,label,text,line,items}]``."""

    __tablename__ = "paragraph"
    __table_args__ = (UniqueConstraint("version_id", "node_id", name="uq_paragraph_node"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    items: Mapped[str] = mapped_column(Text, default="[]")
    line: Mapped[int] = mapped_column(Integer)


# Expression indexes that only PostgreSQL has (migration 0012: the person-field bigram GIN over a SQL function
# of its own, and reverse(receipt)); SQLite has neither function, so they stay out of the metadata and the
# schema test leaves them aside.
POSTGRESQL_ONLY_INDEXES = frozenset({"ix_comment_person_bigrams", "ix_comment_receipt_reversed"})


class Comment(Base):
    """意见 on a version as a whole (``target`` = "draft"), an article or one paragraph of it.

    ``client_hash`` is a keyed hash of the sender's address (for rate limits and duplicates); the raw
    address is never stored. Personal fields are optional and kept only with ``consent``; the commenter
    can have them erased (``erased_at``).
    """

    __tablename__ = "comment"
    __table_args__ = (
        Index("ix_comment_client_created", "client_hash", "created_at"),
        Index("ix_comment_version_article", "version_id", "article_id"),
        Index("ix_comment_content_hash", "content_hash"),
        Index("ix_comment_version_disposition", "version_id", "disposition"),
        Index("ix_comment_version_cluster", "version_id", "cluster_id"),
        Index("ix_comment_version_tally", "version_id", "commenter_type", "source", "disposition"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    receipt: Mapped[str] = mapped_column(String(32), unique=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    paragraph_id: Mapped[int | None] = mapped_column(ForeignKey("paragraph.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100), default="")
    commenter_type: Mapped[str] = mapped_column(String(20), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Asked apart from ``consent``: may the name be published if the comment is adopted (issue 16)?
    name_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    client_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="received")
    source: Mapped[str] = mapped_column(String(20), default="online", server_default="online")
    source_detail: Mapped[str] = mapped_column(String(200), default="", server_default="")
    received_on: Mapped[date | None] = mapped_column(Date)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    disposition: Mapped[str] = mapped_column(String(20), default="", server_default="")
    cluster_id: Mapped[int | None] = mapped_column(Integer)  # the representative comment's id
    # Personal-data erasure at the commenter's request (app/services/erasure.py): when it happened (never
    # what was erased), and the failed online attempts that lock further ones for a while.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erasure_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    erasure_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 修改建议稿 (issue 17): the commenter's wording for the article or paragraph they target ("" = none).
    proposed_text: Mapped[str] = mapped_column(Text, default="", server_default="")


class User(Base):
    """A drafter or administrator of the workspace; ``password_hash`` is argon2id."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set by an administrator


class UserSession(Base):
    """A logged-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "user_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Disposition(Base):
    """One answer given to a comment; the rows of a comment are its history, newest last."""

    __tablename__ = "disposition"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(80))  # kept even if the account is removed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    batch_id: Mapped[int | None] = mapped_column(Integer, index=True)  # the BulkAction that wrote it
    undo_of: Mapped[int | None] = mapped_column(Integer)  # the BulkAction this row undid


class BulkAction(Base):
    """One answer given to many comments at once (a selection, all matching a filter, a cluster)."""

    __tablename__ = "bulk_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(80))
    value: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(20))  # selection / filter / cluster
    count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by: Mapped[str] = mapped_column(String(80), default="", server_default="")


class CommentGram(Base):
    """Bigram index of comment texts: Chinese has no word boundaries, so search looks up 2-character
    substrings (lower-cased) and verifies the candidates with LIKE."""

    __tablename__ = "comment_gram"
    # One B-tree clustered on the key instead of a rowid table plus its key's index (migration 0004).
    __table_args__ = ({"sqlite_with_rowid": False},)
    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)


class Attachment(Base):
    """A file sent with a comment (issue 17). The bytes live outside the database, in the data folder under
    their SHA-256 (app/services/attachments.py); the row holds what a drafter needs: the name as sent, the
    kind checked from the content, the size, the extracted text (searched like the comment) and whether
    the office treats it as personal data (then erasure removes it)."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # pdf, docx, txt, jpg, png
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text, default="", server_default="")
    personal: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Adoption(Base):
    """A proposal adopted into a round being prepared (issue 17): which comment's wording went into which
    provision of the new version, as written (``edited`` when the drafter changed it), and the disposition
    recorded with it."""

    __tablename__ = "adoption"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[str] = mapped_column(String(40))  # article or paragraph of the new version
    text: Mapped[str] = mapped_column(Text)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    disposition_id: Mapped[int | None] = mapped_column(ForeignKey("disposition.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RateCounter(Base):
    """One fixed-window counter of app/services/throttle.py (login attempts, erasure and receipt look-ups
    per client or account): ``hits`` since ``window_start``. Keys are hashes, never addresses or names."""

    __tablename__ = "rate_counter"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    hits: Mapped[int] = mapped_column(Integer)


class AppState(Base):
    """Facts about the installation itself, e.g. ``demo_seeded``: the first-start demo was completed (a
    start killed half-way through seeding is recognised by its absence and redone)."""

    __tablename__ = "app_state"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ThemeRun(Base):
    """One run of the theme analysis of a version (app/services/themes.py): its state and progress."""

    __tablename__ = "theme_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # running, done, failed
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    stage: Mapped[str] = mapped_column(String(40), default="")
    user_name: Mapped[str] = mapped_column(String(80), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    themes: Mapped[int] = mapped_column(Integer, default=0)
    unassigned: Mapped[int] = mapped_column(Integer, default=0)


class Theme(Base):
    """A theme of a version's comments. ``approved`` and ``decided`` (renamed, merged, split or given
    comments by a person) themes survive a rerun; a merged theme stays with ``merged_into`` for history."""

    __tablename__ = "theme"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    terms: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of key terms
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    decided: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into: Mapped[int | None] = mapped_column(Integer)
    handling: Mapped[str] = mapped_column(Text, default="")  # how the office dealt with it (for the report)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ThemeMember(Base):
    """A comment in a theme: at most one theme per comment; ``pinned`` when a person put it there."""

    __tablename__ = "theme_member"
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    closeness: Mapped[float] = mapped_column(Float, default=0.0)
    voice_id: Mapped[int] = mapped_column(Integer)  # the campaign's representative (itself when alone)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)


class ThemeEvent(Base):
    """History of a version's themes: every run and every decision, who and when."""

    __tablename__ = "theme_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    user_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedbackReport(Base):
    """征求意见情况通报 of a round: ``figures`` (JSON) as generated from the data, ``body`` as the office
    edited it; public once ``published_at`` is set."""

    __tablename__ = "feedback_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"), unique=True)
    figures: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by: Mapped[str] = mapped_column(String(80), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(80), default="")


class Job(Base):
    """A piece of background work (app/services/jobs.py): what to do (``kind``, ``params``), where it
    stands (``state`` queued/running/done/failed, ``done`` of ``total``, ``message``), and how it ended
    (``result``, or ``error``: the reason shown to drafters). ``heartbeat_at`` is touched while it runs, so
    a job whose process died is found and queued again."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_state_kind", "state", "kind"), Index("ix_job_created_at", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))
    params: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CommentMinhash(Base):
    """A comment in the persistent near-duplicate index (app/services/clusters.py): ``text_key`` names its
    exact text; the first comment of each text in a version keeps the MinHash ``signature`` (NULL for the
    later copies, and for texts too short to shingle) and has its LSH bands in ``comment_band``."""

    __tablename__ = "comment_minhash"
    __table_args__ = (Index("ix_comment_minhash_version_text", "version_id", "text_key"),)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer)
    text_key: Mapped[int] = mapped_column(BigInteger)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)


class CommentBand(Base):
    """One LSH band of a comment's signature: comments sharing (version, band, key) are candidates."""

    __tablename__ = "comment_band"
    __table_args__ = (Index("ix_comment_band_comment_id", "comment_id"),)
    version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
