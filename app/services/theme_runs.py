"""Running the theme analysis of a version (app/services/topics.py) as a background job
(app/services/jobs.py, kind ``themes.analyse``) with its progress, and recording each run
(``theme_run``: state, counts) and its result in the theme tables, keeping what people decided.

A rerun never overwrites what people decided: approved themes and themes a person changed are passed
to the analysis as kept — their comments stay, new comments close to them join them — and only the
other themes are replaced. The CLI runs the same function in its own process (``analyse_version``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update

from app import models
from app.db import Database, utcnow
from app.services import jobs, topics
from app.services.errors import N_, ServiceError
from app.services.themes import STALE, A, C, M, R, T, _event

log = logging.getLogger("draftreview.themes")
Progress = Callable[[float, str], None]
KIND = "themes.analyse"
STAGES = {
    "queued": N_("排队等候"),
    "campaigns": N_("正在识别相同或相近的意见"),
    "words": N_("正在分词"),
    "tfidf": N_("正在计算词语权重"),
    "kept": N_("正在归入已确认的主题"),
    "nmf": N_("正在归纳主题"),
    "outliers": N_("正在整理少数意见"),
    "terms": N_("正在提取关键词"),
    "storing": N_("正在保存结果"),
    "done": N_("完成"),
}


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
        rows = session.execute(
            select(C.c.id, C.c.content, C.c.cluster_id).where(C.c.version_id == version_id)
        ).all()
        texts = {r.id: r.content for r in rows}
        clusters = {r.id: r.cluster_id for r in rows if r.cluster_id is not None}
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
        texts, terms=topics.draft_terms(captions, paragraphs), kept=kept, clusters=clusters, progress=progress
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


@jobs.register(KIND, N_("意见主题分析"))
def analysis_job(db: Database, params: dict, progress: jobs.Progress) -> dict:
    """The background job: a run of version ``params["version_id"]``, signed by whoever asked for it. A run
    left by a process that died (silent for twice the job layer's STALE) is closed first, so the job
    layer's re-run of a job whose process died can start."""
    version_id = params["version_id"]
    now = utcnow()
    with db.writing() as session:
        session.execute(
            update(R)
            .where(
                R.c.version_id == version_id,
                R.c.status == "running",
                R.c.updated_at < now - timedelta(seconds=2 * jobs.STALE),
            )
            .values(status="failed", finished_at=now, updated_at=now)
        )
    mine = [j for j in jobs.recent(db, 50, KIND) if j.state == "running" and j.params == params]
    user = mine[0].created_by if mine else ""
    run_id = start_run(db, version_id, user)

    def both(fraction: float, stage: str) -> None:
        progress(int(fraction * 100), 100, STAGES.get(stage, stage))

    return _run(db, run_id, version_id, user, both)


def request_analysis(db: Database, version_id: int, user_name: str) -> int:
    """Queues the analysis of ``version_id`` (or finds the one already queued or running); the job id."""
    return jobs.enqueue(db, KIND, {"version_id": version_id}, user=user_name, dedupe=True)


def latest_job(db: Database, version_id: int) -> jobs.JobInfo | None:
    """The newest analysis job of ``version_id``, or None."""
    return next((j for j in jobs.recent(db, 500, KIND) if j.params.get("version_id") == version_id), None)
