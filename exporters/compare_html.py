"""A standalone side-by-side comparison page (条文对照) that opens offline: inline CSS, no script."""

from __future__ import annotations

from html import escape

from versions.align import Alignment, Pair
from versions.labels import LABELS, STATUSES
from versions.model import Article, Draft
from versions.references import REASONS

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
"""


def render_page(old: Draft, new: Draft, alignment: Alignment) -> str:
    """Reads two versions and their alignment; returns the whole HTML document as a string."""
    counts = alignment.summary()
    changed = [n for n, pair in enumerate(alignment.pairs) if pair.status != "unchanged" or pair.renumbered]
    rows = [_row(n, pair, changed) for n, pair in enumerate(alignment.pairs)]
    title = f"{escape(old.title or '旧版本')}{_stage(old)} → {escape(new.title or '新版本')}{_stage(new)}"
    summary = "".join(f"<span>{STATUS[s]} {counts[s]}</span>" for s in STATUS)
    summary += f"<span>重新编号 {counts['renumbered']}</span><span>移至他章 {counts['moved']}</span>"
    first = f'<a href="#change-{changed[0]}">第一处修改 ↓</a>' if changed else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>条文对照：{title}</title><style>{STYLE}</style></head>
<body><header><h1>条文对照：{title}</h1><div class="counts">{summary} {first}</div>{_references(alignment)}</header>
<main><table><thead><tr><th>修改前</th><th>修改后</th><th style="width:7rem">说明</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></main></body></html>
"""


def _stage(draft: Draft) -> str:
    return f"（{escape(draft.stage)}）" if draft.stage else ""


def _row(index: int, pair: Pair, changed: list[int]) -> str:
    old_side, new_side = _sides(pair)
    notes = [f'<span class="badge {pair.status}">{STATUS[pair.status]}</span>']
    if pair.renumbered:
        notes.append(f'<span class="badge">原{escape("、".join(a.label for a in pair.old))}</span>')
    if pair.moved:
        notes.append('<span class="badge">移至他章</span>')
    if pair.status not in ("added", "deleted", "unchanged"):
        notes.append(f"<div>相似度 {pair.similarity:.0%}</div>")
    for update in pair.reference_updates:
        notes.append(f"<div>引用 {escape(update.old)}→{escape(update.new)}</div>")
    anchor = ""
    if index in changed:
        position = changed.index(index)
        links = []
        if position > 0:
            links.append(f'<a href="#change-{changed[position - 1]}">↑ 上一处</a>')
        if position + 1 < len(changed):
            links.append(f'<a href="#change-{changed[position + 1]}">↓ 下一处</a>')
        anchor = f' id="change-{index}"'
        notes.append(f"<nav>{''.join(links)}</nav>")
    return (
        f'<tr class="{pair.status}"{anchor}><td class="old">{old_side}</td><td class="new">{new_side}</td>'
        f'<td class="status">{"".join(notes)}</td></tr>'
    )


def _sides(pair: Pair) -> tuple[str, str]:
    old_parts, new_parts = [], []
    for op, text in pair.segments:
        html = escape(text).replace("\n", "<br>")
        if op == "equal":
            old_parts.append(html)
            new_parts.append(html)
        elif op == "delete":
            old_parts.append(f"<del>{html}</del>")
        else:
            new_parts.append(f"<ins>{html}</ins>")
    return (
        _heads(pair.old) + "".join(old_parts) if pair.old else "",
        _heads(pair.new) + "".join(new_parts) if pair.new else "",
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
