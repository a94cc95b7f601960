"""The working draft of the next round (issue 17): an unpublished version (``published_at`` NULL, never
shown to the public) created from the latest published one, edited article by article by the drafters,
and receiving the wording they adopt from comments (app/services/proposals.py).

An article's text is edited as it reads: its paragraphs one per line, items (（一）…) on lines of their own.
The edited text is read back by the draft parser (``versions.parse_text``) under the article's own label,
so paragraphs, items and node ids come out exactly as an imported draft's would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from app import models
from app.db import Database, utcnow
from app.services.drafts import items_json, load_draft
from app.services.errors import ServiceError
from app.services.importing import _store_tree
from versions import parse_text

MAX_TEXT = 20000
A, P, V = models.Article, models.Paragraph, models.Version


def item_lines(items: list[dict]) -> list[str]:
    """Items (and their sub-items) as lines: label followed by text."""
    lines = []
    for item in items:
        lines.append(item["label"] + item["text"])
        lines.extend(item_lines(item.get("items", [])))
    return lines


def paragraph_text(text: str, items: list[dict] | str) -> str:
    """A paragraph as one reads it: its text, then its items one per line."""
    items = json.loads(items) if isinstance(items, str) else items
    return "\n".join(([text] if text else []) + item_lines(items))


def article_node(node_id: str) -> str:
    """The article a node belongs to: art-13 for art-13-p2 and for art-13 itself."""
    return node_id.split("-p", 1)[0]


@dataclass(frozen=True)
class WorkingArticle:
    """One article of the working draft, with its text as edited and the text it had in the base round."""

    node_id: str
    label: str
    caption: str | None
    text: str
    base_text: str | None  # None: the article is not in the base round


@dataclass(frozen=True)
class WorkingDraft:
    """The round being prepared: its number, the published round it was made from, and its articles."""

    slug: str
    consultation_title: str
    version_id: int
    number: int
    base_number: int
    base_version_id: int
    stage: str
    articles: list[WorkingArticle]


def _consultation(session, slug: str) -> models.Consultation:
    found = session.scalar(select(models.Consultation).where(models.Consultation.slug == slug))
    if found is None:
        raise ServiceError("consultation_not_found")
    return found


def _latest(session, consultation_id: int, published: bool) -> models.Version | None:
    test = V.published_at.is_not(None) if published else V.published_at.is_(None)
    return session.scalar(
        select(V).where(V.consultation_id == consultation_id, test).order_by(V.number.desc()).limit(1)
    )


def article_texts(session, version_id: int) -> dict[str, str]:
    """{article node id: its text} of a version, paragraphs joined by line breaks."""
    texts: dict[str, list[str]] = {}
    for node_id, text, items in session.execute(
        select(A.node_id, P.text, P.items)
        .join(P, P.article_id == A.id)
        .where(A.version_id == version_id)
        .order_by(A.position, P.position)
    ):
        texts.setdefault(node_id, []).append(paragraph_text(text, items))
    return {node: "\n".join(parts) for node, parts in texts.items()}


def provision_text(session, version_id: int, node_id: str) -> str | None:
    """The text of article or paragraph ``node_id`` of a version (None when it has no such node)."""
    row = session.execute(
        select(P.text, P.items).where(P.version_id == version_id, P.node_id == node_id)
    ).first()
    if row is not None:
        return paragraph_text(row.text, row.items)
    return article_texts_of(session, version_id, node_id)


def article_texts_of(session, version_id: int, node_id: str) -> str | None:
    rows = session.execute(
        select(P.text, P.items)
        .join(A, A.id == P.article_id)
        .where(A.version_id == version_id, A.node_id == node_id)
        .order_by(P.position)
    ).all()
    return "\n".join(paragraph_text(r.text, r.items) for r in rows) if rows else None


def get_working(db: Database, slug: str) -> WorkingDraft | None:
    """The round being prepared for ``slug`` with its articles, or None when there is none.
    ServiceError consultation_not_found."""
    with db.reading() as session:
        consultation = _consultation(session, slug)
        working = _latest(session, consultation.id, published=False)
        if working is None:
            return None
        base = session.scalar(
            select(V)
            .where(
                V.consultation_id == consultation.id, V.number < working.number, V.published_at.is_not(None)
            )
            .order_by(V.number.desc())
            .limit(1)
        )
        texts = article_texts(session, working.id)
        base_texts = article_texts(session, base.id) if base else {}
        articles = [
            WorkingArticle(a.node_id, a.label, a.caption, texts.get(a.node_id, ""), base_texts.get(a.node_id))
            for a in session.scalars(select(A).where(A.version_id == working.id).order_by(A.position))
        ]
        return WorkingDraft(
            slug,
            consultation.title,
            working.id,
            working.number,
            base.number if base else 0,
            base.id if base else 0,
            working.stage,
            articles,
        )


def create_working(db: Database, slug: str, now: datetime | None = None) -> int:
    """Creates the next round as a copy of the latest published one; returns its number. ServiceError
    consultation_not_found, working_draft_exists."""
    now = now or utcnow()
    with db.reading() as session:
        consultation = _consultation(session, slug)
        if _latest(session, consultation.id, published=False) is not None:
            raise ServiceError("working_draft_exists")
        base = _latest(session, consultation.id, published=True)
        if base is None:
            raise ServiceError("version_not_found")
        base_id, stage = base.id, base.stage
    draft = load_draft(db, base_id)
    with db.writing() as session:
        consultation = _consultation(session, slug)
        if _latest(session, consultation.id, published=False) is not None:
            raise ServiceError("working_draft_exists")
        number = (
            session.scalar(select(func.max(V.number)).where(V.consultation_id == consultation.id)) or 0
        ) + 1
        version = V(
            consultation_id=consultation.id,
            number=number,
            title=draft.title,
            stage=stage,
            preamble=draft.preamble,
            enactment_date=draft.enactment_date,
            # A placeholder period: the office sets the real one when it publishes the round.
            opens_at=now,
            closes_at=now + timedelta(days=30),
            source_name="",
            created_at=now,
            published_at=None,
            warnings="[]",
        )
        session.add(version)
        session.flush()
        _store_tree(session, version, draft)
        return number


def _working_article(session, slug: str, node_id: str) -> tuple[models.Version, models.Article]:
    consultation = _consultation(session, slug)
    working = _latest(session, consultation.id, published=False)
    if working is None:
        raise ServiceError("working_draft_missing")
    article = session.scalar(select(A).where(A.version_id == working.id, A.node_id == node_id))
    if article is None:
        raise ServiceError("provision_not_found")
    return working, article


def replace_article_text(session, article: models.Article, text: str) -> None:
    """Replaces the paragraphs of ``article`` (in the caller's transaction) with ``text`` read by the draft
    parser. ServiceError text_required, working_text_invalid (the text starts another article)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ServiceError("text_required")
    if len(text) > MAX_TEXT:
        raise ServiceError("proposal_too_long")
    head = article.label + (f"【{article.caption}】" if article.caption else "") + "\u3000"
    parsed = parse_text(head + text)
    if len(parsed.articles) != 1 or parsed.divisions or parsed.articles[0].id != article.node_id:
        raise ServiceError("working_text_invalid")
    session.execute(delete(P).where(P.article_id == article.id))
    session.add_all(
        P(
            version_id=article.version_id,
            article_id=article.id,
            node_id=p.id,
            position=k,
            text=p.text,
            items=json.dumps(items_json(p.items), ensure_ascii=False),
            line=article.line,
        )
        for k, p in enumerate(parsed.articles[0].paragraphs)
    )


def save_article(db: Database, slug: str, node_id: str, text: str) -> None:
    """Saves the edited text of article ``node_id`` of the working draft. ServiceError
    working_draft_missing, provision_not_found, text_required, working_text_invalid."""
    with db.writing() as session:
        _, article = _working_article(session, slug, node_id)
        replace_article_text(session, article, text)


def with_paragraph(session, article: models.Article, node_id: str, text: str) -> str:
    """The article's text with paragraph ``node_id`` replaced by ``text``; ServiceError
    provision_not_found."""
    paragraphs = session.scalars(select(P).where(P.article_id == article.id).order_by(P.position)).all()
    if node_id not in {p.node_id for p in paragraphs}:
        raise ServiceError("provision_not_found")
    return "\n".join(
        text.strip() if p.node_id == node_id else paragraph_text(p.text, p.items) for p in paragraphs
    )


def working_draft(db: Database, slug: str):
    """(round number, the working draft as the parser's Draft); ServiceError working_draft_missing."""
    with db.reading() as session:
        working = _latest(session, _consultation(session, slug).id, published=False)
        if working is None:
            raise ServiceError("working_draft_missing")
        number, version_id = working.number, working.id
    return number, load_draft(db, version_id)


def replace_working(db: Database, slug: str, draft) -> int:
    """Replaces the whole text of the working draft with ``draft`` (an edited .docx read back by the
    parser); returns its number of articles. ServiceError working_draft_missing."""
    with db.writing() as session:
        working = _latest(session, _consultation(session, slug).id, published=False)
        if working is None:
            raise ServiceError("working_draft_missing")
        for table in (P, A, models.Division):
            session.execute(delete(table).where(table.version_id == working.id))
        working.title, working.preamble = draft.title, draft.preamble
        working.enactment_date = draft.enactment_date
        _store_tree(session, working, draft)
    return len(draft.articles)


def published_version_ids(db: Database, slug: str) -> list[int]:
    """Ids of the published rounds of ``slug``, newest first: proposals made on any of them can be
    adopted into the working draft (a comment may have been sent on an earlier round still open)."""
    with db.reading() as session:
        consultation = _consultation(session, slug)
        return list(
            session.scalars(
                select(V.id)
                .where(V.consultation_id == consultation.id, V.published_at.is_not(None))
                .order_by(V.number.desc())
            )
        )
