"""Similarity of legal texts that discounts boilerplate.

Character bigrams weighted by their rarity across the articles of both versions (inverse document
frequency): phrases every article repeats (人民政府, 应当, 没收违法所得, 依法追究刑事责任) weigh little, the
words that make an article itself weigh much. ``cosine`` compares two texts as unit TF-IDF vectors;
``covered`` says how much of one text's weight the other holds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

BOILERPLATE = math.log(2)


def bigrams(text: str) -> dict[str, int]:
    """Reads a text; returns its character bigrams with their counts."""
    counts: dict[str, int] = {}
    for k in range(len(text) - 1):
        gram = text[k : k + 2]
        counts[gram] = counts.get(gram, 0) + 1
    return counts


class Weights:
    """Bigram rarity over a set of documents, and unit TF-IDF vectors of texts under it."""

    def __init__(self, documents: Sequence[str]) -> None:
        frequency: dict[str, int] = {}
        for document in documents:
            for gram in bigrams(document):
                frequency[gram] = frequency.get(gram, 0) + 1
        total = max(len(documents), 1)
        # A bigram found in half the documents or more is boilerplate and weighs nothing (leaving it
        # out also keeps the dot products cheap); one not seen at all weighs as much as the rarest.
        self.idf = {
            gram: idf if (idf := math.log(total / count)) >= BOILERPLATE else 0.0
            for gram, count in frequency.items()
        }
        self.unseen = math.log(total) if total > 1 else 1.0

    def weight(self, gram: str) -> float:
        return self.idf.get(gram, self.unseen)

    def vector(self, text: str) -> dict[str, float]:
        """Reads a text; returns its unit TF-IDF vector (empty when the text has no weighty bigram)."""
        vector = {g: (1 + math.log(n)) * self.weight(g) for g, n in bigrams(text).items()}
        norm = math.sqrt(sum(w * w for w in vector.values()))
        return {g: w / norm for g, w in vector.items() if w > 0} if norm else {}

    def covered(self, part: str, whole: str) -> float:
        """Reads two texts; returns the share of ``part``'s bigram weight whose bigrams ``whole`` holds."""
        grams = bigrams(part)
        total = sum(self.weight(g) for g in grams)
        if not total:
            return 0.0
        held = bigrams(whole)
        return sum(self.weight(g) for g in grams if g in held) / total


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(g, 0.0) for g, w in a.items())
