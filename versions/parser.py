"""Parse a draft regulation into a ``Draft``: 编/分编/章/节, 条, 款, 项, 目.

Reads text (or bytes, or a file), returns a frozen tree and the warnings for every repair made.
Page-break splits are joined back (each join reported), tables of contents are dropped, numbering
problems are warnings, never failures. Input with no article at all raises ``ParseError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from versions import oddities
from versions.clean import Line, clean
from versions.decode import MAX_INPUT_BYTES, decode_bytes
from versions.errors import ParseError
from versions.headings import (
    DIVISION,
    ArticleHeading,
    SeamStats,
    article_heading,
    division_heading,
    ends_sentence,
    item_label,
)
from versions.model import Article, Division, Draft, Item, Paragraph, ParseWarning, RawDivision
from versions.numerals import article_label, to_chinese
from versions.structure import assemble_divisions, find_title

__all__ = ["ParseError", "parse_bytes", "parse_file", "parse_text"]


def parse_file(path: str | Path) -> Draft:
    """Reads a .txt, .md or .docx file; returns its Draft. Raises ParseError when it is not a regulation."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            # One byte past the limit is enough to know a file (or /dev/zero) is too large.
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise ParseError("unreadable", f"无法读取文件“{path.name}”：{error.strerror or error}。") from None
    return parse_bytes(data, path.name)


def parse_bytes(data: bytes, filename: str = "") -> Draft:
    """Decodes bytes (UTF-8, UTF-8 with BOM, GB18030, .docx) and parses them."""
    text, _encoding = decode_bytes(data, filename)
    return parse_text(text)


def parse_text(text: str) -> Draft:
    """Parses decoded text; returns the Draft with its warnings. Raises ParseError without any 第…条."""
    if not text.strip():
        raise ParseError("empty", "文件为空，没有可读取的条文。")
    cleaned = clean(text)
    builder = _Builder(cleaned.lines)
    builder.run()
    if not builder.articles:
        raise ParseError("no-articles", "没有找到任何“第…条”，这似乎不是一部法规草案。")
    divisions, remap, division_warnings = assemble_divisions(builder.divisions, builder.article_divisions())
    articles = builder.freeze_articles(divisions, remap)
    title, stage, preamble = find_title(builder.preamble, cleaned.front_matter)
    enactment = oddities.enactment_date(articles)
    warnings = [*cleaned.warnings, *builder.warnings, *division_warnings]
    warnings.extend(oddities.scan_lines([(line.number, line.text) for line in cleaned.lines]))
    warnings.sort(key=lambda w: w.line)
    return Draft(title, stage, preamble, enactment, divisions, articles, tuple(warnings))


TAIL = 256  # characters of a block's end that decide how it ends (a sentence is judged by its last mark)


@dataclass
class _Block:
    """A paragraph (款), item (项) or sub-item (目) while it is being read."""

    label: str
    parts: list[str]
    line: int
    last_line: int
    children: list[_Block] = field(default_factory=list)
    # The last characters of the text, kept up to date by ``add``: whether the block ends a sentence is
    # judged on them, because joining every part again on each new line made long runs of lines without
    # sentence-ending punctuation quadratic (a 4.9 MB text took minutes).
    tail: str = ""

    def __post_init__(self) -> None:
        self.tail = "".join(self.parts)[-TAIL:]

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def add(self, text: str, line: int) -> None:
        """Appends a wrapped line's text."""
        self.parts.append(text)
        self.tail = (self.tail + text[-TAIL:])[-TAIL:]
        self.last_line = line


@dataclass
class _ArticleDraft:
    number: int
    sub: int
    caption: str | None
    line: int
    context: tuple[int | None, int | None, int | None]  # indexes of 编, 章, 节 in builder.divisions
    paragraphs: list[_Block] = field(default_factory=list)


