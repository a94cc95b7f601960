"""Loading a parsed draft as a new consultation, or as the next version of an existing one."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from app import models
from app.db import Database, utcnow
from app.services.drafts import items_json, load_draft
from app.services.errors import ServiceError
from app.timeutil import period
from versions import Draft, parse_file
from versions.labels import LABELS

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")


@dataclass(frozen=True)
class ImportResult:
    """What an import created: the consultation, the version number, and the parser's warnings."""

    consultation_id: int
    slug: str
    version_id: int
    version_number: int
    created_consultation: bool
    articles: int
    warnings: tuple


def _store_tree(session, version: models.Version, draft: Draft) -> None:
    """Adds the divisions, articles and paragraphs of ``draft`` under ``version``."""
    session.add_all(
        models.Division(
            version_id=version.id,
            node_id=d.id,
            kind=d.kind,
            number=d.number,
            label=d.label,
            title=d.title,
            parent_node_id=d.parent,
            position=n,
            line=d.line,
        )
        for n, d in enumerate(draft.divisions)
    )
    for n, article in enumerate(draft.articles):
        session.add(
            models.Article(
                version_id=version.id,
                node_id=article.id,
                number=article.number,
                sub=article.sub,
                label=article.label,
                caption=article.caption,
                chapter_node_id=article.chapter_id,
                section_node_id=article.section_id,
                position=n,
                line=article.line,
                paragraphs=[
                    models.Paragraph(
                        version_id=version.id,
                        node_id=p.id,
                        position=k,
                        text=p.text,
                        items=json.dumps(items_json(p.items), ensure_ascii=False),
                        line=p.line,
                    )
                    for k, p in enumerate(article.paragraphs)
                ],
            )
        )


# A consultation period lies within these years: dates beyond them are typing errors (and 9999-12-31 has no
# following day to end the period with).
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)


def import_draft(
    db: Database,
    draft: Draft,
    *,
    slug: str,
    stage: str | None,
    opens: date,
    closes: date,
    title: str | None = None,
    source_name: str = "",
    now: datetime | None = None,
    published: bool = True,
) -> ImportResult:
    """Stores ``draft`` in one transaction as version 1 of a new consultation ``slug`` or the next
    version of an existing one (``published`` now, or saved as a round being prepared). Raises
    ServiceError (slug_invalid, period_out_of_range, period_invalid, stage_invalid) or IdenticalVersion."""
    if not SLUG.match(slug):
        raise ServiceError("slug_invalid")
    if not (EARLIEST <= opens <= LATEST and EARLIEST <= closes <= LATEST):
        raise ServiceError("period_out_of_range")
    if closes < opens:
        raise ServiceError("period_invalid")
    stage = (stage or draft.stage or "").strip()
    if not stage:
        raise ServiceError("stage_invalid")
    now = now or utcnow()
    opens_at, closes_at = period(opens, closes)
    refuse_identical(db, slug, draft)
    with db.writing() as session:
        consultation = session.scalar(select(models.Consultation).where(models.Consultation.slug == slug))
        created = consultation is None
        if created:
            consultation = models.Consultation(slug=slug, title=title or draft.title, created_at=now)
            session.add(consultation)
            session.flush()
        elif title:
            consultation.title = title
        number = (
            session.scalar(
                select(func.max(models.Version.number)).where(
                    models.Version.consultation_id == consultation.id
                )
            )
            or 0
        ) + 1
        version = models.Version(
            consultation_id=consultation.id,
            number=number,
            title=draft.title,
            stage=stage,
            preamble=draft.preamble,
            enactment_date=draft.enactment_date,
            opens_at=opens_at,
            closes_at=closes_at,
            source_name=source_name,
            created_at=now,
            published_at=now if published else None,
            warnings=json.dumps([asdict(w) for w in draft.warnings], ensure_ascii=False),
        )
        session.add(version)
        session.flush()
        _store_tree(session, version, draft)
        session.flush()
        return ImportResult(
            consultation.id, slug, version.id, number, created, len(draft.articles), tuple(draft.warnings)
        )


class IdenticalVersion(ServiceError):
    """The draft is word for word an existing version: ``number`` and ``stage`` name it."""

    def __init__(self, number: int, stage: str) -> None:
        super().__init__("version_identical")
        self.number, self.stage = number, stage
        self.detail = f"第 {number} 版（{stage}）"


def _items_key(items) -> tuple:
    return tuple((i.label, i.text, _items_key(i.items)) for i in items)


def fingerprint(draft: Draft) -> tuple:
    """What makes two drafts the same text: title, preamble, divisions and every article's wording (not
    line numbers or the parser's warnings)."""
    return (
        draft.title,
        draft.preamble,
        tuple((d.kind, d.label, d.title) for d in draft.divisions),
        tuple(
            (a.label, a.caption, tuple((p.text, _items_key(p.items)) for p in a.paragraphs))
            for a in draft.articles
        ),
    )


def refuse_identical(db: Database, slug: str, draft: Draft) -> None:
    """IdenticalVersion when ``draft`` is word for word a version of consultation ``slug``."""
    with db.reading() as session:
        versions = session.execute(
            select(models.Version.id, models.Version.number, models.Version.stage)
            .join(models.Consultation)
            .where(models.Consultation.slug == slug)
            .order_by(models.Version.number)
        ).all()
    wanted = fingerprint(draft)
    for version_id, number, stage in versions:
        if fingerprint(load_draft(db, version_id)) == wanted:
            raise IdenticalVersion(number, stage)


def import_file(db: Database, path: str | Path, **options) -> ImportResult:
    """Parses ``path`` (any format the parser reads) and imports it; ParseError passes through."""
    return import_draft(db, parse_file(path), source_name=Path(path).name, **options)


@dataclass(frozen=True)
class UploadPreview:
    """An upload set against the consultation's latest round: its number, the comparison's counts and
    its aligned rows (the side-by-side view)."""

    current_number: int
    summary: dict[str, int]
    pairs: tuple
    labels: dict[str, str] = field(default_factory=lambda: {str(k): v for k, v in LABELS.items()})


def preview(db: Database, slug: str, draft: Draft) -> UploadPreview | None:
    """``draft`` compared with the latest version of ``slug`` (None when there is none). IdenticalVersion
    when it is word for word one of its versions."""
    from versions import align

    refuse_identical(db, slug, draft)
    with db.reading() as session:
        latest = session.execute(
            select(models.Version.id, models.Version.number)
            .join(models.Consultation)
            .where(models.Consultation.slug == slug)
            .order_by(models.Version.number.desc())
            .limit(1)
        ).first()
    if latest is None:
        return None
    alignment = align(load_draft(db, latest.id), draft)
    return UploadPreview(latest.number, alignment.summary(), tuple(alignment.pairs))
