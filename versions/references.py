"""Cross-references inside a draft (本条例第X条, 本法第X条第X款, 第X条至第X条, 前款, 前两款).

After an alignment, a reference in the new version is stale when it still names an article by its
old number (the article it meant was renumbered or deleted), when it names an article the new
version does not have, or when 前款 / 前两款 reach before the first paragraph. A reference written
anew in the new version is flagged only when its own words point at the article that carried the
number before the renumbering (``old-numbering``): drafters writing a new article often cite the
numbers of the text they read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from versions.diff import similarity
from versions.model import Article, Draft
from versions.numerals import NUMERAL_CHARS, article_label, to_int

if TYPE_CHECKING:
    from versions.align import Pair

NUM = f"[{NUMERAL_CHARS}]+"
ARTICLE_REFERENCE = re.compile(rf"(本条例|本法|本规定|本办法|本细则)?第({NUM})条(?:之({NUM}))?")
PRECEDING = re.compile(r"前([两二三四五六七八九])?款")
CHAIN_LINK = re.compile(rf"第{NUM}条(?:之{NUM})?(?:第{NUM}款)?(?:至|、|和|或者|及)$")
OWN = ("本条例", "本法", "本规定", "本办法", "本细则")
EXTERNAL_TAIL = re.compile(r"(》|法|条例|规定|办法|细则|决定)$")
CLAUSE_MARKS = "。；：\n"
# A reference written anew is taken for one in the old numbering only when its clause reads clearly more
# like the article that used to carry that number than like the one carrying it now.
CONTEXT_FLOOR = 0.2
CONTEXT_MARGIN = 2.0
# What each reason means, for readers of the reports (the HTML page, the CLI, the drafters' pages).
REASONS = {
    "renumbered": "所指条文已重新编号",
    "old-numbering": "疑按修改前的条序引用",
    "deleted": "所指条文已删除",
    "missing": "新版本中没有该条",
    "no-previous-paragraph": "本款之前没有足够的款",
}
# A citation re-pointed to another article: a substantive change, to be confirmed.
REPOINTED = "引用改指他条（原所指条文现为{was}），属实质修改，请核实"
COUNTS = {None: 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class Reference:
    """One reference to an article of the same draft, as written, with where it stands."""

    text: str
    number: int
    sub: int
    paragraph_id: str
    context: str = ""  # the clause around the reference (between 。；：), the reference itself left out


@dataclass(frozen=True)
class ReferenceUpdate:
    """A reference whose number changed between the old and new text of one aligned pair."""

    old: str
    new: str


@dataclass(frozen=True)
class StaleReference:
    """A reference in the new version that points at the wrong place, and what it should probably say."""

    article: Article
    paragraph_id: str
    text: str
    target: int
    reason: str  # renumbered | old-numbering | deleted | missing | no-previous-paragraph
    suggestion: str | None


def internal_references(article: Article) -> list[Reference]:
    """References in an article to articles of the same draft (not 《某某法》第X条)."""
    found: list[Reference] = []
    if "条" not in article.text:
        return found  # most articles cite none: one scan of the whole text instead of one per paragraph
    for paragraph in article.paragraphs:
        text = paragraph.render()
        for match in ARTICLE_REFERENCE.finditer(text):
            if not match.group(1) and _external(text, match.start()):
                continue
            try:
                number = to_int(match.group(2))
                sub = to_int(match.group(3)) if match.group(3) else 0
            except ValueError:
                continue
            found.append(Reference(match.group(0), number, sub, paragraph.id, _clause(text, match)))
    return found


def _clause(text: str, match: re.Match) -> str:
    start = max(text.rfind(mark, 0, match.start()) for mark in CLAUSE_MARKS) + 1
    ends = [i for mark in CLAUSE_MARKS if (i := text.find(mark, match.end())) >= 0]
    return text[start : match.start()] + text[match.end() : min(ends, default=len(text))]


def _external(text: str, start: int) -> bool:
    """True when the reference at ``start`` (or the run 第一条、第二条至第五条 it ends) follows a law's
    name."""
    while (link := CHAIN_LINK.search(text, 0, start)) is not None:
        start = link.start()
    before = text[max(0, start - 12) : start]
    if before.endswith(OWN):
        return False
    return bool(EXTERNAL_TAIL.search(before))


@dataclass(frozen=True)
class RepointedReference:
    """A citation that now points at a different provision than the one it pointed at (a substantive
    change): ``was`` is the new number of the article the old citation meant."""

    old: str
    new: str
    paragraph_id: str
    was: str


class ArticleMap:
    """Where each old article went: {old key: the new articles that received it} (empty when deleted)."""

    def __init__(self, targets: dict[tuple[int, int], tuple[Article, ...]]) -> None:
        self.targets = targets

    def keys(self, key: tuple[int, int]) -> set[tuple[int, int]] | None:
        """The new keys of old article ``key``, or None when the old version had no such article."""
        found = self.targets.get(key)
        return None if found is None else {a.key for a in found}


@dataclass(frozen=True)
class _Classified:
    """The citations of one pair, each old one matched to what became of it in the new text."""

    updates: list[tuple[Reference, Reference]]  # number changed with the renumbering
    carried: list[tuple[Reference, Reference]]  # same number kept while the article moved or went
    repointed: list[tuple[Reference, Reference]]  # now pointing somewhere else
    anew: list[Reference]  # new citations with no old counterpart


def _classify(olds: Sequence[Article], news: Sequence[Article], article_map: ArticleMap) -> _Classified:
    """Matches the citations of a pair through the alignment: first to what the renumbering makes of them
    (a list 第三十三条、第三十四条 renumbered as a whole to 第三十五条、第三十六条 is two updates, never 34 →
    36 "unchanged"), then to the same number, then, in the same clause, to another number."""
    old_refs = [r for a in olds for r in internal_references(a)]
    new_refs = [r for a in news for r in internal_references(a)]
    used: set[int] = set()
    result = _Classified([], [], [], [])
    rest: list[Reference] = []
    for ref in new_refs:
        key = (ref.number, ref.sub)
        match = next(
            (
                k
                for k, o in enumerate(old_refs)
                if k not in used and key in (article_map.keys((o.number, o.sub)) or ())
            ),
            None,
        )
        if match is None:
            rest.append(ref)
            continue
        used.add(match)
        if (old_refs[match].number, old_refs[match].sub) != key:
            result.updates.append((old_refs[match], ref))
    for ref in rest:
        key = (ref.number, ref.sub)
        match = next((k for k, o in enumerate(old_refs) if k not in used and (o.number, o.sub) == key), None)
        if match is not None:
            used.add(match)
            if article_map.keys(key) is not None:
                result.carried.append((old_refs[match], ref))
            continue
        match = next(
            (k for k, o in enumerate(old_refs) if k not in used and _same_clause(o.context, ref.context)),
            None,
        )
        if match is not None and article_map.keys((old_refs[match].number, old_refs[match].sub)):
            used.add(match)
            result.repointed.append((old_refs[match], ref))
            continue
        result.anew.append(ref)
    return result


def _same_clause(old: str, new: str) -> bool:
    return bool(old) and similarity(old, new) >= 0.6


def reference_changes(
    olds: Sequence[Article], news: Sequence[Article], article_map: ArticleMap
) -> tuple[list[ReferenceUpdate], list[RepointedReference]]:
    """Reads one aligned pair and where every old article went; returns the citations updated with the
    renumbering and the citations re-pointed to a different article."""
    found = _classify(olds, news, article_map)
    updates = [ReferenceUpdate(o.text, n.text) for o, n in found.updates]
    repointed = []
    for o, n in found.repointed:
        went = sorted(article_map.keys((o.number, o.sub)) or ())
        repointed.append(RepointedReference(o.text, n.text, n.paragraph_id, article_label(*went[0])))
    return updates, repointed


def reference_updates(olds: Sequence[Article], news: Sequence[Article]) -> list[ReferenceUpdate]:
    """References that differ only in their number between the old and new text of a pair, read
    without an alignment (the old and new numbers in order)."""
    old_refs = [r for a in olds for r in internal_references(a)]
    new_refs = [r for a in news for r in internal_references(a)]
    if len(old_refs) != len(new_refs):
        return []
    return [
        ReferenceUpdate(o.text, n.text)
        for o, n in zip(old_refs, new_refs, strict=True)
        if (o.number, o.sub) != (n.number, n.sub)
    ]


def stale_references(pairs: Sequence[Pair], new: Draft) -> list[StaleReference]:
    """Reads the aligned pairs and the new version; returns the references there that look wrong: carried
    over in the old numbering (renumbered, deleted), written anew in the old numbering, pointing at no
    article, or 前款 before a first paragraph."""
    article_map = ArticleMap({a.key: p.new for p in pairs for a in p.old})
    existing = {article.key: article for article in new.articles}
    reader: _ContextReader | None = None  # built only when a citation needs reading (most drafts: never)
    stale: list[StaleReference] = []
    for pair in pairs:
        if not pair.new:
            continue
        found = _classify(pair.old, pair.new, article_map)
        for _, ref in found.carried:
            article = _article_of(pair.new, ref)
            targets = sorted(article_map.keys((ref.number, ref.sub)) or ())
            if not targets:
                stale.append(StaleReference(article, ref.paragraph_id, ref.text, ref.number, "deleted", None))
            else:
                suggestion = ref.text.replace(article_label(ref.number, ref.sub), article_label(*targets[0]))
                stale.append(
                    StaleReference(article, ref.paragraph_id, ref.text, ref.number, "renumbered", suggestion)
                )
        for ref in found.anew:
            article = _article_of(pair.new, ref)
            key = (ref.number, ref.sub)
            if key not in existing:
                stale.append(StaleReference(article, ref.paragraph_id, ref.text, ref.number, "missing", None))
                continue
            targets = sorted(article_map.keys(key) or ())
            if len(targets) != 1 or targets[0] == key:
                continue
            # Written in this version: it may use the new numbering or, by habit, the old one.
            reader = reader or _ContextReader(new)
            if reader.prefers(ref, article, existing[targets[0]], existing[key]):
                suggestion = ref.text.replace(article_label(*key), article_label(*targets[0]))
                stale.append(
                    StaleReference(
                        article, ref.paragraph_id, ref.text, ref.number, "old-numbering", suggestion
                    )
                )
        for article in pair.new:
            stale.extend(_preceding_paragraphs(article))
    return stale


def _article_of(articles: Sequence[Article], ref: Reference) -> Article:
    prefix = ref.paragraph_id.split("-p")[0]
    return next((a for a in articles if a.id == prefix), articles[0])


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class _ContextReader:
    """Bigram overlap, weighted by rarity across the new version's articles, between a reference's
    clause (with its article's caption) and a candidate article's caption and text."""

    def __init__(self, draft: Draft) -> None:
        self.grams = {a.key: _bigrams((a.caption or "") + a.text) for a in draft.articles}
        frequency: dict[str, int] = {}
        for grams in self.grams.values():
            for gram in grams:
                frequency[gram] = frequency.get(gram, 0) + 1
        total = len(self.grams) or 1
        self.weight = {gram: math.log(1 + total / count) for gram, count in frequency.items()}

    def _score(self, context: set[str], candidate: Article) -> float:
        whole = sum(self.weight.get(g, 0.0) for g in context) or 1.0
        return sum(self.weight.get(g, 0.0) for g in context & self.grams[candidate.key]) / whole

    def prefers(self, ref: Reference, article: Article, former: Article, current: Article) -> bool:
        """True when the clause reads clearly more like ``former`` (which carried the number before).
        A clause that cites several articles (本法第四十四条、第五十一条…的规定) says nothing about any
        one of them, so it never decides."""
        if ARTICLE_REFERENCE.search(ref.context):
            return False
        context = _bigrams(ref.context) | _bigrams(article.caption or "")
        was, now = self._score(context, former), self._score(context, current)
        return was >= CONTEXT_FLOOR and was >= CONTEXT_MARGIN * now


def _preceding_paragraphs(article: Article) -> list[StaleReference]:
    found: list[StaleReference] = []
    if "款" not in article.text:
        return found
    for position, paragraph in enumerate(article.paragraphs, 1):
        for match in PRECEDING.finditer(paragraph.render()):
            if COUNTS[match.group(1)] >= position:
                found.append(
                    StaleReference(
                        article, paragraph.id, match.group(0), article.number, "no-previous-paragraph", None
                    )
                )
    return found


def stale_by_article(references: Sequence[StaleReference]) -> dict[str, list[StaleReference]]:
    """The stale references grouped by the id of the new article holding them."""
    grouped: dict[str, list[StaleReference]] = {}
    for ref in references:
        grouped.setdefault(ref.article.id, []).append(ref)
    return grouped


def citation_notes(pair: Pair, stale: Mapping[str, list[StaleReference]]) -> list[str]:
    """The citation notes of a pair in words, for every report (the HTML page, the drafters' page, the 说明
    column of the Word 对照表): updated with the renumbering, re-pointed to another article, to check."""
    lines = [f"引用随条序更新：{u.old}→{u.new}" for u in pair.reference_updates]
    lines += [f"“{r.old}”改为“{r.new}”：{REPOINTED.format(was=r.was)}" for r in pair.repointed]
    for article in pair.new:
        for ref in stale.get(article.id, ()):
            hint = f"，建议改为“{ref.suggestion}”" if ref.suggestion else ""
            lines.append(f"“{ref.text}”：{REASONS[ref.reason]}{hint}")
    return lines
