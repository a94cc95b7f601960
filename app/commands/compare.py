"""``draftreview compare OLD NEW [--json | --html OUT.html]``: what happened to every article."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from exporters.compare_html import render_page
from versions import ParseError, parse_file
from versions.align import STATUS_LABELS as STATUS
from versions.align import Alignment, align
from versions.compare import to_dict
from versions.references import REASONS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("compare", help="比对两个版本：逐条对齐、字符级差异、引用检查")
    parser.add_argument("old", help="旧版本文件")
    parser.add_argument("new", help="新版本文件")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="输出 JSON")
    output.add_argument("--html", metavar="OUT.html", help="写出可离线阅读的对照网页")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Prints the JSON or a summary, or writes the HTML page; exit 2 when a file is no regulation."""
    drafts = []
    for path in (args.old, args.new):
        try:
            drafts.append(parse_file(path))
        except ParseError as error:
            print(f"draftreview: {Path(path).name}：{error.message}", file=sys.stderr)
            return 2
    alignment = align(*drafts)
    if args.json:
        json.dump(to_dict(alignment), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.html:
        Path(args.html).write_text(render_page(drafts[0], drafts[1], alignment), encoding="utf-8")
        print(f"已写出 {args.html}")
    else:
        print(summary_text(alignment))
    return 0


def summary_text(alignment: Alignment) -> str:
    """A few lines for people: the counts, then each change and each reference to check."""
    counts = alignment.summary()
    lines = [
        "，".join(f"{STATUS[s]}{counts[s]}条" for s in STATUS)
        + f"；重新编号{counts['renumbered']}条，移至他章{counts['moved']}条，引用需核对{counts['stale_references']}处。"
    ]
    for pair in alignment.pairs:
        if pair.status == "unchanged" and not pair.renumbered:
            continue
        old = "、".join(a.label for a in pair.old) or "—"
        new = "、".join(a.label for a in pair.new) or "—"
        flags = ("，重新编号" if pair.renumbered else "") + ("，移至他章" if pair.moved else "")
        lines.append(f"  {STATUS[pair.status]}  {old} → {new}（相似度 {pair.similarity:.0%}{flags}）")
    for ref in alignment.references:
        hint = f"，建议改为“{ref.suggestion}”" if ref.suggestion else ""
        lines.append(f"  引用  {ref.article.label}中的“{ref.text}”：{REASONS[ref.reason]}{hint}")
    return "\n".join(lines)
