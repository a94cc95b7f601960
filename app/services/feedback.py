"""征求意见情况通报 (立法法第三十七条: the consultation's outcome is reported to the public), per round:
generated from the data (figures and a draft text), edited by the office, published by an
administrator, then public as a page and as Word (exporters/feedback.py).

The figures — how many people sent how many comments, by channel, chapter and article, the approved
themes with how each was handled, the dispositions — are a snapshot taken when the report is generated.
Names are listed only of commenters who agreed to be named (``comment.name_consent``, asked apart from
consent to process personal data) and whose comments were adopted (采纳 or 部分采纳), and never of an
erased comment; they come from the data, not from the editable text.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update

from app import models
from app.db import Database, utcnow
from app.services import themes
from app.services.auth import UserInfo
from app.services.errors import ServiceError
from app.timeutil import closing_day, today
from exporters.feedback import FeedbackInput
from exporters.text import chinese_date
from versions.numerals import to_chinese
from versions.vocabulary import DISPOSITIONS, GENERAL, NAMED, SOURCES

C, A, D = models.Comment.__table__, models.Article.__table__, models.Division.__table__
F = models.FeedbackReport.__table__
MAX_BODY = 50000


def figures(db: Database, version_id: int, now: datetime | None = None) -> dict:
    """The report's figures for ``version_id``, read from the database now (JSON-ready)."""
    with db.reading() as session:
        version = session.get(models.Version, version_id)
        if version is None:
            raise ServiceError("version_not_found")
        consultation = version.consultation
        rows = session.execute(
            select(
                C.c.id,
                C.c.contact,
                C.c.name,
                C.c.organisation,
                C.c.source,
                C.c.client_hash,
                C.c.disposition,
                C.c.name_consent,
                C.c.erased_at,
                C.c.article_id,
            )
            .where(C.c.version_id == version_id)
            .order_by(C.c.id)
        ).all()
        articles = session.execute(
            select(A.c.id, A.c.label, A.c.chapter_node_id)
            .where(A.c.version_id == version_id)
            .order_by(A.c.position)
        ).all()
        chapters = {
            r.node_id: f"{r.label}　{r.title}".strip()
            for r in session.execute(
                select(D.c.node_id, D.c.label, D.c.title).where(D.c.version_id == version_id)
            )
        }
    listed = themes.list_themes(db, version_id)
    per_article = Counter(r.article_id for r in rows)
    per_chapter: Counter = Counter()
    by_article = []
    for article in articles:
        if per_article[article.id]:
            by_article.append([article.label, per_article[article.id]])
            per_chapter[chapters.get(article.chapter_node_id, "")] += per_article[article.id]
    if per_article[None]:
        by_article.append([GENERAL, per_article[None]])
    by_chapter = [[title, n] for title, n in per_chapter.items() if title]
    if per_article[None]:
        by_chapter.append([GENERAL, per_article[None]])
    sources = Counter(r.source for r in rows)
    answered = Counter(r.disposition for r in rows if r.disposition)
    names = list(
        dict.fromkeys(
            r.name
            for r in rows
            if r.disposition in NAMED and r.name_consent and r.name and r.erased_at is None
        )
    )
    return {
        "title": consultation.title,
        "office": consultation.office_name,
        "number": version.number,
        "stage": version.stage,
        "opens": today(version.opens_at).isoformat(),
        "closes": closing_day(version.closes_at).isoformat(),
        "comments": len(rows),
        "commenters": len({themes.commenter_key(r) for r in rows}),
        "channels": [[SOURCES[s], sources[s]] for s in SOURCES if sources[s]]
        + [[s, n] for s, n in sources.items() if s not in SOURCES],
        "chapters": by_chapter,
        "articles": by_article,
        "themes": [
            {"label": v.label, "comments": v.comments, "commenters": v.commenters, "handling": v.handling}
            for v in listed.themes + listed.small
            if v.approved
        ],
        "dispositions": [[DISPOSITIONS[k], answered[k]] for k in DISPOSITIONS if answered[k]],
        "names": names,
        "generated_at": (now or utcnow()).isoformat(),
    }


def draft_body(f: dict) -> str:
    """The report's text as generated from the figures ``f``, for the office to edit."""
    office = f["office"] or "起草部门"
    channels = "、".join(f"{label}{n}条" for label, n in f["channels"])
    opens, closes = date.fromisoformat(f["opens"]), date.fromisoformat(f["closes"])
    lines = [
        f"{office}于{chinese_date(opens)}至{chinese_date(closes)}就《{f['title']}》（{f['stage']}）"
        f"公开征求意见。共收到{f['commenters']}人提出的{f['comments']}条意见"
        + (f"，其中{channels}" if channels else "")
        + "。现将有关情况通报如下。",
        "一、意见的分布",
    ]
    top = sorted(f["articles"], key=lambda a: -a[1])[:5]
    lines.append(
        f"意见涉及{len([a for a in f['articles'] if a[0] != GENERAL])}个条文"
        + (f"，意见较多的是：{'、'.join(f'{label}（{n}条）' for label, n in top)}" if top else "")
        + "。各章节、条文的意见数见附表。"
    )
    lines.append("二、主要意见及处理情况")
    if not f["themes"]:
        lines.append("（主要意见的归纳尚未确认。）")
    for n, theme in enumerate(f["themes"], 1):
        handling = theme["handling"] or "正在研究。"
        lines.append(
            f"（{to_chinese(n)}）{theme['label']}。共{theme['comments']}条意见，{theme['commenters']}人提出。{handling}"
        )
    lines.append("三、意见采纳情况")
    answered = "，".join(f"{label}{n}条" for label, n in f["dispositions"])
    lines.append(f"经认真研究，{answered}。" if answered else "意见正在研究处理中。")
    lines.append("感谢社会各界对立法工作的关心和支持。")
    return "\n".join(lines)


