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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    found = []
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
    """True when the reference at ``start`` (or the run 第一条、第二条至第五条 it ends) follows a law's name."""
    while (link := CHAIN_LINK.search(text, 0, start)) is not None:
        start = link.start()
    before = text[max(0, start - 12) : start]
    if before.endswith(OWN):
        return False
    return bool(EXTERNAL_TAIL.search(before))


def reference_updates(olds: Sequence[Article], news: Sequence[Article]) -> Iterable[ReferenceUpdate]:
    """References that differ only in their number between the old and new text of a pair."""
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
    """Reads the aligned pairs and the new version; returns the references there that look wrong."""
    old_to_new: dict[tuple[int, int], Article | None] = {}
    for pair in pairs:
        for article in pair.old:
            old_to_new[article.key] = pair.new[0] if pair.new else None
    existing = {article.key: article for article in new.articles}
    reader: _ContextReader | None = None  # built only when a citation needs reading (most drafts: never)
    stale: list[StaleReference] = []
    for pair in pairs:
        old_refs = [r for a in pair.old for r in internal_references(a)]
        old_texts = {r.text for r in old_refs}
        # What the old references of this pair become when renumbered: writing those is keeping up.
        updated = {old_to_new[k].key for k in ((r.number, r.sub) for r in old_refs) if old_to_new.get(k)}
        for article in pair.new:
            for ref in internal_references(article):
                key = (ref.number, ref.sub)
                target = old_to_new.get(key)
                if (
                    key in old_to_new
                    and ref.text not in old_texts
                    and target is not None
                    and key in existing
                    and key not in updated
                ):
                    # Written in this version: it may use the new numbering or, by habit, the old one.
                    if target.key == key:
                        continue
                    reader = reader or _ContextReader(new)
                    if reader.prefers(ref, article, target, existing[key]):
                        suggestion = ref.text.replace(article_label(*key), article_label(*target.key))
                        stale.append(
                            StaleReference(
                                article, ref.paragraph_id, ref.text, ref.number, "old-numbering", suggestion
                            )
                        )
                    continue
                if ref.text in old_texts and key in old_to_new:
                    if target is None:
                        stale.append(
                            StaleReference(article, ref.paragraph_id, ref.text, ref.number, "deleted", None)
                        )
                        continue
                    if target.key != key:
                        suggestion = ref.text.replace(article_label(*key), article_label(*target.key))
                        stale.append(
                            StaleReference(
                                article, ref.paragraph_id, ref.text, ref.number, "renumbered", suggestion
                            )
                        )
                        continue
                if key not in existing:
                    stale.append(
                        StaleReference(article, ref.paragraph_id, ref.text, ref.number, "missing", None)
                    )
            stale.extend(_preceding_paragraphs(article))
    return stale


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
    found = []
    for position, paragraph in enumerate(article.paragraphs, 1):
        for match in PRECEDING.finditer(paragraph.render()):
            if COUNTS[match.group(1)] >= position:
                found.append(
                    StaleReference(
                        article, paragraph.id, match.group(0), article.number, "no-previous-paragraph", None
                    )
                )
    return found
