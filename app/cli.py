"""The ``draftreview`` command: one subcommand per module in ``app.commands``.

Each module there defines ``register(subparsers)``, adding its parser with ``set_defaults(run=...)``;
``run(args)`` returns the exit status. Discovering them keeps this file free of merge conflicts.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from app import commands


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="draftreview", description="公开征求意见：阅读草案、提交意见、比对版本、导出文书。"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse ``argv`` and run the chosen subcommand."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
