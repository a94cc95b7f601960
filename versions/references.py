"""Cross-references inside a draft (本条例第X条, 本法第X条第X款, 第X条至第X条, 前款, 前两款).

After an alignment, a reference in the new version is stale when it still names an article by its
old number (the article it meant was renumbered or deleted), when it names an article the new
version does not have, or when 前款 / 前两款 reach before the first paragraph.
"""

from __future__ import annotations

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
COUNTS = {None: 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class Reference:
    """One reference to an article of the same draft, as written, with where it stands."""

    text: str
    number: int
    sub: int
    paragraph_id: str


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
    reason: str  # renumbered | deleted | missing | no-previous-paragraph
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
            found.append(Reference(match.group(0), number, sub, paragraph.id))
    return found


def _external(text: str, start: int) -> bool:
    """True when the reference at ``start`` (or the run 第一条、第二条至第五条 it ends) follows a law's name."""
    while (link := CHAIN_LINK.search(text, 0, start)) is not None:
        start = link.start()
    before = text[max(0, start - 12):start]
    if before.endswith(OWN):
        return False
    return bool(EXTERNAL_TAIL.search(before))


def reference_updates(olds: Sequence[Article], news: Sequence[Article]) -> Iterable[ReferenceUpdate]:
    """References that differ only in their number between the old and new text of a pair."""
    old_refs = [r for a in olds for r in internal_references(a)]
    new_refs = [r for a in news for r in internal_references(a)]
    if len(old_refs) != len(new_refs):
        return []
    return [ReferenceUpdate(o.text, n.text) for o, n in zip(old_refs, new_refs, strict=True)
            if (o.number, o.sub) != (n.number, n.sub)]


def stale_references(pairs: Sequence[Pair], new: Draft) -> list[StaleReference]:
    """Reads the aligned pairs and the new version; returns the references there that look wrong."""
    old_to_new: dict[tuple[int, int], Article | None] = {}
    for pair in pairs:
        for article in pair.old:
            old_to_new[article.key] = pair.new[0] if pair.new else None
    existing = {article.key for article in new.articles}
    stale: list[StaleReference] = []
    for pair in pairs:
        old_texts = {r.text for a in pair.old for r in internal_references(a)}
        for article in pair.new:
            for ref in internal_references(article):
                key = (ref.number, ref.sub)
                if ref.text in old_texts and key in old_to_new:
                    target = old_to_new[key]
                    if target is None:
                        stale.append(StaleReference(article, ref.paragraph_id, ref.text, ref.number, "deleted", None))
                        continue
                    if target.key != key:
                        suggestion = ref.text.replace(article_label(*key), article_label(*target.key))
                        stale.append(StaleReference(article, ref.paragraph_id, ref.text, ref.number, "renumbered",
                                                    suggestion))
                        continue
                if key not in existing:
                    stale.append(StaleReference(article, ref.paragraph_id, ref.text, ref.number, "missing", None))
            stale.extend(_preceding_paragraphs(article))
    return stale


def _preceding_paragraphs(article: Article) -> list[StaleReference]:
    found = []
    for position, paragraph in enumerate(article.paragraphs, 1):
        for match in PRECEDING.finditer(paragraph.render()):
            if COUNTS[match.group(1)] >= position:
                found.append(StaleReference(article, paragraph.id, match.group(0), article.number,
                                            "no-previous-paragraph", None))
    return found
