"""``draftreview export comparison|redline OLD NEW -o FILE.docx`` and
``draftreview export summary SLUG -o FILE.docx``.

comparison (条文对照表) and redline (修改稿, tracked changes) read two draft files and need no database;
summary (意见汇总表) reads a consultation's comments from the database. Warnings (characters Word cannot
store, removed) go to stderr; bad input exits 2 with one line in Chinese.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="导出 Word 文书：条文对照表、修订模式修改稿、意见汇总表")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND")
    for kind, help_text in (
        ("comparison", "两个版本的条文对照表（修改前｜修改后｜说明）"),
        ("redline", "新版本的修订模式文档（Word 修订：插入、删除可逐条接受或拒绝）"),
    ):
        sub = kinds.add_parser(kind, help=help_text)
        sub.add_argument("old", help="修改前的草案文件（.txt、.md 或 .docx）")
        sub.add_argument("new", help="修改后的草案文件")
        sub.add_argument("-o", "--output", required=True, metavar="FILE.docx", help="输出的 Word 文件")
        if kind == "comparison":
            sub.add_argument("--changed-only", action="store_true", help="只列出有变动的条文")
        else:
            sub.add_argument("--author", default="draftreview", help="修订的作者名（默认 draftreview）")
        sub.set_defaults(run=run)
    sub = kinds.add_parser("summary", help="征求意见项目的意见汇总表（需要数据库）")
    sub.add_argument("slug", help="项目标识，例如 hlj-digital-economy")
    sub.add_argument("-o", "--output", required=True, metavar="FILE.docx", help="输出的 Word 文件")
    sub.add_argument("--version", type=int, dest="number", help="版本号（默认最新版本）")
    sub.add_argument("--show-personal", action="store_true", help="显示提出者姓名和联系方式（默认遮蔽）")
    sub.set_defaults(run=run)
    parser.set_defaults(run=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _fail(message: str) -> int:
    print(f"draftreview: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Writes the chosen document; 0 on success, 2 with one line on stderr when the input is refused."""
    output = Path(args.output)
    if output.suffix.lower() != ".docx":
        return _fail(f"输出文件名应以 .docx 结尾：{args.output}")
    if not output.parent.is_dir():
        return _fail(f"输出目录不存在：{output.parent}")
    try:
        result = _summary(args, output) if args.kind == "summary" else _drafts(args, output)
    except _Refused as refused:
        return _fail(str(refused))
    except OSError as error:
        return _fail(f"无法写入文件：{error.strerror or error}（{args.output}）")
    for warning in result.warnings:
        print(f"提示：{warning}", file=sys.stderr)
    print(f"已写出 {output}")
    return 0


class _Refused(Exception):
    """Input the command cannot use; the message is for the user."""


def _drafts(args: argparse.Namespace, output: Path):
    from exporters.comparison import ComparisonOptions, write_comparison
    from exporters.redline import RedlineOptions, write_redline
    from versions import ParseError, parse_file

    drafts = []
    for path in (args.old, args.new):
        try:
            drafts.append(parse_file(path))
        except ParseError as error:
            raise _Refused(f"{Path(path).name}：{error.message}") from None
    if args.kind == "comparison":
        options = ComparisonOptions(
            changed_only=args.changed_only, old_name=Path(args.old).name, new_name=Path(args.new).name
        )
        return write_comparison(*drafts, output, options)
    return write_redline(*drafts, output, RedlineOptions(author=args.author))


def _summary(args: argparse.Namespace, output: Path):
    from app.services.bootstrap import migrate
    from app.services.errors import ServiceError
    from app.services.export_summary import export_summary
    from app.settings import load_settings

    db = migrate(load_settings())
    try:
        return export_summary(db, args.slug, output, number=args.number, show_personal=args.show_personal)
    except ServiceError as error:
        raise _Refused(error.message) from None
    finally:
        db.dispose()
