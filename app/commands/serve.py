"""``draftreview serve [--host H] [--port P]``: the public site on the embedded default or DATABASE_URL."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="启动公开征求意见网站（首次启动时建库并载入示例草案）")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Migrates and seeds the database, then serves with uvicorn until interrupted."""
    import uvicorn

    from app.settings import load_settings
    from app.web import create_app

    settings = load_settings()
    app = create_app(settings)
    where = (
        settings.database_url
        if "://" in settings.database_url and not settings.database_url.startswith("sqlite")
        else settings.database_url.removeprefix("sqlite:///")
    )
    print(f"draftreview: http://{args.host}:{args.port}/  （数据库：{where}）", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
