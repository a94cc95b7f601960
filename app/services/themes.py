"""Themes of a version's comments in the database: running the analysis (app/services/topics.py) as a
job with progress, reading themes for the pages and the CLI, and the drafters' decisions (rename,
approve, merge, split, move comments, record how a theme was handled), each written to the history.

A rerun never overwrites what people decided: approved themes and themes a person changed are passed
to the analysis as kept — their comments stay, new comments close to them join them — and only the
other themes are replaced.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update

from app import models
from app.db import Database, utcnow
from app.services import topics
from app.services.errors import ServiceError

log = logging.getLogger("draftreview.themes")
C, A = models.Comment.__table__, models.Article.__table__
T, M, E, R = (
    models.Theme.__table__,
    models.ThemeMember.__table__,
    models.ThemeEvent.__table__,
    models.ThemeRun.__table__,
)
SMALL_SHARE = (
    0.01  # themes holding at most 1 % of the voices (or one voice) are listed apart as minority views
)
STALE = timedelta(minutes=10)  # a running run not heard of for this long has died with its process
MAX_LABEL = 200
MAX_HANDLING = 5000
Progress = Callable[[float, str], None]


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


# -- running ---------------------------------------------------------------------------------------


def start_run(db: Database, version_id: int, user_name: str, now: datetime | None = None) -> int:
    """A new run of ``version_id`` in state running; ServiceError themes_running while another is alive."""
    now = now or utcnow()
    with db.writing() as session:
        # Locks the version row on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises writers), so
        # two processes cannot both start a run.
        session.execute(select(models.Version.id).where(models.Version.id == version_id).with_for_update())
        alive = session.scalar(
            select(R.c.id).where(
                R.c.version_id == version_id, R.c.status == "running", R.c.updated_at > now - STALE
            )
        )
        if alive is not None:
            raise ServiceError("themes_running")
        return session.execute(
            insert(R).returning(R.c.id),
            {
                "version_id": version_id,
                "status": "running",
                "progress": 0,
                "stage": "queued",
                "user_name": user_name,
                "started_at": now,
                "updated_at": now,
                "themes": 0,
                "unassigned": 0,
            },
        ).scalar_one()


def _reporter(db: Database, run_id: int) -> Progress:
    last = [-1]

    def progress(fraction: float, stage: str) -> None:
        percent = int(fraction * 100)
        if percent != last[0]:
            last[0] = percent
            with db.writing() as session:
                session.execute(
                    update(R)
                    .where(R.c.id == run_id)
                    .values(progress=percent, stage=stage, updated_at=utcnow())
                )

    return progress


def run_analysis(db: Database, params: dict, progress: Progress) -> dict:
    """The job: analyses version ``params["version_id"]`` and stores its themes, keeping what people
    decided. Returns {"themes": n, "unassigned": n}. ``progress(fraction, stage)`` as it goes."""
    version_id = params["version_id"]
    with db.reading() as session:
        texts = dict(session.execute(select(C.c.id, C.c.content).where(C.c.version_id == version_id)).all())
        captions = [
            c
            for (c,) in session.execute(
                select(A.c.caption).where(A.c.version_id == version_id, A.c.caption.is_not(None))
            )
        ]
        captions += [
            t
            for (t,) in session.execute(
                select(models.Division.title).where(models.Division.version_id == version_id)
            )
        ]
        paragraphs = session.scalars(
            select(models.Paragraph.text).where(models.Paragraph.version_id == version_id)
        ).all()
        kept_ids = session.scalars(
            select(T.c.id).where(
                T.c.version_id == version_id, T.c.merged_into.is_(None), T.c.approved | T.c.decided
            )
        ).all()
        kept: dict[int, list[int]] = {key: [] for key in kept_ids}
        pinned: set[int] = set()
        for comment_id, theme_id, is_pinned in session.execute(
            select(M.c.comment_id, M.c.theme_id, M.c.pinned).where(M.c.theme_id.in_(kept_ids))
        ):
            kept[theme_id].append(comment_id)
            if is_pinned:
                pinned.add(comment_id)
    analysis = topics.analyse(
        texts, terms=topics.draft_terms(captions, paragraphs), kept=kept, progress=progress
    )
    progress(0.97, "storing")
    _store(db, version_id, analysis, pinned, params.get("user_name", ""))
    return {"themes": len(analysis.themes), "unassigned": len(analysis.unassigned)}


def _label(terms: tuple[str, ...]) -> str:
    return "、".join(terms[:3]) or "（无关键词）"


def _store(
    db: Database, version_id: int, analysis: topics.Analysis, pinned: set[int], user_name: str
) -> None:
    now = utcnow()
    with db.writing() as session:
        conn = session.connection()
        replaced = select(T.c.id).where(
            T.c.version_id == version_id, T.c.merged_into.is_(None), ~(T.c.approved | T.c.decided)
        )
        conn.execute(delete(M).where(M.c.theme_id.in_(replaced)))
        conn.execute(delete(T).where(T.c.id.in_(replaced.scalar_subquery())))
        kept = [theme.kept for theme in analysis.themes if theme.kept is not None]
        if kept:
            conn.execute(delete(M).where(M.c.theme_id.in_(kept)))
        rows = []
        for theme in analysis.themes:
            theme_id = theme.kept
            if theme_id is None:
                theme_id = conn.execute(
                    insert(T).returning(T.c.id),
                    {
                        "version_id": version_id,
                        "label": _label(theme.terms),
                        "terms": json.dumps(theme.terms, ensure_ascii=False),
                        "approved": False,
                        "decided": False,
                        "handling": "",
                        "created_at": now,
                        "updated_at": now,
                    },
                ).scalar_one()
            elif theme.terms:
                conn.execute(
                    update(T)
                    .where(T.c.id == theme_id)
                    .values(terms=json.dumps(theme.terms, ensure_ascii=False))
                )
            rows += [
                {
                    "comment_id": i,
                    "theme_id": theme_id,
                    "closeness": theme.closeness.get(i, 0.0),
                    "voice_id": analysis.campaigns.get(i, i),
                    "pinned": i in pinned,
                }
                for i in theme.members
            ]
        if rows:
            conn.execute(insert(M), rows)
        _event(
            conn,
            version_id,
            None,
            "run",
            f"分析完成：{len(analysis.themes)} 个主题，{len(analysis.unassigned)} 条意见未归入主题",
            user_name,
            now,
        )


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


def finish_run(db: Database, run_id: int, result: dict | None) -> None:
    """Marks the run done with its counts, or failed when ``result`` is None."""
    now = utcnow()
    values = {"status": "failed", "updated_at": now, "finished_at": now}
    if result is not None:
        values |= {"status": "done", "progress": 100, "stage": "done", **result}
    with db.writing() as session:
        session.execute(update(R).where(R.c.id == run_id).values(**values))


def analyse_version(db: Database, version_id: int, user_name: str, progress: Progress | None = None) -> dict:
    """Starts, runs and finishes a run in this thread (the CLI, tests); returns its counts."""
    run_id = start_run(db, version_id, user_name)
    return _run(db, run_id, version_id, user_name, progress)


def _run(db: Database, run_id: int, version_id: int, user_name: str, extra: Progress | None = None) -> dict:
    store = _reporter(db, run_id)

    def progress(fraction: float, stage: str) -> None:
        store(fraction, stage)
        if extra:
            extra(fraction, stage)

    try:
        result = run_analysis(db, {"version_id": version_id, "user_name": user_name}, progress)
    except Exception:
        log.exception("theme analysis of version %s failed", version_id)
        finish_run(db, run_id, None)
        raise
    finish_run(db, run_id, result)
    return result


def run_in_background(db: Database, version_id: int, user_name: str) -> int:
    """Starts a run and carries it out in a background thread of this process; returns the run id."""
    # Until the job layer is on main: a plain thread. The run row carries status and progress either way.
    run_id = start_run(db, version_id, user_name)

    def work() -> None:
        with contextlib.suppress(Exception):  # logged and recorded as failed in _run
            _run(db, run_id, version_id, user_name)

    threading.Thread(target=work, name=f"themes-{version_id}", daemon=True).start()
    return run_id


@dataclass(frozen=True)
class RunState:
    """The latest run of a version as the page shows it."""

    id: int
    status: str  # running, done, failed (a running run whose process died shows as failed)
    progress: int
    stage: str
    started_at: datetime
    finished_at: datetime | None
    themes: int
    unassigned: int


def latest_run(db: Database, version_id: int, now: datetime | None = None) -> RunState | None:
    """The newest run of ``version_id``, or None."""
    with db.reading() as session:
        row = session.execute(
            select(R).where(R.c.version_id == version_id).order_by(R.c.id.desc()).limit(1)
        ).first()
    if row is None:
        return None
    status = row.status
    if status == "running" and row.updated_at <= (now or utcnow()) - STALE:
        status = "failed"
    return RunState(
        row.id, status, row.progress, row.stage, row.started_at, row.finished_at, row.themes, row.unassigned
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
    rows = session.execute(stmt).all()
    if theme_ids is not None:
        rows = [r for r in rows if r.theme_id in theme_ids]
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
