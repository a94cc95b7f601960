"""What every exporter returns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ExportResult:
    """What an exporter wrote: the file, its table rows or paragraphs (headers excluded), and warnings."""

    path: Path
    rows: int
    warnings: tuple[str, ...] = ()
