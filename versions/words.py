"""Word boundaries for the diff: where a change may start and end in Chinese legal text.

A character diff cuts words (主管{+人员和其他直接责任+}人员, 客[-运经营者、货-]运经营者). Segmenting with jieba
(rjieba: the Rust port, same dictionary, shipped inside the wheel, so nothing is downloaded and it starts in a
fraction of jieba's time) gives the places a reader expects a change to begin or end. Only the text around a
change is segmented, so identical text costs nothing. The drafts' own terms (“数字经济” as defined in quotes,
【captions】) are never cut, whatever the dictionary says.

Amounts (五十万元以上), dates (2023年12月1日), spans of time (五年内), article and paragraph references
(第三十八条) and item labels (（一）) are kept whole one level down: the diff treats each as one token
(versions/diff.py), so they change as a whole or not at all.
"""

from __future__ import annotations

import re
from functools import cache

from versions.numerals import NUMERAL_CHARS

DIGITS = "0-9０-９"
CN = "零〇一二三四五六七八九十百千两"
# Each of these changes as a whole: a renumbering reads [-第二十一条-]{+第二十三条+}, an amount [-五十万元-]{+五百万元+}.
ATOMIC = re.compile(
    "|".join(
        [
            rf"第[{NUMERAL_CHARS}]+[条款项章节编目](?:之[{NUMERAL_CHARS}]+)?",
            rf"[{DIGITS}{CN}]+(?:\.[{DIGITS}]+)?[万亿]?元(?:以上|以下|以内)?",
            rf"[{CN}{DIGITS}]+倍(?:以上|以下)?",
            rf"[{DIGITS}〇零一二三四五六七八九]{{2,4}}年[{DIGITS}一二三四五六七八九十]{{1,2}}月(?:[{DIGITS}一二三四五六七八九十]{{1,3}}日)?",
            rf"[{DIGITS}{CN}]+(?:个月|年|日|小时|个工作日)(?:以上|以下|以内|内)",
            rf"[（(][{CN}]+[）)]",
            r"[A-Za-z0-9]{2,}",
        ]
    )
)
TERM = re.compile(r"[“「]([^”」\n]{2,12})[”」]|【([^】\n]{2,12})】")
CONTEXT = 12  # characters of context segmented on each side of a change


def terms(*texts: str) -> frozenset[str]:
    """The drafts' own terms: what they define in quotes or caption in 【】."""
    return frozenset(a or b for text in texts for a, b in TERM.findall(text))


@cache
def _tokenizer():
    import rjieba  # imported on the first change: a comparison of identical texts never loads it

    return rjieba


def boundaries(text: str, keep: frozenset[str] = frozenset()) -> set[int]:
    """Reads a text; returns the offsets (0 and len included) where a word starts or ends, none inside a
    term of ``keep`` or inside an atomic span (an amount, a date, a reference, an item label)."""
    found = {0, len(text)}
    tokens = [(start, end) for _word, start, end in _tokenizer().tokenize(text, mode="search", hmm=False)]
    # Search mode gives the words and, inside long ones, dictionary sub-words (卫生法: 卫生; 主管人员: 主管,
    # 管人, 人员). A long word may break where its sub-words tile it (卫生|法, 主管|人员), never at 管人:
    # 食品[-卫生-]{+安全+}法 reads better than a whole law's name replaced.
    inner: dict[int, list[int]] = {}
    for start, end in tokens:
        inner.setdefault(start, []).append(end)
    for start, end in tokens:
        if any(s <= start and end <= e and (s, e) != (start, end) for s, e in tokens):
            continue  # a sub-word, not a word
        found.add(start)
        found.add(end)
        if end - start >= 3:
            found.update(_tiling(start, end, inner))
    for match in ATOMIC.finditer(text):
        found.difference_update(range(match.start() + 1, match.end()))
    for term in keep:
        start = text.find(term)
        while start >= 0:
            found.difference_update(range(start + 1, start + len(term)))
            start = text.find(term, start + 1)
    return found


def _tiling(start: int, end: int, inner: dict[int, list[int]]) -> list[int]:
    """Inner cut points of the tiling of [start, end) by the fewest dictionary sub-words and single
    characters, or [] when only single characters would tile it."""
    best: dict[int, list[int]] = {start: []}
    for position in range(start, end):
        if position not in best:
            continue
        for stop in [*inner.get(position, ()), position + 1]:
            if stop <= end and (position, stop) != (start, end):
                path = [*best[position], stop]
                if stop not in best or len(path) < len(best[stop]):
                    best[stop] = path
    cuts = best.get(end, [])
    pieces = [b - a for a, b in zip([start, *cuts], cuts, strict=False)]
    return cuts[:-1] if any(piece > 1 for piece in pieces) else []


def snap(left: str, old: str, new: str, right: str, keep: frozenset[str] = frozenset()) -> tuple[int, int]:
    """For a change ``old`` → ``new`` between the equal texts ``left`` and ``right``: how many characters
    of ``left`` (at its end) and of ``right`` (at its start) the change must take so that it starts and ends
    at a word boundary in both versions. At most CONTEXT // 2 each way; (0, 0) when already aligned."""
    head, tail = left[-CONTEXT:], right[:CONTEXT]
    old_bounds = boundaries(head + old + tail, keep)
    new_bounds = boundaries(head + new + tail, keep)
    start = len(head)
    take_left = 0
    while take_left < min(len(head), CONTEXT // 2) and not (start in old_bounds and start in new_bounds):
        take_left += 1
        start -= 1
    if not (start in old_bounds and start in new_bounds):
        take_left = 0
    take_right = 0
    end_old, end_new = len(head) + len(old), len(head) + len(new)
    while take_right < min(len(tail), CONTEXT // 2) and not (
        end_old + take_right in old_bounds and end_new + take_right in new_bounds
    ):
        take_right += 1
    if not (end_old + take_right in old_bounds and end_new + take_right in new_bounds):
        take_right = 0
    return take_left, take_right


def aligned(text: str, cuts: list[tuple[int, int]], keep: frozenset[str] = frozenset()) -> list[int]:
    """For candidate spans (start, end) of one insertion or deletion inside ``text``: how many of its two
    ends fall on word boundaries. Only the stretch the candidates cover (and some context) is segmented."""
    low = max(0, min(start for start, _ in cuts) - CONTEXT)
    high = min(len(text), max(end for _, end in cuts) + CONTEXT)
    bounds = {b + low for b in boundaries(text[low:high], keep)} - {low, high} | ({0} if low == 0 else set())
    if high == len(text):
        bounds.add(high)
    return [(start in bounds) + (end in bounds) for start, end in cuts]
