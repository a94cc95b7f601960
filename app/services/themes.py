"""Themes of a version's comments in the database, as the pages and the CLI read them: each theme with
its figures, representative comments and every comment; the comments no theme holds; the history.
Running the analysis is app/services/theme_runs.py; the drafters' decisions app/services/theme_decisions.py.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, select

from app import models
from app.db import Database
from app.services.errors import ServiceError

C, A = models.Comment.__table__, models.Article.__table__
T, M, E, R = (
    models.Theme.__table__,
    models.ThemeMember.__table__,
    models.ThemeEvent.__table__,
    models.ThemeRun.__table__,
)
SMALL_SHARE = 0.01  # themes of at most 1 % of the voices (or one voice) are listed apart: minority views
STALE = timedelta(minutes=10)  # a running run not heard of for this long has died with its process
MAX_LABEL = 200
MAX_HANDLING = 5000


def commenter_key(row) -> str:
    """Who sent a comment, as far as the data tells: the contact given, else name and organisation, else
    the keyed hash of the sender's address (online), else the comment alone. Used for every count of
    commenters (themes, the feedback report)."""
    if row.contact:
        return "c:" + row.contact.lower()
    if row.name:
        return f"n:{row.name}|{row.organisation}"
    if row.source == "online":
        return "h:" + row.client_hash
    return f"i:{row.id}"


def _event(conn, version_id: int, theme_id: int | None, action: str, detail: str, user: str, now) -> None:
    conn.execute(
        insert(E),
        {
            "version_id": version_id,
            "theme_id": theme_id,
            "action": action,
            "detail": detail,
            "user_name": user,
            "created_at": now,
        },
    )


# -- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A comment of a theme."""

    id: int
    receipt: str
    article: int | None
    content: str
    closeness: float
    voice_id: int
    campaign: int  # comments sharing its voice (1 when alone)
    pinned: bool


@dataclass(frozen=True)
class ThemeView:
    """A theme with its figures; ``central`` and ``different`` are its representative comments."""

    id: int
    label: str
    terms: tuple[str, ...]
    approved: bool
    decided: bool
    handling: str
    comments: int
    commenters: int
    voices: int
    campaigns: tuple[int, ...]  # sizes of the campaigns in it (largest first)
    articles: tuple[int, ...]
    central: tuple[Member, ...]
    different: tuple[Member, ...]
    members: tuple[Member, ...]


@dataclass(frozen=True)
class ThemeList:
    """A version's themes (largest first, small ones apart) and the comments no theme holds."""

    themes: list[ThemeView]
    small: list[ThemeView]
    unassigned: list[Member]
    total: int


def _members(session, version_id: int, theme_ids=None) -> tuple[dict[int, list[Member]], list[Member], dict]:
    """Members of the version's live themes (or of ``theme_ids``), unassigned comments, and each
    comment's commenter key."""
    stmt = (
        select(
            C.c.id,
            C.c.receipt,
            C.c.content,
            C.c.contact,
            C.c.name,
            C.c.organisation,
            C.c.source,
            C.c.client_hash,
            A.c.number.label("article"),
            M.c.theme_id,
            M.c.closeness,
            M.c.voice_id,
            M.c.pinned,
        )
        .select_from(C.outerjoin(A, A.c.id == C.c.article_id).outerjoin(M, M.c.comment_id == C.c.id))
        .where(C.c.version_id == version_id)
    )
    if theme_ids is not None:
        stmt = stmt.where(M.c.theme_id.in_(theme_ids))
    rows = session.execute(stmt).all()
    sizes = Counter((r.theme_id, r.voice_id) for r in rows if r.theme_id is not None)
    by_theme: dict[int, list[Member]] = defaultdict(list)
    unassigned: list[Member] = []
    keys = {}
    for r in rows:
        keys[r.id] = commenter_key(r)
        member = Member(
            r.id,
            r.receipt,
            r.article,
            r.content,
            r.closeness or 0.0,
            r.voice_id or r.id,
            sizes.get((r.theme_id, r.voice_id), 1),
            bool(r.pinned),
        )
        (by_theme[r.theme_id] if r.theme_id is not None else unassigned).append(member)
    return by_theme, unassigned, keys


