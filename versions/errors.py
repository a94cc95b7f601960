"""The one error the parser raises: input that cannot be read as a regulation."""

from __future__ import annotations


class ParseError(ValueError):
    """Unreadable input. ``code`` is stable (for the JSON API); ``message`` is for people, in Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
