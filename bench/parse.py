"""Time to parse the civil code (1260 articles) next to a bare regular-expression split of the same text.

Run: uv run python bench/parse.py [--repeat N]
Prints the median of N runs for each, and the ratio parse / split (the issue aims for at most 3).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from versions import parse_text
from versions.clean import clean

CIVIL_CODE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "corpus"
    / "civil-code-2020-single-file.lawrefbook.md.txt"
)
BARE_SPLIT = re.compile(r"^第[零〇一二三四五六七八九十百千]+条", re.MULTILINE)


def bare_split(text: str) -> list[str]:
    """The baseline: cut the text at every line that starts with 第…条, nothing else."""
    return BARE_SPLIT.split(text)


def median_seconds(function, text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if not CIVIL_CODE.exists():
        print(f"missing {CIVIL_CODE}: the shared corpus must sit beside the checkout", file=sys.stderr)
        return 2
    text = CIVIL_CODE.read_text(encoding="utf-8")
    pieces = len(bare_split(text)) - 1
    articles = len(parse_text(text).articles)
    split_s = median_seconds(bare_split, text, args.repeat)
    clean_s = median_seconds(clean, text, args.repeat)
    parse_s = median_seconds(parse_text, text, args.repeat)
    print(f"civil code: {len(text):,} characters; bare split finds {pieces} articles, parser {articles}")
    print(f"bare regex split : {split_s * 1000:8.2f} ms (median of {args.repeat})")
    print(f"  clean pass only: {clean_s * 1000:8.2f} ms")
    print(f"full parse       : {parse_s * 1000:8.2f} ms")
    print(f"ratio parse/split: {parse_s / split_s:8.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
