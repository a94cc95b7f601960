"""Locale per request (Simplified Chinese first, English through a gettext catalog).

Source strings are Chinese; ``app/locale/en/LC_MESSAGES/messages.po`` translates them. The .po file is
compiled in memory on first use, so a fresh checkout needs no build step. The locale comes from
``?lang=`` or the ``lang`` cookie (set by /lang/CODE), never from Accept-Language: the site is Chinese
unless a reader asks otherwise.
"""

from __future__ import annotations

import gettext
import io
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs

from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.timeutil import CST
from exporters.text import chinese_date

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES = ("zh", "en")
DEFAULT = "zh"
current: ContextVar[str] = ContextVar("locale", default=DEFAULT)


@lru_cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalog for ``locale`` (identity for Chinese)."""
    if locale == DEFAULT:
        return gettext.NullTranslations()
    with open(LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """``message`` in the current locale."""
    return translations(current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural-aware translation in the current locale."""
    return translations(current.get()).ngettext(singular, plural, n)


def format_date(value: date | datetime | None) -> str:
    """2026年11月24日 in Chinese, 24 November 2026 in English (Beijing date for datetimes)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(CST).date()
    if current.get() == "en":
        return babel_format_date(value, "long", locale="en_GB")
    return chinese_date(value)


def format_datetime(value: datetime) -> str:
    """The date as above and the Beijing time, 14:05."""
    return f"{format_date(value)} {value.astimezone(CST):%H:%M}"


def pick_locale(scope: dict) -> str:
    """The locale asked for by ``?lang=`` or the ``lang`` cookie, else Chinese."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    asked = (query.get("lang") or [""])[0]
    if asked in LOCALES:
        return asked
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header must not break the page
                continue
            if "lang" in cookie and cookie["lang"].value in LOCALES:
                return cookie["lang"].value
    return DEFAULT


def locale_middleware(app):
    """ASGI middleware setting ``current`` for the whole request, rendering included."""

    async def middleware(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        token = current.set(pick_locale(scope))
        try:
            await app(scope, receive, send)
        finally:
            current.reset(token)

    return middleware


def install(environment) -> None:
    """Adds gettext (``_``, ``gettext``, ``ngettext``) and the date filters to a Jinja environment."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(_, ngettext, newstyle=True)
    environment.filters["date"] = format_date
    environment.filters["datetime"] = format_datetime
    environment.globals["locale"] = current.get
