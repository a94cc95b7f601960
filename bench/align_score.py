"""Scores the comparison engine on every real amendment of ../shared/corpus/amendments/ against its official
ground truth (the alignments derived from the NPC's and NPCSC's amendment decisions).

Run: uv run python bench/align_score.py [--verbose]

Per amendment, per old article: is the set of new articles the engine gives exactly the official one
("exact"), also counted over the articles the decision touched (text changed, or not one-to-one); every
official split and merge: found with exactly its articles; renumbering-only citation updates: every citation
of an article the decision renumbered, still present in the new text under its new number, must be reported
as an update of its pair; stale-reference warnings: the enacted texts cite correctly, so every warning is
false.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from versions import parse_file
from versions.align import align, matching_text
from versions.numerals import to_int
from versions.references import internal_references

AMENDMENTS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "amendments"
NUMBER = re.compile(r"第([零〇一二三四五六七八九十百千]+)条")


@dataclass
class Score:
    name: str
    articles: int = 0
    exact: int = 0
    touched: int = 0
    touched_exact: int = 0
    combos: int = 0
    combos_found: int = 0
    updates: int = 0
    updates_found: int = 0
    false_stale: int = 0
    changes: int = 0
    fragments: int = 0
    seconds: float = 0.0


def score(alignment_file: Path, verbose: bool = False) -> Score:
    """Reads one ground-truth file (and the texts it names); returns the engine's score on it."""
    truth = json.loads(alignment_file.read_text(encoding="utf-8"))
    old = parse_file(AMENDMENTS / truth["old"])
    new = parse_file(AMENDMENTS / truth["new"])
    official = {int(k): sorted(v) for k, v in truth["map"].items()}
    start = time.perf_counter()
    alignment = align(old, new)
    result = Score(alignment_file.name.removesuffix(".alignment.json"), seconds=time.perf_counter() - start)
    engine: dict[int, list[int]] = {}
    for pair in alignment.pairs:
        for a in pair.old:
            engine[a.number] = sorted(b.number for b in pair.new)
    old_by_number = {a.number: a for a in old.articles}
    new_by_number = {a.number: a for a in new.articles}
    into: dict[int, list[int]] = {}
    for k, targets in official.items():
        for m in targets:
            into.setdefault(m, []).append(k)
    for k, targets in sorted(official.items()):
        result.articles += 1
        right = engine.get(k) == targets
        result.exact += right
        one_to_one = len(targets) == 1 and len(into[targets[0]]) == 1
        same = one_to_one and matching_text(old_by_number[k]) == matching_text(new_by_number[targets[0]])
        if not same:
            result.touched += 1
            result.touched_exact += right
        if verbose and not right:
            print(f"  {result.name}: old {k} → engine {engine.get(k)}, official {targets}")
    # Splits (one old → several new) and merges (several old → one new), each found with exactly its articles.
    for k, targets in official.items():
        if len(targets) > 1:
            result.combos += 1
            result.combos_found += engine.get(k) == targets
    for m, sources in into.items():
        if len(sources) > 1:
            result.combos += 1
            result.combos_found += all(engine.get(k) == [m] for k in sources)
    # Renumbering-only citation updates the decision implies.
    reported: dict[int, set[tuple[int, int]]] = {}
    for pair in alignment.pairs:
        for update in pair.reference_updates:
            pairs = zip(NUMBER.findall(update.old), NUMBER.findall(update.new), strict=False)
            for before, after in pairs:
                for a in pair.old:
                    reported.setdefault(a.number, set()).add((to_int(before), to_int(after)))
    for k, targets in official.items():
        if not targets:
            continue
        new_cited = {
            (r.number, r.sub) for m in targets for r in internal_references(new_by_number[m]) if r.sub == 0
        }
        for ref in internal_references(old_by_number[k]):
            moved_to = official.get(ref.number, [])
            if (
                ref.sub
                or len(moved_to) != 1
                or moved_to[0] == ref.number
                or (moved_to[0], 0) not in new_cited
            ):
                continue
            result.updates += 1
            found = (ref.number, moved_to[0]) in reported.get(k, set())
            result.updates_found += found
            if verbose and not found:
                print(
                    f"  {result.name}: citation update missed in old {k}: "
                    f"第{ref.number}条 → 第{moved_to[0]}条"
                )
    result.false_stale = len(alignment.references)
    result.changes, result.fragments = fragments(alignment)
    if verbose:
        for ref in alignment.references:
            print(f"  {result.name}: false stale warning {ref.article.label} {ref.text} ({ref.reason})")
    return result


def fragments(alignment) -> tuple[int, int]:
    """(change segments, those of at most 2 characters inside a phrase: Han characters on both sides)."""
    changes = short = 0
    for pair in alignment.pairs:
        segments = pair.segments
        for k, (op, text) in enumerate(segments):
            if op == "equal" or not pair.old or not pair.new:
                continue
            changes += 1
            before = next((t for o, t in reversed(segments[:k]) if o == "equal"), "")
            after = next((t for o, t in segments[k + 1 :] if o == "equal"), "")
            if len(text) <= 2 and _han(before[-1:]) and _han(after[:1]):
                short += 1
    return changes, short


def _han(char: str) -> bool:
    return bool(char) and "\u4e00" <= char <= "\u9fff"


def table(scores: list[Score]) -> str:
    """The scores as a markdown table, with a total row."""
    total = Score("total")
    for s in scores:
        for field in ("articles", "exact", "touched", "touched_exact", "combos", "combos_found"):
            setattr(total, field, getattr(total, field) + getattr(s, field))
        for field in ("updates", "updates_found", "false_stale", "changes", "fragments", "seconds"):
            setattr(total, field, getattr(total, field) + getattr(s, field))
    lines = [
        "| amendment | old articles exactly right | touched articles exactly right | splits/merges found "
        "| renumbering-only citation updates found | false stale warnings "
        "| change segments ≤ 2 chars inside a phrase "
        "| align ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in [*scores, total]:
        lines.append(
            f"| {s.name} | {s.exact}/{s.articles} ({s.exact / max(s.articles, 1):.1%}) "
            f"| {s.touched_exact}/{s.touched} ({s.touched_exact / max(s.touched, 1):.1%}) "
            f"| {s.combos_found}/{s.combos} | {s.updates_found}/{s.updates} | {s.false_stale} "
            f"| {s.fragments}/{s.changes} ({s.fragments / max(s.changes, 1):.0%}) | {s.seconds * 1000:.0f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    files = sorted(AMENDMENTS.glob("*.alignment.json"))
    if not files:
        print(f"missing {AMENDMENTS}: the shared corpus must sit beside the checkout", file=sys.stderr)
        return 2
    print(table([score(f, args.verbose) for f in files]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
