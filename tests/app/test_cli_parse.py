"""``draftreview parse``: the command-line contract other tools rely on."""

import json
import subprocess
import sys

import pytest

from app.cli import main
from tests.corpus import SAMPLE, corpus_path


def test_json_contract_on_the_sample_draft(capsys):
    assert main(["parse", str(corpus_path(SAMPLE)), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["title"], data["stage"], len(data["chapters"]), len(data["articles"])) == (
        "黑龙江省促进数字经济条例",
        "征求意见稿",
        13,
        84,
    )
    article = data["articles"][82]
    assert (
        article["number"],
        article["label"],
        article["caption"],
        article["chapter"],
        article["section"],
    ) == (83, "第八十三条", "法律责任2", "第十二章", None)
    assert [i["label"] for i in article["paragraphs"][0]["items"]] == ["（一）", "（二）", "（三）", "（四）"]
    assert data["warnings"][0] == {
        "line": 17,
        "code": "joined-break",
        "message": "第17行以“会发展规划，”结尾、句子未完，已与第19行“建立健全数字”接合（疑为分页断开）。",
    }


def test_outline_without_json(capsys):
    assert main(["parse", str(corpus_path(SAMPLE))]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:3] == [
        "黑龙江省促进数字经济条例（征求意见稿）",
        "  第一章 总则",
        "      第一条【立法目的】  1款",
    ]
    assert "共84条，13章。" in out
    assert "  第121行 [truncated-paragraph] " in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "draftreview: 文件为空，没有可读取的条文。\n"),
        ("这是一封信，没有条文。".encode(), "draftreview: 没有找到任何“第…条”，这似乎不是一部法规草案。\n"),
        (
            b"\x00\x01\x02" * 100,
            "draftreview: 这不是文本文件（含有二进制内容），请上传 .txt、.md 或 .docx 格式的草案。\n",
        ),
    ],
)
def test_not_a_regulation_exits_2_with_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    assert main(["parse", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", message)


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "nope.txt")]) == 2
    assert capsys.readouterr().err == "draftreview: 无法读取文件“nope.txt”：No such file or directory。\n"


def test_console_script_runs_as_a_process():
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "parse", str(corpus_path(SAMPLE)), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert len(json.loads(result.stdout)["articles"]) == 84
