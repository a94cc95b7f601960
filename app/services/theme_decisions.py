"""What drafters decide about themes: rename, approve (or withdraw approval), merge, split off comments,
move comments to another theme, and record how a theme was handled. Every decision marks the themes it
touches as decided (a rerun keeps them), pins the comments a person placed, and is written to the
history with who and when. Refused while an analysis of the version is running (it would overwrite)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import insert, select, update

from app.db import Database, utcnow
from app.services.auth import UserInfo
from app.services.errors import ServiceError
from app.services.themes import MAX_HANDLING, MAX_LABEL, STALE, C, M, R, T, _event


def _theme(conn, theme_id: int):
    row = conn.execute(select(T).where(T.c.id == theme_id, T.c.merged_into.is_(None))).first()
    if row is None:
        raise ServiceError("theme_not_found")
    running = conn.scalar(
        select(R.c.id).where(
            R.c.version_id == row.version_id, R.c.status == "running", R.c.updated_at > utcnow() - STALE
        )
    )
    if running is not None:
        raise ServiceError("themes_running")
    return row


def _touch(conn, theme_id: int, now: datetime, **values) -> None:
    conn.execute(update(T).where(T.c.id == theme_id).values(decided=True, updated_at=now, **values))


def _clean_label(label: str) -> str:
    label = " ".join(label.split())
    if not label or len(label) > MAX_LABEL:
        raise ServiceError("theme_label_invalid")
    return label


def rename(db: Database, user: UserInfo, theme_id: int, label: str, now: datetime | None = None) -> None:
    """Gives theme ``theme_id`` the label ``label`` (1–200 characters, spaces collapsed)."""
    now, label = now or utcnow(), _clean_label(label)
    with db.writing() as session:
        conn = session.connection()
        theme = _theme(conn, theme_id)
        _touch(conn, theme_id, now, label=label)
        _event(conn, theme.version_id, theme_id, "rename", f"“{theme.label}” → “{label}”", user.name, now)


def approve(db: Database, user: UserInfo, theme_id: int, approved: bool = True, now=None) -> None:
    """Approves theme ``theme_id`` (or withdraws the approval)."""
    now = now or utcnow()
    with db.writing() as session:
        conn = session.connection()
        theme = _theme(conn, theme_id)
        _touch(conn, theme_id, now, approved=approved)
        action, detail = ("approve", "确认主题") if approved else ("unapprove", "撤销确认")
        _event(conn, theme.version_id, theme_id, action, detail, user.name, now)


def set_handling(db: Database, user: UserInfo, theme_id: int, text: str, now=None) -> None:
    """Records how the office handled theme ``theme_id`` (shown in the feedback report)."""
    now, text = now or utcnow(), text.replace("\r\n", "\n").strip()
    if len(text) > MAX_HANDLING:
        raise ServiceError("handling_too_long")
    with db.writing() as session:
        conn = session.connection()
        theme = _theme(conn, theme_id)
        _touch(conn, theme_id, now, handling=text)
        _event(conn, theme.version_id, theme_id, "handling", text[:200], user.name, now)


def merge(db: Database, user: UserInfo, theme_ids: list[int], now: datetime | None = None) -> int:
    """Merges the themes ``theme_ids`` into the first of them; the others stay in the history with
    ``merged_into``. Returns the merged theme's id."""
    now = now or utcnow()
    ids = list(dict.fromkeys(theme_ids))
    if len(ids) < 2:
        raise ServiceError("themes_merge_invalid")
    with db.writing() as session:
        conn = session.connection()
        themes = [_theme(conn, i) for i in ids]
        if len({t.version_id for t in themes}) > 1:
            raise ServiceError("themes_merge_invalid")
        target, others = themes[0], themes[1:]
        terms = list(
            dict.fromkeys(json.loads(target.terms) + [w for t in others for w in json.loads(t.terms)])
        )
        conn.execute(update(M).where(M.c.theme_id.in_([t.id for t in others])).values(theme_id=target.id))
        # The merged theme is approved only if every part was: people approve what they have seen.
        approved = target.approved and all(t.approved for t in others)
        _touch(conn, target.id, now, terms=json.dumps(terms[:12], ensure_ascii=False), approved=approved)
        for other in others:
            conn.execute(update(T).where(T.c.id == other.id).values(merged_into=target.id, updated_at=now))
            _event(conn, target.version_id, other.id, "merge", f"并入“{target.label}”", user.name, now)
        names = "、".join(f"“{t.label}”" for t in others)
        _event(conn, target.version_id, target.id, "merge", f"并入 {names}", user.name, now)
    return target.id


