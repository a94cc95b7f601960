"""Input quality: a garbled extraction is flagged, sound texts are not, and the comparison says so."""

import pytest

from tests.corpus import SAMPLE, corpus_path
from versions import align, parse_file, parse_text, quality

NUMBERS = "一二三四五六七八九十"
BODY = "本条例所称数字经济，是指以数据资源为关键生产要素的经济形态。"


def codes(draft):
    return [w.code for w in quality(draft)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Labels separated from their bodies (a PDF read column by column).
        (
            "某某条例\n" + "\n".join(f"第{n}条" for n in NUMBERS) + "\n" + "\n".join([BODY] * 12) + "\n",
            ["quality-empty-articles", "quality-piled-text", "quality-unreliable"],
        ),
        # Every label twice.
        (
            "".join(f"第{n}条 {BODY}\n第{n}条 {BODY}\n" for n in NUMBERS[:5]),
            ["quality-repeated-labels", "quality-unreliable"],
        ),
        # A sound text.
        ("".join(f"第{n}条 {BODY}\n" for n in NUMBERS), []),
    ],
)
def test_quality(text, expected):
    assert codes(parse_text(text)) == expected


@pytest.mark.parametrize(
    "name",
    [
        SAMPLE,
        "civil-code-2020-single-file.lawrefbook.md.txt",
        "tianjin-icv-promotion-final-2025-11.webpage-pypdf-noisy.md.txt",
    ],
)
def test_real_texts_pass(name):
    assert codes(parse_file(corpus_path(name))) == []


def test_comparison_on_a_garbled_text_says_it_is_unreliable():
    sound = parse_text("".join(f"第{n}条 {BODY}\n" for n in NUMBERS))
    garbled = parse_text("\n".join(f"第{n}条" for n in NUMBERS) + "\n" + "\n".join([BODY] * 12) + "\n")
    alignment = align(sound, garbled)
    assert not alignment.reliable
    assert [w.message for w in alignment.warnings][-1] == "新版本：据此作出的比对结果不可靠，请先核对原文件。"
