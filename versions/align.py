"""Align two versions of a draft: which old articles became which new ones.

``align(old, new)`` reads two Drafts and returns an ``Alignment``: one ``Pair`` per correspondence, in the
new version's order, deleted articles placed where they stood in the old order. Captions are left out of
matching (drafts carry 【立法目的】 headings that final texts drop), and so are the numbers in references (a
pure renumbering leaves an article unchanged).

The correspondence is solved globally, not first come first served:

1. Candidates: identical texts; the article where the running offset expects it, scored by character
   similarity; then, for the rest, the nearest articles by TF-IDF cosine over bigrams weighted by rarity
   across both versions (boilerplate such as 没收违法所得 weighs little: versions/similarity.py).
2. The heaviest chain: the order-preserving set of candidates with the largest total score (a heaviest common
   subsequence, O(k log k) in the k candidates). An inserted article cannot make its neighbours drift, and a
   new article elsewhere cannot take the place of a true successor that fits the order.
3. Gaps: between two consecutive links of the chain the open articles belong together by their order: the
   heaviest chain of their pairs on a lower score, each link the best of both its articles within the gap.
4. Moves: what the chain left out is paired when each is the other's clear best.
5. Paragraphs (款): an unmatched new article whose paragraphs come from an old article matched elsewhere is
   part of a split of that article, and an unmatched old article whose paragraphs went into a matched new one
   was merged into it: versions/regroup.py, with which paragraph went where.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from versions.clean import normalise
from versions.diff import Segment, similarity
from versions.labels import STATUSES, Change
from versions.model import Article, Draft, ParseWarning
from versions.numerals import NUMERAL_CHARS
from versions.references import (
    ReferenceUpdate,
    RepointedReference,
    StaleReference,
    stale_references,
)
from versions.similarity import Weights

REFERENCE = re.compile(rf"第[{NUMERAL_CHARS}]+条(?:之[{NUMERAL_CHARS}]+)?")
# Scores are character similarity (2 × equal / total) for articles the order expects, TF-IDF cosine for
# the others; both are 1 for identical texts. The values below hold for every corpus series
# (docs/alignment.md).
EXPECTED = 0.6  # an article where the offset expects it, taken as a candidate
SETTLED = 0.6  # an article the offset explains this well needs no search elsewhere
NEAREST = 3  # cosine candidates kept per new article
CANDIDATE = 0.15  # lowest cosine kept as a candidate
CHAIN_FLOOR = 0.1  # what a link must score above to add to a chain
CHAIN = 0.3  # a link of the chain is kept from this score
GAP = 0.15  # one old and one new article alone between two links
MOVE = 0.2  # a pair out of order, each the other's best
MOVE_MARGIN = 1.5  # by this factor over the second best


@dataclass(frozen=True)
class Pair:
    """One correspondence between old and new articles. ``paragraphs`` maps old paragraph ids to the new
    paragraph ids they became (for splits and merges: which paragraph went where)."""

    status: Change
    old: tuple[Article, ...]
    new: tuple[Article, ...]
    renumbered: bool
    moved: bool
    similarity: float
    segments: tuple[Segment, ...]
    reference_updates: tuple[ReferenceUpdate, ...] = ()
    paragraphs: tuple[tuple[str, str], ...] = ()
    repointed: tuple[RepointedReference, ...] = ()

    @property
    def renumber_only(self) -> bool:
        """True when nothing but the article's number (and the numbers it cites) changed."""
        return self.status == Change.UNCHANGED and self.renumbered and not self.moved


@dataclass(frozen=True)
class Alignment:
    pairs: tuple[Pair, ...]
    references: tuple[StaleReference, ...] = field(default=())
    warnings: tuple[ParseWarning, ...] = ()  # input-quality warnings: the comparison may be unreliable

    def summary(self) -> dict[str, int]:
        """Counts per status, plus renumbered, moved, reference updates, re-pointed and stale references."""
        counts = {str(status): 0 for status in STATUSES}
        for pair in self.pairs:
            counts[pair.status] += 1
        counts["renumbered"] = sum(pair.renumbered for pair in self.pairs)
        counts["moved"] = sum(pair.moved for pair in self.pairs)
        counts["reference_updates"] = sum(len(pair.reference_updates) for pair in self.pairs)
        counts["repointed_references"] = sum(len(pair.repointed) for pair in self.pairs)
        counts["stale_references"] = len(self.references)
        return counts

    @property
    def reliable(self) -> bool:
        return not self.warnings


def matching_text(article: Article) -> str:
    """The text used for matching: NFKC, no whitespace, article numbers in references masked."""
    return REFERENCE.sub("第#条", normalise(article.text))


