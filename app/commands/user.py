"""``draftreview user add NAME --role drafter|admin [--password-stdin]``: an account for the workspace.

The password is asked for twice with getpass, or read from the first line of stdin with
``--password-stdin`` (for scripts and tests); it is stored as an argon2 hash.
"""

from __future__ import annotations

import argparse
import getpass
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("user", help="管理起草人员账号")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="新建账号（密码以 argon2 散列保存）")
    add.add_argument("name", help="用户名")
    add.add_argument(
        "--role",
        choices=("drafter", "admin"),
        default="drafter",
        help="角色：drafter（起草人员，默认）或 admin（管理员）",
    )
    add.add_argument("--password-stdin", action="store_true", help="从标准输入第一行读取密码")
    add.set_defaults(run=run_add)


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再次输入密码：") != first:
        print("draftreview: 两次输入的密码不一致。", file=sys.stderr)
        return None
    return first


def run_add(args: argparse.Namespace) -> int:
    """Exit 0 after creating the account; 2 with one line on stderr when refused."""
    from app.services.auth import create_user
    from app.services.bootstrap import migrate
    from app.services.errors import ServiceError
    from app.settings import load_settings

    password = _password(args)
    if password is None:
        return 2
    db = migrate(load_settings())
    try:
        created = create_user(db, args.name, args.role, password)
    except ServiceError as error:
        print(f"draftreview: {error.message}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    print(f"已创建账号 {created.name}（{created.role}）。")
    return 0
