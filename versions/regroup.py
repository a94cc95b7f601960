"""Splits and merges, found where amendments make them: in paragraphs (款).

A new article left unmatched whose text comes from an old article matched elsewhere, and explains part of
that old article its main successor does not, was split off it (a paragraph 单列一条 becomes a split by
construction, however similar the main pair stays). Seen from the other side, an old article left unmatched
whose text went into a matched new article, and explains part of that new article the new article's main
predecessor does not, was merged into it. Shares are counted twice: in characters the diff finds, and in
bigram weight (versions/similarity.py), so a penalty article that shares only boilerplate with another
(没收违法所得……依法追究刑事责任) is never taken for part of it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from versions.clean import normalise
from versions.diff import containment, similarity
from versions.model import Article
from versions.numerals import NUMERAL_CHARS

if TYPE_CHECKING:
    from versions.align import Matcher

REFERENCE = re.compile(rf"第[{NUMERAL_CHARS}]+条(?:之[{NUMERAL_CHARS}]+)?")
SOURCE = 0.6  # share of the joining article's characters found in the other side
SOURCE_WEIGHT = 0.5  # and of its bigram weight (new words of its own are rare, so weigh much)
GAIN = 0.05  # share of the receiving side newly explained by the joining article
PARAGRAPH_GAIN = 0.2  # how much better a paragraph is found in the joining article than in its partner
SHORTEST = 8  # characters: shorter articles say too little to join anything
NEAREST = 3


def regroup(matcher: Matcher) -> None:
    """Reads the matcher's main links; adds ``extra_new`` (splits) and ``extra_old`` (merges)."""
    weights = matcher.weights if _open(matcher) else None
    if weights is None:
        return
    for j in range(len(matcher.new)):
        if j in matcher.old_for_new or len(matcher.new_text[j]) < SHORTEST:
            continue
        for i in _nearest(matcher, j, old_side=True):
            if i not in matcher.new_for_old or i in _merged_old(matcher):
                continue
            main = matcher.new_for_old[i]
            if main in matcher.extra_old:
                continue
            receivers = [main, *matcher.extra_new.get(i, [])]
            partners = "".join(matcher.new_text[k] for k in sorted(receivers))
            together = "".join(matcher.new_text[k] for k in sorted([*receivers, j]))
            part, whole = matcher.new_text[j], matcher.old_text[i]
            if _joins(matcher, part, whole, partners, together) or _gives_paragraph(
                matcher,
                _paragraphs(matcher.old[i]),
                part,
                [p for k in receivers for p in _paragraphs(matcher.new[k])],
            ):
                matcher.extra_new.setdefault(i, []).append(j)
                matcher.old_for_new[j] = i
                break
    for i in range(len(matcher.old)):
        if i in matcher.new_for_old or len(matcher.old_text[i]) < SHORTEST:
            continue
        for j in _nearest(matcher, i, old_side=False):
            if j not in matcher.old_for_new:
                continue
            main = matcher.old_for_new[j]
            if main in matcher.extra_new or matcher.new_for_old.get(main) != j:
                continue
            givers = [main, *matcher.extra_old.get(j, [])]
            partners = "".join(matcher.old_text[k] for k in sorted(givers))
            together = "".join(matcher.old_text[k] for k in sorted([*givers, i]))
            part, whole = matcher.old_text[i], matcher.new_text[j]
            if _joins(matcher, part, whole, partners, together) or _gives_paragraph(
                matcher,
                _paragraphs(matcher.new[j]),
                part,
                [p for k in givers for p in _paragraphs(matcher.old[k])],
            ):
                matcher.extra_old.setdefault(j, []).append(i)
                matcher.new_for_old[i] = j
                break


def _open(matcher: Matcher) -> bool:
    return len(matcher.old_for_new) < len(matcher.new) or len(matcher.new_for_old) < len(matcher.old)


def _merged_old(matcher: Matcher) -> set[int]:
    return {k for extra in matcher.extra_old.values() for k in extra}


def _nearest(matcher: Matcher, index: int, old_side: bool) -> list[int]:
    """The NEAREST articles of the other version by weighted cosine to article ``index``."""
    if old_side:
        scores = [(score, i) for i, score in matcher.dots(index).items()]
    else:
        scores = [(matcher.cosine(index, j), j) for j in range(len(matcher.new))]
    return [k for score, k in sorted(scores, reverse=True)[:NEAREST] if score > 0]


def _joins(matcher: Matcher, part: str, whole: str, partners: str, together: str) -> bool:
    """True when ``part`` (the unmatched article) is mostly found in ``whole`` (the other side's article)
    and explains a share of ``whole`` that its partners (the articles already on its side of the group,
    ``partners`` alone, ``together`` with ``part`` in order) do not. A copy explains nothing new."""
    if containment(part, whole) < SOURCE or matcher.weights.covered(part, whole) < SOURCE_WEIGHT:
        return False
    return containment(whole, together) - containment(whole, partners) >= GAIN


def _gives_paragraph(matcher: Matcher, paragraphs: list[str], other: str, partners: list[str]) -> bool:
    """True when one of ``paragraphs`` (of the matched article) is mostly found in ``other`` (the unmatched
    article on the far side), clearly more than it resembles any paragraph of ``partners`` (what it is
    matched with): a paragraph moved into a new article (单列一条), or an old article moved in as a paragraph.
    Resemblance, not containment, on the partners' side: a long paragraph holds most characters by chance."""
    for paragraph in paragraphs:
        if len(paragraph) < SHORTEST:
            continue
        found = containment(paragraph, other)
        if (
            found >= SOURCE
            and matcher.weights.covered(paragraph, other) >= SOURCE_WEIGHT
            and found - max((similarity(paragraph, p) for p in partners), default=0.0) >= PARAGRAPH_GAIN
        ):
            return True
    return False


def _paragraphs(article: Article) -> list[str]:
    return [REFERENCE.sub("第#条", normalise(p.render())) for p in article.paragraphs]
