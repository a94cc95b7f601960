"""Word boundaries for the diff: where a change may start and end in Chinese legal text.

A character diff cuts words (主管{+人员和其他直接责任+}人员, 客[-运经营者、货-]运经营者). Segmenting with
jieba (rjieba: the Rust port, same dictionary, shipped inside the wheel, so nothing is downloaded and it
starts in a fraction of jieba's time) gives the places a reader expects a change to begin or end. Only the
text around a change is segmented, so identical text costs nothing. The drafts' own terms (“数字经济” as
defined in quotes, 【captions】) are never cut, whatever the dictionary says.

Amounts (五十万元以上), dates (2023年12月1日), spans of time (五年内), article and paragraph references
(第三十八条) and item labels (（一）) are kept whole one level down: the diff treats each as one token
(versions/diff.py), so they change as a whole or not at all.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from itertools import accumulate, pairwise
from typing import Any

from versions.numerals import NUMERAL_CHARS

DIGITS = "0-9０-９"
CN = "零〇一二三四五六七八九十百千两"
# Each of these changes as a whole: a renumbering reads [-第二十一条-]{+第二十三条+}, an amount
# [-五十万元-]{+五百万元+}. The lookahead names every character a span can start with: the regex engine
# then skips the other positions at once instead of trying each alternative there (half the time of a scan).
ATOMIC = re.compile(
    rf"(?=[第{DIGITS}{CN}（(A-Za-z])(?:"
    + "|".join(
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
    + ")"
)
TERM = re.compile(r"[“「]([^”」\n]{2,12})[”」]|【([^】\n]{2,12})】")
CONTEXT = 12  # characters of context segmented on each side of a change


def terms(*texts: str) -> frozenset[str]:
    """The drafts' own terms: what they define in quotes or caption in 【】."""
    return frozenset(a or b for text in texts for a, b in TERM.findall(text))


@cache
def _tokenizer() -> Any:  # rjieba ships no type information
    import rjieba  # imported on the first change: a comparison of identical texts never loads it

    return rjieba


class Bounds:
    """The offsets of a text where a word starts or ends (0 and its length included), none inside a term of
    ``keep`` or inside an atomic span (an amount, a date, a reference, an item label). Asked position by
    position (``p in bounds``), so a long word is tiled only when a change ends inside it."""

    def __init__(self, text: str, keep: frozenset[str] = frozenset()) -> None:
        self.text = text
        self.ends = list(accumulate(map(len, _tokenizer().cut(text, False))))  # where each word ends
        # Offsets inside an atomic span or a term: usually none, so kept as a (mostly empty) set built
        # only from what is found.
        self.blocked: set[int] = set()
        for match in ATOMIC.finditer(text):
            self.blocked.update(range(match.start() + 1, match.end()))
        for term in keep:
            start = text.find(term)
            while start >= 0:
                self.blocked.update(range(start + 1, start + len(term)))
                start = text.find(term, start + 1)
        # Word ends (0 and the text's length included) outside those spans: the usual "yes".
        self.edges = {0, *self.ends}
        if self.blocked:
            self.edges -= self.blocked
        self._tilings: dict[tuple[int, int], list[int]] = {}

    def __contains__(self, position: int) -> bool:
        if position in self.edges:
            return True
        if position in self.blocked or not 0 < position < len(self.text):
            return False
        ends = self.ends
        index = bisect_right(ends, position)  # the word the position is inside
        word = (ends[index - 1] if index else 0, ends[index])
        if word[1] - word[0] < 3:
            return False
        if word not in self._tilings:
            # A long word may break where dictionary sub-words tile it (卫生法: 卫生|法; 主管人员: 主管|人员,
            # never 主|管人|员): 食品[-卫生-]{+安全+}法 reads better than a whole law's name replaced.
            start, end = word
            has_word = _tokenizer().has_word
            inner = {
                a: [b for b in range(a + 2, end + 1) if (a, b) != word and has_word(self.text[a:b])]
                for a in range(start, end)
            }
            self._tilings[word] = _tiling(start, end, inner)
        return position in self._tilings[word]


# Where the segmenter starts a new block: it cuts each run of Han letters, Latin letters and digits on its
# own, so a text cut at these characters segments exactly as it does whole; no atomic span crosses them
# either.
SENTENCE_END = re.compile(r"[。；！？\n]")