class _Builder:
    """Walks the cleaned lines once, building divisions and articles."""

    def __init__(self, lines: tuple[Line, ...]) -> None:
        self.lines = lines
        self.divisions: list[RawDivision] = []
        self.articles: list[_ArticleDraft] = []
        self.preamble: list[Line] = []
        self.warnings: list[ParseWarning] = []
        self.context: dict[str, int | None] = {"编": None, "分编": None, "章": None, "节": None}
        self.wrapped = _is_hard_wrapped(lines)
        self.wrap_joins: list[int] = []
        self._seams: SeamStats | None = None
        self._headings: dict[tuple[int, int], ArticleHeading | None] = {}

    def run(self) -> None:
        orphan = False  # between a heading and the first article under it
        for line in self.lines:
            if self._division(line):
                orphan = bool(self.articles)
                continue
            if self._article(line):
                orphan = False
                continue
            if not self.articles:
                self.preamble.append(line)
            elif orphan:
                self.warnings.append(
                    ParseWarning(
                        line.number,
                        "orphan-text",
                        f"第{line.number}行在章节标题之后、条文之前，已作为上一条的一段保留，请核对。",
                    )
                )
                self.articles[-1].paragraphs.append(_Block("", [line.text], line.number, line.number))
            else:
                self._body(line)
        if self.wrap_joins:
            self.warnings.append(
                ParseWarning(
                    self.wrap_joins[0],
                    "hard-wrap",
                    f"检测到硬换行排版，已将 {len(self.wrap_joins)} 处折行接合为段落"
                    f"（首见第{self.wrap_joins[0]}行）。",
                )
            )

    def _division(self, line: Line) -> bool:
        heading = division_heading(line)
        if heading is None:
            return False
        kind, number, title = heading
        parent = {
            "编": None,
            "分编": self.context["编"],
            "章": self.context["分编"] if self.context["分编"] is not None else self.context["编"],
            "节": self.context["章"],
        }[kind]
        self.divisions.append(RawDivision(kind, number, title, line.number, parent))
        index = len(self.divisions) - 1
        self.context[kind] = index
        for lower in {"编": ("分编", "章", "节"), "分编": ("章", "节"), "章": ("节",), "节": ()}[kind]:
            self.context[lower] = None
        return True

    def _article(self, line: Line) -> bool:
        heading = self._heading(line, self.articles[-1].number + 1 if self.articles else 1)
        if heading is None:
            return False
        self._check_number(heading.number, heading.sub, line.number)
        context = (self.context["编"], self.context["章"], self.context["节"])
        article = _ArticleDraft(heading.number, heading.sub, heading.caption, line.number, context)
        if heading.body:
            article.paragraphs.append(_Block("", [heading.body], line.number, line.number))
        self.articles.append(article)
        return True

    def _heading(self, line: Line, expected: int) -> ArticleHeading | None:
        """``article_heading``, each line read once for each expected number (SeamStats reads them too)."""
        key = (line.number, expected)
        if key not in self._headings:
            self._headings[key] = article_heading(line, expected)
        return self._headings[key]

    def _check_number(self, number: int, sub: int, line: int) -> None:
        if not self.articles:
            if number != 1:
                self.warnings.append(
                    ParseWarning(
                        line, "article-gap", f"第一个条文编号为{article_label(number, sub)}，不是第一条。"
                    )
                )
            return
        previous = self.articles[-1]
        label = article_label(number, sub)
        if (number, sub) == (previous.number, previous.sub):
            self.warnings.append(ParseWarning(line, "article-duplicate", f"{label}重复出现。"))
        elif (sub and number == previous.number and sub == previous.sub + 1) or (
            sub == 0 and number == previous.number + 1
        ):
            return
        elif number < previous.number:
            code = "article-restart" if number == 1 else "article-order"
            self.warnings.append(
                ParseWarning(
                    line, code, f"{label}出现在{article_label(previous.number, previous.sub)}之后，编号倒退。"
                )
            )
        elif number > previous.number + 1:
            missing = f"第{to_chinese(previous.number + 1)}条" + (
                f"至第{to_chinese(number - 1)}条" if number - 1 > previous.number + 1 else ""
            )
            self.warnings.append(ParseWarning(line, "article-gap", f"条文编号不连续：缺少{missing}。"))

    def _body(self, line: Line) -> None:
        article = self.articles[-1]
        opened = item_label(line)
        if opened:
            label, text, is_sub = opened
            block = _Block(label, [text], line.number, line.number)
            if not article.paragraphs:
                article.paragraphs.append(_Block("", [], line.number, line.number))
            paragraph = article.paragraphs[-1]
            if is_sub and paragraph.children:
                paragraph.children[-1].children.append(block)
            else:
                paragraph.children.append(block)
            return
        open_block = _open_block(article)
        if (
            open_block is not None
            and open_block.tail
            and not ends_sentence(open_block.tail)
            and self._joins(open_block, line)
        ):
            open_block.add(line.text, line.number)
            return
        article.paragraphs.append(_Block("", [line.text], line.number, line.number))

    def _joins(self, block: _Block, line: Line) -> bool:
        if self.wrapped:
            self.wrap_joins.append(block.last_line)
            return True
        if self._seams is None:
            # Only documents with an unfinished line need it; it reads the headings the builder reads.
            self._seams = SeamStats(self.lines, self._heading)
        if self._seams.looks_truncated(block.tail, line.norm):
            self.warnings.append(
                ParseWarning(
                    block.last_line,
                    "truncated-paragraph",
                    f"第{block.last_line}行段落疑似残缺（以“{block.tail[-8:]}”结尾、没有句末标点），"
                    "原文保留，未与下一段接合。",
                )
            )
            return False
        self.warnings.append(
            ParseWarning(
                block.last_line,
                "joined-break",
                f"第{block.last_line}行以“{block.tail[-6:]}”结尾、句子未完，"
                f"已与第{line.number}行“{line.text[:6]}”接合（疑为分页断开）。",
            )
        )
        return True

    def article_divisions(self) -> list[tuple[int | None, int | None, int | None]]:
        return [article.context for article in self.articles]

    def freeze_articles(self, divisions: tuple[Division, ...], remap: dict[int, int]) -> tuple[Article, ...]:
        seen: dict[tuple[int, int], int] = {}
        frozen = []
        for article in self.articles:
            key = (article.number, article.sub)
            seen[key] = seen.get(key, 0) + 1
            article_id = f"art-{article.number}" + (f"-{article.sub}" if article.sub else "")
            if seen[key] > 1:
                article_id += f"-d{seen[key]}"
            part, chapter, section = (
                divisions[remap[i]] if i is not None and i in remap else None for i in article.context
            )
            paragraphs = tuple(
                _freeze_paragraph(block, f"{article_id}-p{n}")
                for n, block in enumerate(article.paragraphs, 1)
            )
            frozen.append(
                Article(
                    article_id,
                    article.number,
                    article_label(article.number, article.sub),
                    article.caption,
                    paragraphs,
                    article.line,
                    article.sub,
                    part.label if part else None,
                    chapter.label if chapter else None,
                    section.label if section else None,
                    chapter.id if chapter else None,
                    section.id if section else None,
                )
            )
        return tuple(frozen)


def _freeze_paragraph(block: _Block, paragraph_id: str) -> Paragraph:
    items = tuple(
        _freeze_item(child, f"{paragraph_id}-i{n}", "s") for n, child in enumerate(block.children, 1)
    )
    return Paragraph(paragraph_id, block.text, block.line, items)


def _freeze_item(block: _Block, item_id: str, child_prefix: str) -> Item:
    children = tuple(
        _freeze_item(child, f"{item_id}-{child_prefix}{n}", "s") for n, child in enumerate(block.children, 1)
    )
    return Item(item_id, block.label, block.text, block.line, children)


def _open_block(article: _ArticleDraft) -> _Block | None:
    if not article.paragraphs:
        return None
    block = article.paragraphs[-1]
    while block.children:
        block = block.children[-1]
    return block


def _is_hard_wrapped(lines: tuple[Line, ...]) -> bool:
    # Hard-wrapped (PDF-extracted) text leaves most lines without sentence-final punctuation;
    # one-paragraph-per-line text leaves only headings and page-break splits so.
    body = [line for line in lines if not DIVISION.match(line.norm)]
    if len(body) < 10:
        return False
    open_lines = sum(1 for line in body if not ends_sentence(line.text))
    return open_lines / len(body) > 0.35
