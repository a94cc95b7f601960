"""``draftreview compare``: the JSON contract, the readable summary and the HTML page."""

import json

from app.cli import main
from tests.corpus import corpus_path

PIG_2008, PIG_2011 = "pig-slaughter-reg-2008.ihmsje.txt", "pig-slaughter-reg-2011.ihmsje.txt"


def test_json_contract(capsys):
    assert main(["compare", str(corpus_path(PIG_2008)), str(corpus_path(PIG_2011)), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["pairs", "references", "summary", "reliable", "warnings"]
    assert (data["reliable"], data["warnings"]) == (True, [])
    modified = [p for p in data["pairs"] if p["status"] != "unchanged"]
    assert len(data["pairs"]) == 36 and len(modified) == 1
    pair = modified[0]
    assert (pair["old"], pair["new"], pair["renumbered"], pair["moved"]) == ([9], [9], False, False)
    assert [s for s in pair["segments"] if s[0] != "equal"] == [["delete", "卫生"], ["insert", "安全"]]
    assert data["summary"]["unchanged"] == 35


def test_summary_text(capsys):
    assert main(["compare", str(corpus_path(PIG_2008)), str(corpus_path(PIG_2011))]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "未修改35条，修改1条，新增0条，删除0条，拆分0条，合并0条；条序变动0条，移至他章0条，引用需核对0处。",
        "  修改  第九条 → 第九条（相似度 97%）",
    ]


def test_html_page(tmp_path, capsys):
    out = tmp_path / "page.html"
    assert main(["compare", str(corpus_path(PIG_2008)), str(corpus_path(PIG_2011)), "--html", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "依照食品<del>卫生</del>法的规定执行。" in html


def test_unreadable_input_exits_2(tmp_path, capsys):
    bad = tmp_path / "letter.txt"
    bad.write_text("这是一封信。", encoding="utf-8")
    assert main(["compare", str(bad), str(corpus_path(PIG_2011))]) == 2
    assert (
        capsys.readouterr().err == "draftreview: letter.txt：没有找到任何“第…条”，这似乎不是一部法规草案。\n"
    )


def test_a_garbled_version_is_flagged_as_unreliable(tmp_path, capsys):
    body = "本条例所称数字经济，是指以数据资源为关键生产要素的经济形态。"
    sound, garbled = tmp_path / "sound.txt", tmp_path / "garbled.txt"
    sound.write_text("".join(f"第{n}条 {body}\n" for n in "一二三四五六七八九十"), encoding="utf-8")
    garbled.write_text(
        "\n".join(f"第{n}条" for n in "一二三四五六七八九十") + "\n" + "\n".join([body] * 12) + "\n",
        encoding="utf-8",
    )
    assert main(["compare", str(sound), str(garbled), "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["reliable"] is False
    assert [w["code"] for w in data["warnings"]] == [
        "quality-empty-articles",
        "quality-piled-text",
        "quality-unreliable",
    ]
    assert (
        captured.err.splitlines()[-1]
        == "draftreview: 警告：新版本：据此作出的比对结果不可靠，请先核对原文件。"
    )
