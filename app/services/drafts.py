"""A stored version as the parser's ``versions.Draft``: the one place the article tree is rebuilt from the
database. The reading pages, the API, the comparison, the exports and the import checks all start from it.

A published version is never edited again, so its Draft (frozen, safe to share) is kept for the life of the
process, the least recently used dropped first; a round being prepared (app/services/working.py edits it)
is read afresh every time.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from sqlalchemy import select

from app import models
from app.db import Database
from app.services.errors import ServiceError
from versions import Article, Division, Draft, Item, Paragraph

CACHE_SIZE = 64
_cache: OrderedDict[tuple[str, int], Draft] = OrderedDict()
_lock = threading.Lock()


def items_json(items: tuple[Item, ...]) -> list[dict]:
    """Items (项, 目) as the JSON stored with a paragraph and shown by the pages and the API."""
    return [
        {"id": i.id, "label": i.label, "text": i.text, "line": i.line, "items": items_json(i.items)}
        for i in items
    ]


def _items(raw: list[dict]) -> tuple[Item, ...]:
    return tuple(Item(i["id"], i["label"], i["text"], i["line"], _items(i.get("items", []))) for i in raw)


def load_draft(db: Database, version_id: int) -> Draft:
    """The stored version ``version_id`` as the parser's Draft (warnings left out), from the cache when
    it is published. ServiceError version_not_found when there is no such version."""
    key = (db.url, version_id)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    draft, published = _read(db, version_id)
    if published:
        with _lock:
            _cache[key] = draft
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return draft


def _read(db: Database, version_id: int) -> tuple[Draft, bool]:
    """(the Draft of ``version_id`` read from the database, whether the version is published)."""
    with db.reading() as session:
        version = session.get(models.Version, version_id)
        if version is None:
            raise ServiceError("version_not_found")
        divisions = session.scalars(
            select(models.Division)
            .where(models.Division.version_id == version_id)
            .order_by(models.Division.position)
        ).all()
        articles = session.scalars(
            select(models.Article)
            .where(models.Article.version_id == version_id)
            .order_by(models.Article.position)
        ).all()
        paragraphs: dict[int, list[Paragraph]] = {}
        for p in session.scalars(
            select(models.Paragraph)
            .where(models.Paragraph.version_id == version_id)
            .order_by(models.Paragraph.article_id, models.Paragraph.position)
        ):
            paragraphs.setdefault(p.article_id, []).append(
                Paragraph(p.node_id, p.text, p.line, _items(json.loads(p.items)))
            )
        labels = {d.node_id: d.label for d in divisions}
        draft = Draft(
            version.title,
            version.stage,
            version.preamble,
            version.enactment_date,
            tuple(
                Division(d.node_id, d.kind, d.number, d.label, d.title, d.line, d.parent_node_id)
                for d in divisions
            ),
            tuple(
                Article(
                    a.node_id,
                    a.number,
                    a.label,
                    a.caption,
                    tuple(paragraphs.get(a.id, ())),
                    a.line,
                    a.sub,
                    None,
                    labels.get(a.chapter_node_id or ""),
                    labels.get(a.section_node_id or ""),
                    a.chapter_node_id,
                    a.section_node_id,
                )
                for a in articles
            ),
        )
        return draft, version.published_at is not None
