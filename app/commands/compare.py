"""``draftreview compare OLD NEW [--json | --html OUT.html]``: what happened to every article."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from versions import ParseError, parse_file
from versions.align import Alignment, align
from versions.compare import to_dict
from versions.labels import LABELS, STATUSES, Change
from versions.references import REASONS, REPOINTED

STATUS = {status: LABELS[status] for status in STATUSES}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("compare", help="比对两个版本：逐条对齐、字符级差异、引用检查")
    parser.add_argument("old", help="旧版本文件")
    parser.add_argument("new", help="新版本文件")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="输出 JSON")
    output.add_argument("--html", metavar="OUT.html", help="写出可离线阅读的对照网页")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Prints the JSON or a summary, or writes the HTML page; exit 2 when a file is no regulation.
    Quality warnings (a garbled extraction) go to standard error whatever the output."""
    drafts = []
    for path in (args.old, args.new):
        try:
            drafts.append(parse_file(path))
        except ParseError as error:
            print(f"draftreview: {Path(path).name}：{error.message}", file=sys.stderr)
            return 2
    alignment = align(*drafts)
    for warning in alignment.warnings:
        print(f"draftreview: 警告：{warning.message}", file=sys.stderr)
    if args.json:
        json.dump(to_dict(alignment), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.html:
        # Imported here: the page is rendered by Jinja2, which the summary and JSON outputs never load
        # (docs/benchmarks.md times this command's start).
        from exporters.compare_html import render_page

        Path(args.html).write_text(render_page(drafts[0], drafts[1], alignment), encoding="utf-8")
        print(f"已写出 {args.html}")
    else:
        print(summary_text(alignment))
    return 0


def summary_text(alignment: Alignment) -> str:
    """A few lines for people: the counts, then each change and each citation to check."""
    counts = alignment.summary()
    renumbered, moved = LABELS[Change.RENUMBERED], LABELS[Change.MOVED]
    lines = [
        "，".join(f"{STATUS[s]}{counts[s]}条" for s in STATUS)
        + f"；{renumbered}{counts['renumbered']}条，{moved}{counts['moved']}条，"
        f"引用需核对{counts['stale_references'] + counts['repointed_references']}处。"
    ]
    for pair in alignment.pairs:
        if pair.status == Change.UNCHANGED and not pair.renumbered:
            continue
        old = "、".join(a.label for a in pair.old) or "—"
        new = "、".join(a.label for a in pair.new) or "—"
        flags = (f"，{renumbered}" if pair.renumbered else "") + (f"，{moved}" if pair.moved else "")
        lines.append(f"  {STATUS[pair.status]}  {old} → {new}（相似度 {pair.similarity:.0%}{flags}）")
        for update in pair.reference_updates:
            lines.append(f"    引用随条序更新：“{update.old}”→“{update.new}”")
        for ref in pair.repointed:
            lines.append(f"  引用  {new}中的“{ref.old}”改为“{ref.new}”：{REPOINTED.format(was=ref.was)}")
    for ref in alignment.references:
        hint = f"，建议改为“{ref.suggestion}”" if ref.suggestion else ""
        lines.append(f"  引用  {ref.article.label}中的“{ref.text}”：{REASONS[ref.reason]}{hint}")
    return "\n".join(lines)
