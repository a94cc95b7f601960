"""``draftreview parse FILE [--json]``: the parser's view of a draft, for people or for other tools."""

from __future__ import annotations

import argparse
import json
import sys

from versions import ParseError, parse_file
from versions.render import outline, to_dict


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("parse", help="解析草案文件，输出条文结构和提示（--json 输出 JSON）")
    parser.add_argument("file", help="草案文件（.txt、.md 或 .docx）")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Prints the outline or the JSON object; exit 2 with one line on stderr when the file is no
    regulation."""
    try:
        draft = parse_file(args.file)
    except ParseError as error:
        print(f"draftreview: {error.message}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(to_dict(draft), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(outline(draft))
    return 0
