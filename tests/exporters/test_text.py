"""Cleaning, escaping, masking and dates for Word text."""

from __future__ import annotations

from datetime import date

import pytest

from exporters.text import Cleaner, chinese_date, escape, excerpt
from versions.vocabulary import mask_contact, mask_name


@pytest.mark.parametrize(
    ("raw", "cleaned", "removed"),
    [
        ("第一条", "第一条", 0),
        ("a\x00b\x01c\x08d\x0be\x0cf\x1fg", "abcdefg", 6),
        ("tab\tline\nreturn\r\nlone\rend", "tab\tline\nreturn\nlone\nend", 0),
        ("\ufffe非字符\uffff", "非字符", 2),
        ("孤\ud800立", "孤立", 1),
        ("\x7f\x85 C1 stays", "\x7f\x85 C1 stays", 0),
        ("", "", 0),
        (None, "", 0),
    ],
)
def test_cleaner(raw, cleaned, removed):
    clean = Cleaner()
    assert clean(raw, "意见内容") == cleaned
    assert clean.removed == removed
    assert clean.warnings() == ([f"已删除 {removed} 个 Word 无法保存的控制字符。"] if removed else [])
    assert clean.fields == ({"意见内容"} if removed else set())


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("]]>", "]]&gt;"),
        ("A & B &amp;", "A &amp; B &amp;amp;"),
        ("“引号” '单' \"双\"", "“引号” '单' \"双\""),
    ],
)
def test_escape(text, escaped):
    assert escape(text) == escaped


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("李", "李*"),
        ("  王五 ", "王*"),
        ("", ""),
        ("John Smith", "J*********"),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("contact", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138-1234-5678", "861****5678"),
        ("0451-12345678", "045****5678"),
        ("zhang@example.com", "z***@example.com"),
        ("12345", "****"),
        ("", ""),
    ],
)
def test_mask_contact(contact, masked):
    assert mask_contact(contact) == masked


@pytest.mark.parametrize(
    ("day", "text"), [(date(2026, 11, 24), "2026年11月24日"), (date(2027, 1, 5), "2027年1月5日")]
)
def test_chinese_date(day, text):
    assert chinese_date(day) == text


@pytest.mark.parametrize(
    ("text", "limit", "out"),
    [
        ("一二三四五", 3, "一二三……"),
        ("一二三", 3, "一二三"),
        ("一二三四五", 0, "一二三四五"),
        ("一二 三四", 3, "一二……"),
    ],
)
def test_excerpt(text, limit, out):
    assert excerpt(text, limit) == out
