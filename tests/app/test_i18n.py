"""The English catalog translates every message the templates and services use."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2")]


def test_every_message_has_an_english_translation():
    used = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT),
            METHODS,
            keywords={"_": None, "N_": None, "gettext": None},
            options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        )
        if isinstance(message, str)
    }
    with open(LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale="en")
    translated = {m.id for m in catalog if m.id and m.string}
    assert len(used) > 80
    assert sorted(used - translated) == []
