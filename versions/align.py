"""Align two versions of a draft article by article.

``align(old, new)`` reads two Drafts and returns an ``Alignment``: one ``Pair`` per correspondence, in
the new version's order with deleted articles placed where they stood. Matching runs cheapest first:
identical texts (after NFKC, without spaces, with article numbers in references masked, so a pure
renumbering still counts as identical); then the article where the running offset of earlier matches
expects it (order-aware: an inserted article shifts everything after it); then candidates that share
rare character trigrams, accepted greedily by similarity (this finds moved and rewritten articles);
then splits and merges next to matched neighbours. Captions are left out of matching: drafts carry
【立法目的】 headings that final texts drop.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from versions.clean import normalise
from versions.diff import Segment, containment, diff, similarity, similarity_of
from versions.model import Article, Draft
from versions.numerals import NUMERAL_CHARS
from versions.references import ReferenceUpdate, StaleReference, reference_updates, stale_references

# The statuses in the words of a 条文对照 (the HTML page and the command line print them).
STATUS_LABELS = {
    "unchanged": "未改",
    "modified": "修改",
    "added": "新增",
    "deleted": "删除",
    "split": "拆分",
    "merged": "合并",
}

REFERENCE = re.compile(rf"第[{NUMERAL_CHARS}]+条(?:之[{NUMERAL_CHARS}]+)?")
# Thresholds, calibrated on the corpus series (docs/alignment.md). Text similarity (diff-based, 0–1)
# settles lightly edited articles where the running offset expects them; TF-IDF cosine over character
# bigrams (common bigrams such as 人民 or 应当 weigh little) finds rewritten and moved ones.
ACCEPT_EXPECTED = 0.6
ACCEPT_COSINE = 0.3  # accepted outright
ACCEPT_MUTUAL = 0.12  # accepted when each is the other's best by a clear margin
MARGIN = 1.6
ACCEPT_EXPECTED_COSINE = 0.22  # where the offset expects it, after the anchors above
COMBINE_GAIN = 0.08  # how much a split or merge must improve the match
CONTAINED = 0.5  # and how much of the split-off (or merged-in) article must come from the other side


@dataclass(frozen=True)
class Pair:
    """One correspondence between old and new articles."""

    status: str  # unchanged | modified | added | deleted | split | merged
    old: tuple[Article, ...]
    new: tuple[Article, ...]
    renumbered: bool
    moved: bool
    similarity: float
    segments: tuple[Segment, ...]
    reference_updates: tuple[ReferenceUpdate, ...] = ()


@dataclass(frozen=True)
class Alignment:
    pairs: tuple[Pair, ...]
    references: tuple[StaleReference, ...] = field(default=())

    def summary(self) -> dict[str, int]:
        """Counts per status, plus renumbered, moved, reference updates and stale references."""
        counts = {status: 0 for status in ("unchanged", "modified", "added", "deleted", "split", "merged")}
        for pair in self.pairs:
            counts[pair.status] += 1
        counts["renumbered"] = sum(pair.renumbered for pair in self.pairs)
        counts["moved"] = sum(pair.moved for pair in self.pairs)
        counts["reference_updates"] = sum(len(pair.reference_updates) for pair in self.pairs)
        counts["stale_references"] = len(self.references)
        return counts


def matching_text(article: Article) -> str:
    """The text used for matching: NFKC, no whitespace, article numbers in references masked."""
    return REFERENCE.sub("第#条", normalise(article.text))


def align(old: Draft, new: Draft) -> Alignment:
    """Reads two versions; returns their article-by-article alignment and the stale cross-references."""
    matcher = _Matcher(old.articles, new.articles)
    matcher.run()
    pairs = _pairs(matcher, old, new)
    return Alignment(tuple(pairs), tuple(stale_references(pairs, new)))


class _Matcher:
    def __init__(self, old: tuple[Article, ...], new: tuple[Article, ...]) -> None:
        self.old, self.new = old, new
        self.old_text = [matching_text(a) for a in old]
        self.new_text = [matching_text(a) for a in new]
        self.new_for_old: dict[int, int] = {}
        self.old_for_new: dict[int, int] = {}
        self.score: dict[tuple[int, int], float] = {}
        self.extra_new: dict[int, list[int]] = {}  # split: old index -> further new indexes
        self.extra_old: dict[int, list[int]] = {}  # merged: new index -> further old indexes

    def run(self) -> None:
        self._exact()
        self._expected()
        self._candidates()
        self._expected_by_cosine()  # anchors found above settle the stretches between them
        self._splits_and_merges()

    def _link(self, i: int, j: int, score: float) -> None:
        self.new_for_old[i], self.old_for_new[j] = j, i
        self.score[(i, j)] = score

    def _exact(self) -> None:
        by_text: dict[str, list[int]] = {}
        for i, text in enumerate(self.old_text):
            by_text.setdefault(text, []).append(i)
        for j, text in enumerate(self.new_text):
            candidates = [i for i in by_text.get(text, ()) if i not in self.new_for_old]
            if candidates:
                self._link(min(candidates, key=lambda i: abs(i - j)), j, 1.0)

    def _expected(self) -> None:
        last_i, last_j = -1, -1
        for j in range(len(self.new)):
            if j in self.old_for_new:
                last_i, last_j = self.old_for_new[j], j
                continue
            i = last_i + (j - last_j)
            tried = []
            if 0 <= i < len(self.old) and i not in self.new_for_old:
                tried.append(i)
            same = self._same_number(j)
            if same is not None and same not in tried and same not in self.new_for_old:
                tried.append(same)
            for i in tried:
                score = similarity(self.old_text[i], self.new_text[j])
                if score >= ACCEPT_EXPECTED:
                    self._link(i, j, score)
                    last_i, last_j = i, j
                    break

    def _same_number(self, j: int) -> int | None:
        if not hasattr(self, "_by_key"):
            self._by_key = {}
            for i, article in enumerate(self.old):
                self._by_key.setdefault(article.key, i)
        return self._by_key.get(self.new[j].key)

    def _candidates(self) -> None:
        free_old = [i for i in range(len(self.old)) if i not in self.new_for_old]
        free_new = [j for j in range(len(self.new)) if j not in self.old_for_new]
        if not free_old or not free_new:
            return
        self.vectors = _Vectors(self.old_text, self.new_text)
        postings: dict[str, list[tuple[int, float]]] = {}
        for i in free_old:
            for gram, weight in self.vectors.old[i].items():
                postings.setdefault(gram, []).append((i, weight))
        best_for_old: dict[int, list[float]] = {}
        best_for_new: dict[int, list[float]] = {}
        scored: list[tuple[float, int, int]] = []
        for j in free_new:
            dots: dict[int, float] = {}
            for gram, weight in self.vectors.new[j].items():
                for i, other in postings.get(gram, ()):
                    dots[i] = dots.get(i, 0.0) + weight * other
            for i, score in dots.items():
                if score >= ACCEPT_MUTUAL:
                    scored.append((score, i, j))
                best_for_old.setdefault(i, []).append(score)
                best_for_new.setdefault(j, []).append(score)
        second_old = {i: _second(scores) for i, scores in best_for_old.items()}
        second_new = {j: _second(scores) for j, scores in best_for_new.items()}
        # Highest first; among equals the candidate nearer the diagonal.
        for score, i, j in sorted(scored, key=lambda t: (-t[0], abs(t[1] - t[2]))):
            if i in self.new_for_old or j in self.old_for_new:
                continue
            clear = score >= MARGIN * second_old[i] and score >= MARGIN * second_new[j]
            if score >= ACCEPT_COSINE or clear:
                self._link(i, j, score)

    def _expected_by_cosine(self) -> None:
        if not hasattr(self, "vectors"):
            return
        last_i, last_j = -1, -1
        for j in range(len(self.new)):
            if j in self.old_for_new:
                last_i, last_j = self.old_for_new[j], j
                continue
            i = last_i + (j - last_j)
            if 0 <= i < len(self.old) and i not in self.new_for_old:
                score = self.vectors.cosine(i, j)
                if score >= ACCEPT_EXPECTED_COSINE:
                    self._link(i, j, score)
                    last_i, last_j = i, j

    def _splits_and_merges(self) -> None:
        for j in range(len(self.new)):
            if j in self.old_for_new:
                continue
            for neighbour in (j - 1, j + 1):
                i = self.old_for_new.get(neighbour)
                if i is None:
                    continue
                parts = sorted([neighbour, j, *self.extra_new.get(i, [])])
                combined = similarity(self.old_text[i], "".join(self.new_text[k] for k in parts))
                if (
                    combined >= self.score[(i, self.new_for_old[i])] + COMBINE_GAIN
                    and containment(self.new_text[j], self.old_text[i]) >= CONTAINED
                ):
                    self.extra_new.setdefault(i, []).append(j)
                    self.old_for_new[j] = i
                    self.score[(i, self.new_for_old[i])] = combined
                    break
        for i in range(len(self.old)):
            if i in self.new_for_old or any(i in extra for extra in self.extra_old.values()):
                continue
            for neighbour in (i - 1, i + 1):
                j = self.new_for_old.get(neighbour)
                if j is None or neighbour in self.extra_new:
                    continue
                main = self.old_for_new[j]
                parts = sorted([main, i, *self.extra_old.get(j, [])])
                combined = similarity("".join(self.old_text[k] for k in parts), self.new_text[j])
                if (
                    combined >= self.score[(main, j)] + COMBINE_GAIN
                    and containment(self.old_text[i], self.new_text[j]) >= CONTAINED
                ):
                    self.extra_old.setdefault(j, []).append(i)
                    self.new_for_old[i] = j
                    self.score[(main, j)] = combined
                    break


def _second(scores: list[float]) -> float:
    ordered = sorted(scores, reverse=True)
    return ordered[1] if len(ordered) > 1 else 0.0


class _Vectors:
    """Unit TF-IDF vectors over character bigrams of every article of both versions."""

    def __init__(self, old_text: list[str], new_text: list[str]) -> None:
        counts = [_bigrams(text) for text in (*old_text, *new_text)]
        document_frequency: dict[str, int] = {}
        for count in counts:
            for gram in count:
                document_frequency[gram] = document_frequency.get(gram, 0) + 1
        total = len(counts)
        vectors = []
        for count in counts:
            vector = {
                g: (1 + math.log(n)) * math.log(total / document_frequency[g]) for g, n in count.items()
            }
            norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
            vectors.append({g: w / norm for g, w in vector.items() if w > 0})
        self.old, self.new = vectors[: len(old_text)], vectors[len(old_text) :]

    def cosine(self, i: int, j: int) -> float:
        a, b = self.old[i], self.new[j]
        if len(a) > len(b):
            a, b = b, a
        return sum(w * b.get(g, 0.0) for g, w in a.items())


def _bigrams(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for k in range(len(text) - 1):
        gram = text[k : k + 2]
        counts[gram] = counts.get(gram, 0) + 1
    return counts


def _pairs(matcher: _Matcher, old: Draft, new: Draft) -> list[Pair]:
    chapter_map = _chapter_map(matcher, old, new)
    pairs: list[Pair] = []
    emitted_old: dict[int, int] = {}  # old index -> position of its pair
    done_new: set[int] = set()
    for j in range(len(new.articles)):
        if j in done_new:
            continue
        i = matcher.old_for_new.get(j)
        if i is None:
            pairs.append(_pair("added", (), (new.articles[j],), chapter_map))
            continue
        if i in matcher.extra_new:
            olds, news, status = [i], sorted([matcher.new_for_old[i], *matcher.extra_new[i]]), "split"
        elif j in matcher.extra_old:
            olds, news, status = sorted([i, *matcher.extra_old[j]]), [j], "merged"
        else:
            olds, news, status = [i], [j], None
        done_new.update(news)
        same = "".join(matcher.old_text[k] for k in olds) == "".join(matcher.new_text[k] for k in news)
        pair = _pair(
            status or ("unchanged" if same else "modified"),
            tuple(old.articles[k] for k in olds),
            tuple(new.articles[k] for k in news),
            chapter_map,
        )
        for k in olds:
            emitted_old[k] = len(pairs)
        pairs.append(pair)
    return _place_deletions(pairs, emitted_old, old, chapter_map)


def _place_deletions(pairs: list[Pair], emitted_old: dict[int, int], old: Draft, chapter_map) -> list[Pair]:
    inserts: dict[int, list[Pair]] = {}
    for i, article in enumerate(old.articles):
        if i in emitted_old:
            continue
        before = [emitted_old[k] for k in range(i) if k in emitted_old]
        position = max(before) + 1 if before else 0
        inserts.setdefault(position, []).append(_pair("deleted", (article,), (), chapter_map))
    placed: list[Pair] = []
    for position in range(len(pairs) + 1):
        placed.extend(inserts.get(position, []))
        if position < len(pairs):
            placed.append(pairs[position])
    return placed


def _pair(
    status: str,
    olds: tuple[Article, ...],
    news: tuple[Article, ...],
    chapter_map: dict[str | None, str | None],
) -> Pair:
    segments = tuple(diff("\n".join(a.text for a in olds), "\n".join(a.text for a in news)))
    if status in ("added", "deleted"):
        score = 0.0
    else:
        score = 1.0 if status == "unchanged" else similarity_of(segments)
    renumbered = bool(olds and news and olds[0].key != news[0].key)
    moved = bool(olds and news and chapter_map.get(olds[0].chapter_id, "") != news[0].chapter_id)
    updates = tuple(reference_updates(olds, news)) if olds and news else ()
    return Pair(status, olds, news, renumbered, moved, round(score, 4), segments, updates)


def _chapter_map(matcher: _Matcher, old: Draft, new: Draft) -> dict[str | None, str | None]:
    """Where each old chapter went: the new chapter of the same title; else, for a renamed chapter, the
    new chapter (not claimed by a title) that took most of its articles. A chapter dissolved into one
    that kept its own title maps nowhere, so its articles count as moved."""
    old_titles = {d.id: normalise(d.title) for d in old.divisions if d.kind == "章"}
    new_by_title = {normalise(d.title): d.id for d in new.divisions if d.kind == "章"}
    mapping: dict[str | None, str | None] = {None: None}
    for chapter, title in old_titles.items():
        if title in new_by_title:
            mapping[chapter] = new_by_title[title]
    claimed = set(mapping.values())
    votes: dict[str | None, dict[str | None, int]] = {}
    for i, j in matcher.new_for_old.items():
        old_chapter, new_chapter = matcher.old[i].chapter_id, matcher.new[j].chapter_id
        if old_chapter not in mapping and new_chapter not in claimed:
            votes.setdefault(old_chapter, {})
            votes[old_chapter][new_chapter] = votes[old_chapter].get(new_chapter, 0) + 1
    for chapter, counts in votes.items():
        mapping[chapter] = max(counts, key=lambda c: counts[c])
    return mapping
