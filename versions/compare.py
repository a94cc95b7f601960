"""An alignment as the JSON of ``draftreview compare OLD NEW --json``."""

from __future__ import annotations

from versions.align import Alignment, Pair
from versions.references import StaleReference


def pair_to_dict(pair: Pair) -> dict:
    """One pair: old and new article numbers, status, flags, similarity, segments, reference updates."""
    return {
        "old": [a.number for a in pair.old],
        "new": [a.number for a in pair.new],
        "old_labels": [a.label for a in pair.old],
        "new_labels": [a.label for a in pair.new],
        "status": str(pair.status),
        "renumbered": pair.renumbered,
        "moved": pair.moved,
        "similarity": pair.similarity,
        "segments": [[op, text] for op, text in pair.segments],
        "reference_updates": [{"old": u.old, "new": u.new} for u in pair.reference_updates],
        "repointed": [
            {"old": r.old, "new": r.new, "paragraph": r.paragraph_id, "was": r.was} for r in pair.repointed
        ],
        "paragraphs": [[old, new] for old, new in pair.paragraphs],
    }


def reference_to_dict(reference: StaleReference) -> dict:
    """One stale reference with its location in the new version."""
    return {
        "article": reference.article.number,
        "label": reference.article.label,
        "paragraph": reference.paragraph_id,
        "text": reference.text,
        "target": reference.target,
        "reason": reference.reason,
        "suggestion": reference.suggestion,
    }


def to_dict(alignment: Alignment) -> dict:
    """The whole comparison: pairs in the new order, stale references, counts, input-quality warnings
    (when there are any, ``reliable`` is false: the comparison rests on a text that looks garbled)."""
    return {
        "pairs": [pair_to_dict(p) for p in alignment.pairs],
        "references": [reference_to_dict(r) for r in alignment.references],
        "summary": alignment.summary(),
        "reliable": alignment.reliable,
        "warnings": [{"code": w.code, "message": w.message} for w in alignment.warnings],
    }
