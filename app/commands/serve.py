"""``draftreview serve [--host H] [--port P] [--forwarded-allow-ips IPS]``: the public site on the embedded
default or DATABASE_URL.

Behind a reverse proxy (nginx, Caddy), name the proxy's address with ``--forwarded-allow-ips`` (or
``DRAFTREVIEW_FORWARDED_ALLOW_IPS``): only then is its ``X-Forwarded-For`` believed, so that the limits and
throttles count the real client. By default no forwarded header is believed from anyone, since a client
that could set it would escape every per-client limit (see docs/reliability.md for a proxy set-up).
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="启动公开征求意见网站（首次启动时建库并载入示例草案）")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    parser.add_argument(
        "--forwarded-allow-ips",
        default=None,
        help="可信反向代理的地址（逗号分隔）：只采信这些地址发来的 X-Forwarded-For（默认不采信任何地址）",
    )
    parser.set_defaults(run=run)


def shown_url(url: str) -> str:
    """The database URL as printed at start: a SQLite file's path, any other URL without its password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ""
    return parsed.render_as_string(hide_password=True)


def run(args: argparse.Namespace) -> int:
    """Migrates and seeds the database, then serves with uvicorn until interrupted. Exit 1 with one line on
    stderr when the data folder or the database cannot be used (read-only folder, no such server…)."""
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from app.settings import load_settings
    from app.web import create_app

    try:
        settings = load_settings()
        app = create_app(settings)
    except OSError as error:
        where = error.filename or ""
        print(f"draftreview: 无法使用数据目录：{error.strerror}（{where}）", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(f"draftreview: 无法打开数据库：{reason}", file=sys.stderr)
        return 1
    allow = args.forwarded_allow_ips
    proxies = [ip.strip() for ip in allow.split(",") if ip.strip()] if allow else settings.forwarded_allow_ips
    print(
        f"draftreview: http://{args.host}:{args.port}/  （数据库：{shown_url(settings.database_url)}）",
        flush=True,
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=",".join(proxies) if proxies else "",
    )
    return 0
