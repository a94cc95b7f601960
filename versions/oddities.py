"""Oddities in legal wording that the parser keeps as written but reports: a traditional character,
an English word inside Chinese text, a placeholder enactment date."""

from __future__ import annotations

import re
from functools import lru_cache

import zhconv

from versions.model import Article, ParseWarning

LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[a-z]{2,}(?![A-Za-z0-9])")
ASCII_LOWER = re.compile(r"[a-z]")
HAN = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER_DATE = re.compile(
    r"(?:\d{2,4}|[Xx×]{1,4}|\d{2,3}[Xx×])\s*年\s*[Xx×]{1,2}\s*月\s*[Xx×]{1,2}\s*日"
    r"|(?:\d{4}|[Xx×]{4}|\d{3}[Xx×])\s*年\s*[Xx×\d]{1,2}\s*月\s*[Xx×]{1,2}\s*日"
    r"|自\s*年\s*月\s*日"
)
ENACTMENT = re.compile(
    r"自\s*((?:[\dXx×〇○零一二三四五六七八九十]{2,4}|\s*)\s*年[^。，日]{0,8}日)\s*[期起]?\s*施行"
)


@lru_cache(maxsize=8192)
def _simplified(char: str) -> str:
    return zhconv.convert(char, "zh-cn")


@lru_cache(maxsize=1)
def _traditional() -> frozenset[str]:
    """Han characters that mainland usage writes otherwise (空間 → 空间), from zhconv's own table."""
    try:
        from zhconv import zhconv as tables

        zhconv.convert("間", "zh-cn")  # loads the tables
        keys = tables.zhcdicts["zh2Hans"].keys()
    except (ImportError, KeyError, AttributeError, TypeError):
        keys = (chr(code) for code in range(0x4E00, 0xA000))
    return frozenset(k for k in keys if len(k) == 1 and HAN.match(k) and _simplified(k) != k)


def scan(line: int, text: str) -> list[ParseWarning]:
    """Reads one line of legal text; returns a warning per oddity found (the text itself is left alone)."""
    warnings = []
    for char in sorted(_traditional().intersection(text), key=text.index):
        simplified = _simplified(char)
        if simplified != char:
            at = text.index(char)
            context = text[max(0, at - 2) : at + 2]
            warnings.append(
                ParseWarning(
                    line,
                    "traditional-char",
                    f"“{context}”中的“{char}”是繁体字（规范写法“{simplified}”），原文保留，请核对。",
                )
            )
    if ASCII_LOWER.search(text) and HAN.search(text):
        for match in LATIN_WORD.finditer(text):
            warnings.append(
                ParseWarning(
                    line, "latin-word", f"中文条文中出现英文单词“{match.group(0)}”，原文保留，请核对。"
                )
            )
    for match in PLACEHOLDER_DATE.finditer(text) if "年" in text else ():
        warnings.append(
            ParseWarning(
                line, "placeholder-date", f"日期“{match.group(0).strip()}”是占位符，原文保留，定稿前须填写。"
            )
        )
    return warnings


def enactment_date(articles: tuple[Article, ...]) -> str | None:
    """The date (or placeholder) in the last 本…自…施行 clause, as written; None when there is none."""
    for article in reversed(articles[-6:]):
        match = ENACTMENT.search(article.text)
        if match:
            return match.group(1).strip() or "年 月 日"
    return None
