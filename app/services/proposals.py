"""Proposed wording (修改建议稿, issue 17): what a commenter would have an article or paragraph say, shown as
a diff (``versions.diff``) against the text it targets; several proposals on one provision side by side,
the most common wording first; a drafter adopting one, wholly or edited, into the working draft of the
next round (app/services/working.py), recorded against the comment with its disposition; and the
attribution the comparison shows once that round is published ("采纳第N号意见").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app import models
from app.db import Database, utcnow
from app.services import working
from app.services.auth import UserInfo
from app.services.comments import target_label
from app.services.errors import ServiceError
from versions.diff import diff

MAX_PROPOSAL = 5000
C, A, P, AD = models.Comment, models.Article, models.Paragraph, models.Adoption


def clean(text: str) -> str:
    """A proposal as stored: line breaks made LF, outer blank space trimmed (nothing else changed)."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def form_base(article, target: str) -> str:
    """The text the comment form prefills for ``target`` (an ArticleView's node or one of its
    paragraphs): the paragraph's text with its items, or the whole article's."""
    if target == article.id:
        return "\n".join(working.paragraph_text(p.text, p.items) for p in article.paragraphs)
    for p in article.paragraphs:
        if p.id == target:
            return working.paragraph_text(p.text, p.items)
    return ""


def proposal_for(base: str, proposed: str) -> str:
    """What is stored: the cleaned proposal, or "" when it is the prefilled text unchanged (the form
    always sends the textarea; an untouched one proposes nothing). ServiceError proposal_too_long."""
    proposed = clean(proposed)
    if len(proposed) > MAX_PROPOSAL:
        raise ServiceError("proposal_too_long", {"proposed_text": "proposal_too_long"})
    return "" if proposed == clean(base) else proposed


def changed(base: str, proposed: str) -> bool:
    """True when ``proposed`` differs from the prefilled ``base`` (what the form opens the box for)."""
    return bool(clean(proposed)) and clean(proposed) != clean(base)


@dataclass(frozen=True)
class Variant:
    """One wording proposed for a provision, with the comments that proposed it."""

    text: str
    segments: list
    comment_ids: tuple[int, ...]
    adopted: bool = False


@dataclass
class ProposalGroup:
    """Every proposal on one provision of a version: its label, its current text and the wordings."""

    target: str
    label: str
    base: str
    variants: list[Variant] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many comments proposed wording here."""
        return sum(len(v.comment_ids) for v in self.variants)


def _label(session, version_id: int, target: str) -> str:
    article = session.scalar(
        select(A.label).where(A.version_id == version_id, A.node_id == working.article_node(target))
    )
    position = session.scalar(select(P.position).where(P.version_id == version_id, P.node_id == target))
    return target_label(article, None if position is None else position + 1)


def groups(db: Database, version_id: int, target: str | None = None) -> list[ProposalGroup]:
    """The proposals on version ``version_id`` (or on its provision ``target`` only), one group per
    provision in document order, within a group the most common wording first (identical wordings
    merged), each with its diff against the provision's text in that version."""
    with db.reading() as session:
        stmt = (
            select(C.id, C.target, C.proposed_text, A.position)
            .join(A, A.id == C.article_id)
            .where(C.version_id == version_id, C.proposed_text != "")
            .order_by(A.position, C.target, C.id)
        )
        if target:
            stmt = stmt.where(C.target == target)
        rows = session.execute(stmt).all()
        adopted = set(session.scalars(select(AD.comment_id).where(AD.comment_id.in_([r.id for r in rows]))))
        by_target: dict[str, list] = {}
        for r in rows:
            by_target.setdefault(r.target, []).append(r)
        result = []
        for node, members in by_target.items():
            base = working.provision_text(session, version_id, node) or ""
            group = ProposalGroup(node, _label(session, version_id, node), base)
            counts = Counter(m.proposed_text for m in members)
            for text, _count in sorted(counts.items(), key=lambda kv: (-kv[1], _first(members, kv[0]))):
                ids = tuple(m.id for m in members if m.proposed_text == text)
                group.variants.append(Variant(text, diff(base, text), ids, any(i in adopted for i in ids)))
            result.append(group)
    return result


def _first(members, text: str) -> int:
    return min(m.id for m in members if m.proposed_text == text)


def receipt_diff(db: Database, comment_id: int) -> tuple[str, list] | None:
    """(the targeted text, diff segments) of a comment's proposal, or None when it proposed nothing."""
    with db.reading() as session:
        row = session.execute(
            select(C.version_id, C.target, C.proposed_text).where(C.id == comment_id)
        ).first()
        if row is None or not row.proposed_text:
            return None
        base = working.provision_text(session, row.version_id, row.target) or ""
    return base, diff(base, row.proposed_text)


@dataclass(frozen=True)
class Adopted:
    """The outcome of an adoption: the working round's number, the provision and the disposition given."""

    number: int
    node_id: str
    disposition: str


