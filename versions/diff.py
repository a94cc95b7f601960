"""Character diff of Chinese legal text, cleaned into phrase-sized changes.

A diff is a list of segments ``(op, text)`` where ``op`` is one of the strings ``"equal"``,
``"insert"`` and ``"delete"`` (constants ``EQUAL``, ``INSERT``, ``DELETE``). Joining the ``equal``
and ``delete`` texts gives the old text back exactly, joining ``equal`` and ``insert`` the new one:
nothing is normalised or dropped. Where old and new differ at one place, the ``delete`` comes
before the ``insert``, and two segments in a row never have the same op. The HTML page, the JSON of
``draftreview compare`` and the Word exporter all read this one representation.

The raw diff is fast-diff-match-patch (C++) at character level without its own cleanup: its
semantic cleanup ignores punctuation and merges a rewritten sentence into one block, while the raw
diff is confetti of single characters. The cleanup here sits in between: changes slide to start
after, and end with, Chinese punctuation; short runs of equal text between two changes are absorbed
into them, but never across punctuation, so a rewrite reads clause by clause.
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal

import fast_diff_match_patch as fdmp

from versions.words import ATOMIC, aligned, boundaries, junctions_safe, snap, terms, words

Op = Literal["equal", "insert", "delete"]
EQUAL: Final = "equal"
INSERT: Final = "insert"
DELETE: Final = "delete"

Segment = tuple[Op, str]

# Clause ends: a change that stops here reads as a whole phrase, and equal text holding one of them
# is never swallowed into a change.
SEPARATORS = frozenset("，。；：、！？,.;:!?\n")

# Whole references (第二十一条, 第三款), amounts, dates, item labels and runs of Latin letters or digits (5G,
# IPv6) change as one token, so a renumbering reads [-第二十一条-][+第二十三条+], not 第二十[-一-][+三+]条.
TOKEN = ATOMIC
PRIVATE_USE = 0xE000  # the BMP private use area (the C++ diff splits characters beyond the BMP)
PRIVATE_USE_SIZE = 0x1900
PRIVATE_CHARS = re.compile("[\ue000-\uf8ff]")
# A replaced run this long on both sides (a rewritten clause, or changes folded together) is looked into
# word by word: shared whole words at least REFINE_EQUAL characters long, or holding a clause end, stay
# equal text between smaller changes; shorter shared words stay inside the change, as folding left them.
REFINE_SIDE = 8
REFINE_EQUAL = 4


def diff(old: str, new: str) -> list[Segment]:
    """Reads two texts; returns their phrase-level diff as (op, text) segments. Identical texts give one
    segment. Changes start and end at word boundaries (versions/words.py)."""
    if old == new:
        return [(EQUAL, old)] if old else []
    keep = terms(old, new)
    encoded_old, encoded_new, tokens = _encode(old, new)
    raw = fdmp.diff(encoded_old, encoded_new, timelimit=0, cleanup="No", counts_only=False)
    # The C++ diff sometimes reports an empty insertion; it says nothing, so it goes.
    if tokens:
        decode = lambda match: tokens[match.group(0)]  # noqa: E731
        raw = [(op, PRIVATE_CHARS.sub(decode, text)) for op, text in raw if text]
    else:
        raw = [(op, text) for op, text in raw if text]
    parts = _snap(_slide(_clusters(raw), keep), keep, old, new)
    if len(parts) > 3:
        parts = _absorb(parts)  # (one change between a common prefix and suffix: nothing to absorb)
    return _flatten(_refine(parts, keep))


def _encode(old: str, new: str) -> tuple[str, str, dict[str, str]]:
    """Replaces each token by one private-use character; returns both texts and the way back."""
    codes: dict[str, str] = {}

    def code(match: re.Match) -> str:
        return codes.setdefault(match.group(0), chr(PRIVATE_USE + len(codes)))

    encoded = TOKEN.sub(code, old), TOKEN.sub(code, new)
    if len(codes) > PRIVATE_USE_SIZE or PRIVATE_CHARS.search(old) or PRIVATE_CHARS.search(new):
        return old, new, {}  # too many tokens, or the text uses the area itself: plain characters then
    return encoded[0], encoded[1], {value: key for key, value in codes.items()}


def similarity(old: str, new: str) -> float:
    """Reads two texts; returns 2 × equal characters / (old length + new length) of their raw character
    diff."""
    if old == new:
        return 1.0
    equal = sum(
        length for op, length in fdmp.diff(old, new, timelimit=0, cleanup="No", counts_only=True) if op == "="
    )
    return 2 * equal / (len(old) + len(new))


def containment(part: str, whole: str) -> float:
    """Reads two texts; returns the share of ``part``'s characters that the raw diff finds in ``whole``."""
    if not part:
        return 1.0
    counts = fdmp.diff(part, whole, timelimit=0, cleanup="No", counts_only=True)
    return sum(length for op, length in counts if op == "=") / len(part)


