"""``draftreview themes SLUG [--round N] [--json]``: analyses the themes of a round's comments (keeping
what drafters decided) and prints them; ``--json`` prints
``{"themes": [{"id", "label", "terms", "comments", "commenters", "articles"}], "unassigned": [...]}``
with receipt numbers for comments and article numbers for articles. Progress goes to stderr."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("themes", help="分析一轮意见的主题（保留人工确认的结果）并输出")
    parser.add_argument("slug", help="项目标识，例如 hlj-digital-economy")
    parser.add_argument("--round", type=int, dest="number", help="轮次（版本号，默认最新一轮）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """0 after the analysis, with the themes on stdout; 2 with one line on stderr when refused."""
    from app.services import theme_runs, themes
    from app.services.bootstrap import migrate
    from app.services.errors import ServiceError
    from app.services.review import version_ref
    from app.settings import load_settings

    def progress(fraction: float, stage: str) -> None:
        print(f"\r{int(fraction * 100):3d}% {stage:<12}", end="", file=sys.stderr, flush=True)

    db = migrate(load_settings())
    try:
        ref = version_ref(db, args.slug, args.number)
        theme_runs.analyse_version(db, ref.version_id, "draftreview themes", progress)
        print(file=sys.stderr)
        result = themes.themes_json(db, ref.version_id)
    except ServiceError as error:
        print(f"draftreview: {error.message}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for theme in result["themes"]:
        articles = "、".join(f"第{n}条" for n in theme["articles"]) or "总体"
        print(
            f"[{theme['id']}] {theme['label']}："
            f"{len(theme['comments'])} 条意见，{theme['commenters']} 人；{articles}"
        )
        print(f"    关键词：{'、'.join(theme['terms'])}")
    print(f"未归入主题：{len(result['unassigned'])} 条")
    return 0
