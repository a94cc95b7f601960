"""条文对照表: two versions of a draft side by side, one row per aligned article pair, in the new order.

修改前 | 修改后 | 说明. Deleted text is struck through on the left, inserted text bold and underlined on
the right; added and deleted articles leave the opposite cell empty; 说明 says what happened (修改, 新增,
删除, 拆分, 合并, 原第十八条 for a renumbered article, the chapter an article moved to) and, when given, the
comments' disposition summary for the row. A row whose chapter (章/节) begins on either side is preceded by
a heading row showing each side's heading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from exporters import docx_style as style
from exporters.result import ExportResult
from exporters.rows import cell_xml, paragraph_xml, row_xml, run_xml, save_streamed
from exporters.text import Cleaner
from versions.align import Alignment, Pair, align
from versions.diff import DELETE, EQUAL, INSERT, Op, Segment
from versions.labels import LABELS, Change
from versions.model import Article, Division, Draft
from versions.pairs import parts
from versions.references import StaleReference, citation_notes, stale_by_article

HEADER = ("修改前", "修改后", "说明")
WIDTHS_MM = (98, 98, 47)  # the 243 mm landscape type area
# Piece kinds: "" plain text, "ins" inserted, "del" deleted, "label" the article number, "head" a heading.
PieceKind = Literal["", "ins", "del", "label", "head"]
Piece = tuple[PieceKind, str]
Line = tuple[Piece, ...]
STATUS = {status: LABELS[status] for status in (Change.MODIFIED, Change.ADDED, Change.DELETED)}


@dataclass(frozen=True)
class ComparisonOptions:
    """``notes`` and ``old_notes``: disposition summaries by new / old article id, added to 说明.
    ``changed_only`` gives the 修改条文 table (changed, added, deleted and moved articles; 全部条文
    otherwise): unchanged articles are left out, renumbered or not. ``old_name``/``new_name`` name a
    version whose text has no title (the command line passes the file names)."""

    notes: Mapping[str, str] = field(default_factory=dict)
    old_notes: Mapping[str, str] = field(default_factory=dict)
    changed_only: bool = False
    old_name: str = ""
    new_name: str = ""
    created: datetime | None = None


@dataclass(frozen=True)
class ComparisonRow:
    """One table row: the lines of each side and the 说明 text; ``heading`` rows hold 章/节 titles."""

    old: tuple[Line, ...]
    new: tuple[Line, ...]
    note: str
    heading: bool = False


def article_head(article: Article) -> str:
    """第十三条 followed by the caption in 【】 when it has one, and a full-width space."""
    return article.label + (f"【{article.caption}】" if article.caption else "") + "\u3000"


def side_lines(articles: tuple[Article, ...], segments: Iterable[Segment], side: str) -> list[Line]:
    """The lines of one side of a pair: each article's head, then its text with changes marked."""
    keep: Op = DELETE if side == "old" else INSERT
    changed: PieceKind = "del" if side == "old" else "ins"
    lines: list[list[Piece]] = [[]]
    for op, text in segments:
        if op not in (EQUAL, keep):
            continue
        kind: PieceKind = "" if op == EQUAL else changed
        for number, part in enumerate(text.split("\n")):
            if number:
                lines.append([])
            if part:
                lines[-1].append((kind, part))
    counts = [article.text.count("\n") + 1 for article in articles]
    if sum(counts) != len(lines):  # the segments do not cover these articles: show them plainly
        lines = [[("", line)] for article in articles for line in article.text.split("\n")]
    result: list[Line] = []
    start = 0
    for article, count in zip(articles, counts, strict=True):
        result.append((("label", article_head(article)), *lines[start]))
        result.extend(tuple(line) for line in lines[start + 1 : start + count])
        start += count
    return result


