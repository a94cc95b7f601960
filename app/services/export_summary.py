"""Exports that read the database: the 意见汇总表 of a consultation version (its article tree and comments as
the plain ``exporters.summary.SummaryInput``, written by the exporter; no database code in exporters/), and
the per-article disposition summaries the 条文对照表 shows in its 说明 column."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app import models
from app.db import Database
from app.services.consultations import version_view
from app.services.drafts import load_draft
from app.services.review import version_ref
from app.timeutil import closing_day, today
from exporters.result import ExportResult
from exporters.summary import SummaryComment, SummaryInput, SummaryOptions, SummaryTarget, write_summary
from versions.vocabulary import DISPOSITIONS, paragraph_label

C, D = models.Comment.__table__, models.Disposition.__table__
ATT = models.Attachment.__table__


def _summary_comment(r) -> SummaryComment:
    """A comment row as exporter input; an erased one carries nothing personal whatever the row holds."""
    erased = r.erased_at is not None
    name, contact, organisation, region = (
        ("", "", "", "") if erased else (r.name, r.contact, r.organisation, r.region)
    )
    return SummaryComment(
        target=r.target,
        content=r.content,
        commenter_type=r.commenter_type,
        organisation=organisation,
        name=name,
        contact=contact,
        region=region,
        # Without name, contact or organisation, the keyed hash of the sender's address tells commenters
        # apart.
        commenter="" if (name or contact or organisation or erased) else r.client_hash,
        disposition=DISPOSITIONS.get(r.disposition, r.disposition),
        reason=r.reason or "",
        cluster=None if r.cluster_id is None else str(r.cluster_id),
        representative=r.cluster_id == r.id,
        erased=erased,
        attachments=getattr(r, "attachment_count", 0) or 0,
        proposed_text=r.proposed_text,
    )


def summary_input(db: Database, slug: str, number: int | None = None) -> SummaryInput:
    """Version ``number`` (default the latest) of consultation ``slug`` with every comment and its latest
    answer, as exporter input. Raises ServiceError consultation_not_found / version_not_found."""
    view = version_view(db, slug, number)
    with db.reading() as session:
        version_id = session.scalar(
            select(models.Version.id)
            .join(models.Consultation)
            .where(models.Consultation.slug == slug, models.Version.number == view.number)
        )
    draft = load_draft(db, version_id)
    headings = {d.id: f"{d.label}\u3000{d.title}".rstrip() for d in draft.divisions}
    targets: list[SummaryTarget] = []
    for article in draft.articles:
        chapter = headings.get(article.chapter_id or "", "")
        targets.append(SummaryTarget(article.id, article.label, chapter, article.text))
        if len(article.paragraphs) > 1:
            for position, paragraph in enumerate(article.paragraphs, start=1):
                targets.append(
                    SummaryTarget(
                        paragraph.id, article.label + paragraph_label(position), chapter, paragraph.render()
                    )
                )
    with db.reading() as session:
        latest = select(D.c.comment_id, func.max(D.c.id).label("last")).group_by(D.c.comment_id).subquery()
        files = (
            select(ATT.c.comment_id, func.count().label("attachment_count"))
            .group_by(ATT.c.comment_id)
            .subquery()
        )
        rows = session.execute(
            select(C, D.c.reason, files.c.attachment_count)
            .outerjoin(files, files.c.comment_id == C.c.id)
            .outerjoin(latest, latest.c.comment_id == C.c.id)
            .outerjoin(D, D.c.id == latest.c.last)
            .where(C.c.version_id == version_id)
            .order_by(C.c.created_at, C.c.id)
        ).all()
        version = session.get(models.Version, version_id)
        opens, closes = today(version.opens_at), closing_day(version.closes_at)
    comments = tuple(_summary_comment(r) for r in rows)
    title = view.title or view.consultation_title
    return SummaryInput(
        title + (f"（{view.stage}）" if view.stage and view.stage not in title else ""),
        f"第{view.number}版（{view.stage}）",
        opens,
        closes,
        tuple(targets),
        comments,
    )


def export_summary(
    db: Database, slug: str, path: str | Path, *, number: int | None = None, show_personal: bool = False
) -> ExportResult:
    """Writes the 意见汇总表 of consultation ``slug`` to ``path``; names and contacts masked unless
    ``show_personal``. Raises ServiceError consultation_not_found / version_not_found."""
    data = summary_input(db, slug, number)
    return write_summary(data, path, SummaryOptions(show_personal=show_personal))


def disposition_notes(db: Database, slug: str, number: int | None = None) -> dict[str, str]:
    """{article node id: "意见3条：采纳1条，不采纳2条。"} for each article of version ``number`` (default the
    latest) that has comments, its paragraphs' comments included; for ``ComparisonOptions.old_notes``."""
    ref = version_ref(db, slug, number)
    A = models.Article.__table__
    with db.reading() as session:
        rows = session.execute(
            select(A.c.node_id, A.c.position, C.c.disposition, func.count())
            .join(C, C.c.article_id == A.c.id)
            .where(C.c.version_id == ref.version_id)
            .group_by(A.c.node_id, A.c.position, C.c.disposition)
            .order_by(A.c.position)
        ).all()
    counts: dict[str, dict[str, int]] = {}
    for node_id, _position, disposition, count in rows:
        counts.setdefault(node_id, {})[disposition] = count
    notes = {}
    for node_id, by_value in counts.items():
        parts = [f"{label}{by_value[code]}条" for code, label in DISPOSITIONS.items() if by_value.get(code)]
        if by_value.get(""):
            parts.append(f"未处理{by_value['']}条")
        notes[node_id] = f"意见{sum(by_value.values())}条：" + "，".join(parts) + "。"
    return notes
