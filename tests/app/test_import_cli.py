"""``draftreview import`` and ``serve``'s first start, through the real CLI and services."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import models
from app.cli import main
from app.services.bootstrap import SAMPLE_SLUG, prepare, seed_sample
from tests.conftest import SAMPLE

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@pytest.fixture
def env(monkeypatch, tmp_path, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DRAFTREVIEW_DATA_DIR", str(tmp_path / "data"))
    return database_url


def counts(url):
    from app.db import Database

    db = Database.connect(url)
    with db.reading() as session:
        result = tuple(
            session.scalar(select(func.count()).select_from(m))
            for m in (models.Consultation, models.Version, models.Article, models.Paragraph)
        )
    db.dispose()
    return result


def test_import_creates_a_consultation_then_a_new_version(env, capsys):
    args = [
        "import",
        str(SAMPLE),
        "--slug",
        "hlj",
        "--title",
        "数字经济条例",
        "--stage",
        "征求意见稿",
        "--opens",
        "2026-11-24",
        "--closes",
        "2026-12-24",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "已导入 hlj 第 1 版（新建项目）：84 条，征求意见 2026-11-24 至 2026-12-24。"
    assert (
        "提示 第67行 [traditional-char] “的空間、”中的“間”是繁体字（规范写法“间”），原文保留，请核对。" in out
    )
    assert main(args) == 2  # the same text again is refused, naming the version it repeats
    assert (
        capsys.readouterr().err
        == "draftreview: 该文件与已有版本的内容完全相同，未导入：第 1 版（征求意见稿）\n"
    )
    assert main(["import", str(SAMPLE.with_name("sample-draft-v2.txt")), *args[2:]]) == 0
    assert "已导入 hlj 第 2 版（新版本）" in capsys.readouterr().out
    assert counts(env)[:2] == (1, 2)


@pytest.mark.corpus
def test_import_a_final_text_as_second_version(env, capsys):
    final = CORPUS / "hlj-digital-economy-final-2024.flk.md.txt"
    if not final.exists():
        pytest.skip("../shared/corpus is absent")
    assert main(["import", str(SAMPLE), "--slug", "hlj", "--stage", "征求意见稿"]) == 0
    assert main(["import", str(final), "--slug", "hlj", "--stage", "通过稿"]) == 0
    assert "已导入 hlj 第 2 版（新版本）：86 条" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--slug", "Bad Slug!"], "draftreview: 项目标识只能由小写字母、数字和连字符组成（2–80 个字符）。"),
        (
            ["--slug", "ok", "--opens", "2026-12-01", "--closes", "2026-11-01"],
            "draftreview: 截止日期不能早于开始日期。",
        ),
    ],
)
def test_import_refusals_write_nothing(env, capsys, extra, message):
    assert main(["import", str(SAMPLE), *extra]) == 2
    assert capsys.readouterr().err.strip() == message
    assert counts(env) == (0, 0, 0, 0)


def test_import_of_a_file_that_is_no_regulation(env, capsys, tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("这不是法规。\n只有两行。\n", encoding="utf-8")
    assert main(["import", str(junk), "--slug", "junk"]) == 2
    assert capsys.readouterr().err.startswith("draftreview: ")
    assert counts(env) == (0, 0, 0, 0)
    assert main(["import", str(tmp_path / "missing.txt"), "--slug", "junk"]) == 2
    assert "无法读取文件" in capsys.readouterr().err


def test_first_start_migrates_and_seeds_the_sample_once(settings):
    db = prepare(settings)
    assert seed_sample(db) is None  # second start: nothing added
    with db.reading() as session:
        consultation = session.scalar(select(models.Consultation))
        version = consultation.versions[0]
        assert (consultation.slug, version.stage, len(consultation.versions)) == (
            SAMPLE_SLUG,
            "征求意见稿",
            1,
        )
        assert (version.closes_at - version.opens_at).days == 31  # 30 days after today, closing day included
    db.dispose()
