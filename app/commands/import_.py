"""``draftreview import FILE --slug S [--title T] [--stage 征求意见稿] [--opens DATE] [--closes DATE]
[--note TEXT | --note-file FILE] [--office-name …] [--office-address …] [--office-email …]
[--office-phone …]``.

Loads a draft as a new consultation or as the next version (round) of consultation S, in one transaction,
through the same service the web app uses, and prints the parser's warnings. The round's 起草说明 and the
consulting office's contacts (shown on every public page of the consultation) are set with it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 YYYY-MM-DD：{text}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help="导入草案（新建征求意见项目，或作为已有项目的新版本）")
    parser.add_argument("file", help="草案文件（.txt、.md 或 .docx）")
    parser.add_argument("--slug", required=True, help="项目标识，例如 hlj-digital-economy")
    parser.add_argument("--title", help="项目名称（默认取草案标题）")
    parser.add_argument("--stage", help="草案阶段，例如 征求意见稿（默认取草案标题中的阶段）")
    parser.add_argument("--opens", type=_date, help="开始日期 YYYY-MM-DD（默认今天）")
    parser.add_argument("--closes", type=_date, help="截止日期 YYYY-MM-DD（默认开始后 30 天）")
    note = parser.add_mutually_exclusive_group()
    note.add_argument("--note", help="本轮起草说明（显示在草案正文之前）")
    note.add_argument("--note-file", help="本轮起草说明所在的 UTF-8 文本文件")
    parser.add_argument("--office-name", help="征求意见单位名称")
    parser.add_argument("--office-address", help="征求意见单位通信地址")
    parser.add_argument("--office-email", help="征求意见单位电子邮箱")
    parser.add_argument("--office-phone", help="征求意见单位联系电话")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Exit 0 after importing; 2 with one line on stderr when the file or the options are refused."""
    from app.db import utcnow
    from app.services.bootstrap import migrate
    from app.services.errors import MESSAGES, ServiceError
    from app.services.importing import import_file
    from app.services.rounds import set_note, set_office
    from app.settings import load_settings
    from app.timeutil import today
    from versions import ParseError

    opens = args.opens or today(utcnow())
    try:
        closes = args.closes or opens + timedelta(days=30)
    except OverflowError:  # --opens 9999-12-31 has no 30 days after it
        print(f"draftreview: {MESSAGES['period_out_of_range']}", file=sys.stderr)
        return 2
    try:
        note = Path(args.note_file).read_text(encoding="utf-8") if args.note_file else args.note
    except (OSError, UnicodeDecodeError) as error:
        print(
            "draftreview: 无法读取起草说明文件："
            f"{getattr(error, 'strerror', None) or error}（{args.note_file}）",
            file=sys.stderr,
        )
        return 2
    db = migrate(load_settings())
    try:
        result = import_file(
            db, args.file, slug=args.slug, title=args.title, stage=args.stage, opens=opens, closes=closes
        )
        if note is not None:
            set_note(db, result.slug, result.version_number, note)
        set_office(
            db,
            result.slug,
            name=args.office_name,
            address=args.office_address,
            email=args.office_email,
            phone=args.office_phone,
        )
    except (ParseError, ServiceError) as error:
        detail = getattr(error, "detail", "")
        print(f"draftreview: {error.message}{detail}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"draftreview: 无法读取文件：{error.strerror}（{args.file}）", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    kind = "新建项目" if result.created_consultation else "新版本"
    print(
        f"已导入 {result.slug} 第 {result.version_number} 版（{kind}）：{result.articles} 条，"
        f"征求意见 {opens.isoformat()} 至 {closes.isoformat()}。"
    )
    for warning in result.warnings:
        print(f"提示 第{warning.line}行 [{warning.code}] {warning.message}")
    return 0
