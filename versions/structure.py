"""Groupings and front matter of a draft: drop table-of-contents entries, give divisions ids, find the
title."""

from __future__ import annotations

import re

from versions.clean import Line
from versions.model import Division, ParseWarning, RawDivision
from versions.numerals import to_chinese

TITLE_END = re.compile(r"(条例|法|法典|规定|办法|细则|决定|规则|章程|标准|意见)$")
VERSION_NOTE = re.compile(r"[（(][^（()）]{1,16}[）)]$")
STAGE = re.compile(
    r"[（(【\[]?\s*((?:修订|修正)?草案[^）)\]】]{0,12}|[^（(）)]{0,6}征求意见稿|修改稿|[^（(）)]{0,4}审议稿|送审稿|"
    r"专家建议稿|建议稿)\s*[）)\]】]?"
)
BOOK_TITLE = re.compile(r"《([^》]{2,60})》")
ID_PREFIX = {"编": "pt", "分编": "sp", "章": "ch", "节": "sec"}


def assemble_divisions(
    raw: list[RawDivision], article_context: list[tuple[int | None, int | None, int | None]]
) -> tuple[tuple[Division, ...], dict[int, int], list[ParseWarning]]:
    """Reads the divisions as met and which ones articles fall under; returns the kept divisions, a map
    from raw index to kept index, and warnings (table of contents dropped, numbering problems)."""
    used: set[int] = set()
    for context in article_context:
        for index in context:
            while index is not None and index not in used:
                used.add(index)
                index = raw[index].parent
    # A heading that holds no article and is repeated later under the same name was a table of contents.
    later_keys: dict[tuple[str, int], list[int]] = {}
    for index, division in enumerate(raw):
        later_keys.setdefault((division.kind, division.number), []).append(index)
    warnings: list[ParseWarning] = []
    dropped = [
        i for i, d in enumerate(raw) if i not in used and any(j > i for j in later_keys[(d.kind, d.number)])
    ]
    if dropped:
        warnings.append(
            ParseWarning(
                raw[dropped[0]].line,
                "toc-skipped",
                f"已跳过目录（{len(dropped)} 个标题，第{raw[dropped[0]].line}—{raw[dropped[-1]].line}行）。",
            )
        )
    dropped_set = set(dropped)
    for index, division in enumerate(raw):
        # A heading under a dropped table-of-contents entry, holding no article, was part of that table too.
        if index not in used and division.parent in dropped_set:
            dropped_set.add(index)
    dropped = sorted(dropped_set)
    remap: dict[int, int] = {}
    kept: list[Division] = []
    ids: set[str] = set()
    last_number: dict[tuple[str, int | None], int] = {}
    for index, division in enumerate(raw):
        if index in dropped_set:
            continue
        parent_index = division.parent
        parent = kept[remap[parent_index]] if parent_index is not None and parent_index in remap else None
        kind, number = division.kind, division.number
        base = f"{ID_PREFIX[kind]}-{number}"
        division_id = f"{parent.id}-{base}" if parent else base
        unique, n = division_id, 1
        while unique in ids:
            n += 1
            unique = f"{division_id}-d{n}"
        ids.add(unique)
        label = f"第{to_chinese(number)}{kind}"
        # 章 are numbered through a whole 编 (across its 分编); 节 within their 章.
        scope_index = parent_index
        if kind == "章" and scope_index is not None and raw[scope_index].kind == "分编":
            scope_index = raw[scope_index].parent
        scope = (kind, remap.get(scope_index) if scope_index is not None else None)
        previous = last_number.get(scope, 0)
        if number == previous:
            warnings.append(ParseWarning(division.line, "division-duplicate", f"{label}重复出现。"))
        elif number < previous:
            warnings.append(
                ParseWarning(
                    division.line,
                    "division-order",
                    f"{label}出现在第{to_chinese(previous)}{kind}之后，编号倒退。",
                )
            )
        elif number > previous + 1:
            warnings.append(
                ParseWarning(
                    division.line, "division-gap", f"{label}之前缺少第{to_chinese(previous + 1)}{kind}。"
                )
            )
        last_number[scope] = number
        if index not in used:
            warnings.append(ParseWarning(division.line, "empty-division", f"{label}下没有条文。"))
        remap[index] = len(kept)
        kept.append(
            Division(
                unique,
                kind,
                number,
                label,
                division.title,
                division.line,
                parent.id if parent else None,
            )
        )
    return tuple(kept), remap, warnings


def find_title(preamble: list[Line], front_matter: dict[str, str]) -> tuple[str, str | None, str]:
    """Reads the lines before the first article; returns (title, stage, remaining preamble text)."""
    title, stage, title_line = "", None, None
    for position, line in enumerate(preamble[:12]):
        text = line.text
        book = BOOK_TITLE.search(text)
        candidate = book.group(1) if book else text
        stage_match = STAGE.search(candidate)
        bare = STAGE.sub("", candidate).strip() if stage_match else VERSION_NOTE.sub("", candidate).strip()
        if not title and TITLE_END.search(bare) and len(bare) <= 60:
            title, title_line = bare, position
            if stage_match:
                stage = stage_match.group(1).strip()
            continue
        if title and stage is None and position == (title_line or 0) + 1:
            only_stage = STAGE.fullmatch(text.strip())
            if only_stage:
                stage = only_stage.group(1).strip()
                title_line = position
                continue
        if title and position > (title_line or 0) + 1:
            break
    if not title:
        title = front_matter.get("title") or front_matter.get("法规名称", "")
        if title and (match := STAGE.search(title)):
            stage, title = match.group(1), STAGE.sub("", title).strip()
    keep = [line.text for i, line in enumerate(preamble) if title_line is None or i > title_line]
    return title, stage, "\n".join(keep)
