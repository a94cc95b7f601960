"""Chinese numerals as legal texts write them (第一百零一条, 第二十条之一), both ways."""

from __future__ import annotations

from functools import lru_cache

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS) + "0123456789０１２３４５６７８９"
_DIGIT_NAMES = "零一二三四五六七八九"


FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@lru_cache(maxsize=4096)
def to_int(numeral: str) -> int:
    """Reads 一百零一, 二十, 十三, 101 or １０１; raises ValueError on anything else. Cached: a draft
    repeats the same few hundred numerals in its labels and citations."""
    numeral = numeral.strip()
    if not numeral:
        raise ValueError("empty numeral")
    ascii_digits = numeral.translate(FULL_WIDTH_DIGITS)
    if ascii_digits.isdigit():
        return int(ascii_digits)
    total = section = 0
    digit: int | None = None
    for char in numeral:
        if char in DIGITS:
            if digit is not None and digit != 0:
                # 一二 is not a numeral a legal text writes; 一〇一 (digit by digit) is handled below
                return _digit_by_digit(numeral)
            digit = DIGITS[char]
        elif char in UNITS:
            unit = UNITS[char]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {numeral!r}")
    return total + section + (digit or 0)


def _digit_by_digit(numeral: str) -> int:
    if all(char in DIGITS for char in numeral):
        return int("".join(str(DIGITS[char]) for char in numeral))
    raise ValueError(f"not a Chinese numeral: {numeral!r}")


@lru_cache(maxsize=4096)
def to_chinese(number: int) -> str:
    """Writes 1..99999 as legal texts do: 十, 十三, 二十, 一百零一, 一千零二十."""
    if number <= 0:
        raise ValueError("legal numbering starts at one")
    if number < 10:
        return _DIGIT_NAMES[number]
    if number < 20:
        return "十" + (_DIGIT_NAMES[number - 10] if number > 10 else "")
    parts: list[str] = []
    zero_pending = False
    for unit_value, unit_name in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, unit_value)
        if digit:
            if zero_pending:
                parts.append("零")
            parts.append(_DIGIT_NAMES[digit] + unit_name)
            zero_pending = False
        elif parts:
            zero_pending = True
    return "".join(parts)


def article_label(number: int, sub: int = 0) -> str:
    """第十三条, or 第二十条之一 when ``sub`` is 1."""
    return f"第{to_chinese(number)}条" + (f"之{to_chinese(sub)}" if sub else "")
