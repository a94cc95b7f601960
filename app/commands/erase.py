"""``draftreview erase RECEIPT --contact PHONE_OR_EMAIL`` (or ``--identity-checked``): erases the personal
data of one comment, for the drafting office handling a request by letter (个人信息保护法 第四十七条).

``--contact -`` reads the contact from the first line of stdin, so it stays out of the shell history and
the process list. ``--identity-checked`` is for a comment sent without a contact, when the office has
verified the requester by other means. The online lock (after repeated wrong contacts on the site) does
not apply here: the office acts on a letter it has checked.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("erase", help="应本人要求删除一条意见的个人信息（保留意见内容和处理情况）")
    parser.add_argument("receipt", help="回执编号，例如 YJ-20261124-7F3K9QXM")
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument(
        "--contact",
        metavar="PHONE_OR_EMAIL",
        help="提交意见时填写的手机号码或电子邮箱，须一致；写 - 则从标准输入第一行读取",
    )
    how.add_argument(
        "--identity-checked", action="store_true", help="意见未留联系方式，起草部门已以其他方式核实申请人身份"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Exit 0 after erasing (or when already erased), with one line on stdout; 2 with one line on stderr
    when refused."""
    from app.services.bootstrap import migrate
    from app.services.erasure import erase_personal_data
    from app.services.errors import ServiceError
    from app.settings import load_settings
    from app.timeutil import CST

    contact = None if args.identity_checked else args.contact
    if contact == "-":
        contact = sys.stdin.readline().rstrip("\r\n")
    settings = load_settings()
    db = migrate(settings)
    try:
        done = erase_personal_data(db, args.receipt, contact, online=False, data_dir=settings.data_dir)
    except ServiceError as error:
        hint = (
            "核实申请人身份后，可改用 --identity-checked 删除。" if error.code == "erasure_no_contact" else ""
        )
        print(f"draftreview: {error.message}{hint}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    when = f"{done.erased_at.astimezone(CST):%Y-%m-%d %H:%M}"
    if done.already:
        print(f"回执 {done.receipt} 的个人信息已于 {when} 删除，未作改动。")
    else:
        print(
            f"已删除回执 {done.receipt} 的个人信息（姓名、单位、地区、联系方式、网络地址标识），"
            f"意见内容和处理情况保留。删除时间：{when}。"
        )
    return 0
