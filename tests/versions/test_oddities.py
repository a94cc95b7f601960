"""Oddities reported while parsing: traditional characters, English words, placeholder dates."""

from __future__ import annotations

import pytest

from versions.model import ParseWarning
from versions.oddities import scan_lines, traditional_from_zhconv
from versions.traditional import CHARACTERS


def test_stored_traditional_characters_are_zhconvs():
    # On failure (a zhconv upgrade changed its table), regenerate versions/traditional.py from
    # versions.oddities.traditional_from_zhconv(): sorted, 50 characters a line.
    assert traditional_from_zhconv() == CHARACTERS


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([(1, "第一条 为了规范数据处理活动，制定本法。")], []),
        (
            [(1, "第一条 为了规范数据处理活动。"), (2, "保障网络空間安全。")],
            [
                ParseWarning(
                    2, "traditional-char", "“络空間安”中的“間”是繁体字（规范写法“间”），原文保留，请核对。"
                )
            ],
        ),
        (
            [(3, "推动data共享。")],
            [ParseWarning(3, "latin-word", "中文条文中出现英文单词“data”，原文保留，请核对。")],
        ),
        (
            [(4, "本法自 年 月 日起施行。"), (5, "自2023年X月X日起施行。")],
            [
                ParseWarning(4, "placeholder-date", "日期“自 年 月 日”是占位符，原文保留，定稿前须填写。"),
                ParseWarning(5, "placeholder-date", "日期“2023年X月X日”是占位符，原文保留，定稿前须填写。"),
            ],
        ),
        # A real date is no placeholder, and nothing is read line by line for it.
        ([(6, "本法自2021年9月1日起施行。")], []),
    ],
)
def test_scan_lines(lines, expected):
    assert scan_lines(lines) == expected
