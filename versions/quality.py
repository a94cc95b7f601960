"""Input quality: is a parsed version good enough to compare?

A garbled extraction (labels separated from their bodies, a PDF read column by column) still parses into
articles, and a comparison built on it would report confident nonsense. ``quality(draft)`` reads a parsed
version and returns warnings, each with a stable code and a message in Chinese, for the command line, the
upload preview and the comparison (which then says plainly that it is unreliable).
"""

from __future__ import annotations

from versions.model import Draft, ParseWarning

EMPTY_SHARE = 0.3  # articles without text
REPEATED_SHARE = 0.1  # article labels that occur more than once
ORPHAN_SHARE = 0.3  # lines the parser could not place (reported as its own warnings)
ORPHAN_CODES = frozenset({"orphan-text"})
PILED_SHARE = 0.5  # of all the text in one article, when there are many articles


def quality(draft: Draft) -> tuple[ParseWarning, ...]:
    """Reads a parsed version; returns its quality warnings (empty when it looks like a sound text)."""
    articles = draft.articles
    if not articles:
        return ()
    found: list[ParseWarning] = []
    empty = sum(1 for a in articles if not a.text.strip())
    if empty / len(articles) >= EMPTY_SHARE:
        found.append(
            ParseWarning(
                0, "quality-empty-articles", f"{len(articles)}条中有{empty}条没有正文，文本可能提取有误。"
            )
        )
    labels = [a.key for a in articles]
    repeated = len(labels) - len(set(labels))
    if repeated / len(articles) >= REPEATED_SHARE:
        found.append(
            ParseWarning(0, "quality-repeated-labels", f"有{repeated}个条序号重复出现，文本可能提取有误。")
        )
    orphans = sum(1 for w in draft.warnings if w.code in ORPHAN_CODES)
    lines = sum(a.text.count("\n") + 1 for a in articles) + orphans
    if orphans and orphans / lines >= ORPHAN_SHARE:
        found.append(
            ParseWarning(0, "quality-orphan-lines", f"约{orphans}行文字不属于任何条文，文本可能提取有误。")
        )
    sizes = [len(a.text) for a in articles]
    if len(articles) >= 10 and max(sizes) > PILED_SHARE * sum(sizes) and empty:
        found.append(
            ParseWarning(0, "quality-piled-text", "大部分文字集中在一条之中，条文标号可能与正文分离。")
        )
    if found:
        found.append(ParseWarning(0, "quality-unreliable", "据此作出的比对结果不可靠，请先核对原文件。"))
    return tuple(found)