def _captions(pair: Pair, old: list[Line], new: list[Line]) -> None:
    """Marks a caption that changed between the two sides of a one-to-one pair."""
    if len(pair.old) != 1 or len(pair.new) != 1 or pair.old[0].caption == pair.new[0].caption:
        return
    sides: tuple[tuple[list[Line], Article, PieceKind], ...] = (
        (old, pair.old[0], "del"),
        (new, pair.new[0], "ins"),
    )
    for lines, article, kind in sides:
        pieces: list[Piece] = [("label", article.label)]
        if article.caption:
            pieces.append((kind, f"【{article.caption}】"))
        lines[0] = (*pieces, ("label", "\u3000"), *lines[0][1:])


def note(
    pair: Pair,
    options: ComparisonOptions,
    divisions: Mapping[str, Division],
    stale: Mapping[str, list[StaleReference]] | None = None,
) -> str:
    """The 说明 cell of a pair: what happened, where it came from or moved to, its citation notes, and the
    comments' dispositions."""
    old_labels = "、".join(a.label for a in pair.old)
    parts = []
    if pair.status == "split":
        parts.append(f"由原{old_labels}拆分")
    elif pair.status == "merged":
        parts.append(f"由原{old_labels}合并")
    elif pair.status in STATUS:
        parts.append(STATUS[pair.status])
    if pair.renumbered and pair.status not in ("split", "merged"):
        parts.append(f"原{old_labels}")
    chapter_id = pair.new[0].chapter_id if pair.new else None
    if pair.moved and chapter_id is not None and chapter_id in divisions:
        chapter = divisions[chapter_id]
        parts.append(f"移至{chapter.label}")
    elif pair.moved and pair.new:
        parts.append(LABELS[Change.MOVED])
    lines = ["，".join(parts)] if parts else []
    lines += citation_notes(pair, stale or {})
    lines += [options.notes[a.id] for a in pair.new if a.id in options.notes]
    lines += [options.old_notes[a.id] for a in pair.old if a.id in options.old_notes]
    return "\n".join(line for line in lines if line)


def division_headings(
    article: Article | None, previous: Article | None, divisions: Mapping[str, Division], seen: set[str]
) -> list[str]:
    """The 章 and 节 headings that begin at ``article``: those it does not share with ``previous`` and that
    were not shown before (an article moved out of an earlier chapter does not repeat its heading)."""
    if article is None:
        return []
    lines = []
    for attribute in ("chapter_id", "section_id"):
        current = getattr(article, attribute)
        if (
            current
            and current in divisions
            and current not in seen
            and (previous is None or getattr(previous, attribute) != current)
        ):
            seen.add(current)
            division = divisions[current]
            lines.append(f"{division.label}\u3000{division.title}".rstrip())
    return lines


def comparison_rows(
    old: Draft, new: Draft, alignment: Alignment, options: ComparisonOptions = ComparisonOptions()
) -> list[ComparisonRow]:
    """The table's rows, heading rows included, in the order of ``alignment.pairs`` (the new order)."""
    old_divisions = {d.id: d for d in old.divisions}
    new_divisions = {d.id: d for d in new.divisions}
    rows: list[ComparisonRow] = []
    last_old: Article | None = None
    last_new: Article | None = None
    seen_old: set[str] = set()
    seen_new: set[str] = set()
    stale = stale_by_article(alignment.references)
    for pair in alignment.pairs:
        if options.changed_only and pair.status == Change.UNCHANGED and not pair.moved:
            last_old, last_new = (pair.old or (last_old,))[-1], (pair.new or (last_new,))[-1]
            continue
        old_heads = division_headings(pair.old[0] if pair.old else None, last_old, old_divisions, seen_old)
        new_heads = division_headings(pair.new[0] if pair.new else None, last_new, new_divisions, seen_new)
        if old_heads or new_heads:
            rows.append(
                ComparisonRow(
                    tuple((("head", h),) for h in old_heads),
                    tuple((("head", h),) for h in new_heads),
                    "",
                    heading=True,
                )
            )
        old_lines, new_lines = _pair_lines(pair)
        _captions(pair, old_lines, new_lines)
        rows.append(
            ComparisonRow(tuple(old_lines), tuple(new_lines), note(pair, options, new_divisions, stale))
        )
        last_old = pair.old[-1] if pair.old else last_old
        last_new = pair.new[-1] if pair.new else last_new
    return rows


