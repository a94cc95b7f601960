"""A draft as a Word document (the working draft of the next round, issue 17), written so that the parser
reads it back to the same article tree: one Word paragraph per line of ``versions.render.to_text``.

Official-document style: A4 portrait, the title in 小标宋 centred, 章/节 headings in 黑体 centred, article
text in 仿宋 with a two-character first-line indent; East Asian fonts set on every run.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

from exporters import docx_style as style
from exporters.text import Cleaner
from versions.model import Division, Draft
from versions.render import to_text


def write_draft(draft: Draft, path: str | Path, created: datetime | None = None) -> int:
    """Writes ``draft`` to ``path`` (.docx); returns the number of paragraphs written."""
    clean = Cleaner()
    headings = {f"{d.label} {d.title}".rstrip() for d in draft.divisions if isinstance(d, Division)}
    lines = [line for line in to_text(draft).split("\n") if line]
    document = style.new_document(title=clean(draft.title or "草案"), created=created)
    for n, line in enumerate(lines):
        text = clean(line)
        if n == 0 and draft.title and line == draft.title:
            style.title(document, text)
        elif line in headings:
            style.add_paragraph(document, text, font=style.FONT_HEADING, align=WD_ALIGN_PARAGRAPH.CENTER)
        else:
            style.add_paragraph(document, text, first_line_chars=2)
    style.fix_every_run(document.element)
    document.save(str(path))
    return len(lines)
