"""Parse + align + diff of the civil code against a copy with ~3% of its characters edited, next to git.

Run: uv run python bench/compare.py [--repeat N] [--edit-rate 0.03]
The baseline is `git diff --no-index --word-diff=porcelain --word-diff-regex=.` on the same two files, run in
the same process N times; the figures are medians, and the ratio is ours / git's (the issue's goal is ≤ 1.0).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from versions import parse_text
from versions.align import align
from versions.diff import diff

ROOT = Path(__file__).resolve().parents[1]
CIVIL_CODE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "corpus"
    / "civil-code-2020-single-file.lawrefbook.md.txt"
)
FILLER = "的和与或及应当依照规定人民政府单位个人合同权利义务"


def edited_copy(text: str, rate: float, seed: int = 2026) -> tuple[str, int]:
    """Replaces, deletes or inserts about ``rate`` of the Han characters of article bodies (labels kept)."""
    rng = random.Random(seed)
    out, edits = [], 0
    for line in text.split("\n"):
        keep = 0
        if line.startswith("第") and "条" in line[:12]:
            keep = line.index("条") + 1  # never touch the article label: the structure stays the same
        chars = list(line)
        for k in range(keep, len(chars)):
            if "\u4e00" <= chars[k] <= "\u9fff" and rng.random() < rate:
                edits += 1
                action = rng.random()
                chars[k] = "" if action < 0.3 else rng.choice(FILLER) + (chars[k] if action > 0.7 else "")
        out.append("".join(chars))
    return "\n".join(out), edits


def _cpu() -> float:
    """CPU seconds used so far by this process and by its finished children (git, the CLI)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(function, repeat: int) -> tuple[float, object]:
    """Median wall time and median CPU time of ``repeat`` calls, and the last result. The machine is shared,
    so the CPU time (which waiting for a core does not inflate) is the steadier figure of the two."""
    times, cpus, result = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _cpu()
        result = function()
        times.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return Timing(statistics.median(times), statistics.median(cpus)), result


class Timing(tuple):
    """(wall, cpu) seconds."""

    def __new__(cls, wall: float, cpu: float):
        return super().__new__(cls, (wall, cpu))

    def __str__(self) -> str:
        return f"{self[0] * 1000:8.1f} ms wall {self[1] * 1000:8.1f} ms CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--edit-rate", type=float, default=0.03)
    args = parser.parse_args()
    if not CIVIL_CODE.exists():
        print(f"missing {CIVIL_CODE}: the shared corpus must sit beside the checkout", file=sys.stderr)
        return 2
    old_text = CIVIL_CODE.read_text(encoding="utf-8")
    new_text, changed = edited_copy(old_text, args.edit_rate)
    with tempfile.TemporaryDirectory() as folder:
        old_path, new_path = Path(folder) / "old.txt", Path(folder) / "new.txt"
        old_path.write_text(old_text, encoding="utf-8")
        new_path.write_text(new_text, encoding="utf-8")
        git = [
            "git",
            "diff",
            "--no-index",
            "--word-diff=porcelain",
            "--word-diff-regex=.",
            str(old_path),
            str(new_path),
        ]
        git_s, _ = timed(lambda: subprocess.run(git, capture_output=True, check=False), args.repeat)

        def ours():
            old, new = (
                parse_text(old_path.read_text(encoding="utf-8")),
                parse_text(new_path.read_text(encoding="utf-8")),
            )
            return align(old, new)

        total_s, alignment = timed(ours, args.repeat)
        # The command a person runs, as a whole process (interpreter start, imports, parse, align, print).
        command = [sys.executable, "-m", "app.cli", "compare", str(old_path), str(new_path)]
        process_s, _ = timed(
            lambda: subprocess.run(command, capture_output=True, check=True, cwd=ROOT), args.repeat
        )
        parse_s, drafts = timed(lambda: (parse_text(old_text), parse_text(new_text)), args.repeat)
        align_s, _ = timed(lambda: align(*drafts), args.repeat)
        diff_s, _ = timed(
            lambda: [
                diff("\n".join(a.text for a in p.old), "\n".join(a.text for a in p.new))
                for p in alignment.pairs
            ],
            args.repeat,
        )
    counts = alignment.summary()
    print(
        f"civil code {len(old_text):,} characters, {changed:,} of them edited "
        f"({args.edit_rate:.0%} of the Han characters in article bodies); "
        f"{len(alignment.pairs)} pairs: {counts['unchanged']} unchanged, {counts['modified']} modified, "
        f"{counts['added']} added, {counts['deleted']} deleted"
    )
    print(f"median of {args.repeat}; CPU = user + system time of this process and its children")
    print(f"git diff --word-diff-regex=.     : {git_s}")
    print(f"draftreview parse+align+diff     : {total_s}")
    print(f"  of which parse (both versions) : {parse_s}")
    print(f"  of which align (incl. diffs)   : {align_s}")
    print(f"    of which diff of all pairs   : {diff_s}")
    print(
        f"ratio draftreview / git          : {total_s[0] / git_s[0]:8.2f} wall    "
        f"{total_s[1] / git_s[1]:8.2f} CPU"
    )
    print(f"draftreview compare (process)    : {process_s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