def similarity_of(segments: list[Segment]) -> float:
    """Reads segments; returns 2 × equal characters / (old length + new length), 1.0 for two empty texts."""
    equal = changed = 0
    for op, text in segments:
        if op == EQUAL:
            equal += len(text)
        else:
            changed += len(text)
    total = 2 * equal + changed
    return 1.0 if total == 0 else 2 * equal / total


def old_text(segments: list[Segment]) -> str:
    """Reads segments; returns the old text they were made from."""
    return "".join(text for op, text in segments if op != INSERT)


def new_text(segments: list[Segment]) -> str:
    """Reads segments; returns the new text they were made from."""
    return "".join(text for op, text in segments if op != DELETE)


# A cleaned diff while it is built: equal texts (str) alternating with changes [deleted, inserted].
# Even positions hold equal text (str), odd ones a [deleted, inserted] pair: the type follows the position,
# which the type checker cannot follow, hence Any.
_Part = Any


def _clusters(raw: list[tuple[str, str]]) -> list[_Part]:
    """Raw (op, text) tuples as equal strings alternating with [deleted, inserted] changes; starts and ends
    with equal."""
    parts: list[_Part] = [""]
    for op, text in raw:
        if op == "=":
            if isinstance(parts[-1], str):
                parts[-1] += text
            else:
                parts.append(text)
        else:
            if isinstance(parts[-1], str):
                parts.append(["", ""])
            parts[-1][0 if op == "-" else 1] += text
    if not isinstance(parts[-1], str):
        parts.append("")
    return parts


def _slide(parts: list[_Part], keep: frozenset[str]) -> list[_Part]:
    """Moves every pure insertion or deletion to where it starts after, and ends with, punctuation; among
    equally good places, to one whose ends are word boundaries, and then the rightmost (主管人员{+和其他直接
    责任人员+}, not 主管{+人员和其他直接责任+}人员)."""
    for index in range(1, len(parts) - 1, 2):
        change = parts[index]
        if change[0] and change[1]:
            continue
        side = 0 if change[0] else 1
        left, edit, right = parts[index - 1], change[side], parts[index + 1]
        # Shift fully left first, then try each position to the right.
        shift = _common_suffix(left, edit)
        if shift:
            left, edit, right = left[:-shift], left[-shift:] + edit[:-shift], edit[-shift:] + right
        options = [(left, edit, right)]
        while right and edit[0] == right[0]:
            left, edit, right = left + edit[0], edit[1:] + right[0], right[1:]
            options.append((left, edit, right))
        if len(options) > 1:
            whole = options[0][0] + options[0][1] + options[0][2]
            start = len(options[0][0])
            words = aligned(whole, [(start + k, start + k + len(edit)) for k in range(len(options))], keep)
            best = max(range(len(options)), key=lambda k: (_score(*options[k]), words[k], k))
            left, edit, right = options[best]
        parts[index - 1], change[side], parts[index + 1] = left, edit, right
    return parts


def _snap(parts: list[_Part], keep: frozenset[str], old: str, new: str) -> list[_Part]:
    """Widens every change to word boundaries in both versions: 处五[-十-]{+百+}万元 never,
    客[-运经营者、货-]运 never (the characters it takes come out of the equal text beside it). Only the
    sentences holding an end with a word on both sides are segmented, each once."""
    bounds: tuple[Any, Any] | None = None  # each version's word boundaries (ask ``position in``)
    old_at = new_at = 0  # where the current part starts in each version
    for index in range(0, len(parts) - 1, 2):
        left = parts[index]
        old_at, new_at = old_at + len(left), new_at + len(left)
        change, right = parts[index + 1], parts[index + 2]
        if not junctions_safe(left, change[0], change[1], right):
            if bounds is None:
                shared: dict = {}  # sentences the two versions have in common are segmented once
                bounds = boundaries(old, keep, shared), boundaries(new, keep, shared)
            take_left, take_right = snap(
                bounds[0],
                bounds[1],
                (old_at, new_at),
                (old_at + len(change[0]), new_at + len(change[1])),
                (len(left), len(right)),
            )
            if take_left or take_right:
                head, tail = left[len(left) - take_left :], right[:take_right]
                parts[index + 1] = change = [head + change[0] + tail, head + change[1] + tail]
                parts[index], parts[index + 2] = left[: len(left) - take_left], right[take_right:]
                old_at, new_at = old_at - take_left, new_at - take_left
        old_at, new_at = old_at + len(change[0]), new_at + len(change[1])
    return parts


