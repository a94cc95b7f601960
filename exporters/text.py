"""Text going into a Word file: characters XML 1.0 cannot hold, escaping and dates (masking is
versions.vocabulary's).

Word stores its documents as XML 1.0, which has no way to write most C0 control characters, the
surrogate halves or U+FFFE/U+FFFF: a file holding them does not open. They are removed here and
counted, so the caller can say how many were dropped instead of altering text silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date as babel_format_date

# Tab, line feed and carriage return are the only C0 characters XML 1.0 allows.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Cleaner:
    """Removes XML-illegal characters from every text it is given and counts them."""

    removed: int = 0
    fields: set[str] = field(default_factory=set)

    def __call__(self, text: str | None, where: str = "") -> str:
        """``text`` without XML-illegal characters, CR LF and lone CR turned into LF."""
        if not text:
            return ""
        cleaned, count = ILLEGAL.subn("", text)
        if count:
            self.removed += count
            if where:
                self.fields.add(where)
        return cleaned.replace("\r\n", "\n").replace("\r", "\n")

    def warnings(self) -> list[str]:
        """One Chinese warning line when anything was removed, else nothing."""
        if not self.removed:
            return []
        return [f"已删除 {self.removed} 个 Word 无法保存的控制字符。"]


def escape(text: str) -> str:
    """``text`` as XML character data: &, < and > escaped, nothing else changed."""
    # str.replace runs in C; str.translate with a mapping is much slower on non-ASCII text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chinese_date(day: date) -> str:
    """2026年11月24日 (no leading zeros, as official documents write dates): CLDR's long Chinese date."""
    return babel_format_date(day, "long", locale="zh_CN")


def excerpt(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with …… when longer; the whole text when limit <= 0."""
    if limit <= 0 or len(text) <= limit:
        return text
    return text[:limit].rstrip() + "……"
