"""Scale benchmark: the NPC's order of magnitude — 500,000 comments on one consultation over 3 rounds, 10 % of
them in campaigns — on the embedded SQLite default, or on PostgreSQL with ``--database-url``.

    uv run python bench/scale.py [--comments 500000] [--database-url postgresql+psycopg://…] [--repeat 20]
    uv run python bench/scale.py --existing /tmp/scale-bench-XXXX --phases maintenance,export,themes

``--existing`` reruns phases on the SQLite database a previous run left in its folder (printed at start)
instead of loading a new one.

Reports: load time and database size; the drafters' list and search p99 on the largest round (goal under
200 ms), beside ``SELECT 1`` on the same connection pool as the baseline; near-duplicate cluster maintenance
per stored comment (the incremental index, ``clusters.catch_up``) beside a full rebuild of the same round
(what every 重新归并相似意见 cost before); the 意见汇总表 export's time and peak memory (goal under 30 s and
1 GB), in a child process beside the peak memory of a child that only loads the app. Theme analysis is
timed when a ``themes.analyse`` job kind is registered.

With ``--database-url`` a schema of its own is created in that database and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text

from app import models
from app.db import is_sqlite, own_schema, utcnow
from app.services import clusters, jobs, review, search
from app.services.bootstrap import first_start
from app.services.importing import import_draft
from app.settings import Settings
from versions import parse_file

ROOT = Path(__file__).resolve().parent.parent
SLUG = "hlj-digital-economy"
SHARES = (0.2, 0.3, 0.5)  # of the comments, on rounds 1, 2 and 3
QUERIES = [
    ("list, no filter", review.Filters()),
    ("list, article 第十三条", review.Filters(article="art-13")),
    ("list, type + not answered", review.Filters(commenter_type="企业", disposition="none")),
    ("search 个人信息", review.Filters(q="个人信息")),
    ("search 数据 安全", review.Filters(q="数据 安全")),
    ("search 繁体字 (rare)", review.Filters(q="繁体字")),
]
TYPES = ["个人", "企业", "社会组织", "国家机关", "专家学者", "其他", ""]
OPENERS = ["建议", "建议将", "我认为", "请考虑", "应当明确", "建议删除", "建议增加"]
CAMPAIGNS = [
    "坚决支持保护个人信息，建议删除第二十六条的例外规定，不得以任何理由收集与服务无关的个人信息。",
    "建议第十三条明确数据安全责任主体，由县级以上人民政府统一负责，并向社会公开年度报告。",
    "我们小区的老年人不会用智能手机，建议保留线下办事渠道，不得强制使用电子方式办理。",
    "建议增加对中小企业数字化转型的财政补贴，补贴标准应当不低于项目投资额的百分之三十。",
]
EDITS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过"


class Comments:
    """Synthetic comments on one round: sentences cut from its own articles, 10 % campaign texts (half
    exact copies, half with a few characters changed), one in a thousand with a rare word."""

    def __init__(self, db, version_id: int, seed: int) -> None:
        self.rng = random.Random(seed)
        with db.reading() as session:
            self.articles = session.execute(
                select(models.Article.id, models.Article.node_id).where(
                    models.Article.version_id == version_id
                )
            ).all()
            self.texts = {
                p.article_id: p.text
                for p in session.scalars(
                    select(models.Paragraph).where(models.Paragraph.version_id == version_id)
                )
            }
        self.version_id = version_id

    def content(self) -> str:
        rng = self.rng
        if rng.random() < 0.1:
            chars = list(rng.choice(CAMPAIGNS))
            if rng.random() < 0.5:
                for _ in range(rng.randint(1, 3)):
                    chars[rng.randrange(len(chars))] = rng.choice(EDITS)
            return "".join(chars)
        article_id, _ = rng.choice(self.articles)
        source = self.texts.get(article_id, "数据")
        cut = rng.randrange(max(1, len(source) - 30))
        # A person's own words around the quoted article: no two comments of this kind are near duplicates.
        own = "".join(rng.choice(EDITS) for _ in range(rng.randint(8, 30)))
        extra = "其中有繁体字。" if rng.random() < 0.001 else ""
        return rng.choice(OPENERS) + source[cut : cut + rng.randint(8, 30)] + "，" + own + "。" + extra

    def rows(self, first_id: int, count: int, when) -> tuple[list[dict], list[dict]]:
        comments, grams = [], []
        for n in range(count):
            cid = first_id + n
            article_id, node_id = self.rng.choice(self.articles)
            content = self.content()
            comments.append(
                {
                    "id": cid,
                    "receipt": f"YJ-SCALE-{cid:09d}",
                    "version_id": self.version_id,
                    "article_id": article_id,
                    "paragraph_id": None,
                    "target": node_id,
                    "content": content,
                    "content_hash": "",
                    "commenter_type": self.rng.choice(TYPES),
                    "client_hash": f"scale{cid % 85221}",
                    "created_at": when + timedelta(seconds=n),
                    "status": "received",
                    "source": "online",
                    "disposition": "",
                }
            )
            grams.extend(search.index_rows(cid, content))
        return comments, grams


def load(db, version_id: int, count: int, seed: int) -> None:
    """Inserts ``count`` comments on ``version_id`` in transactions of 5,000, with their bigram rows."""
    maker = Comments(db, version_id, seed)
    when = utcnow() - timedelta(days=40)
    with db.write.connect() as conn:
        for offset in range(0, count, 5000):
            with conn.begin():
                first = (conn.scalar(select(func.max(models.Comment.id))) or 0) + 1
                rows, grams = maker.rows(first, min(5000, count - offset), when)
                conn.execute(insert(models.Comment.__table__), rows)
                conn.execute(insert(models.CommentGram.__table__), grams)


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


def size(db, folder: Path) -> str:
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


CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from app.db import Database
from app.services import exports
db = Database.connect({url!r})
start = time.perf_counter()
if {export!r}:
    path, name = exports.export(db, Path({folder!r}), {slug!r}, "summary", 3)
    path.unlink()
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(time.perf_counter() - start, peak / 1024)
"""