def _owned(conn, version_id: int, comment_ids: list[int]) -> list[int]:
    """The ids among ``comment_ids`` that are comments of ``version_id``."""
    if not comment_ids:
        raise ServiceError("selection_empty")
    found = conn.scalars(select(C.c.id).where(C.c.version_id == version_id, C.c.id.in_(comment_ids))).all()
    if not found:
        raise ServiceError("selection_empty")
    return list(found)


def _place(conn, theme_id: int, comment_ids: list[int]) -> None:
    """Puts the comments in ``theme_id`` (pinned: a person placed them), wherever they were."""
    held = set(conn.scalars(select(M.c.comment_id).where(M.c.comment_id.in_(comment_ids))))
    if held:
        conn.execute(update(M).where(M.c.comment_id.in_(held)).values(theme_id=theme_id, pinned=True))
    fresh = [i for i in comment_ids if i not in held]
    if fresh:
        conn.execute(
            insert(M),
            [
                {"comment_id": i, "theme_id": theme_id, "closeness": 0.0, "voice_id": i, "pinned": True}
                for i in fresh
            ],
        )


def move(db: Database, user: UserInfo, comment_ids: list[int], theme_id: int, now=None) -> int:
    """Moves the comments to theme ``theme_id`` (from another theme or from the unassigned ones);
    returns how many moved."""
    now = now or utcnow()
    with db.writing() as session:
        conn = session.connection()
        theme = _theme(conn, theme_id)
        ids = _owned(conn, theme.version_id, comment_ids)
        sources = set(conn.scalars(select(M.c.theme_id).where(M.c.comment_id.in_(ids))))
        _place(conn, theme_id, ids)
        _touch(conn, theme_id, now)
        for source in sources - {theme_id}:
            _touch(conn, source, now)
            _event(
                conn,
                theme.version_id,
                source,
                "move",
                f"{len(ids)} 条意见移至“{theme.label}”",
                user.name,
                now,
            )
        _event(conn, theme.version_id, theme_id, "move", f"移入 {len(ids)} 条意见", user.name, now)
    return len(ids)


def split(
    db: Database, user: UserInfo, theme_id: int, comment_ids: list[int], label: str = "", now=None
) -> int:
    """Splits the chosen comments of theme ``theme_id`` off into a new theme (named ``label``, or after
    the old one); returns the new theme's id."""
    now = now or utcnow()
    with db.writing() as session:
        conn = session.connection()
        theme = _theme(conn, theme_id)
        ids = conn.scalars(
            select(M.c.comment_id).where(M.c.theme_id == theme_id, M.c.comment_id.in_(comment_ids or [-1]))
        ).all()
        if not ids:
            raise ServiceError("selection_empty")
        name = _clean_label(label) if label.strip() else f"{theme.label}（拆分）"[:MAX_LABEL]
        new_id = conn.execute(
            insert(T).returning(T.c.id),
            {
                "version_id": theme.version_id,
                "label": name,
                "terms": theme.terms,
                "approved": False,
                "decided": True,
                "handling": "",
                "created_at": now,
                "updated_at": now,
            },
        ).scalar_one()
        _place(conn, new_id, list(ids))
        _touch(conn, theme_id, now)
        _event(conn, theme.version_id, theme_id, "split", f"{len(ids)} 条意见拆分为“{name}”", user.name, now)
        _event(conn, theme.version_id, new_id, "split", f"由“{theme.label}”拆分而来", user.name, now)
    return new_id
