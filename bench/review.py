"""Review benchmark: 100,000 comments over 3 rounds (embedded SQLite, WAL), then the drafters' overview,
filtered lists and searches across every round (the workspace's default), each repeated, with p50/p99 and
a baseline measured in the same run.

    uv run python bench/review.py [--comments 100000] [--rounds 3] [--repeat 30]
        [--database-url postgresql+psycopg://…]

Builds a fresh database in a temp dir with the demo (app/services/demo.py, two rounds) and a third round
(the second one's text under a new title), adds synthetic comments spread over the rounds — sentences cut
from the draft's own articles, so Chinese search terms are realistic, about one in ten a campaign
duplicate, one in five with a name, organisation, region and contact, real-looking receipt numbers — with
their bigram index rows, then times what the pages call: ``totals.overview`` and ``review.list_comments``
(the count and one page of 50) over all rounds. Baselines: the same list on one round, a search done
by LIKE alone (no bigram index) and a person search done by a scan (no index of migration 0012), so the
ratios show what covering every round costs and what the indexes buy. With ``--database-url``
(PostgreSQL) a schema of its own is created in that database (vacuumed after the load, as autovacuum
would) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text

from app import models
from app.db import is_sqlite, own_schema, utcnow
from app.services import comments, review, search, totals
from app.services.bootstrap import first_start
from app.services.demo import SAMPLE_V2
from app.services.importing import import_draft
from app.settings import Settings
from versions import parse_file

SLUG = "hlj-digital-economy"
QUERIES = [
    ("list, no filter", review.Filters()),
    ("list, round 2 only", review.Filters(round=2)),
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
    ("who: receipt, whole", None),  # filled in once the receipts exist
    ("who: receipt, last 5 letters", None),
    ("who: name 王建", review.Filters(who="王建")),
    ("who: organisation 农机", review.Filters(who="农机")),
    ("who: contact 1391234", review.Filters(who="1391234")),
]
NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "赵磊"]
ORGS = ["红旗农机合作社", "哈尔滨某科技有限公司", "省律师协会", "黑龙江大学"]
REGIONS = ["哈尔滨市", "齐齐哈尔市", "五常市", "大庆市"]
TYPES = ["个人", "企业", "社会组织", "国家机关", "专家学者", "其他", ""]
SOURCES = ["online"] * 8 + ["letter", "email"]
OPENERS = ["建议", "建议将", "我认为", "请考虑", "应当明确", "建议删除", "建议增加"]


def fill(db, version_ids: tuple[int, ...], count: int, seed: int = 7) -> float:
    """Inserts ``count`` synthetic comments (and their bigrams) spread over ``version_ids``; returns
    seconds taken."""
    rng = random.Random(seed)
    with db.reading() as session:
        articles = session.execute(
            select(models.Article.id, models.Article.node_id, models.Article.version_id).where(
                models.Article.version_id.in_(version_ids)
            )
        ).all()
        texts = {
            p.article_id: p.text
            for p in session.scalars(
                select(models.Paragraph).where(models.Paragraph.version_id.in_(version_ids))
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
                article_id, node_id, version_id = rng.choice(articles)
                named = rng.random() < 0.2
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
                        "receipt": comments.new_receipt(now + timedelta(seconds=n * 30)),
                        "version_id": version_id,
                        "article_id": article_id,
                        "paragraph_id": None,
                        "target": node_id,
                        "content": content,
                        "content_hash": "",
                        "name": rng.choice(NAMES) if named else "",
                        "commenter_type": rng.choice(TYPES),
                        "organisation": rng.choice(ORGS) if named else "",
                        "region": rng.choice(REGIONS) if named else "",
                        "contact": f"139{rng.randrange(10**8):08d}" if named else "",
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


def like_only(db, version_ids: tuple[int, ...], query: str) -> int:
    """The baseline: the same search by LIKE alone, count and first page."""
    C = models.Comment.__table__
    where = [C.c.version_id.in_(version_ids)] + [
        func.lower(C.c.content).like(f"%{t}%") for t in query.split()
    ]
    with db.read.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(C).where(*where))
        conn.execute(select(C.c.id).where(*where).order_by(C.c.id.desc()).limit(50)).all()
    return total


def scan_only(db, version_ids: tuple[int, ...], who: str) -> int:
    """The baseline of a person search: the same look-up by a scan (PostgreSQL without migration 0012's
    indexes), count and first page."""
    C = models.Comment.__table__
    with db.read.connect() as conn:
        where = [
            C.c.version_id.in_(version_ids),
            search.person_clause(who, C, conn.dialect.name, indexed=False),
        ]
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


def third_round(db) -> None:
    """A third round: the demo's second text under a new title (an identical file would be refused)."""
    draft = parse_file(SAMPLE_V2)
    import_draft(
        db,
        replace(draft, title=draft.title + "（三次征求意见稿）"),
        slug=SLUG,
        stage="三次征求意见稿",
        opens=date.today(),
        closes=date.today() + timedelta(days=30),
    )


