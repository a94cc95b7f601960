"""The comparison vocabulary, defined once: what happened to an article between two versions, and its
label in the words of a 条文对照. versions/, exporters/, the command line and the templates all read it.

``Change`` is a StrEnum, so a status compares equal to its plain value ("modified") in templates and JSON.
A pair has one of the six statuses; ``RENUMBERED`` and ``MOVED`` are flags a pair carries beside its status.
"""

from __future__ import annotations

from enum import StrEnum


class Change(StrEnum):
    UNCHANGED = "unchanged"
    MODIFIED = "modified"
    ADDED = "added"
    DELETED = "deleted"
    SPLIT = "split"
    MERGED = "merged"
    RENUMBERED = "renumbered"
    MOVED = "moved"


STATUSES = (Change.UNCHANGED, Change.MODIFIED, Change.ADDED, Change.DELETED, Change.SPLIT, Change.MERGED)

LABELS: dict[str, str] = {  # keyed by Change (a StrEnum: its members are strings)
    Change.UNCHANGED: "未修改",
    Change.MODIFIED: "修改",
    Change.ADDED: "新增",
    Change.DELETED: "删除",
    Change.SPLIT: "拆分",
    Change.MERGED: "合并",
    Change.RENUMBERED: "条序变动",
    Change.MOVED: "移至他章",
}


def label(change: Change | str) -> str:
    """The Chinese label of a change (its value when unknown)."""
    return LABELS.get(change, str(change))  # a StrEnum member hashes as its value
