"""Where the shared corpus of real legal texts lives, and a skip when a checkout has none."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SAMPLE = "000_96ffd4173f4f589a.txt"


def corpus_path(name: str) -> Path:
    """The path of a corpus file; skips the calling test when the corpus folder is absent."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(
            f"../shared/corpus/{name} is absent: the corpus of real legal texts is not beside this checkout"
        )
    return path
