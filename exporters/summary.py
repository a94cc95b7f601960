"""意见汇总表: a consultation's comments as a Word table, in the order of the draft, for committee meetings.

Input is plain data (``SummaryInput``), so the web app, the command line and the benchmark feed it the
same way and no database is needed here. Rows: general comments (总体意见) first, then each article or
paragraph in draft order, comments in the order given. Comments of one near-duplicate cluster on the same
target with the same answer become one row with their count. Personal names and contacts are masked
(张* / 138****5678 / z***@example.com) unless ``show_personal`` is set; a comment whose personal data was
erased at the commenter's request shows only its commenter type and 个人信息已应本人要求删除.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from exporters import docx_style as style
from exporters.result import ExportResult
from exporters.rows import row_xml, save_streamed, text_cell
from exporters.text import Cleaner, chinese_date, excerpt
from versions import vocabulary
from versions.vocabulary import COMMENTER_TYPES, GENERAL, mask_contact, mask_name

# Disposition labels: these always counted, zero included; the LATER ones counted when present.
DISPOSITIONS = tuple(vocabulary.DISPOSITIONS[code] for code in vocabulary.ALWAYS_COUNTED)
LATER = tuple(label for label in vocabulary.DISPOSITIONS.values() if label not in DISPOSITIONS)
GENERAL_TARGETS = ("", "draft")
HEADER = ("序号", "条款", "意见内容", "提出者", "处理意见", "理由")
WIDTHS_MM = (14, 60, 70, 33, 22, 44)  # sums to the 243 mm landscape type area
CLUSTER_NAMES = 5  # names listed for a cluster before "等N人"
ERASED = "个人信息已应本人要求删除"


@dataclass(frozen=True)
class SummaryTarget:
    """Something a comment can be about: an article (``art-13``) or a paragraph (``art-13-p2``)."""

    id: str
    label: str  # 第十三条 / 第十三条第二款
    chapter: str  # 第二章　数字基础设施建设, or ""
    text: str


@dataclass(frozen=True)
class SummaryComment:
    """One comment with its answer. ``commenter`` is a stable anonymous key for counting commenters."""

    target: str  # "draft" (or "") for a general comment, else a SummaryTarget id
    content: str
    commenter_type: str = ""
    organisation: str = ""
    name: str = ""
    contact: str = ""
    region: str = ""
    commenter: str = ""
    disposition: str = ""  # 采纳 / 部分采纳 / 不采纳 / 已有规定 / 待研究, "" while unanswered
    reason: str = ""
    cluster: str | None = None
    representative: bool = False  # the cluster member whose text the row shows (default: the first)
    erased: bool = False  # personal data erased at the commenter's request: the row says so, shows none
    attachments: int = 0  # files sent with it: the 意见内容 cell says 附件 N 个 (issue 17)
    proposed_text: str = ""  # 修改建议稿: printed under the comment as 建议修改为：…


@dataclass(frozen=True)
class SummaryInput:
    """A consultation version and its comments; ``targets`` in draft order."""

    title: str
    version: str  # 第1版（征求意见稿）
    opens: date | None
    closes: date | None
    targets: tuple[SummaryTarget, ...]
    comments: tuple[SummaryComment, ...]


@dataclass(frozen=True)
class SummaryOptions:
    """``show_personal`` prints names and contacts unmasked; ``excerpt_chars`` <= 0 prints whole texts."""

    show_personal: bool = False
    excerpt_chars: int = 24  # enough to recognise the article; the 条文对照表 has the whole text
    created: datetime | None = None


@dataclass(frozen=True)
class SummaryRow:
    """One table row before it becomes XML: six cell texts (lines separated by \\n)."""

    number: int
    target: str
    content: str
    commenter: str
    disposition: str
    reason: str


def _commenter_key(comment: SummaryComment, index: int) -> tuple:
    if comment.commenter:
        return ("key", comment.commenter)
    if comment.name or comment.contact or comment.organisation:
        return ("who", comment.name, comment.contact, comment.organisation)
    return ("anonymous", index)  # nobody to recognise: each such comment counts as its own commenter


def totals(data: SummaryInput) -> list[str]:
    """The lines under the title: comments by disposition, commenters by type, clusters."""
    comments = data.comments
    answers = Counter(c.disposition for c in comments)
    parts = [f"共收到意见{len(comments)}条"]
    parts += [f"{name}{answers.pop(name, 0)}条" for name in DISPOSITIONS]
    unanswered = answers.pop("", 0)
    parts += [f"{name}{answers.pop(name)}条" for name in LATER if name in answers]
    parts += [f"{name}{count}条" for name, count in sorted(answers.items())]
    if unanswered:
        parts.append(f"未处理{unanswered}条")
    lines = ["，".join(parts) + "。"]
    commenters = len({_commenter_key(c, i) for i, c in enumerate(comments)})
    kinds = Counter(c.commenter_type or "未注明类型" for c in comments)
    ordered = [k for k in COMMENTER_TYPES if k in kinds] + sorted(
        k for k in kinds if k not in COMMENTER_TYPES
    )
    by_kind = "、".join(f"{k}{kinds[k]}条" for k in ordered)
    lines.append(f"提出者{commenters}个" + (f"；按提出者类型：{by_kind}。" if by_kind else "。"))
    clusters = Counter((c.target, c.cluster) for c in comments if c.cluster)
    grouped = {key: n for key, n in clusters.items() if n > 1}
    if grouped:
        lines.append(f"内容相近的意见{sum(grouped.values())}条合并为{len(grouped)}行，行内注明条数。")
    files = sum(c.attachments for c in comments)
    if files:
        with_files = sum(1 for c in comments if c.attachments)
        lines.append(f"其中{with_files}条意见附有附件，共{files}个。")
    return lines


def _who(comment: SummaryComment, show_personal: bool) -> str:
    if comment.erased:
        return "\n".join((comment.commenter_type or "未注明类型", ERASED))
    name = comment.name if show_personal else mask_name(comment.name)
    contact = comment.contact if show_personal else mask_contact(comment.contact)
    lines = [comment.commenter_type or "未注明类型", comment.organisation, comment.region, name, contact]
    return "\n".join(line for line in lines if line)


def _who_cluster(members: list[SummaryComment], show_personal: bool) -> str:
    kinds = Counter(c.commenter_type or "未注明类型" for c in members)
    lines = ["、".join(f"{k}{n}条" for k, n in kinds.most_common())]
    members = [c for c in members if not c.erased]  # type counted above; nothing personal of erased ones
    organisations = list(dict.fromkeys(c.organisation for c in members if c.organisation))
    if organisations:
        more = f"等{len(organisations)}个单位" if len(organisations) > CLUSTER_NAMES else ""
        lines.append("、".join(organisations[:CLUSTER_NAMES]) + more)
    names = list(dict.fromkeys(c.name for c in members if c.name))
    if names:
        shown = [n if show_personal else mask_name(n) for n in names[:CLUSTER_NAMES]]
        lines.append("、".join(shown) + (f"等{len(names)}人" if len(names) > CLUSTER_NAMES else ""))
    return "\n".join(lines)


def _target_text(target: SummaryTarget | None, target_id: str, first: bool, chapter: bool, limit: int) -> str:
    """The 条款 cell: the chapter when it begins here, the label, and the text on a target's first row."""
    if target_id in GENERAL_TARGETS:
        return GENERAL
    if target is None:
        return f"{target_id}（不在本版本中）"
    if not first:
        return target.label
    lines = [target.chapter if chapter else "", target.label, excerpt(target.text, limit)]
    return "\n".join(line for line in lines if line)


