"""The article tree of a draft regulation: frozen dataclasses, no behaviour beyond rendering.

Ids are derived from position in the legal structure, so the same article keeps its id across
re-parses: ``art-13``, ``art-13-p2`` (第二款), ``art-83-p1-i3`` (第一款第（三）项),
``art-28-p1-i3-s2`` (目 2), ``art-20-1`` (第二十条之一). A duplicated article number gets a
``-d2`` suffix so ids stay unique even in a badly numbered draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, overload

DivisionKind = Literal["编", "分编", "章", "节"]
T = TypeVar("T")


class once(Generic[T]):
    """A property computed on first read and kept in the instance's ``__dict__`` (outside the dataclass
    fields, so equality and the frozen contract are untouched). functools.cached_property does the same
    but takes a lock on every first read in Python 3.11, which costs more than rendering a paragraph."""

    def __init__(self, function: Callable[[Any], T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> once[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | once[T]:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value


@dataclass(frozen=True)
class ParseWarning:
    """Something the parser repaired, skipped or found odd, at a 1-based line of the input."""

    line: int
    code: str
    message: str


@dataclass(frozen=True)
class Item:
    """项 (（一）…) or, nested inside one, 目 (1. 2. …). ``label`` is kept as written."""

    id: str
    label: str
    text: str
    line: int
    items: tuple[Item, ...] = ()

    def render(self) -> str:
        """The item as lines: its label and text, then its sub-items."""
        return self.rendered

    # Rendered once: alignment, references and the diff all read it many times. The cache lives in the
    # instance's __dict__, outside the dataclass fields, so equality and the frozen contract are untouched.
    @once
    def rendered(self) -> str:
        lines = [self.label + self.text]
        lines.extend(sub.render() for sub in self.items)
        return "\n".join(lines)


@dataclass(frozen=True)
class Paragraph:
    """款: the lead text and the items (项) it introduces."""

    id: str
    text: str
    line: int
    items: tuple[Item, ...] = ()

    def render(self) -> str:
        """The paragraph as lines: its text, then each item on its own line."""
        return self.rendered

    @once
    def rendered(self) -> str:
        if not self.items:
            return self.text
        lines = [self.text] if self.text else []
        lines.extend(item.render() for item in self.items)
        return "\n".join(lines)


@dataclass(frozen=True)
class Division:
    """A grouping heading: 编, 分编, 章 or 节. ``parent`` is the id of the enclosing division."""

    id: str
    kind: DivisionKind
    number: int
    label: str  # 第一章
    title: str  # 总则
    line: int
    parent: str | None = None


@dataclass(frozen=True)
class RawDivision:
    """A grouping heading as the parser meets it, before table-of-contents entries are dropped and ids
    given: ``parent`` is the index of the enclosing heading among those met so far."""

    kind: DivisionKind
    number: int
    title: str
    line: int
    parent: int | None


@dataclass(frozen=True)
class Article:
    """条. ``sub`` is 1 for 第二十条之一, 0 for an ordinary article."""

    id: str
    number: int
    label: str
    caption: str | None
    paragraphs: tuple[Paragraph, ...]
    line: int
    sub: int = 0
    part: str | None = None  # 编 label
    chapter: str | None = None  # 章 label
    section: str | None = None  # 节 label
    chapter_id: str | None = None
    section_id: str | None = None

    @once
    def text(self) -> str:
        """Full text: paragraphs joined by newlines, items included, label and caption excluded (computed
        once)."""
        return "\n".join(p.render() for p in self.paragraphs)

    @once
    def key(self) -> tuple[int, int]:
        """Sort key in numbering order (第二十条之一 after 第二十条)."""
        return (self.number, self.sub)


@dataclass(frozen=True)
class Chapter:
    """A 章 with its 节, as the table of contents shows them."""

    division: Division
    sections: tuple[Division, ...] = ()


@dataclass(frozen=True)
class Draft:
    """A parsed draft: metadata, groupings and articles in document order, and the parser's warnings."""

    title: str
    stage: str | None
    preamble: str
    enactment_date: str | None
    divisions: tuple[Division, ...]
    articles: tuple[Article, ...]
    warnings: tuple[ParseWarning, ...] = field(default=(), compare=False)

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        """章 in document order, each with its 节."""
        chapters: list[Chapter] = []
        for division in self.divisions:
            if division.kind == "章":
                chapters.append(Chapter(division))
            elif division.kind == "节" and chapters and division.parent == chapters[-1].division.id:
                last = chapters[-1]
                chapters[-1] = Chapter(last.division, (*last.sections, division))
        return tuple(chapters)

    def article(self, number: int, sub: int = 0) -> Article | None:
        """The first article with that number, or None."""
        for article in self.articles:
            if article.number == number and article.sub == sub:
                return article
        return None
