"""``draftreview worker [--threads N] [--burst] [--verbose]``: runs background jobs (clustering, large
exports, theme analysis) for the database of DATABASE_URL. On PostgreSQL run one or more beside ``serve``;
on the embedded SQLite default the app runs its jobs itself and no worker is needed."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("worker", help="运行后台任务（PostgreSQL 部署时与 serve 一起运行）")
    parser.add_argument("--threads", type=int, default=2, help="同时运行的任务数（默认 2）")
    parser.add_argument("--burst", action="store_true", help="运行完队列中现有的任务后退出")
    parser.add_argument(
        "--verbose", action="store_true", help="记录每个任务的开始和结束（默认只记录警告和错误）"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Migrates the database, then runs jobs until Ctrl-C (a running job is allowed to finish)."""
    import logging

    from app.services import job_queue as jobs
    from app.services.bootstrap import migrate
    from app.settings import load_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # huey logs every task it runs, the minutely maintenance included: only with --verbose.
    logging.getLogger("huey").setLevel(logging.INFO if args.verbose else logging.WARNING)
    db = migrate(load_settings())
    try:
        if args.burst:
            print(f"draftreview worker: {jobs.burst(db)} 个任务已运行", flush=True)
            return 0
        print(f"draftreview worker: {args.threads} 个线程，Ctrl-C 停止（进行中的任务会先完成）", flush=True)
        jobs.run_worker(db, workers=max(1, args.threads))
    finally:
        db.dispose()
    return 0