def _pair_lines(pair: Pair) -> tuple[list[Line], list[Line]]:
    """Both sides of a row. A split shows each new article under its own heading with the diff of the
    paragraphs it received; a merge, each old article with the diff of what it gave."""
    if len(pair.new) > 1:
        new_lines = [line for a, segments in parts(pair) for line in side_lines((a,), segments, "new")]
        return side_lines(pair.old, pair.segments, "old"), new_lines
    if len(pair.old) > 1:
        old_lines = [line for a, segments in parts(pair) for line in side_lines((a,), segments, "old")]
        return old_lines, side_lines(pair.new, pair.segments, "new")
    return (
        side_lines(pair.old, pair.segments, "old") if pair.old else [],
        side_lines(pair.new, pair.segments, "new") if pair.new else [],
    )


def _piece_xml(kind: str, text: str) -> str:
    if kind == "ins":
        return run_xml(text, bold=True, underline=True)
    if kind == "del":
        return run_xml(text, strike=True)
    if kind in ("label", "head"):
        return run_xml(text, font=style.FONT_HEADING)
    return run_xml(text)


def _side_cell(lines: tuple[Line, ...], clean: Cleaner) -> str:
    paragraphs = []
    for line in lines:
        heading = bool(line) and line[0][0] == "head"
        runs = "".join(_piece_xml(kind, clean(text, "条文")) for kind, text in line)
        paragraphs.append(paragraph_xml(runs, align="center" if heading else "both", keep_next=heading))
    return cell_xml(paragraphs)


def _row_xml(row: ComparisonRow, clean: Cleaner) -> str:
    note_cell = cell_xml(paragraph_xml(run_xml(line)) for line in clean(row.note, "说明").split("\n") if line)
    return row_xml((_side_cell(row.old, clean), _side_cell(row.new, clean), note_cell))


def draft_name(draft: Draft, fallback: str = "") -> str:
    """《title（stage）》, or ``fallback`` (a file name) when the text has no title."""
    if not draft.title:
        return fallback or "（无标题）"
    return f"《{draft.title}" + (f"（{draft.stage}）" if draft.stage else "") + "》"


def write_comparison(
    old: Draft,
    new: Draft,
    path: str | Path,
    options: ComparisonOptions = ComparisonOptions(),
    alignment: Alignment | None = None,
) -> ExportResult:
    """Writes the 条文对照表 of ``old`` → ``new`` to ``path``; aligns them unless ``alignment`` is given."""
    alignment = alignment or align(old, new)
    clean = Cleaner()
    name = clean(new.title or old.title, "标题")
    heading = f"《{name}》条文对照表" if name else "条文对照表"
    if options.changed_only:
        heading += "（修改条文）"
    document = style.new_document(
        title=heading, landscape=True, body_size=style.SIZE_TABLE, created=options.created
    )
    style.title(document, heading)
    versions = f"修改前：{draft_name(old, options.old_name)}　　修改后：{draft_name(new, options.new_name)}"
    style.add_paragraph(document, clean(versions, "标题"), size=style.SIZE_SMALL)
    counts = alignment.summary()
    summary = (
        f"共{len(new.articles)}条（原{len(old.articles)}条）：修改{counts['modified']}条，"
        f"新增{counts['added']}条，删除{counts['deleted']}条，拆分{counts['split']}处，"
        f"合并{counts['merged']}处，条序变动{counts['renumbered']}条。"
    )
    style.add_paragraph(document, summary, size=style.SIZE_SMALL, space_after=style.SIZE_SMALL)
    table = document.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    style.table_properties(table, list(WIDTHS_MM))
    style.header_row(table, list(HEADER))
    rows = comparison_rows(old, new, alignment, options)
    style.fix_every_run(document.element)
    save_streamed(document, table._tbl, (_row_xml(row, clean) for row in rows), path)
    return ExportResult(Path(path), len(rows), tuple(clean.warnings()))
