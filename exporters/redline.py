"""Redline: the new version as a Word document whose changes against the old one are real tracked changes.

Every difference is a ``w:ins`` or ``w:del`` with ``w:id``, ``w:author`` and ``w:date`` (deleted text in
``w:delText``), so a drafter can accept or reject each change in Word or LibreOffice. Accepting all gives
the new text exactly; rejecting all gives the old one (in the new order when articles were moved).
A heading whose division still exists is never shown deleted; an article moved out of its place carries
a Word comment saying where it came from (本条由原第十条移来). Paragraph breaks are tracked too: a paragraph
added inside an article carries an inserted paragraph mark, a whole added article is inserted text and
inserted marks, a deleted one deleted text and deleted marks. Each article is diffed as displayed (第十三条
【caption】　text), so renumbering shows as a change of the number. 章/节 headings are diffed where a chapter
begins on either side.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from exporters import docx_style as style
from exporters.comparison import division_headings
from exporters.result import ExportResult
from exporters.rows import Revision, deleted, inserted, paragraph_xml, run_props, run_xml, save_streamed
from exporters.text import Cleaner
from versions.align import Alignment, Pair, align
from versions.diff import DELETE, EQUAL, INSERT, Segment, diff
from versions.model import Article, Division, Draft


@dataclass(frozen=True)
class ParagraphStyle:
    """How the paragraphs of one block look: font, size (None: the 三号 default), alignment, indent."""

    font: str = style.FONT_BODY
    size: float | None = None
    align: str = "both"
    first_line_chars: int = 2
    line_pitch: float | None = style.LINE_PITCH
    keep_next: bool = False


BODY = ParagraphStyle()
HEADING = ParagraphStyle(font=style.FONT_HEADING, align="center", first_line_chars=0, keep_next=True)
TITLE = ParagraphStyle(
    font=style.FONT_TITLE,
    size=style.SIZE_TITLE,
    align="center",
    first_line_chars=0,
    line_pitch=None,
    keep_next=True,
)
SUBTITLE = ParagraphStyle(align="center", first_line_chars=0, keep_next=True)


@dataclass(frozen=True)
class RedlineOptions:
    """Who and when the tracked changes are attributed to."""

    author: str = "draftreview"
    date: datetime | None = None  # default: now


def display_lines(article: Article) -> list[str]:
    """An article as printed: 第十三条【caption】　first paragraph, then one line per paragraph and item."""
    head = article.label + (f"【{article.caption}】" if article.caption else "") + "\u3000"
    lines = article.text.split("\n")
    return [head + lines[0], *lines[1:]]


def block_xml(
    segments: Iterable[Segment], look: ParagraphStyle, revision: Revision, clean: Cleaner, whole: str = ""
) -> list[str]:
    """Paragraphs for one diffed block. A line feed closes a paragraph; one that was inserted or deleted
    tracks the paragraph mark. ``whole`` ("ins"/"del") also tracks the block's last mark. Each piece is
    cleaned as it is written, so a character is counted once however often the source text holds it."""
    paragraphs: list[str] = []
    runs: list[str] = []
    props: dict = {"font": look.font, "size": look.size}

    def close(mark_kind: str) -> None:
        mark = ""
        if mark_kind == "ins":
            mark = f"<w:ins {revision.attributes()}/>"
        elif mark_kind == "del":
            mark = f"<w:del {revision.attributes()}/>"
        paragraphs.append(
            paragraph_xml(
                "".join(runs),
                align=look.align,
                first_line_chars=look.first_line_chars,
                size=look.size,
                line_pitch=look.line_pitch,
                mark=mark,
                mark_font=look.font,
                keep_next=look.keep_next,
            )
        )
        runs.clear()

    for op, text in segments:
        kind = {EQUAL: "", INSERT: "ins", DELETE: "del"}[op]
        for number, part in enumerate(text.split("\n")):
            if number:
                close(kind)
            part = clean(part, "条文")
            if not part:
                continue
            if kind == "ins":
                runs.append(inserted(run_xml(part, **props), revision))
            elif kind == "del":
                runs.append(deleted(run_xml(part, deleted=True, **props), revision))
            else:
                runs.append(run_xml(part, **props))
    close(whole)
    return paragraphs


def lines_block(
    old_lines: list[str], new_lines: list[str], look: ParagraphStyle, revision: Revision, clean: Cleaner
) -> list[str]:
    """Paragraphs for lines that became other lines: diffed, or wholly inserted or deleted."""
    if not old_lines and not new_lines:
        return []
    old_text, new_text = "\n".join(old_lines), "\n".join(new_lines)
    whole = "ins" if not old_lines else "del" if not new_lines else ""
    return block_xml(diff(old_text, new_text), look, revision, clean, whole)


def with_comment(paragraph: str, comment_id: int) -> str:
    """A ``w:p`` whose runs are the range of Word comment ``comment_id``, its reference at the end."""
    start = paragraph.index("</w:pPr>") + len("</w:pPr>") if "</w:pPr>" in paragraph else len("<w:p>")
    return (
        f'{paragraph[:start]}<w:commentRangeStart w:id="{comment_id}"/>{paragraph[start : -len("</w:p>")]}'
        f'<w:commentRangeEnd w:id="{comment_id}"/><w:r>{run_props()}<w:commentReference w:id="{comment_id}"/>'
        "</w:r></w:p>"
    )


def in_order(alignment: Alignment, position: dict[str, int]) -> set[int]:
    """Indexes of the pairs that kept their place: the longest run, in the new order, of pairs that stayed
    in their chapter and whose old positions increase (an article moved elsewhere leaves it)."""
    indexes = [n for n, p in enumerate(alignment.pairs) if p.old and p.new and not p.moved]
    tails: list[int] = []  # positions in ``indexes`` ending the best run of each length
    values: list[int] = []  # and their old positions
    previous: dict[int, int] = {}
    for k, n in enumerate(indexes):
        value = position[alignment.pairs[n].old[0].id]
        length = bisect_left(values, value)
        if length:
            previous[k] = tails[length - 1]
        if length == len(tails):
            tails.append(k)
            values.append(value)
        else:
            tails[length], values[length] = k, value
    kept: set[int] = set()
    at: int | None = tails[-1] if tails else None
    while at is not None:
        kept.add(indexes[at])
        at = previous.get(at)
    return kept


def move_note(pair: Pair, kept: bool, divisions: dict[str, Division]) -> str | None:
    """Where a moved article came from (本条由原第十条移来，原在第二章), or None when it kept its place."""
    if not pair.old or not pair.new or (kept and not pair.moved):
        return None
    note = f"本条由原{'、'.join(a.label for a in pair.old)}移来"
    chapter = divisions.get(pair.old[0].chapter_id or "")
    return note + (f"，原在{chapter.label}" if chapter else "") + "。"


def heading_lines(
    old_heads: list[str], new_heads: list[str], old_all: set[str], new_all: set[str]
) -> tuple[list[str], list[str]]:
    """The old and new headings to diff at one place. A heading that still exists in the new version is
    never shown as deleted where the old order had it, and one the old version had is not inserted: it
    is printed once, where the new version has it."""
    kept_new = [h for h in new_heads if h in old_all]
    return [h for h in old_heads if h not in new_all] + kept_new, new_heads


def redline_paragraphs(
    old: Draft,
    new: Draft,
    alignment: Alignment,
    revision: Revision,
    clean: Cleaner,
    comment: Callable[[str], int] | None = None,
) -> list[str]:
    """Every body paragraph of the redline, as XML, in the new order. ``comment`` (text → comment id) is
    called for each moved article: its first paragraph carries a Word comment saying where it came from."""
    out: list[str] = []
    out += lines_block(
        [old.title] if old.title else [], [new.title] if new.title else [], TITLE, revision, clean
    )
    out += lines_block(
        [f"（{old.stage}）"] if old.stage else [],
        [f"（{new.stage}）"] if new.stage else [],
        SUBTITLE,
        revision,
        clean,
    )
    out += lines_block(
        old.preamble.split("\n") if old.preamble else [],
        new.preamble.split("\n") if new.preamble else [],
        SUBTITLE,
        revision,
        clean,
    )
    old_divisions = {d.id: d for d in old.divisions}
    new_divisions = {d.id: d for d in new.divisions}
    last_old: Article | None = None
    last_new: Article | None = None
    seen_old: set[str] = set()
    seen_new: set[str] = set()
    old_all = {_heading(d) for d in old.divisions}
    new_all = {_heading(d) for d in new.divisions}
    position = {a.id: n for n, a in enumerate(old.articles)}
    kept = in_order(alignment, position)
    for index, pair in enumerate(alignment.pairs):
        old_heads = division_headings(pair.old[0] if pair.old else None, last_old, old_divisions, seen_old)
        new_heads = division_headings(pair.new[0] if pair.new else None, last_new, new_divisions, seen_new)
        out += lines_block(*heading_lines(old_heads, new_heads, old_all, new_all), HEADING, revision, clean)
        old_lines = [line for article in pair.old for line in display_lines(article)]
        new_lines = [line for article in pair.new for line in display_lines(article)]
        block = lines_block(old_lines, new_lines, BODY, revision, clean)
        note = move_note(pair, index in kept, old_divisions)
        if note and comment and block:
            block[0] = with_comment(block[0], comment(clean(note, "说明")))
        out += block
        last_old = pair.old[-1] if pair.old else last_old
        last_new = pair.new[-1] if pair.new else last_new
    return out


def write_redline(
    old: Draft,
    new: Draft,
    path: str | Path,
    options: RedlineOptions = RedlineOptions(),
    alignment: Alignment | None = None,
) -> ExportResult:
    """Writes the new version with tracked changes against ``old`` to ``path``; ``rows`` counts the
    changes."""
    alignment = alignment or align(old, new)
    when = (options.date or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    revision = Revision(options.author, when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    clean = Cleaner()
    name = clean(new.title or old.title or "草案", "标题")
    document = style.new_document(title=f"{name}（修改稿，修订模式）", created=options.date)

    def comment(text: str) -> int:
        added = document.comments.add_comment(text=text, author=options.author)
        style.fix_every_run(added._comment_elm)  # East Asian font on the comment's runs too
        return added.comment_id

    paragraphs = redline_paragraphs(old, new, alignment, revision, clean, comment)
    style.fix_every_run(document.element)
    body = document.element.body
    save_streamed(document, body, paragraphs, path, index=len(body) - 1)  # before the final w:sectPr
    return ExportResult(Path(path), revision.last_id, tuple(clean.warnings()))


def _heading(division: Division) -> str:
    return f"{division.label}\u3000{division.title}".rstrip()
