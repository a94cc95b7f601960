"""``draftreview export comparison|redline|summary`` through the real CLI: files reopened with python-docx,
the summary read from a real database (the demo seed plus comments stored by the comment service)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from app import models
from app.cli import main
from tests.exporters.drafts import NEW, OLD
from tests.exporters.wordml import reopen, table_rows, w

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SLUG = "hlj-digital-economy"


@pytest.fixture
def drafts(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return old, new


def test_comparison_from_two_files(drafts, tmp_path, capsys):
    out = tmp_path / "对照表.docx"
    assert main(["export", "comparison", str(drafts[0]), str(drafts[1]), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (f"已写出 {out}\n", "")
    rows = table_rows(reopen(out))
    assert rows[0] == ("修改前", "修改后", "说明")
    assert [row[2] for row in rows[1:]] == [
        "",
        "修改",
        "新增",
        "原第二条",
        "修改，原第三条",
        "删除",
        "",
        "修改",
    ]


def test_comparison_changed_only(tmp_path):
    old, new, out = tmp_path / "old.txt", tmp_path / "new.txt", tmp_path / "c.docx"
    old.write_text("第一条 甲。\n第二条 乙。\n第三条 丙。\n", encoding="utf-8")
    new.write_text("第一条 甲。\n第二条 乙乙。\n第三条 丙。\n", encoding="utf-8")
    assert main(["export", "comparison", str(old), str(new), "-o", str(out), "--changed-only"]) == 0
    document = reopen(out)
    assert table_rows(document)[1:] == [("第二条\u3000乙。", "第二条\u3000乙乙。", "修改")]
    assert document.paragraphs[1].text == "修改前：old.txt\u3000\u3000修改后：new.txt"


def test_redline_from_two_files_with_author(drafts, tmp_path, capsys):
    out = tmp_path / "修改稿.docx"
    assert (
        main(
            [
                "export",
                "redline",
                str(drafts[0]),
                str(drafts[1]),
                "-o",
                str(out),
                "--author",
                "法制工作委员会",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == f"已写出 {out}\n"
    changes = list(reopen(out).element.body.iter(w("ins"), w("del")))
    assert len(changes) == 18
    assert {c.get(w("author")) for c in changes} == {"法制工作委员会"}


def test_warnings_go_to_stderr(tmp_path, capsys):
    source = tmp_path / "ctl.txt"
    source.write_text("第一条 测试\x07内容。\n", encoding="utf-8")
    out = tmp_path / "r.docx"
    assert main(["export", "redline", str(source), str(source), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "提示：已删除 1 个 Word 无法保存的控制字符。\n"
    assert [p.text for p in reopen(out).paragraphs] == ["第一条\u3000测试内容。"]


@pytest.mark.parametrize(
    ("old", "output", "message"),
    [
        ("missing.txt", "out.docx", "draftreview: missing.txt：无法读取文件“missing.txt”"),
        ("hello.txt", "out.docx", "draftreview: hello.txt：没有找到任何“第…条”，这似乎不是一部法规草案。"),
        ("old.txt", "out.pdf", "draftreview: 输出文件名应以 .docx 结尾："),
        ("old.txt", "no-such-dir/out.docx", "draftreview: 输出目录不存在："),
    ],
)
@pytest.mark.parametrize("kind", ["comparison", "redline"])
def test_bad_input_exits_2_with_one_line(drafts, tmp_path, capsys, kind, old, output, message):
    (tmp_path / "hello.txt").write_text("hello world\n", encoding="utf-8")
    code = main(["export", kind, str(tmp_path / old), str(drafts[1]), "-o", str(tmp_path / output)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(message) and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["old.txt", "new.txt", "hello.txt"])


@pytest.mark.corpus
def test_pig_slaughter_redline_from_the_corpus(tmp_path):
    old, new = CORPUS / "pig-slaughter-reg-2008.ihmsje.txt", CORPUS / "pig-slaughter-reg-2011.ihmsje.txt"
    if not old.exists():
        pytest.skip("../shared/corpus is absent: the corpus of real legal texts is not beside this checkout")
    out = tmp_path / "pig.docx"
    assert main(["export", "redline", str(old), str(new), "-o", str(out)]) == 0
    body = reopen(out).element.body
    assert [
        ("".join(t.text for t in c.iter(w("t"), w("delText"))), c.tag) for c in body.iter(w("ins"), w("del"))
    ] == [("卫生", w("del")), ("安全", w("ins"))]


@pytest.fixture
def demo(monkeypatch, tmp_path, database_url, db):
    """The demo seed (two versions, answered comments, a cluster) and one comment with personal data on the
    second version (opened early for it), stored by the comment service; the CLI reads the same database
    from the env."""
    from app.db import utcnow
    from app.services.comments import CommentInput, Submission, store_batch
    from app.services.demo import seed_demo

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DRAFTREVIEW_DATA_DIR", str(tmp_path / "data"))
    seed_demo(db, now=utcnow() - timedelta(hours=1))
    with db.writing() as session:  # the demo's 修改稿 is the next round: open it now
        session.execute(
            update(models.Version)
            .where(models.Version.number == 2)
            .values(opens_at=utcnow() - timedelta(days=1))
        )
    personal = CommentInput(
        "art-13", "建议明确时限。\x01<script>", "张三", "个人", "", "哈尔滨市", "13812345678", True
    )
    with db.writing() as session:
        [accepted] = store_batch(
            session.connection(),
            [Submission(SLUG, personal, "client", version=2)],
            utcnow(),
            limit=0,
            window=600,
            duplicate_window=600,
        )
    assert hasattr(accepted, "receipt"), accepted
    return db


def test_summary_of_the_first_round(demo, tmp_path, capsys):
    out = tmp_path / "意见汇总表.docx"
    assert main(["export", "summary", SLUG, "--version", "1", "-o", str(out)]) == 0
    assert capsys.readouterr().err == ""
    document = reopen(out)
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[2] == "共收到意见26条，采纳4条，部分采纳1条，不采纳0条，已有规定1条，待研究1条，未处理19条。"
    rows = table_rows(document)
    assert len(rows) == 21  # header, 26 comments with a cluster of 7 folded into one row
    assert rows[1] == (
        "1",
        "总体意见",
        "建议增加个人数据保护的法律责任条款。",
        "国家机关",
        "部分采纳",
        "修改稿第八十三条已增加个人数据法律责任，其他法律责任依照有关法律执行。",
    )
    assert rows[12][2].endswith("\n（内容相近的意见共7条）") and rows[12][3] == "个人6条、其他1条"


@pytest.mark.parametrize(
    ("extra", "who"),
    [
        ([], "个人\n哈尔滨市\n张*\n138****5678"),
        (["--show-personal"], "个人\n哈尔滨市\n张三\n13812345678"),
    ],
)
def test_summary_masks_personal_data_unless_asked(demo, tmp_path, capsys, extra, who):
    out = tmp_path / "s.docx"
    assert main(["export", "summary", SLUG, "-o", str(out), *extra]) == 0
    assert capsys.readouterr().err == "提示：已删除 1 个 Word 无法保存的控制字符。\n"
    row = next(r for r in table_rows(reopen(out)) if r[2] == "建议明确时限。<script>")
    assert row[3] == who


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-project"], "draftreview: 找不到该征求意见项目。\n"),
        ([SLUG, "--version", "9"], "draftreview: 找不到该版本。\n"),
    ],
)
def test_summary_refuses_unknown_consultations(demo, tmp_path, capsys, args, message):
    out = tmp_path / "s.docx"
    assert main(["export", "summary", *args, "-o", str(out)]) == 2
    assert capsys.readouterr().err == message
    assert not out.exists()


def test_disposition_notes_fill_the_comparison_notes(demo, tmp_path):
    from app.services.compare import aligned
    from app.services.export_summary import disposition_notes
    from app.services.review import version_ref
    from exporters.comparison import ComparisonOptions, write_comparison

    notes = disposition_notes(demo, SLUG, 1)
    assert {k: notes[k] for k in ("art-1", "art-13", "art-26", "art-84")} == {
        "art-1": "意见1条：采纳1条。",
        "art-13": "意见4条：待研究1条，未处理3条。",
        "art-26": "意见8条：未处理8条。",
        "art-84": "意见1条：已有规定1条。",
    }
    assert len(notes) == 13
    old, new, alignment = aligned(
        demo, version_ref(demo, SLUG, 1).version_id, version_ref(demo, SLUG, 2).version_id
    )
    out = tmp_path / "c.docx"
    write_comparison(old, new, out, ComparisonOptions(old_notes=notes), alignment=alignment)
    row = next(r for r in table_rows(reopen(out)) if r[0].startswith("第一条"))
    assert row[2].endswith("意见1条：采纳1条。")
