"""``draftreview serve [--host H] [--port P] [--workers N] [--forwarded-allow-ips IPS]``: the public site
on the embedded default or DATABASE_URL.

``--workers N`` (PostgreSQL only) runs N app processes behind the one address: this process migrates and
seeds the database once, then uvicorn starts N workers (``worker_app``) that share its listening socket,
restarts one that dies, and on Ctrl-C or SIGTERM stops them all, each draining its comment writer first.
Everything that must hold across processes already lives in the database (or Redis): the comment limit
and the duplicate check (advisory locks per client), the login and erasure throttles, sessions, jobs. The
in-process caches hold only published rounds, which are never edited (see app/services/compare.py). On
the embedded SQLite default N > 1 is refused: one file has one writer, the in-process job runner would run
once per process, and one process already saturates it (docs/benchmarks.md).

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
        "--workers",
        type=int,
        default=1,
        help="应用进程数（默认 1；大于 1 时需要 PostgreSQL 数据库）",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        default=None,
        help="可信反向代理的地址（逗号分隔）：只采信这些地址发来的 X-Forwarded-For（默认不采信任何地址）",
    )
    parser.set_defaults(run=run)


SQLITE_WORKERS = (
    "draftreview: 内置的 SQLite 数据库只能由一个应用进程使用，--workers 大于 1 需要 PostgreSQL"
    "（设置 DATABASE_URL=postgresql+psycopg://…）"
)


def worker_app():
    """The app of one ``serve --workers N`` worker (a uvicorn factory, called in each worker process): the
    settings from the same environment, the database that the parent has migrated and seeded."""
    from app.db import Database
    from app.settings import load_settings
    from app.web import create_app

    settings = load_settings()
    return create_app(settings, db=Database.connect(settings.database_url))


def shown_url(url: str) -> str:
    """The database URL as printed at start: a SQLite file's path, any other URL without its password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ""
    return parsed.render_as_string(hide_password=True)


def run(args: argparse.Namespace) -> int:
    """Migrates and seeds the database, then serves with uvicorn (``args.workers`` processes) until
    interrupted. Exit 1 with one line on stderr when the data folder or the database cannot be used
    (read-only folder, no such server…), 2 when ``--workers`` is below 1, or above 1 on SQLite."""
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from app.db import is_sqlite
    from app.services.bootstrap import first_start
    from app.settings import load_settings
    from app.web import create_app

    if args.workers < 1:
        print("draftreview: --workers 必须是不小于 1 的整数", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        if args.workers > 1 and is_sqlite(settings.database_url):
            print(SQLITE_WORKERS, file=sys.stderr)
            return 2
        if args.workers > 1:
            # Migrated and seeded once, here, before any worker starts (the workers only connect).
            first_start(settings).dispose()
            app = f"{__name__}:worker_app"
        else:
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
    where = shown_url(settings.database_url) + (f"，{args.workers} 个应用进程" if args.workers > 1 else "")
    print(
        f"draftreview: http://{args.host}:{args.port}/  （数据库：{where}）",
        flush=True,
    )
    uvicorn.run(
        app,
        factory=args.workers > 1,
        workers=args.workers if args.workers > 1 else None,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=",".join(proxies) if proxies else "",
    )
    return 0