def adopt(
    db: Database, comment_ids: list[int], text: str, user: UserInfo, now: datetime | None = None
) -> Adopted:
    """Writes ``text`` (the proposal of the comments ``comment_ids``, who proposed the same wording for
    the same provision, possibly edited) over that provision in the working draft, and records, in one
    transaction, for each comment the adoption and the disposition 采纳 (text as proposed) or 部分采纳
    (edited). ServiceError selection_empty, comment_not_found, proposal_target_invalid (no proposal, or
    comments on different provisions), working_draft_missing, provision_not_found, text_required,
    working_text_invalid."""
    now = now or utcnow()
    text = clean(text)
    if not text:
        raise ServiceError("text_required")
    if not comment_ids:
        raise ServiceError("selection_empty")
    with db.writing() as session:
        found = session.scalars(select(C).where(C.id.in_(set(comment_ids))).order_by(C.id)).all()
        if len(found) != len(set(comment_ids)):
            raise ServiceError("comment_not_found")
        first = found[0]
        if first.target == "draft" or any(
            (c.target, c.version_id) != (first.target, first.version_id) for c in found
        ):
            raise ServiceError("proposal_target_invalid")
        slug = session.scalar(
            select(models.Consultation.slug)
            .join(models.Version, models.Version.consultation_id == models.Consultation.id)
            .where(models.Version.id == first.version_id)
        )
        version, article = working._working_article(session, slug, working.article_node(first.target))
        if first.target == article.node_id:
            article_text = text
        else:
            article_text = working.with_paragraph(session, article, first.target, text)
        working.replace_article_text(session, article, article_text)
        label = _label(session, first.version_id, first.target)
        values = set()
        for comment in found:
            edited = text != clean(comment.proposed_text)
            value = "partly_adopted" if edited else "adopted"
            values.add(value)
            how = "修改后写入" if edited else "写入"
            disposition = models.Disposition(
                comment_id=comment.id,
                value=value,
                reason=f"已将建议的{label}条文{how}第{version.number}版。",
                user_id=user.id,
                user_name=user.name,
                created_at=now,
            )
            session.add(disposition)
            session.flush()
            comment.disposition = value
            session.add(
                AD(
                    comment_id=comment.id,
                    version_id=version.id,
                    node_id=first.target,
                    text=text,
                    edited=edited,
                    disposition_id=disposition.id,
                    user_name=user.name,
                    created_at=now,
                )
            )
        return Adopted(version.number, first.target, "adopted" if values == {"adopted"} else "partly_adopted")


def adopted_by_article(db: Database, version_id: int) -> dict[str, list[int]]:
    """{article node id of version ``version_id``: ids of the comments whose wording it took}."""
    with db.reading() as session:
        rows = session.execute(
            select(AD.node_id, AD.comment_id).where(AD.version_id == version_id).order_by(AD.comment_id)
        ).all()
    result: dict[str, list[int]] = {}
    for node_id, comment_id in rows:
        ids = result.setdefault(working.article_node(node_id), [])
        if comment_id not in ids:
            ids.append(comment_id)
    return result


def adoption_notes(db: Database, version_id: int) -> dict[str, str]:
    """{article node id of version ``version_id``: "采纳第12号、第15号意见"} for the articles that took
    wording from comments (the 说明 column of the 条文对照表)."""
    return {
        node: "采纳" + "、".join(f"第{i}号" for i in ids) + "意见"
        for node, ids in adopted_by_article(db, version_id).items()
    }


@dataclass(frozen=True)
class CommentExtras:
    """What the drafters' comment page adds for issue 17: the proposal and its diff, the other wordings
    proposed for the same provision, the attachments, the round being prepared and past adoptions."""

    proposal: tuple | None
    group: ProposalGroup | None
    attachments: list
    working_number: int | None
    adoptions: list


def comment_extras(db: Database, comment_id: int) -> CommentExtras:
    """The CommentExtras of comment ``comment_id`` (which must exist)."""
    with db.reading() as session:
        comment = session.get(C, comment_id)
        version_id, target, proposed = comment.version_id, comment.target, comment.proposed_text
        files = session.scalars(
            select(models.Attachment)
            .where(models.Attachment.comment_id == comment_id)
            .order_by(models.Attachment.position)
        ).all()
        consultation_id = session.get(models.Version, version_id).consultation_id
        working_number = session.scalar(
            select(models.Version.number).where(
                models.Version.consultation_id == consultation_id, models.Version.published_at.is_(None)
            )
        )
        adoptions = session.scalars(select(AD).where(AD.comment_id == comment_id).order_by(AD.id)).all()
        session.expunge_all()
    proposal = None
    group = None
    if proposed:
        found = groups(db, version_id, target)
        group = found[0] if found else None
        if group:
            proposal = (group.base, proposed, diff(group.base, proposed))
    return CommentExtras(proposal, group, list(files), working_number, list(adoptions))


__all__ = ["Adopted", "CommentExtras", "ProposalGroup", "Variant", "adopt", "adoption_notes", "groups"]