class SentenceBounds:
    """The same answers as ``Bounds`` of the whole text, but each sentence is segmented only when a position
    in it is asked about, and a sentence seen before (the same words in the other version) is not segmented
    again: a long article with one change costs the segmentation of one sentence in each version."""

    def __init__(self, text: str, keep: frozenset[str], cache: dict[str, Bounds]) -> None:
        self.text, self.keep, self.cache = text, keep, cache
        self.starts = [0, *(match.end() for match in SENTENCE_END.finditer(text)), len(text)]
        self.sentences: dict[int, Bounds] = {}

    def __contains__(self, position: int) -> bool:
        index = bisect_right(self.starts, position) - 1
        start = self.starts[index]
        if position == start or position == len(self.text):
            return True  # the text's own edges and a sentence start (after its end mark, a word of its own)
        bounds = self.sentences.get(index)
        if bounds is None:
            sentence = self.text[start : self.starts[index + 1]]
            bounds = self.cache.get(sentence)
            if bounds is None:
                bounds = self.cache[sentence] = Bounds(sentence, self.keep)
            self.sentences[index] = bounds
        return position - start in bounds


def boundaries(
    text: str, keep: frozenset[str] = frozenset(), cache: dict | None = None
) -> Bounds | SentenceBounds:
    """Reads a text; returns its word boundaries (ask ``position in bounds``). Segmented sentence by sentence
    on demand (sharing ``cache`` between the two versions of a text) unless a term of ``keep`` spans a
    sentence end."""
    if any(SENTENCE_END.search(term) for term in keep):
        return Bounds(text, keep)
    return SentenceBounds(text, keep, {} if cache is None else cache)


def words(text: str, keep: frozenset[str] = frozenset()) -> list[str]:
    """Reads a text; returns it cut into words: the segmenter's, with amounts, dates, references, item labels
    and the drafts' own terms (``keep``) whole. Joined, they give the text back."""
    bounds = Bounds(text, keep)
    cuts = [0, *(end for end in bounds.ends if end not in bounds.blocked)]
    if cuts[-1] != len(text):
        cuts.append(len(text))
    return [text[a:b] for a, b in pairwise(cuts) if b > a]


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


def junctions_safe(left: str, old: str, new: str, right: str) -> bool:
    """True when every end of a change touches punctuation, a token or the text's edge in both versions:
    nothing there can cut a word, so nothing needs segmenting."""
    first_old, first_new = (old or right)[:1], (new or right)[:1]
    last_old, last_new = (old or left)[-1:], (new or left)[-1:]
    before, after = left[-1:], right[:1]
    if _han(before) and (_han(first_old) or _han(first_new)):
        return False
    return not (_han(after) and (_han(last_old) or _han(last_new)))


def snap(
    old_bounds: Bounds | SentenceBounds,
    new_bounds: Bounds | SentenceBounds,
    starts: tuple[int, int],
    ends: tuple[int, int],
    room: tuple[int, int],
) -> tuple[int, int]:
    """For a change from ``starts`` to ``ends`` (offsets in the old and the new text, whose word boundaries
    are given): how many characters before it (at most ``room[0]``) and after it (at most ``room[1]``) it
    must take to start and end at a word boundary in both versions; none on a side where no boundary is
    found within CONTEXT // 2."""
    take_left = take_right = 0
    for k in range(min(room[0], CONTEXT // 2) + 1):
        if starts[0] - k in old_bounds and starts[1] - k in new_bounds:
            take_left = k
            break
    for k in range(min(room[1], CONTEXT // 2) + 1):
        if ends[0] + k in old_bounds and ends[1] + k in new_bounds:
            take_right = k
            break
    return take_left, take_right


def _han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"  # False for "" too


def aligned(text: str, cuts: list[tuple[int, int]], keep: frozenset[str] = frozenset()) -> list[int]:
    """For candidate spans (start, end) of one insertion or deletion inside ``text``: how many of its two
    ends fall on word boundaries. Only the stretch the candidates cover (and some context) is segmented."""
    low = max(0, min(start for start, _ in cuts) - CONTEXT)
    high = min(len(text), max(end for _, end in cuts) + CONTEXT)
    bounds = Bounds(text[low:high], keep)

    def on(position: int) -> bool:
        # The window's own edges are no word boundary unless they are the text's.
        if position in (low, high) and position not in (0, len(text)):
            return False
        return position - low in bounds

    return [on(start) + on(end) for start, end in cuts]
