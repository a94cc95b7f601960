"""A standalone side-by-side comparison page (条文对照) that opens offline: inline CSS, no script.

The page is exporters/templates/compare.html rendered by Jinja2 with autoescape on: this module turns the
alignment into plain rows (texts, never markup), the template writes and escapes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from versions.align import Alignment, Pair
from versions.labels import LABELS, STATUSES, Change
from versions.model import Article, Draft
from versions.pairs import parts
from versions.references import REASONS, citation_notes, stale_by_article

STATUS = {status: LABELS[status] for status in STATUSES}

STYLE = """
body{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;\
margin:0;color:#1a1a1a;background:#fafafa;font-size:17px}
header{padding:1rem 1.5rem;background:#fff;border-bottom:1px solid #ddd;position:sticky;top:0}
h1{font-size:1.3rem;margin:.2rem 0}.counts span{margin-right:1rem}
table{border-collapse:collapse;width:100%;table-layout:fixed;background:#fff}
th,td{border-bottom:1px solid #e3e3e3;padding:.6rem .8rem;vertical-align:top;line-height:1.8}
th{background:#f0f0f0;text-align:left;position:sticky;top:5.5rem}
td.status{width:7rem;font-size:.9rem;color:#555}
.label{font-weight:bold}.caption{color:#555}
del{background:#ffd7d5;color:#8b0000;text-decoration:line-through}
ins{background:#d4f8d4;color:#064d06;text-decoration:underline}
tr.unchanged td{color:#666}tr.added td.new,tr.deleted td.old{background:#fffbe6}
.badge{display:inline-block;border-radius:3px;padding:0 .3rem;margin:.1rem 0;font-size:.85rem;background:#eee}
.badge.modified{background:#fff1c2}.badge.added{background:#d4f8d4}.badge.deleted{background:#ffd7d5}
.badge.split,.badge.merged{background:#dfe8ff}
nav a{margin-left:.5rem;font-size:.85rem}
ul.refs{margin:.3rem 0}
.warning{background:#ffd7d5;color:#8b0000;padding:.3rem .6rem;margin:.3rem 0}
.views label{margin:0 1rem 0 .2rem}.ref{font-size:.85rem}
body:has(#only:checked) tr.unchanged,body:has(#only:checked) tr.renumber-only{display:none}
body:has(#only:checked):has(#renumbered:checked) tr.renumber-only{display:table-row}
"""


def _lines(text: str) -> Markup:
    """``text`` escaped, its line breaks as <br>."""
    return Markup("<br>").join(text.split("\n"))


ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    keep_trailing_newline=True,
)
ENV.filters["lines"] = _lines


@dataclass(frozen=True)
class Piece:
    """Part of a cell: article headings (``heads``), a line break (``br``) or a text marked ``tag``
    ("" plain, "del" deleted, "ins" inserted)."""

    kind: str  # "heads" | "br" | "text"
    articles: tuple[Article, ...] = ()
    tag: str = ""
    text: str = ""


@dataclass(frozen=True)
class Link:
    """A 上一处 / 下一处 link of a row's chain."""

    target: str  # the anchor, e.g. change-3
    text: str  # ↓ 下一处修改


@dataclass(frozen=True)
class Row:
    """One table row: both cells as pieces, and the 说明 cell's badges, similarity, notes and links."""

    kind: str  # the row's class: a status, or renumber-only
    anchor: str  # the row's id, or ""
    old: tuple[Piece, ...]
    new: tuple[Piece, ...]
    status: str
    status_label: str
    renumbered_from: str  # 第二条、第三条 when renumbered, else ""
    moved: str  # the 移至他章 label when moved, else ""
    similarity: str  # 相似度 87%, or "" where it says nothing
    notes: tuple[str, ...]
    nav: tuple[Link, ...] | None  # None: in no chain (no <nav> at all)


def render_page(old: Draft, new: Draft, alignment: Alignment) -> str:
    """Reads two versions and their alignment; returns the whole HTML document as a string. Without script:
    a checkbox shows changes only (CSS), 下一处修改 skips articles that were only renumbered, and the
    renumbered ones have a chain of links of their own."""
    counts = alignment.summary()
    changed = [n for n, pair in enumerate(alignment.pairs) if substantive(pair)]
    renumbered = [n for n, pair in enumerate(alignment.pairs) if pair.renumber_only]
    stale = stale_by_article(alignment.references)
    summary = [(STATUS[s], counts[s]) for s in STATUS] + [
        (LABELS[Change.RENUMBERED], counts["renumbered"]),
        (LABELS[Change.MOVED], counts["moved"]),
    ]
    return ENV.get_template("compare.html").render(
        style=STYLE,
        title=f"{old.title or '旧版本'}{_stage(old)} → {new.title or '新版本'}{_stage(new)}",
        warnings=[w.message for w in alignment.warnings],
        summary=summary,
        first_change=changed[0] if changed else None,
        references=[
            (ref.article.label, ref.text, REASONS[ref.reason], ref.suggestion) for ref in alignment.references
        ],
        rows=[_row(n, pair, changed, renumbered, stale) for n, pair in enumerate(alignment.pairs)],
    )


def substantive(pair: Pair) -> bool:
    """True when the pair changed more than its number: what 下一处修改 stops at."""
    return pair.status != Change.UNCHANGED or pair.moved


def _stage(draft: Draft) -> str:
    return f"（{draft.stage}）" if draft.stage else ""


def _chain(index: int, anchors: list[int], prefix: str, noun: str) -> tuple[str, tuple[Link, ...] | None]:
    """The row's id and its 上一处 / 下一处 links within ``anchors`` ("", None when not in them)."""
    if index not in anchors:
        return "", None
    position = anchors.index(index)
    links = []
    if position > 0:
        links.append(Link(f"{prefix}-{anchors[position - 1]}", f"↑ 上一处{noun}"))
    if position + 1 < len(anchors):
        links.append(Link(f"{prefix}-{anchors[position + 1]}", f"↓ 下一处{noun}"))
    return f"{prefix}-{index}", tuple(links)


def _row(index: int, pair: Pair, changed: list[int], renumbered: list[int], stale: dict) -> Row:
    old_side, new_side = _sides(pair)
    anchor, nav = _chain(index, changed, "change", "修改")
    if not anchor:
        anchor, nav = _chain(index, renumbered, "renumber", "条序变动")
    shows_similarity = pair.status not in (Change.ADDED, Change.DELETED, Change.UNCHANGED)
    return Row(
        kind="renumber-only" if pair.renumber_only else pair.status,
        anchor=anchor,
        old=old_side,
        new=new_side,
        status=pair.status,
        status_label=STATUS[pair.status],
        renumbered_from="、".join(a.label for a in pair.old) if pair.renumbered else "",
        moved=LABELS[Change.MOVED] if pair.moved else "",
        similarity=f"相似度 {pair.similarity:.0%}" if shows_similarity else "",
        notes=tuple(citation_notes(pair, stale)),
        nav=nav,
    )


def _marked(segments: Iterable[tuple[str, str]], keep: str) -> list[Piece]:
    """The pieces of one side: equal text plain, ``keep`` ("delete" or "insert") text marked, the other
    side's text left out."""
    out = []
    for op, text in segments:
        if op == "equal":
            out.append(Piece("text", text=text))
        elif op == keep:
            out.append(Piece("text", tag="del" if keep == "delete" else "ins", text=text))
    return out


def _sides(pair: Pair) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    """Both cells. A split shows each new article under its own heading with the diff of the paragraphs
    it received; a merge, each old article with the diff of what it gave."""
    if len(pair.new) > 1 or len(pair.old) > 1:
        many: list[Piece] = []
        for a, segments in parts(pair):
            many += [Piece("heads", (a,)), *_marked(segments, "insert" if len(pair.new) > 1 else "delete")]
            many.append(Piece("br"))
        whole_side = "delete" if len(pair.new) > 1 else "insert"
        heads = Piece("heads", pair.old if len(pair.new) > 1 else pair.new)
        whole = (heads, *_marked(pair.segments, whole_side))
        return (whole, tuple(many)) if len(pair.new) > 1 else (tuple(many), whole)
    return (
        (Piece("heads", pair.old), *_marked(pair.segments, "delete")) if pair.old else (),
        (Piece("heads", pair.new), *_marked(pair.segments, "insert")) if pair.new else (),
    )
