"""Loading a parsed draft as a new consultation, or as the next version of an existing one."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from app import models
from app.db import Database, utcnow
from app.services.errors import ServiceError
from app.timeutil import period
from versions import Draft, Item, parse_file

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


def _items_json(items: tuple[Item, ...]) -> list[dict]:
    return [
        {"id": i.id, "label": i.label, "text": i.text, "line": i.line, "items": _items_json(i.items)}
        for i in items
    ]


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
                        items=json.dumps(_items_json(p.items), ensure_ascii=False),
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
) -> ImportResult:
    """Stores ``draft`` in one transaction as version 1 of a new consultation ``slug`` or the next
    version of an existing one. Raises ServiceError (slug_invalid, period_out_of_range, period_invalid,
    stage_invalid)."""
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
            published_at=now,
            warnings=json.dumps([asdict(w) for w in draft.warnings], ensure_ascii=False),
        )
        session.add(version)
        session.flush()
        _store_tree(session, version, draft)
        session.flush()
        return ImportResult(
            consultation.id, slug, version.id, number, created, len(draft.articles), tuple(draft.warnings)
        )


def import_file(db: Database, path: str | Path, **options) -> ImportResult:
    """Parses ``path`` (any format the parser reads) and imports it; ParseError passes through."""
    return import_draft(db, parse_file(path), source_name=Path(path).name, **options)