def child(url: str, folder: Path, export: bool) -> tuple[float, float]:
    """(seconds, peak MB) of a fresh process that writes the 意见汇总表 of round 3 (or only loads the app);
    the peak is the child's own VmHWM (ru_maxrss would carry the parent's across fork)."""
    code = CHILD.format(root=str(ROOT), url=url, folder=str(folder), slug=SLUG, export=export)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    seconds, peak = out.split()
    return float(seconds), float(peak)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=500_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--maintenance", type=int, default=2000, help="comments stored after the load")
    parser.add_argument("--seed", type=int, default=9, help="of the comments stored after the load")
    parser.add_argument("--existing", type=Path, help="the folder of a previous SQLite run: no new load")
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated, of {','.join(PHASES)}")
    args = parser.parse_args()
    args.phases = set(args.phases.split(","))
    folder = args.existing or Path(tempfile.mkdtemp(prefix="scale-bench-"))
    print(f"folder: {folder}", flush=True)
    if not args.database_url:
        return run(args, f"sqlite:///{folder / 'bench.sqlite3'}", folder)
    with own_schema(args.database_url, "scale") as url:
        return run(args, url, folder)


PHASES = ("queries", "rebuild", "maintenance", "export", "themes")


def run(args, url: str, folder: Path) -> int:
    db = first_start(Settings(data_dir=folder, database_url=url, secret_key=b"bench"))
    if args.existing:
        refs = [review.version_ref(db, SLUG, n) for n in (1, 2, 3)]
        print(f"existing database {size(db, folder)}", flush=True)
        return phases(args, db, url, folder, refs)
    start = review.version_ref(db, SLUG, 2).period.opens_at.date()
    # Round 3: the sample draft with one word changed (a file identical to a stored round is refused).
    third = folder / "round-3.txt"
    sample = (ROOT / "app" / "data" / "sample-draft.txt").read_text(encoding="utf-8")
    third.write_text(sample.replace("数字经济", "数字经济发展", 1), encoding="utf-8")
    import_draft(
        db,
        parse_file(third),
        slug=SLUG,
        stage="三次征求意见稿",
        opens=start,
        closes=start + timedelta(days=30),
    )
    refs = [review.version_ref(db, SLUG, n) for n in (1, 2, 3)]
    backend = "SQLite" if is_sqlite(url) else "PostgreSQL"
    print(f"{backend}, {args.comments:,} comments over 3 rounds ({os.cpu_count()} cores)")
    began = time.perf_counter()
    for n, (ref, share) in enumerate(zip(refs, SHARES, strict=True)):
        load(db, ref.version_id, int(args.comments * share), seed=n)
    with db.write.connect() as conn, conn.begin():
        conn.exec_driver_sql("ANALYZE")
    loaded = time.perf_counter() - began
    print(f"load (comments + bigram index): {loaded:.1f} s, database {size(db, folder)}", flush=True)
    return phases(args, db, url, folder, refs)