@dataclass(frozen=True)
class Report:
    """A round's report as stored."""

    version_id: int
    figures: dict
    body: str
    generated_at: datetime
    edited_at: datetime | None
    edited_by: str
    published_at: datetime | None
    published_by: str

    def document(self) -> FeedbackInput:
        """What exporters/feedback.py writes and the public page shows."""
        f = self.figures
        return FeedbackInput(
            title=f["title"],
            round_label=f"第{f['number']}轮（{f['stage']}）",
            office=f["office"],
            opens=date.fromisoformat(f["opens"]),
            closes=date.fromisoformat(f["closes"]),
            body=self.body,
            channels=tuple(tuple(c) for c in f["channels"]),
            chapters=tuple(tuple(c) for c in f["chapters"]),
            articles=tuple(tuple(a) for a in f["articles"]),
            names=tuple(f["names"]),
            published=today(self.published_at) if self.published_at else None,
        )


def get(db: Database, version_id: int) -> Report | None:
    """The stored report of ``version_id``, or None."""
    with db.reading() as session:
        row = session.execute(select(F).where(F.c.version_id == version_id)).first()
    if row is None:
        return None
    return Report(
        row.version_id,
        json.loads(row.figures),
        row.body,
        row.generated_at,
        row.edited_at,
        row.edited_by,
        row.published_at,
        row.published_by,
    )


def generate(db: Database, user: UserInfo, version_id: int, now: datetime | None = None) -> Report:
    """(Re)generates the report from the data; the text is replaced and a published report is withdrawn
    until an administrator publishes it again (what the public reads must be what was checked)."""
    now = now or utcnow()
    f = figures(db, version_id, now)
    values = {
        "figures": json.dumps(f, ensure_ascii=False),
        "body": draft_body(f),
        "generated_at": now,
        "edited_at": None,
        "edited_by": user.name,
        "published_at": None,
        "published_by": "",
    }
    with db.writing() as session:
        done = session.execute(update(F).where(F.c.version_id == version_id).values(**values)).rowcount
        if not done:
            session.execute(insert(F).values(version_id=version_id, **values))
    return get(db, version_id)  # type: ignore[return-value]


def save_body(db: Database, user: UserInfo, version_id: int, body: str, now: datetime | None = None) -> None:
    """Stores the office's text; ServiceError report_body_invalid when blank or too long."""
    body = body.replace("\r\n", "\n").strip()
    if not body or len(body) > MAX_BODY:
        raise ServiceError("report_body_invalid")
    with db.writing() as session:
        done = session.execute(
            update(F)
            .where(F.c.version_id == version_id)
            .values(body=body, edited_at=now or utcnow(), edited_by=user.name)
        ).rowcount
    if not done:
        raise ServiceError("report_not_found")


def publish(db: Database, user: UserInfo, version_id: int, published: bool = True, now=None) -> None:
    """Publishes the report (or withdraws it); administrators only (ServiceError admin_required)."""
    if user.role != "admin":
        raise ServiceError("admin_required")
    with db.writing() as session:
        done = session.execute(
            update(F)
            .where(F.c.version_id == version_id)
            .values(
                published_at=(now or utcnow()) if published else None,
                published_by=user.name if published else "",
            )
        ).rowcount
    if not done:
        raise ServiceError("report_not_found")


def public(db: Database, slug: str, number: int | None = None) -> tuple[Report, str]:
    """The published report of round ``number`` (default the newest round with one) of ``slug``, with
    the slug; ServiceError report_not_found otherwise (a report not published does not exist publicly)."""
    with db.reading() as session:
        rows = session.execute(
            select(F.c.version_id, models.Version.number)
            .join(models.Version, models.Version.id == F.c.version_id)
            .join(models.Consultation, models.Consultation.id == models.Version.consultation_id)
            .where(
                models.Consultation.slug == slug,
                F.c.published_at.is_not(None),
                models.Version.published_at.is_not(None),
            )
            .order_by(models.Version.number)
        ).all()
    chosen = [r for r in rows if number is None or r.number == number]
    if not chosen:
        raise ServiceError("report_not_found")
    return get(db, chosen[-1].version_id), slug  # type: ignore[return-value]
