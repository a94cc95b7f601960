"""``draftreview user add|list|disable|enable|reset-password|end-sessions``: the workspace's accounts.

Passwords are asked for twice with getpass, or read from the first line of stdin with
``--password-stdin`` (for scripts and tests); they are stored as argon2 hashes.
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
    actions.add_parser("list", help="列出全部账号").set_defaults(run=run_list)
    for action, text, run in (
        ("disable", "停用账号并结束其全部会话", run_disable),
        ("enable", "重新启用账号", run_enable),
        ("end-sessions", "结束账号的全部会话（各处退出登录）", run_end_sessions),
    ):
        sub = actions.add_parser(action, help=text)
        sub.add_argument("name", help="用户名")
        sub.set_defaults(run=run)
    reset = actions.add_parser("reset-password", help="重设密码（解除锁定，结束全部会话）")
    reset.add_argument("name", help="用户名")
    reset.add_argument("--password-stdin", action="store_true", help="从标准输入第一行读取新密码")
    reset.set_defaults(run=run_reset)


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再次输入密码：") != first:
        print("draftreview: 两次输入的密码不一致。", file=sys.stderr)
        return None
    return first


def _with_db(work) -> int:
    """Runs ``work(db)`` on the migrated database; exit 2 with one line on stderr when refused."""
    from app.services.bootstrap import migrate
    from app.services.errors import ServiceError
    from app.settings import load_settings

    db = migrate(load_settings())
    try:
        print(work(db))
    except ServiceError as error:
        print(f"draftreview: {error.message}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    return 0


def run_add(args: argparse.Namespace) -> int:
    """Exit 0 after creating the account; 2 with one line on stderr when refused."""
    from app.services.auth import create_user

    password = _password(args)
    if password is None:
        return 2

    def work(db) -> str:
        created = create_user(db, args.name, args.role, password)
        return f"已创建账号 {created.name}（{created.role}）。"

    return _with_db(work)


ROLE_NAMES = {"drafter": "起草人员", "admin": "管理员"}


def run_list(args: argparse.Namespace) -> int:
    """One line per account: name, role, state, live sessions."""
    from app.services.auth import list_users
    from app.timeutil import CST

    def work(db) -> str:
        lines = []
        for a in list_users(db):
            state = f"已停用（{a.disabled_at.astimezone(CST):%Y-%m-%d}）" if a.disabled_at else "启用"
            lines.append(f"{a.name}\t{ROLE_NAMES.get(a.role, a.role)}\t{state}\t会话 {a.sessions}")
        return "\n".join(lines) or "尚无账号。"

    return _with_db(work)


def run_disable(args: argparse.Namespace) -> int:
    from app.services.auth import set_disabled

    return _with_db(lambda db: f"已停用账号 {set_disabled(db, args.name, True).name}，其会话已全部结束。")


def run_enable(args: argparse.Namespace) -> int:
    from app.services.auth import set_disabled

    return _with_db(lambda db: f"已启用账号 {set_disabled(db, args.name, False).name}。")


def run_end_sessions(args: argparse.Namespace) -> int:
    from app.services.auth import end_sessions

    return _with_db(lambda db: f"已结束账号 {args.name} 的 {end_sessions(db, args.name)} 个会话。")


def run_reset(args: argparse.Namespace) -> int:
    from app.services.auth import reset_password

    password = _password(args)
    if password is None:
        return 2
    return _with_db(lambda db: f"已重设账号 {reset_password(db, args.name, password).name} 的密码。")