def _view(theme, members: list[Member], keys: dict) -> ThemeView:
    members = sorted(members, key=lambda m: (-m.closeness, m.id))
    voices: dict[int, Member] = {}
    for m in members:
        voices.setdefault(m.voice_id, m)
    ordered = list(voices.values())
    campaigns = Counter(m.voice_id for m in members)
    return ThemeView(
        theme.id,
        theme.label,
        tuple(json.loads(theme.terms)),
        theme.approved,
        theme.decided,
        theme.handling,
        len(members),
        len({keys[m.id] for m in members}),
        len(voices),
        tuple(sorted((n for n in campaigns.values() if n > 1), reverse=True)),
        tuple(sorted({m.article for m in members if m.article is not None})),
        tuple(ordered[:2]),
        tuple(ordered[-1:]) if len(ordered) > 2 else (),
        tuple(members),
    )


def list_themes(db: Database, version_id: int, article: int | None = None) -> ThemeList:
    """The live themes of ``version_id``; with ``article``, only comments on that article count."""
    with db.reading() as session:
        themes = session.execute(
            select(T).where(T.c.version_id == version_id, T.c.merged_into.is_(None))
        ).all()
        by_theme, unassigned, keys = _members(session, version_id)
    if article is not None:
        by_theme = {k: [m for m in v if m.article == article] for k, v in by_theme.items()}
        unassigned = [m for m in unassigned if m.article == article]
    views = [_view(t, by_theme.get(t.id, []), keys) for t in themes]
    views = [v for v in views if v.comments or (article is None and (v.approved or v.decided))]
    views.sort(key=lambda v: (-v.voices, -v.comments, v.id))
    small = max(1.0, SMALL_SHARE * sum(v.voices for v in views))
    return ThemeList(
        [v for v in views if v.voices > small],
        [v for v in views if v.voices <= small],
        sorted(unassigned, key=lambda m: m.id),
        sum(v.comments for v in views) + len(unassigned),
    )


@dataclass(frozen=True)
class ThemeDetail:
    """One theme with every comment, the other themes (to move comments to) and its history."""

    version_id: int
    slug: str
    number: int
    theme: ThemeView
    others: list[tuple[int, str]]
    history: list


def theme_detail(db: Database, theme_id: int) -> ThemeDetail:
    """Theme ``theme_id``; ServiceError theme_not_found (also for one merged away)."""
    with db.reading() as session:
        theme = session.execute(select(T).where(T.c.id == theme_id, T.c.merged_into.is_(None))).first()
        if theme is None:
            raise ServiceError("theme_not_found")
        by_theme, _, keys = _members(session, theme.version_id, {theme_id})
        others = session.execute(
            select(T.c.id, T.c.label)
            .where(T.c.version_id == theme.version_id, T.c.merged_into.is_(None), T.c.id != theme_id)
            .order_by(T.c.label)
        ).all()
        history = session.execute(select(E).where(E.c.theme_id == theme_id).order_by(E.c.id.desc())).all()
        slug, number = session.execute(
            select(models.Consultation.slug, models.Version.number)
            .join(models.Version, models.Version.consultation_id == models.Consultation.id)
            .where(models.Version.id == theme.version_id)
        ).one()
    return ThemeDetail(
        theme.version_id,
        slug,
        number,
        _view(theme, by_theme.get(theme_id, []), keys),
        [tuple(o) for o in others],
        history,
    )


def history(db: Database, version_id: int, limit: int = 200) -> list:
    """The newest ``limit`` events of the version's themes."""
    with db.reading() as session:
        return session.execute(
            select(E).where(E.c.version_id == version_id).order_by(E.c.id.desc()).limit(limit)
        ).all()


def themes_json(db: Database, version_id: int) -> dict:
    """The CLI's JSON: {"themes": [{id, label, terms, comments (receipts), commenters, articles}],
    "unassigned": [receipts]}."""
    listed = list_themes(db, version_id)
    return {
        "themes": [
            {
                "id": v.id,
                "label": v.label,
                "terms": list(v.terms),
                "comments": [m.receipt for m in sorted(v.members, key=lambda m: m.id)],
                "commenters": v.commenters,
                "articles": list(v.articles),
            }
            for v in listed.themes + listed.small
        ],
        "unassigned": [m.receipt for m in listed.unassigned],
    }