def summary_rows(
    data: SummaryInput, options: SummaryOptions = SummaryOptions(), clean: Cleaner | None = None
) -> list[SummaryRow]:
    """The table's rows in draft order with clusters folded; every text passed through ``clean``."""
    clean = clean or Cleaner()
    order = {target.id: position for position, target in enumerate(data.targets)}
    by_id = {target.id: target for target in data.targets}
    unknown = len(order) + 1

    def rank(pair: tuple[int, SummaryComment]) -> tuple[int, int]:
        index, comment = pair
        where = -1 if comment.target in GENERAL_TARGETS else order.get(comment.target, unknown)
        return (where, index)

    groups: dict[tuple, list[SummaryComment]] = {}
    for index, comment in sorted(enumerate(data.comments), key=rank):
        target = "draft" if comment.target in GENERAL_TARGETS else comment.target
        key = (
            (target, comment.cluster, comment.disposition, comment.reason)
            if comment.cluster
            else (target, index)
        )
        groups.setdefault(key, []).append(comment)

    rows: list[SummaryRow] = []
    previous_target: str | None = None
    previous_chapter: str | None = None
    for number, members in enumerate(groups.values(), start=1):
        first = next((c for c in members if c.representative), members[0])
        target_id = "draft" if first.target in GENERAL_TARGETS else first.target
        found = by_id.get(target_id)
        chapter = found.chapter if found else None
        target_text = _target_text(
            found,
            target_id,
            target_id != previous_target,
            chapter != previous_chapter,
            options.excerpt_chars,
        )
        previous_target, previous_chapter = target_id, chapter
        content = clean(first.content, "意见内容")
        if first.proposed_text:
            content += "\n建议修改为：" + clean(first.proposed_text, "意见内容")
        files = sum(c.attachments for c in members)
        if files:
            content += f"\n（附件 {files} 个）"
        if len(members) > 1:
            content += f"\n（内容相近的意见共{len(members)}条）"
            who = _who_cluster(members, options.show_personal)
        else:
            who = _who(first, options.show_personal)
        rows.append(
            SummaryRow(
                number,
                clean(target_text, "条款"),
                content,
                clean(who, "提出者"),
                clean(first.disposition) or "未处理",
                clean(first.reason, "理由"),
            )
        )
    return rows


