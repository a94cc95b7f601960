"""Theme analysis benchmark: N comments on one version (embedded SQLite), analysed exactly as the job does
it (read, campaigns, jieba, TF-IDF, NMF, outliers, store), at several sizes so that the growth can be
measured and the time at larger sizes stated.

    uv run python bench/themes.py [--sizes 12500,25000,50000,100000] [--predict 500000]

Each size gets a fresh database with the demo (app/services/demo.py) plus synthetic comments on version 1:
two or three phrases from one of the planted topics (tests/app/planted.py) followed by a fragment cut from
the draft's own articles (so the vocabulary is the draft's, and texts differ), one in ten a campaign copy.
The baseline, measured in the same run on the same texts, is segmenting them with jieba alone — the least
any word-based analysis must do. The exponent k of t ∝ N^k is fitted on the two largest sizes and used to
state the time at ``--predict`` comments.
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from app import models
from app.db import utcnow
from app.services import review, theme_runs, topics
from app.services.bootstrap import first_start
from app.settings import Settings
from tests.app.planted import CAMPAIGN, FILLERS, TOPICS

SLUG = "hlj-digital-economy"


def fill(db, version_id: int, count: int, seed: int = 7) -> list[str]:
    """Inserts ``count`` synthetic comments on ``version_id``; returns their texts."""
    rng = random.Random(seed)
    with db.reading() as session:
        articles = session.execute(
            select(models.Article.id, models.Article.node_id).where(models.Article.version_id == version_id)
        ).all()
        paragraphs = [
            p.text
            for p in session.scalars(
                select(models.Paragraph).where(models.Paragraph.version_id == version_id)
            )
        ]
    topics_ = list(TOPICS.values())
    now = utcnow() - timedelta(days=50)
    texts = []
    with db.write.connect() as conn, conn.begin():
        next_id = (conn.scalar(select(func.max(models.Comment.id))) or 0) + 1
        for offset in range(0, count, 5000):
            rows = []
            for n in range(offset, min(offset + 5000, count)):
                article_id, node_id = rng.choice(articles)
                if rng.random() < 0.1:
                    content = CAMPAIGN + rng.choice(("。", "！", ""))
                else:
                    source = rng.choice(paragraphs)
                    cut = rng.randrange(max(1, len(source) - 30))
                    phrases = rng.sample(rng.choice(topics_), rng.choice((2, 3)))
                    content = (
                        rng.choice(FILLERS)
                        + "，".join(phrases)
                        + "。"
                        + source[cut : cut + rng.randint(10, 50)]
                        + "。"
                    )
                texts.append(content)
                rows.append(
                    {
                        "id": next_id + n,
                        "receipt": f"YJ-BENCH-{n:08d}",
                        "version_id": version_id,
                        "article_id": article_id,
                        "target": node_id,
                        "content": content,
                        "content_hash": "",
                        "client_hash": f"bench{n}",
                        "created_at": now + timedelta(seconds=n),
                        "status": "received",
                    }
                )
            conn.execute(insert(models.Comment.__table__), rows)
    return texts


def baseline(texts: list[str]) -> float:
    """Seconds to segment ``texts`` with jieba alone (a tokenizer of its own, as the analysis uses)."""
    tokenizer = topics.make_tokenizer(())
    start = time.perf_counter()
    for text in texts:
        tokenizer.lcut(text, HMM=False)
    return time.perf_counter() - start


def measure(size: int) -> tuple[float, float, dict, dict[str, float]]:
    """(analysis seconds, baseline seconds, result counts, seconds per stage) for ``size`` comments."""
    folder = Path(tempfile.mkdtemp(prefix="themes-bench-"))
    db = first_start(
        Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'bench.sqlite3'}", secret_key=b"bench")
    )
    ref = review.version_ref(db, SLUG, 1)
    texts = fill(db, ref.version_id, size)
    stages: dict[str, float] = {}
    last = [time.perf_counter(), "read"]

    def progress(_fraction: float, stage: str) -> None:
        now = time.perf_counter()
        if stage != last[1]:
            stages[last[1]] = stages.get(last[1], 0.0) + now - last[0]
            last[:] = [now, stage]

    start = time.perf_counter()
    result = theme_runs.analyse_version(db, ref.version_id, "bench", progress)
    seconds = time.perf_counter() - start
    stages[last[1]] = stages.get(last[1], 0.0) + time.perf_counter() - last[0]
    base = baseline(texts)
    db.dispose()
    return seconds, base, result, stages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="12500,25000,50000,100000")
    parser.add_argument("--predict", type=int, default=500_000)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'comments':>9} {'analysis s':>11} {'jieba only s':>13} {'ratio':>6} {'themes':>7} "
        f"{'unassigned':>11}  stages (s)"
    )
    times = []
    for size in sizes:
        seconds, base, result, stages = measure(size)
        times.append(seconds)
        detail = " ".join(f"{k}={v:.1f}" for k, v in stages.items())
        print(
            f"{size:9,} {seconds:11.1f} {base:13.1f} {seconds / base:6.1f} {result['themes']:7} "
            f"{result['unassigned']:11,}  {detail}",
            flush=True,
        )
    if len(sizes) >= 2:
        k = math.log(times[-1] / times[-2]) / math.log(sizes[-1] / sizes[-2])
        predicted = times[-1] * (args.predict / sizes[-1]) ** k
        print(f"growth t ∝ N^{k:.2f} (last two sizes); predicted at {args.predict:,}: {predicted:.0f} s")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