def phases(args, db, url: str, folder: Path, refs) -> int:
    """Runs the measurements of ``args.phases`` on the loaded database."""
    largest = refs[2]
    if "queries" in args.phases:
        queries(args, db, largest)
    if "rebuild" in args.phases:
        for ref in refs:
            began = time.perf_counter()
            result = clusters.rebuild_version(db, ref.version_id)
            print(
                f"full cluster rebuild, round {ref.number}: {time.perf_counter() - began:.1f} s "
                f"({result.clusters:,} clusters holding {result.comments:,} comments)",
                flush=True,
            )
    if "maintenance" in args.phases:
        # Another --seed on each rerun with --existing: the same seed stores copies of the same texts again.
        load(db, largest.version_id, args.maintenance, seed=args.seed)
        began = time.perf_counter()
        done = clusters.catch_up(db, everything=True, pause=0)  # the indexing itself, without the pauses
        spent = time.perf_counter() - began
        print(
            f"incremental clustering: {done:,} new comments in {spent:.2f} s = "
            f"{spent / max(done, 1) * 1000:.2f} ms each",
            flush=True,
        )
    if "export" in args.phases:
        _, idle_mb = child(url, folder, export=False)
        export_s, export_mb = child(url, folder, export=True)
        print(
            f"意见汇总表 of round 3: {export_s:.1f} s, peak {export_mb:,.0f} MB "
            f"(a process that only loads: {idle_mb:,.0f} MB)",
            flush=True,
        )
    if "themes" in args.phases:
        themes(db, largest)
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    db.dispose()
    return 0


def queries(args, db, largest) -> None:
    """The drafters' list and search on the largest round, p50 and p99, beside SELECT 1."""
    base, _ = timed(lambda: db.ping(), args.repeat)
    print(
        f"{'query on round 3':32} {'matches':>9} {'p50 ms':>8} {'p99 ms':>8}   "
        f"(SELECT 1 p99 {p99(base):.2f} ms)"
    )
    for label, filters in QUERIES:
        samples, page = timed(lambda f=filters: review.list_comments(db, largest.version_id, f), args.repeat)
        print(f"{label:32} {page.total:9,} {statistics.median(samples):8.1f} {p99(samples):8.1f}")


def themes(db, largest) -> None:
    """Theme analysis of the largest round, as the job drafters start."""
    jobs.load_kinds()
    if "themes.analyse" in jobs._KINDS:
        began = time.perf_counter()
        job_id = jobs.enqueue(db, "themes.analyse", {"version_id": largest.version_id})
        jobs.queue_for(db).drain()
        print(
            f"theme analysis of round 3: {time.perf_counter() - began:.1f} s ({jobs.get(db, job_id).state})"
        )
    else:
        print("theme analysis: not built on this branch")


if __name__ == "__main__":
    sys.exit(main())