def _score(left: str, edit: str, right: str) -> int:
    """How well an insertion or deletion sits: 2 when it starts a clause, 1 more when it ends one."""
    starts = not left or left[-1] in SEPARATORS
    ends = not right or edit[-1] in SEPARATORS
    return 2 * starts + ends


def _absorb(parts: list[_Part]) -> list[_Part]:
    """Folds short equal runs between two changes into one change, never across punctuation."""
    changed = True
    while changed and len(parts) > 3:
        changed = False
        merged: list[_Part] = [parts[0]]
        index = 1
        while index < len(parts) - 1:
            change = parts[index]
            if index + 2 < len(parts) - 1 and _absorbable(change, parts[index + 1], parts[index + 2]):
                following = parts[index + 2]
                equal = parts[index + 1]
                parts[index + 2] = [change[0] + equal + following[0], change[1] + equal + following[1]]
                index += 2
                changed = True
                continue
            merged.extend((change, parts[index + 1]))
            index += 2
        parts = merged
    return parts


def _absorbable(before: list, equal: str, after: list) -> bool:
    """True when ``equal`` is no longer than the larger side of each neighbouring change and no clause ends
    at it."""
    if len(equal) > max(len(before[0]), len(before[1])) or len(equal) > max(len(after[0]), len(after[1])):
        return False
    if any(char in SEPARATORS for char in equal):
        return False
    # A change ending a clause, or one starting with punctuation, is a phrase of its own.
    if any(text and text[-1] in SEPARATORS for text in before):
        return False
    return not any(text and text[0] in SEPARATORS for text in after)


def _refine(parts: list[_Part], keep: frozenset[str]) -> list[_Part]:
    """Splits every long replaced run at the whole words both its sides share (see REFINE_SIDE)."""
    refined: list[_Part] = [parts[0]]
    for index in range(1, len(parts) - 1, 2):
        change = parts[index]
        if min(len(change[0]), len(change[1])) >= REFINE_SIDE:
            refined.extend(_shared_words(change[0], change[1], keep))
        else:
            refined.append(change)
        refined.append(parts[index + 1])
    return refined


def _shared_words(old: str, new: str, keep: frozenset[str]) -> list[_Part]:
    """The replaced run ``old`` → ``new`` as changes alternating with the shared words worth showing as
    equal (starts and ends with a change, either side of which may be empty); ``[[old, new]]`` when none."""
    old_words, new_words = words(old, keep), words(new, keep)
    codes: dict[str, str] = {}
    for word in (*old_words, *new_words):
        codes.setdefault(word, chr(PRIVATE_USE + len(codes) % PRIVATE_USE_SIZE))
    if len(codes) > PRIVATE_USE_SIZE:
        return [[old, new]]
    encoded = ("".join(codes[w] for w in old_words), "".join(codes[w] for w in new_words))
    raw = fdmp.diff(*encoded, timelimit=0, cleanup="No", counts_only=True)
    pieces: list[_Part] = [["", ""]]
    at_old = at_new = 0
    for op, count in raw:
        if op == "-":
            pieces[-1][0] += "".join(old_words[at_old : at_old + count])
            at_old += count
        elif op == "+":
            pieces[-1][1] += "".join(new_words[at_new : at_new + count])
            at_new += count
        else:
            shared = "".join(old_words[at_old : at_old + count])
            at_old, at_new = at_old + count, at_new + count
            if len(shared) >= REFINE_EQUAL or any(char in SEPARATORS for char in shared):
                pieces.extend((shared, ["", ""]))
            else:
                pieces[-1][0] += shared
                pieces[-1][1] += shared
    return pieces if len(pieces) > 1 else [[old, new]]


def _flatten(parts: list[_Part]) -> list[Segment]:
    """The cleaned parts as (op, text) segments, empty texts dropped, delete before insert."""
    segments: list[Segment] = []
    for part in parts:
        if isinstance(part, str):
            if part:
                if segments and segments[-1][0] == EQUAL:
                    segments[-1] = (EQUAL, segments[-1][1] + part)
                else:
                    segments.append((EQUAL, part))
            continue
        changes: tuple[tuple[Op, str], ...] = ((DELETE, part[0]), (INSERT, part[1]))
        for op, text in changes:
            if not text:
                continue
            if segments and segments[-1][0] == op:
                segments[-1] = (op, segments[-1][1] + text)
            else:
                segments.append((op, text))
    return segments


def _common_suffix(first: str, second: str) -> int:
    """Length of the longest common suffix."""
    limit = min(len(first), len(second))
    count = 0
    while count < limit and first[-1 - count] == second[-1 - count]:
        count += 1
    return count
