"""The Word exports a drafter downloads: the 意见汇总表 of a version, and the 条文对照表 and the redline
(tracked changes) of a version against the one before it. Each is written to a private temporary file
that the caller deletes once it has been sent."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from app import models
from app.db import Database
from app.services import jobs
from app.services.compare import aligned
from app.services.errors import N_, ServiceError
from app.services.export_summary import disposition_notes, summary_input
from app.services.proposals import adoption_notes
from app.services.review import version_ref
from exporters.comparison import ComparisonOptions, write_comparison
from exporters.redline import write_redline
from exporters.summary import SummaryOptions, write_summary

EXPORTS = {"summary": "意见汇总表", "comparison": "条文对照表", "redline": "修改稿（修订模式）"}
LARGE = 5000  # comments: a 意见汇总表 of more is written by a background job, not inside the request


def scratch_file(data_dir: Path) -> Path:
    folder = data_dir / "exports"
    folder.mkdir(mode=0o700, exist_ok=True)
    handle, name = tempfile.mkstemp(suffix=".docx", dir=folder)
    os.close(handle)
    return Path(name)


def export(
    db: Database,
    data_dir: Path,
    slug: str,
    kind: str,
    number: int | None,
    personal: bool = False,
    changed_only: bool = False,
) -> tuple[Path, str]:
    """Writes the Word export ``kind`` of version ``number`` (default the latest) into a temporary file
    under the data dir; returns (path, download name). ``changed_only``: the 条文对照表 holds only the
    修改条文 (changed, added, deleted and moved articles), not 全部条文. ServiceError export_not_found for an
    unknown kind, consultation_not_found / version_not_found, no_earlier_version when there is none to
    compare with."""
    if kind not in EXPORTS:
        raise ServiceError("export_not_found")
    ref = version_ref(db, slug, number)
    if kind == "summary":
        data = summary_input(db, slug, ref.number)
        path = scratch_file(data_dir)
        write_summary(data, path, SummaryOptions(show_personal=personal))
        return path, f"{slug}-v{ref.number}-意见汇总表.docx"
    earlier = [n for n in ref.numbers if n < ref.number]
    if not earlier:
        raise ServiceError("no_earlier_version")
    old_ref = version_ref(db, slug, earlier[-1])
    old, new, alignment = aligned(db, old_ref.version_id, ref.version_id)
    path = scratch_file(data_dir)
    if kind == "comparison":
        notes = disposition_notes(db, slug, ref.number)
        # 说明 names the comments whose wording an article adopted: "采纳第12号意见" (issue 17).
        for node, adopted in adoption_notes(db, ref.version_id).items():
            notes[node] = adopted + ("；" + notes[node] if node in notes else "")
        options = ComparisonOptions(
            notes=notes,
            old_notes=disposition_notes(db, slug, old_ref.number),
            changed_only=changed_only,
        )
        write_comparison(old, new, path, options, alignment=alignment)
        scope = "修改条文" if changed_only else "全部条文"
        return path, f"{slug}-v{old_ref.number}-v{ref.number}-{EXPORTS[kind]}（{scope}）.docx"
    else:
        write_redline(old, new, path, alignment=alignment)
    return path, f"{slug}-v{old_ref.number}-v{ref.number}-{EXPORTS[kind]}.docx"


def needs_job(db: Database, slug: str, kind: str, number: int | None) -> bool:
    """True when the export is a 意见汇总表 of more than LARGE comments (ServiceError as ``export``)."""
    if kind not in EXPORTS:
        raise ServiceError("export_not_found")
    if kind != "summary":
        return False
    ref = version_ref(db, slug, number)
    with db.reading() as session:
        count = session.scalar(
            select(func.count())
            .select_from(models.Comment)
            .where(models.Comment.version_id == ref.version_id)
        )
    return count > LARGE


@jobs.register("exports.word", title=N_("导出 Word 文件"))
def export_job(db: Database, params: dict, progress) -> dict:
    """``export`` as a job; the result names the file (kept in the data dir until it is downloaded)."""
    progress(0, 1)
    path, name = export(
        db, Path(params["data_dir"]), params["slug"], params["kind"], params.get("number"), params["personal"]
    )
    progress(1, 1)
    return {"file": str(path), "name": name}


def job_file(db: Database, job_id: int) -> tuple[Path, str]:
    """The file and download name of a finished export job; ServiceError export_not_found when there is
    none (not an export, not finished, or already downloaded)."""
    job = jobs.get(db, job_id)
    if job is None or job.kind != "exports.word" or job.state != "done" or not job.result:
        raise ServiceError("export_not_found")
    path = Path(job.result["file"])
    if not path.is_file():
        raise ServiceError("export_not_found")
    return path, job.result["name"]