def matching_texts(articles: tuple[Article, ...]) -> list[str]:
    """``matching_text`` of every article, normalised and masked in one pass over the whole draft (NFKC
    composes nothing across the NUL between two articles, and no reference spans it)."""
    texts = [a.text for a in articles]
    if any("\0" in text for text in texts):
        return [matching_text(a) for a in articles]
    return REFERENCE.sub("第#条", normalise("\0".join(texts))).split("\0") if texts else []


def align(old: Draft, new: Draft) -> Alignment:
    """Reads two versions; returns their article-by-article alignment and the references to check."""
    from versions.pairs import build_pairs
    from versions.quality import quality

    matcher = Matcher(old.articles, new.articles)
    matcher.run()
    pairs = build_pairs(matcher, old, new)
    warnings = tuple(
        ParseWarning(0, w.code, f"{side}：{w.message}")
        for side, d in (("原版本", old), ("新版本", new))
        for w in quality(d)
    )
    return Alignment(tuple(pairs), tuple(stale_references(pairs, new)), warnings)


class Matcher:
    """The correspondence of old and new article indexes: ``new_for_old`` / ``old_for_new`` for the main
    links, ``groups`` for splits and merges (built by versions/regroup.py), ``chain`` the links in order."""

    def __init__(self, old: tuple[Article, ...], new: tuple[Article, ...]) -> None:
        self.old, self.new = old, new
        self.old_text = matching_texts(old)
        self.new_text = matching_texts(new)
        self.new_for_old: dict[int, int] = {}
        self.old_for_new: dict[int, int] = {}
        self.score: dict[tuple[int, int], float] = {}
        self.in_order: set[int] = set()  # old indexes linked by the chain or a gap (not moved out of order)
        self.extra_new: dict[int, list[int]] = {}  # split: old index -> further new indexes
        self.extra_old: dict[int, list[int]] = {}  # merged: new index -> further old indexes
        self._weights: Weights | None = None
        self._old_vectors: dict[int, dict[str, float]] = {}
        self._new_vectors: dict[int, dict[str, float]] = {}
        self._postings: dict[str, list[tuple[int, float]]] | None = None
        self._dots: dict[int, dict[int, float]] = {}

    # Weighted vectors are built only when the cheap passes leave something open (identical drafts: never).
    @property
    def weights(self) -> Weights:
        if self._weights is None:
            self._weights = Weights([*self.old_text, *self.new_text])
        return self._weights

    def old_vector(self, i: int) -> dict[str, float]:
        if i not in self._old_vectors:
            self._old_vectors[i] = self.weights.vector(self.old_text[i])
        return self._old_vectors[i]

    def new_vector(self, j: int) -> dict[str, float]:
        if j not in self._new_vectors:
            self._new_vectors[j] = self.weights.vector(self.new_text[j])
        return self._new_vectors[j]

    def cosine(self, i: int, j: int) -> float:
        return self.dots(j).get(i, 0.0)

    def dots(self, j: int) -> dict[int, float]:
        """{old index: cosine with new article ``j``} for the old articles sharing a weighty bigram with
        it."""
        if j not in self._dots:
            if self._postings is None:
                self._postings = {}
                for i in range(len(self.old)):
                    for gram, weight in self.old_vector(i).items():
                        self._postings.setdefault(gram, []).append((i, weight))
            found: dict[int, float] = {}
            for gram, weight in self.new_vector(j).items():
                for i, other in self._postings.get(gram, ()):
                    found[i] = found.get(i, 0.0) + weight * other
            self._dots[j] = found
        return self._dots[j]

    def run(self) -> None:
        from versions.regroup import regroup

        candidates = self._candidates()
        for i, j in _heaviest_chain(candidates):
            if candidates[(i, j)] >= CHAIN:
                self._link(i, j, candidates[(i, j)])
                self.in_order.add(i)
        self._gaps()
        self._moves(candidates)
        regroup(self)

    def _link(self, i: int, j: int, score: float) -> None:
        self.new_for_old[i], self.old_for_new[j] = j, i
        self.score[(i, j)] = score

    def _candidates(self) -> dict[tuple[int, int], float]:
        candidates: dict[tuple[int, int], float] = {}
        by_text: dict[str, list[int]] = {}
        for i, text in enumerate(self.old_text):
            by_text.setdefault(text, []).append(i)
        for j, text in enumerate(self.new_text):
            for i in by_text.get(text, ()):
                candidates[(i, j)] = 1.0
        # Where the running offset expects it: cheap, and settles the lightly edited majority.
        settled: set[int] = set()
        last_i, last_j = -1, -1
        for j in range(len(self.new)):
            exact = [i for i in by_text.get(self.new_text[j], ()) if i > last_i]
            if exact:
                last_i, last_j = exact[0], j
                settled.add(j)
                continue
            i = last_i + (j - last_j)
            if 0 <= i < len(self.old):
                score = similarity(self.old_text[i], self.new_text[j])
                if score >= EXPECTED:
                    candidates[(i, j)] = max(candidates.get((i, j), 0.0), score)
                    last_i, last_j = i, j
                    if score >= SETTLED:
                        settled.add(j)
        open_new = [j for j in range(len(self.new)) if j not in settled]
        if not open_new:
            return candidates
        for j in open_new:
            dots = self.dots(j)
            nearest = sorted(dots.items(), key=lambda t: -t[1])[:NEAREST]
            for i, score in nearest:
                if score >= CANDIDATE:
                    candidates[(i, j)] = max(candidates.get((i, j), 0.0), score)
        return candidates

    def _gaps(self) -> None:
        """Between two consecutive links of the chain the order says the open articles belong together:
        the heaviest chain of all their pairs above GAP, each link the best of its old and its new article
        within the gap."""
        links = sorted(self.new_for_old.items())
        bounds = [(-1, -1), *links, (len(self.old), len(self.new))]
        for (i0, j0), (i1, j1) in itertools.pairwise(bounds):
            olds, news = range(i0 + 1, i1), range(j0 + 1, j1)
            if not olds or not news:
                continue
            scores = {(i, j): self.cosine(i, j) for i in olds for j in news}
            if len(olds) == len(news) == 1:
                (i, j), score = next(iter(scores.items()))
                scores[(i, j)] = max(score, similarity(self.old_text[i], self.new_text[j]))
            best_old = {i: max(scores[(i, j)] for j in news) for i in olds}
            best_new = {j: max(scores[(i, j)] for i in olds) for j in news}
            kept = {k: v for k, v in scores.items() if v >= GAP and v == best_old[k[0]] == best_new[k[1]]}
            for i, j in _heaviest_chain(kept):
                self._link(i, j, kept[(i, j)])
                self.in_order.add(i)

    def _moves(self, candidates: dict[tuple[int, int], float]) -> None:
        """Pairs articles left out of the chain when each is the other's clear best among the open ones."""
        free_old = [i for i in range(len(self.old)) if i not in self.new_for_old]
        free_new = [j for j in range(len(self.new)) if j not in self.old_for_new]
        if not free_old or not free_new:
            return
        scored = sorted(
            ((self.cosine(i, j), i, j) for i in free_old for j in free_new),
            key=lambda t: (-t[0], abs(t[1] - t[2])),
        )
        best_old: dict[int, list[float]] = {}
        best_new: dict[int, list[float]] = {}
        for score, i, j in scored:
            best_old.setdefault(i, []).append(score)
            best_new.setdefault(j, []).append(score)
        for score, i, j in scored:
            if score < MOVE:
                break
            if i in self.new_for_old or j in self.old_for_new:
                continue
            second = max(_second(best_old[i]), _second(best_new[j]))
            if score >= MOVE_MARGIN * second or score >= 0.6:
                self._link(i, j, score)


