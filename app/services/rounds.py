"""Rounds of a consultation: each published version is a round (征求意见稿, 修改稿…) with its own period and
起草说明; which one takes comments now; the office's contacts; publishing a round's answers; and where an
article of one round went in another (through ``versions.align``, via app.services.compare).

A version whose ``published_at`` is NULL is a round being prepared: nothing here shows it to the public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from app import models
from app.db import Database, utcnow
from app.services.errors import ServiceError
from app.timeutil import period

if TYPE_CHECKING:
    from app.services.consultations import Period


@dataclass(frozen=True)
class Round:
    """A published version as the public sees it in the list of rounds."""

    version_id: int
    number: int
    stage: str
    period: Period
    answers_published: bool


@dataclass(frozen=True)
class Office:
    """The consulting body and how to reach it (empty strings where the office set nothing)."""

    name: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""

    def __bool__(self) -> bool:
        return any((self.name, self.address, self.email, self.phone))


def office_of(consultation: models.Consultation) -> Office:
    """The Office of a consultation row."""
    c = consultation
    return Office(c.office_name, c.office_address, c.office_email, c.office_phone)


def published_rounds(session, consultation_id: int, now: datetime) -> list[Round]:
    """The published versions of a consultation, oldest first."""
    from app.services.consultations import Period  # consultations builds its views from these

    rows = session.scalars(
        select(models.Version)
        .where(models.Version.consultation_id == consultation_id, models.Version.published_at.is_not(None))
        .order_by(models.Version.number)
    )
    return [
        Round(v.id, v.number, v.stage, Period.of(v, now), v.answers_published_at is not None) for v in rows
    ]


def current_round(rounds: list[Round]) -> Round | None:
    """The round the public is sent to: the open one (the latest if several overlap), else the latest."""
    open_rounds = [r for r in rounds if r.period.state == "open"]
    return (open_rounds or rounds or [None])[-1]


def open_round(rounds: list[Round]) -> Round | None:
    """The round taking comments now (the latest if several overlap), or None."""
    open_rounds = [r for r in rounds if r.period.state == "open"]
    return open_rounds[-1] if open_rounds else None


def _version(session, slug: str, number: int) -> models.Version:
    version = session.scalar(
        select(models.Version)
        .join(models.Consultation, models.Consultation.id == models.Version.consultation_id)
        .where(models.Consultation.slug == slug, models.Version.number == number)
    )
    if version is None:
        raise ServiceError("version_not_found")
    return version


def publish_answers(db: Database, slug: str, number: int, now: datetime | None = None) -> datetime:
    """Makes the dispositions and reasons of round ``number`` of ``slug`` visible on its receipts (an
    explicit office action, once the round has closed). Returns when they became public (the first
    time: publishing again changes nothing; later corrections show on receipts as they are made).
    ServiceError version_not_found, answers_round_open (the round still takes comments)."""
    now = now or utcnow()
    with db.writing() as session:
        version = _version(session, slug, number)
        if version.published_at is None or now < version.closes_at:
            raise ServiceError("answers_round_open")
        if version.answers_published_at is None:
            version.answers_published_at = now
        return version.answers_published_at


def set_office(db: Database, slug: str, **fields: str) -> None:
    """Sets the consulting body's ``name``, ``address``, ``email`` and/or ``phone`` of ``slug`` (only the
    fields given). ServiceError consultation_not_found."""
    values = {f"office_{k}": v.strip() for k, v in fields.items() if v is not None}
    unknown = set(values) - {"office_name", "office_address", "office_email", "office_phone"}
    if unknown:
        raise ValueError(f"unknown office fields: {sorted(unknown)}")
    if not values:
        return
    with db.writing() as session:
        done = session.execute(
            update(models.Consultation).where(models.Consultation.slug == slug).values(**values)
        )
        if done.rowcount == 0:
            raise ServiceError("consultation_not_found")


def set_note(db: Database, slug: str, number: int, note: str) -> None:
    """Sets the 起草说明 of round ``number`` of ``slug`` (kept as written, line breaks normalised)."""
    with db.writing() as session:
        _version(session, slug, number).note = note.replace("\r\n", "\n").strip()


@dataclass(frozen=True)
class Match:
    """An article of another round matching the one a person read."""

    node_id: str
    label: str


def matching_articles(db: Database, slug: str, from_number: int, node_id: str, to_number: int) -> list[Match]:
    """The articles of round ``to_number`` that article (or paragraph) ``node_id`` of round ``from_number``
    became, from the alignment of the two texts (empty when it was deleted or is unknown)."""
    from app.services.compare import aligned, carried_forward

    article_id = node_id.split("-p")[0]
    with db.reading() as session:
        from_id = _version(session, slug, from_number).id
        to_id = _version(session, slug, to_number).id
    if from_number < to_number:
        _, later, alignment = aligned(db, from_id, to_id)
        labels = {a.id: a.label for a in later.articles}
        return [Match(i, labels[i]) for i in carried_forward(alignment).get(article_id, ())]
    # Reading back from a later round to an earlier one: the same alignment, looked up the other way.
    earlier, _, alignment = aligned(db, to_id, from_id)
    labels = {a.id: a.label for a in earlier.articles}
    return [Match(o, labels[o]) for o, targets in carried_forward(alignment).items() if article_id in targets]


def publish(db: Database, slug: str, number: int, opens, closes, now: datetime | None = None) -> int:
    """Publishes the round being prepared ``number`` of ``slug`` (issue 17's working draft) for comments
    from ``opens`` to ``closes`` (Beijing dates, the closing day included); returns its version id.
    ServiceError version_not_found (no such round, or already published), period_invalid."""
    if closes < opens:
        raise ServiceError("period_invalid")
    now = now or utcnow()
    with db.writing() as session:
        version = _version(session, slug, number)
        if version.published_at is not None:
            raise ServiceError("version_not_found")
        version.opens_at, version.closes_at = period(opens, closes)
        version.published_at = now
        return version.id
