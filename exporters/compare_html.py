"""A standalone side-by-side comparison page (条文对照) that opens offline: inline CSS, no script."""

from __future__ import annotations

from html import escape

from versions.align import Alignment, Pair
from versions.labels import LABELS, STATUSES, Change
from versions.model import Article, Draft
from versions.pairs import parts
from versions.references import REASONS, citation_notes, stale_by_article

STATUS = {status: LABELS[status] for status in STATUSES}

STYLE = """
body{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;margin:0;color:#1a1a1a;background:#fafafa;font-size:17px}
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


def render_page(old: Draft, new: Draft, alignment: Alignment) -> str:
    """Reads two versions and their alignment; returns the whole HTML document as a string. Without script:
    a checkbox shows changes only (CSS), 下一处修改 skips articles that were only renumbered, and the
    renumbered ones have a chain of links of their own."""
    counts = alignment.summary()
    changed = [n for n, pair in enumerate(alignment.pairs) if substantive(pair)]
    renumbered = [n for n, pair in enumerate(alignment.pairs) if pair.renumber_only]
    stale = stale_by_article(alignment.references)
    rows = [_row(n, pair, changed, renumbered, stale) for n, pair in enumerate(alignment.pairs)]
    title = f"{escape(old.title or '旧版本')}{_stage(old)} → {escape(new.title or '新版本')}{_stage(new)}"
    summary = "".join(f"<span>{STATUS[s]} {counts[s]}</span>" for s in STATUS)
    summary += (
        f"<span>{LABELS[Change.RENUMBERED]} {counts['renumbered']}</span>"
        f"<span>{LABELS[Change.MOVED]} {counts['moved']}</span>"
    )
    first = f'<a href="#change-{changed[0]}">第一处修改 ↓</a>' if changed else ""
    warnings = "".join(f'<p class="warning" role="alert">{escape(w.message)}</p>' for w in alignment.warnings)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>条文对照：{title}</title><style>{STYLE}</style></head>
<body><header><h1>条文对照：{title}</h1>{warnings}<div class="counts">{summary} {first}</div>
<p class="views"><input type="checkbox" id="only"><label for="only">只看修改</label>
<input type="checkbox" id="renumbered"><label for="renumbered">含仅条序变动的条文</label></p>
{_references(alignment)}</header>
<main><table><thead><tr><th>修改前</th><th>修改后</th><th style="width:7rem">说明</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></main></body></html>
"""


def substantive(pair: Pair) -> bool:
    """True when the pair changed more than its number: what 下一处修改 stops at."""
    return pair.status != Change.UNCHANGED or pair.moved


def _stage(draft: Draft) -> str:
    return f"（{escape(draft.stage)}）" if draft.stage else ""


def _chain(index: int, anchors: list[int], prefix: str, noun: str) -> tuple[str, str]:
    """The row's id and its 上一处 / 下一处 links within ``anchors``."""
    if index not in anchors:
        return "", ""
    position = anchors.index(index)
    links = []
    if position > 0:
        links.append(f'<a href="#{prefix}-{anchors[position - 1]}">↑ 上一处{noun}</a>')
    if position + 1 < len(anchors):
        links.append(f'<a href="#{prefix}-{anchors[position + 1]}">↓ 下一处{noun}</a>')
    return f' id="{prefix}-{index}"', f"<nav>{''.join(links)}</nav>"


def _row(index: int, pair: Pair, changed: list[int], renumbered: list[int], stale: dict) -> str:
    old_side, new_side = _sides(pair)
    notes = [f'<span class="badge {pair.status}">{STATUS[pair.status]}</span>']
    if pair.renumbered:
        notes.append(f'<span class="badge">原{escape("、".join(a.label for a in pair.old))}</span>')
    if pair.moved:
        notes.append(f'<span class="badge">{LABELS[Change.MOVED]}</span>')
    if pair.status not in (Change.ADDED, Change.DELETED, Change.UNCHANGED):
        notes.append(f"<div>相似度 {pair.similarity:.0%}</div>")
    notes.extend(f'<div class="ref">{escape(line)}</div>' for line in citation_notes(pair, stale))
    anchor, nav = _chain(index, changed, "change", "修改")
    if not anchor:
        anchor, nav = _chain(index, renumbered, "renumber", "条序变动")
    notes.append(nav)
    kind = "renumber-only" if pair.renumber_only else pair.status
    return (
        f'<tr class="{kind}"{anchor}><td class="old">{old_side}</td><td class="new">{new_side}</td>'
        f'<td class="status">{"".join(notes)}</td></tr>'
    )


def _marked(segments, keep: str) -> str:
    out = []
    for op, text in segments:
        html = escape(text).replace("\n", "<br>")
        if op == "equal":
            out.append(html)
        elif op == keep:
            out.append(f"<del>{html}</del>" if keep == "delete" else f"<ins>{html}</ins>")
    return "".join(out)


def _sides(pair: Pair) -> tuple[str, str]:
    """Both cells. A split shows each new article under its own heading with the diff of the paragraphs
    it received; a merge, each old article with the diff of what it gave."""
    if len(pair.new) > 1 or len(pair.old) > 1:
        pieces = parts(pair)
        many = "".join(
            _heads((a,)) + _marked(segments, "insert" if len(pair.new) > 1 else "delete") + "<br>"
            for a, segments in pieces
        )
        whole_side = "delete" if len(pair.new) > 1 else "insert"
        whole = _heads(pair.old if len(pair.new) > 1 else pair.new) + _marked(pair.segments, whole_side)
        return (whole, many) if len(pair.new) > 1 else (many, whole)
    return (
        _heads(pair.old) + _marked(pair.segments, "delete") if pair.old else "",
        _heads(pair.new) + _marked(pair.segments, "insert") if pair.new else "",
    )


def _heads(articles: tuple[Article, ...]) -> str:
    heads = []
    for article in articles:
        caption = f'<span class="caption">【{escape(article.caption)}】</span>' if article.caption else ""
        heads.append(f'<span class="label">{escape(article.label)}</span>{caption}')
    return "、".join(heads) + "<br>"


def _references(alignment: Alignment) -> str:
    if not alignment.references:
        return ""
    items = []
    for ref in alignment.references:
        hint = f"，建议改为“{escape(ref.suggestion)}”" if ref.suggestion else ""
        items.append(
            f"<li>{escape(ref.article.label)}中的“{escape(ref.text)}”：{REASONS[ref.reason]}{hint}</li>"
        )
    return f'<details><summary>需核对的引用 {len(items)} 处</summary><ul class="refs">{"".join(items)}</ul></details>'