CELL_PADDING_MM = 3.8  # Word's default left and right cell margins (0.19 cm each)
SIZE = style.SIZE_TABLE_DENSE  # 五号: 26 comments of the demo on 3 pages instead of 7
LINE_MM = 4.9  # a line of 五号 仿宋 at single spacing, as Word and LibreOffice set it
MM_PER_POINT = 25.4 / 72


def row_lines(row: SummaryRow, widths_mm: tuple[float, ...] = WIDTHS_MM, size: float = SIZE) -> int:
    """How many lines the row's tallest cell takes (Chinese characters are one em wide; Latin letters and
    digits are counted as half)."""
    tallest = 0
    cells = (str(row.number), row.target, row.content, row.commenter, row.disposition, row.reason)
    for text, width in zip(cells, widths_mm, strict=True):
        per_line = max(1.0, (width - CELL_PADDING_MM) / (size * MM_PER_POINT))
        lines = 0
        for line in (text or " ").split("\n"):
            ems = sum(0.5 if ch.isascii() else 1.0 for ch in line)
            lines += max(1, math.ceil(ems / per_line))
        tallest = max(tallest, lines)
    return tallest


def may_split(row: SummaryRow) -> bool:
    """A row taller than a third of the landscape type area may continue on the next page: kept whole, it
    would leave up to a third of a page empty; shorter rows are never broken."""
    return row_lines(row) * LINE_MM > style.text_height_mm(True) / 3


def _row_xml(row: SummaryRow) -> str:
    return row_xml(
        (
            text_cell(str(row.number), align="center"),
            text_cell(row.target),
            text_cell(row.content, align="both"),
            text_cell(row.commenter),
            text_cell(row.disposition, align="center"),
            text_cell(row.reason, align="both"),
        ),
        cant_split=not may_split(row),
    )


def write_summary(
    data: SummaryInput, path: str | Path, options: SummaryOptions = SummaryOptions()
) -> ExportResult:
    """Writes the 意见汇总表 for ``data`` to ``path`` (.docx); returns the row count and warnings."""
    clean = Cleaner()
    title = clean(data.title, "标题")
    document = style.new_document(
        title=f"《{title}》意见汇总表", landscape=True, body_size=SIZE, created=options.created
    )
    style.title(document, f"《{title}》意见汇总表")
    period = ""
    if data.opens and data.closes:
        period = f"　　征求意见期：{chinese_date(data.opens)}至{chinese_date(data.closes)}"
    style.add_paragraph(document, f"版本：{clean(data.version, '版本')}{period}", size=style.SIZE_SMALL)
    for line in totals(data):
        style.add_paragraph(document, clean(line), size=style.SIZE_SMALL)
    style.add_paragraph(document, "", size=style.SIZE_SMALL)
    table = document.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    style.table_properties(table, list(WIDTHS_MM))
    style.header_row(table, list(HEADER), size=SIZE)
    rows = summary_rows(data, options, clean)
    style.fix_every_run(document.element)
    save_streamed(document, table._tbl, (_row_xml(row) for row in rows), path)
    return ExportResult(Path(path), len(rows), tuple(clean.warnings()))
