"""A Draft back out: as the JSON of the command-line contract, as clean text, as a readable outline."""

from __future__ import annotations

from versions.model import Article, Division, Draft, Item


def item_to_dict(item: Item) -> dict:
    """One 项 or 目 as {"label", "text", "items"}."""
    return {"label": item.label, "text": item.text, "items": [item_to_dict(sub) for sub in item.items]}


def article_to_dict(article: Article) -> dict:
    """One article as the ``parse --json`` contract writes it."""
    return {
        "number": article.number,
        "label": article.label,
        "caption": article.caption,
        "chapter": article.chapter,
        "section": article.section,
        "paragraphs": [
            {"text": p.text, "items": [item_to_dict(i) for i in p.items]} for p in article.paragraphs
        ],
        "text": article.text,
    }


def to_dict(draft: Draft) -> dict:
    """The whole draft as the ``draftreview parse FILE --json`` object."""
    return {
        "title": draft.title,
        "stage": draft.stage,
        "chapters": [
            {
                "label": c.division.label,
                "title": c.division.title,
                "sections": [{"label": s.label, "title": s.title} for s in c.sections],
            }
            for c in draft.chapters
        ],
        "articles": [article_to_dict(a) for a in draft.articles],
        "warnings": [{"line": w.line, "code": w.code, "message": w.message} for w in draft.warnings],
    }


def to_text(draft: Draft) -> str:
    """Renders the draft as clean text, one paragraph per line, that ``parse_text`` reads back to the same
    tree."""
    lines: list[str] = []
    if draft.title:
        lines.append(draft.title)
    if draft.stage:
        lines.append(f"（{draft.stage}）")
    if draft.preamble:
        lines.extend(draft.preamble.split("\n"))
    for node in _in_document_order(draft):
        if isinstance(node, Division):
            lines.append(f"{node.label} {node.title}".rstrip())
            continue
        head = node.label + (f"【{node.caption}】" if node.caption else "")
        first = True
        for paragraph in node.paragraphs:
            if first:
                if not node.caption and paragraph.text[:1] in "【〖［[（(":
                    # On the label's line this would read as a caption: give it a line of its own.
                    lines.extend([head, paragraph.text])
                else:
                    lines.append(
                        head
                        + (paragraph.text if node.caption or not paragraph.text else " " + paragraph.text)
                    )
                first = False
            elif paragraph.text:
                lines.append(paragraph.text)
            lines.extend(_item_lines(paragraph.items))
        if first:
            lines.append(head)
    return "\n\n".join(lines) + "\n"


def _item_lines(items: tuple[Item, ...]) -> list[str]:
    lines = []
    for item in items:
        lines.append(item.label + item.text)
        lines.extend(_item_lines(item.items))
    return lines


def _in_document_order(draft: Draft) -> list[Division | Article]:
    nodes: list[Division | Article] = [*draft.divisions, *draft.articles]
    # Divisions sort before an article on the same line (they never share one in practice).
    return sorted(nodes, key=lambda node: (node.line, isinstance(node, Article)))


def outline(draft: Draft) -> str:
    """A readable outline: title, divisions, articles with caption and paragraph count, then warnings."""
    out = [f"{draft.title or '（无标题）'}" + (f"（{draft.stage}）" if draft.stage else "")]
    indent = {"编": "", "分编": "  ", "章": "  ", "节": "    "}
    for node in _in_document_order(draft):
        if isinstance(node, Division):
            out.append(f"{indent[node.kind]}{node.label} {node.title}")
        else:
            caption = f"【{node.caption}】" if node.caption else ""
            items = sum(len(p.items) for p in node.paragraphs)
            detail = f"{len(node.paragraphs)}款" + (f"{items}项" if items else "")
            out.append(f"      {node.label}{caption}  {detail}")
    out.append(f"共{len(draft.articles)}条，{len(draft.chapters)}章。")
    if draft.enactment_date:
        out.append(f"施行日期：{draft.enactment_date}")
    if draft.warnings:
        out.append(f"提示 {len(draft.warnings)} 条：")
        out.extend(f"  第{w.line}行 [{w.code}] {w.message}" for w in draft.warnings)
    return "\n".join(out)
