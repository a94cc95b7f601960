"""Recognising lines: 编/章/节 headings, 第…条 headings with their captions, items, finished sentences.

Also the statistics that tell a page-break split from a truncated paragraph. Everything here reads a
single ``Line`` (or the whole list once) and returns plain values; ``parser`` builds the tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from versions.clean import Line, nfkc, normalise
from versions.model import DivisionKind
from versions.numerals import NUMERAL_CHARS, to_int

NUM = f"[{NUMERAL_CHARS}]+"
DIVISION = re.compile(rf"^第({NUM})(分编|编|章|节)(.*)$")
ARTICLE = re.compile(rf"^第({NUM})条(?:之({NUM}))?")
SPACED_SUB = re.compile(rf"^第\s*{NUM}\s*条\s*之({NUM})")
ITEM = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]")
SUB_ITEM = re.compile(r"^(?:(\d{1,2})[.．、](?!\d)|[（(](\d{1,2})[）)])")
TOC_TAIL = re.compile(r"(?:[.…·．\s]{3,}\d*)+$|\s\d{1,3}$")
TERMINAL = set("。；：！？;:!?…")
CLOSERS = set("”’」』）)】〗》\"'")
REFERENCE_CONTINUATION = (
    "规定",
    "的",
    "、",
    "至",
    "和",
    "或",
    "第",
    "中",
    "所",
    "之",
    "款",
    "项",
    "以",
    "及",
    "有关",
    "关于",
)
CAPTION_PAIRS = {"【": "】", "〖": "〗", "［": "］", "[": "]"}
PAREN_PAIRS = {"（": "）", "(": ")"}
OPENERS = (
    "鼓励",
    "支持",
    "县级以上",
    "省人民政府",
    "市人民政府",
    "国家",
    "任何",
    "本条例",
    "本法",
    "前款",
    "违反",
)
SPACE = ("", " ", "\t", "\u3000")
ORDINARY = re.compile("[\u4e00-\u9fff!-~]*")  # characters that are their own matching copy


@dataclass(frozen=True)
class ArticleHeading:
    number: int
    sub: int
    caption: str | None
    body: str


def division_heading(line: Line) -> tuple[DivisionKind, int, str] | None:
    """(kind, number, title) when the line is a 编/分编/章/节 heading, else None."""
    match = DIVISION.match(line.norm)
    if not match:
        return None
    title = TOC_TAIL.sub("", match.group(3)).lstrip(":：")
    if len(title) > 40 or any(mark in title for mark in "。；，,;"):
        return None
    try:
        return cast(DivisionKind, match.group(2)), to_int(match.group(1)), title  # DIVISION names only these
    except ValueError:
        return None


def article_heading(line: Line, expected: int) -> ArticleHeading | None:
    """The article a line opens, or None when ``第…条`` there is a reference, not a heading.

    A label followed by a space or a caption is a heading; one run straight into text is a heading
    only when it carries the next expected number and does not read as a reference (第五条规定的…).
    """
    match = ARTICLE.match(line.norm)
    if not match:
        return None
    label_end = match.end()
    sub_numeral = match.group(2)
    if sub_numeral:
        # 第二条之一 一律… : the matching copy has no spaces, so read 之N where spaces still show.
        spaced = SPACED_SUB.match(nfkc(line.text))
        if spaced and spaced.group(1) != sub_numeral:
            label_end = match.start(2) + len(spaced.group(1))
            sub_numeral = spaced.group(1)
    try:
        number = to_int(match.group(1))
        sub = to_int(sub_numeral) if sub_numeral else 0
    except ValueError:
        return None
    rest_norm = line.norm[label_end:]
    rest = original_after(line.text, label_end)
    separated = rest[:1] in SPACE or rest_norm[:1] in CAPTION_PAIRS or rest_norm[:1] in PAREN_PAIRS
    if not separated and (number != expected or rest_norm.startswith(REFERENCE_CONTINUATION)):
        return None
    caption, body = split_caption(rest.strip(" \t\u3000"))
    return ArticleHeading(number, sub, caption, body)


def item_label(line: Line) -> tuple[str, str, bool] | None:
    """(label as written, text, is_sub_item) when the line opens a 项 or 目, else None."""
    item = ITEM.match(line.norm)
    sub = None if item else SUB_ITEM.match(line.norm)
    found = item or sub
    if found is None:
        return None
    label = original_prefix(line.text, found.end())
    return label.strip(), line.text[len(label) :].lstrip(" \t\u3000"), sub is not None


def ends_sentence(text: str) -> bool:
    """True when the text ends with sentence-final punctuation (closing quotes allowed after it)."""
    text = text.rstrip()
    while text and text[-1] in CLOSERS:
        if len(text) >= 2 and text[-2] in TERMINAL:
            return True
        text = text[:-1]
    return bool(text) and text[-1] in TERMINAL


class SeamStats:
    """Tells a page-break split from a truncated paragraph by how the document opens its paragraphs.

    Only certain paragraph openings are counted (an article's first words, a line after a finished
    sentence), keyed by their first character: joining lines never changes those, so the judgement is
    the same on the document and on the tree rendered back to text.
    """

    def __init__(self, lines: tuple[Line, ...], heading: Callable = article_heading) -> None:
        """Reads every line; ``heading`` is ``article_heading`` or a cached copy of it (the parser's)."""
        self.openings: dict[str, int] = {}
        previous_ends, started, expected = True, False, 1
        for line in lines:
            if division_heading(line):
                previous_ends = True
                continue
            found = heading(line, expected)
            if found:
                started, expected = True, found.number + 1
                if found.body:
                    self._count(normalise(found.body)[:1])
                previous_ends = not found.body or ends_sentence(found.body)
                continue
            if not started:
                continue
            if previous_ends and not item_label(line):
                self._count(line.norm[:1])
            previous_ends = ends_sentence(line.text)

    def _count(self, key: str) -> None:
        if key:
            self.openings[key] = self.openings.get(key, 0) + 1

    def looks_truncated(self, before: str, after_norm: str) -> bool:
        """True when the next line opens the way at least three finished paragraphs here open."""
        tail = normalise(before)[-1:]
        if not tail or tail in "，、,（(“":
            return False
        return self.openings.get(after_norm[:1], 0) >= 3 or after_norm.startswith(OPENERS)


def original_prefix(text: str, norm_length: int) -> str:
    """The shortest prefix of ``text`` whose matching copy is ``norm_length`` characters long."""
    head = text[:norm_length]
    if len(head) == norm_length and ORDINARY.fullmatch(head):
        return head  # Han letters and ASCII only (the usual case): each counts one, as below

    consumed = 0
    for index, char in enumerate(text):
        if consumed >= norm_length:
            return text[:index]
        if "\u4e00" <= char <= "\u9fff" or ("!" <= char <= "~"):
            consumed += 1  # already normal: no need to ask unicodedata
        else:
            consumed += len(normalise(char))
    return text


def original_after(text: str, norm_length: int) -> str:
    """What follows that prefix, as written."""
    return text[len(original_prefix(text, norm_length)) :]


def split_caption(rest: str) -> tuple[str | None, str]:
    """Splits 【caption】, 〖caption〗 or （caption） off the start of an article's first line."""
    opener = rest[:1]
    closer = CAPTION_PAIRS.get(opener) or PAREN_PAIRS.get(opener)
    if closer:
        end = rest.find(closer, 1)
        inner = rest[1:end] if end > 0 else ""
        if end > 0 and (
            opener in CAPTION_PAIRS or (len(inner) <= 16 and not any(m in inner for m in "，。；：,;"))
        ):
            return inner.strip() or None, rest[end + 1 :].strip(" \t\u3000")
    return None, rest
