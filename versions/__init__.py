"""Pure domain code: parse drafts into article trees, align versions, diff texts.

No web or database imports here: plain functions and frozen dataclasses.
"""

from versions.align import Alignment, Pair, align
from versions.diff import diff
from versions.model import Article, Chapter, Division, Draft, Item, Paragraph, ParseWarning
from versions.parser import ParseError, parse_bytes, parse_file, parse_text
from versions.quality import quality

__all__ = [
    "Alignment",
    "Article",
    "Chapter",
    "Division",
    "Draft",
    "Item",
    "Pair",
    "Paragraph",
    "ParseError",
    "ParseWarning",
    "align",
    "diff",
    "parse_bytes",
    "parse_file",
    "parse_text",
    "quality",
]
