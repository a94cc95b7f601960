"""Review benchmark: 100,000 comments on one version (embedded SQLite, WAL), then the drafters' filtered
list and full-text search, each repeated, with p50/p99 and the ratio to a baseline in the same run.

    uv run python bench/review.py [--comments 100000] [--repeat 30]

Builds a fresh database in a temp dir with the demo (app/services/demo.py), adds synthetic comments to
version 1 — sentences cut from the draft's own articles, so Chinese search terms are realistic, about one
in ten a campaign duplicate — with their bigram index rows, then times ``review.list_comments`` (the count
and one page of 50, exactly what the page and the API call) for each query below. The baseline is the
same search done by LIKE alone (no bigram index), so the ratio shows what the index buys.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from app import models
from app.db import utcnow
from app.services import review, search
from app.services.bootstrap import first_start
from app.settings import Settings

SLUG = "hlj-digital-economy"
QUERIES = [
    ("list, no filter", review.Filters()),
    ("list, article 第十三条", review.Filters(article="art-13")),
    (
        "list, chapter + type + not answered",
        review.Filters(chapter="ch-3", commenter_type="企业", disposition="none"),
    ),
    ("list, source letter", review.Filters(source="letter")),
    ("search 数据 (2 chars, common)", review.Filters(q="数据")),
    ("search 个人信息 (4 chars)", review.Filters(q="个人信息")),
    ("search 同步验收 + article", review.Filters(q="同步验收", article="art-13")),
    ("search 繁体字 (rare)", review.Filters(q="繁体字")),
    ("search 两个词 数据 安全", review.Filters(q="数据 安全")),
]
TYPES = ["个人", "企业", "社会组织", "国家机关", "专家学者", "其他", ""]
SOURCES = ["online"] * 8 + ["letter", "email"]
OPENERS = ["建议", "建议将", "我认为", "请考虑", "应当明确", "建议删除", "建议增加"]


def fill(db, version_id: int, count: int, seed: int = 7) -> float:
    """Inserts ``count`` synthetic comments (and their bigrams) on ``version_id``; returns seconds taken."""
    rng = random.Random(seed)
    with db.reading() as session:
        articles = session.execute(
            select(models.Article.id, models.Article.node_id).where(models.Article.version_id == version_id)
        ).all()
        texts = {
            p.article_id: p.text
            for p in session.scalars(
                select(models.Paragraph).where(models.Paragraph.version_id == version_id)
            )
        }
    campaign = "坚决支持保护个人信息，建议删除第二十六条的例外规定。"
    start = time.perf_counter()
    now = utcnow() - timedelta(days=50)
    batch = 5000
    with db.write.connect() as conn, conn.begin():
        next_id = (conn.scalar(select(func.max(models.Comment.id))) or 0) + 1
        for offset in range(0, count, batch):
            rows, grams = [], []
            for n in range(offset, min(offset + batch, count)):
                article_id, node_id = rng.choice(articles)
                source_text = texts.get(article_id, "数据")
                cut = rng.randrange(max(1, len(source_text) - 30))
                content = (
                    campaign
                    if rng.random() < 0.1
                    else rng.choice(OPENERS) + source_text[cut : cut + rng.randint(10, 60)] + "。"
                )
                if rng.random() < 0.001:
                    content += "其中有繁体字。"
                cid = next_id + n
                rows.append(
                    {
                        "id": cid,
                        "receipt": f"YJ-BENCH-{n:08d}",
                        "version_id": version_id,
                        "article_id": article_id,
                        "paragraph_id": None,
                        "target": node_id,
                        "content": content,
                        "content_hash": "",
                        "name": "",
                        "commenter_type": rng.choice(TYPES),
                        "organisation": "",
                        "region": "",
                        "contact": "",
                        "consent": False,
                        "client_hash": f"bench{n % 5000}",
                        "created_at": now + timedelta(seconds=n * 30),
                        "status": "received",
                        "source": rng.choice(SOURCES),
                        "source_detail": "",
                        "disposition": "",
                        "cluster_id": None,
                    }
                )
                grams.extend(search.index_rows(cid, content))
            conn.execute(insert(models.Comment.__table__), rows)
            conn.execute(insert(models.CommentGram.__table__), grams)
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - start


def like_only(db, version_id: int, query: str) -> int:
    """The baseline: the same search by LIKE alone, count and first page."""
    C = models.Comment.__table__
    where = [C.c.version_id == version_id] + [func.lower(C.c.content).like(f"%{t}%") for t in query.split()]
    with db.read.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(C).where(*where))
        conn.execute(select(C.c.id).where(*where).order_by(C.c.id.desc()).limit(50)).all()
    return total


def timed(fn, repeat: int) -> tuple[list[float], object]:
    result, samples = None, []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples, result


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="review-bench-"))
    db = first_start(
        Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'bench.sqlite3'}", secret_key=b"bench")
    )
    ref = review.version_ref(db, SLUG, 1)
    seconds = fill(db, ref.version_id, args.comments)
    with db.reading() as session:
        stored = session.scalar(select(func.count(models.Comment.id)))
        grams = session.scalar(select(func.count()).select_from(models.CommentGram))
    print(
        f"{stored:,} comments, {grams:,} bigram rows, loaded in {seconds:.1f} s "
        f"({Path(folder / 'bench.sqlite3').stat().st_size / 1e6:.0f} MB)"
    )
    print(f"{'query':40} {'matches':>8} {'p50 ms':>8} {'p99 ms':>8} {'LIKE p99':>9} {'ratio':>6}")
    for label, filters in QUERIES:
        samples, page = timed(lambda f=filters: review.list_comments(db, ref.version_id, f), args.repeat)
        baseline = ""
        if filters.q and not filters.article:
            base, total = timed(lambda q=filters.q: like_only(db, ref.version_id, q), args.repeat)
            assert total == page.total, (label, total, page.total)
            baseline = f"{p99(base):9.1f} {p99(samples) / p99(base):6.2f}"
        print(f"{label:40} {page.total:8,} {statistics.median(samples):8.1f} {p99(samples):8.1f} {baseline}")
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