def _second(scores: list[float]) -> float:
    return scores[1] if len(scores) > 1 else 0.0


def _heaviest_chain(candidates: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """The candidates (i, j) strictly increasing in both i and j whose scores above CHAIN_FLOOR sum
    highest."""
    points = sorted(
        ((i, j, s - CHAIN_FLOOR) for (i, j), s in candidates.items() if s > CHAIN_FLOOR),
        key=lambda t: (t[0], -t[1]),
    )
    if not points:
        return []
    size = max(j for _, j, _ in points) + 2
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)  # Fenwick tree of prefix maxima over j
    previous: list[int] = []
    totals: list[float] = []
    for n, (_, j, weight) in enumerate(points):
        best, k = (0.0, -1), j  # prefix over new indexes < j (tree positions 1..j)
        while k > 0:
            if tree[k][0] > best[0]:
                best = tree[k]
            k -= k & -k
        total = best[0] + weight
        previous.append(best[1])
        totals.append(total)
        k = j + 1
        while k <= size:
            if total > tree[k][0]:
                tree[k] = (total, n)
            k += k & -k
    n = max(range(len(points)), key=totals.__getitem__)
    chain = []
    while n >= 0:
        chain.append((points[n][0], points[n][1]))
        n = previous[n]
    return chain[::-1]