def size(db, folder: Path) -> str:
    """The database's size on disk: the SQLite file, or the tables of the bench's PostgreSQL schema."""
    if is_sqlite(db.url):
        total = sum(p.stat().st_size for p in folder.glob("bench.sqlite3*"))
    else:
        with db.read.connect() as conn:
            total = conn.scalar(
                text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                )
            )
    return f"{float(total or 0) / 1e6:,.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, choices=(2, 3))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="review-bench-"))
    if not args.database_url:
        return run(args, f"sqlite:///{folder / 'bench.sqlite3'}", folder)
    with own_schema(args.database_url, "review") as url:
        return run(args, url, folder)


def measure(db, ref: review.VersionRef, receipt: str, repeat: int) -> None:
    """Times the overview and every query of QUERIES over all rounds of ``ref`` and prints them beside
    their baselines (load average before and after, since the machine may be shared)."""
    every = ref.scope(None)
    before = os.getloadavg()[0]
    queries = dict(QUERIES)
    queries["who: receipt, whole"] = review.Filters(who=receipt)
    queries["who: receipt, last 5 letters"] = review.Filters(who=receipt[-5:].lower())
    samples, stats = timed(lambda: totals.overview(db, every, ref.version_id), repeat)
    base, _ = timed(lambda: totals.overview(db, ref.version_id), repeat)
    print(
        f"{'query (all rounds)':40} {'matches':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'baseline p99':>12} {'ratio':>6}"
    )
    print(
        f"{'overview':40} {stats.total:8,} {statistics.median(samples):8.1f} {p99(samples):8.1f}"
        f" {p99(base):12.1f} {p99(samples) / p99(base):6.2f}  (baseline: one round)"
    )
    for label, filters in queries.items():
        scope = ref.scope(filters.round)
        samples, page = timed(lambda f=filters, s=scope: review.list_comments(db, s, f), repeat)
        baseline = ""
        if filters.q and not filters.article:
            base, total = timed(lambda q=filters.q: like_only(db, every, q), repeat)
            assert total == page.total, (label, total, page.total)
            baseline = f"{p99(base):12.1f} {p99(samples) / p99(base):6.2f}  (baseline: LIKE alone)"
        elif filters.who and filters.who != receipt:
            base, total = timed(lambda w=filters.who: scan_only(db, every, w), repeat)
            assert total == page.total, (label, total, page.total)
            baseline = f"{p99(base):12.1f} {p99(samples) / p99(base):6.2f}  (baseline: scan)"
        elif not filters.q and not filters.who and filters.round is None:
            one = ref.scope(ref.number)
            base, _ = timed(lambda f=filters, s=one: review.list_comments(db, s, f), repeat)
            baseline = f"{p99(base):12.1f} {p99(samples) / p99(base):6.2f}  (baseline: one round)"
        print(f"{label:40} {page.total:8,} {statistics.median(samples):8.1f} {p99(samples):8.1f} {baseline}")
    print(f"load average {before:.1f} before, {os.getloadavg()[0]:.1f} after")


def run(args, url: str, folder: Path) -> int:
    db = first_start(Settings(data_dir=folder, database_url=url, secret_key=b"bench"))
    if args.rounds == 3:
        third_round(db)
    ref = review.version_ref(db, SLUG)
    every = ref.scope(None)
    seconds = fill(db, every, args.comments)
    with db.reading() as session:
        stored = session.scalar(select(func.count(models.Comment.id)))
        grams = session.scalar(select(func.count()).select_from(models.CommentGram))
        receipt = session.scalar(select(models.Comment.receipt).order_by(models.Comment.id.desc()).limit(1))
    print(
        f"{'SQLite' if is_sqlite(url) else 'PostgreSQL'}: {stored:,} comments over {len(every)} rounds, "
        f"{grams:,} bigram rows, loaded in {seconds:.1f} s ({size(db, folder)})"
    )
    if not is_sqlite(url):
        # What autovacuum does after a bulk load: the visibility map lets index-only scans skip the heap.
        with db.write.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    measure(db, ref, receipt, args.repeat)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
