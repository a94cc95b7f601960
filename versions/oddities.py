"""Oddities in legal wording that the parser keeps as written but reports: a traditional character,
an English word inside Chinese text, a placeholder enactment date."""

from __future__ import annotations

import re
from functools import lru_cache

from versions.model import Article, ParseWarning
from versions.traditional import CHARACTERS

LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[a-z]{2,}(?![A-Za-z0-9])")
ASCII_LOWER = re.compile(r"[a-z]")
HAN = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER_DATE = re.compile(
    r"(?:\d{2,4}|[Xx×]{1,4}|\d{2,3}[Xx×])\s*年\s*[Xx×]{1,2}\s*月\s*[Xx×]{1,2}\s*日"
    r"|(?:\d{4}|[Xx×]{4}|\d{3}[Xx×])\s*年\s*[Xx×\d]{1,2}\s*月\s*[Xx×]{1,2}\s*日"
    r"|自\s*年\s*月\s*日"
)
# What every placeholder date holds (its day: X日, or 年 月 日 left blank): one fast scan of the whole text
# says whether any line needs the full pattern, which is slow to run over a whole text.
# (Two patterns: each starts with a character class or a literal the engine scans for quickly; as one
# alternation every position would be tried twice.)
PLACEHOLDER_DAYS = (re.compile(r"[Xx×]\s*日"), re.compile(r"年\s*月\s*日"))
ENACTMENT = re.compile(
    r"自\s*((?:[\dXx×〇○零一二三四五六七八九十]{2,4}|\s*)\s*年[^。，日]{0,8}日)\s*[期起]?\s*施行"
)


@lru_cache(maxsize=8192)
def _simplified(char: str) -> str:
    import zhconv  # loaded only when a text holds a traditional character

    return zhconv.convert(char, "zh-cn")


def traditional_from_zhconv() -> frozenset[str]:
    """The set versions/traditional.py stores, derived from the installed zhconv: the single Han characters
    its zh-cn table converts to another (one character converts to its entry in that table, which is what
    ``zhconv.convert`` looks up)."""
    import zhconv
    from zhconv import zhconv as tables

    zhconv.convert("間", "zh-cn")  # loads the tables
    table = tables.getdict("zh-cn")
    keys = tables.zhcdicts["zh2Hans"].keys()
    return frozenset(k for k in keys if len(k) == 1 and HAN.match(k) and table.get(k, k) != k)


def _traditional() -> frozenset[str]:
    """Han characters that mainland usage writes otherwise (空間 → 空间)."""
    return CHARACTERS


@lru_cache(maxsize=1)
def _traditional_pattern() -> re.Pattern:
    """The traditional characters as one character class: one fast search of a whole text says whether
    any line holds one."""
    return re.compile("[" + "".join(sorted(CHARACTERS)) + "]")


def scan_lines(lines: list[tuple[int, str]]) -> list[ParseWarning]:
    """Reads (line number, text) pairs; returns ``scan`` of each line in order. Each kind of oddity is first
    looked for in the whole text at once: most drafts have none, and then no line is read for it."""
    whole = "\n".join(text for _, text in lines)
    kinds = (
        bool(_traditional_pattern().search(whole)),
        bool(ASCII_LOWER.search(whole) and HAN.search(whole)),
        any(pattern.search(whole) for pattern in PLACEHOLDER_DAYS),
    )
    if not any(kinds):
        return []
    return [warning for number, text in lines for warning in scan(number, text, kinds)]


def scan(line: int, text: str, kinds: tuple[bool, bool, bool] = (True, True, True)) -> list[ParseWarning]:
    """Reads one line of legal text; returns a warning per oddity found (the text itself is left alone).
    ``kinds`` says which of traditional characters, English words and placeholder dates to look for."""
    warnings = []
    for char in sorted(_traditional().intersection(text) if kinds[0] else (), key=text.index):
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
    if kinds[1] and ASCII_LOWER.search(text) and HAN.search(text):
        for match in LATIN_WORD.finditer(text):
            warnings.append(
                ParseWarning(
                    line, "latin-word", f"中文条文中出现英文单词“{match.group(0)}”，原文保留，请核对。"
                )
            )
    for match in PLACEHOLDER_DATE.finditer(text) if kinds[2] and "年" in text else ():
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
