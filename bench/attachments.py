"""Checking attachments: what a good file and each hostile kind cost before they are stored or refused.

Run: uv run python bench/attachments.py [--repeat N]
Baseline (same run): SHA-256 of the same bytes, the least any check must do. Figures are medians.
Files are made here (tests/app/attachment_files.py: python-docx, reportlab, zlib); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services import attachments
from app.services.attachments import AttachmentRefused
from tests.app import attachment_files as files


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _check(name: str, data: bytes):
    def run():
        with contextlib.suppress(AttachmentRefused):
            attachments.check(name, data)

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    long_text = "\n".join(f"第{n}段：建议增设数据信托制度，明确数据经纪人的责任。" for n in range(2000))
    cases = [
        ("good .docx (2,000 paragraphs)", "意见.docx", files.docx(long_text)),
        ("good .pdf (1 page)", "意见.pdf", files.pdf("建议增设数据信托制度")),
        ("good .txt (9.9 MB)", "意见.txt", ("建议增设数据信托制度。\n" * 330_000).encode()[:9_900_000]),
        ("zip bomb .docx (inflates to 120 MB), refused", "炸弹.docx", files.zip_bomb(120)),
        ("lying zip directory, refused", "说谎.docx", files.lying_zip()),
        ("expanding .pdf (80 MB stream), refused", "膨胀.pdf", files.expanding_pdf(80)),
    ]
    print("| file | size | SHA-256 only (baseline) | full check | ratio |\n|---|---|---|---|---|")
    for label, name, data in cases:
        base = _median_ms(lambda data=data: hashlib.sha256(data).hexdigest(), args.repeat)
        full = _median_ms(_check(name, data), args.repeat)
        print(
            f"| {label} | {len(data) / 1024:,.0f} KB | {base:.2f} ms | {full:.1f} ms | {full / base:,.0f}× |"
        )


if __name__ == "__main__":
    main()
