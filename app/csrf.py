"""CSRF for the public forms: a random cookie and, in the form, its keyed hash (signed double submit).

Done here rather than by Litestar's CSRF middleware so that a failed check re-renders the form with
what the user typed and a precise message, instead of a bare 403 that loses the comment.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

COOKIE = "draftreview_csrf"
FIELD = "_csrf_token"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32}$")


def form_token(secret: bytes, cookie: str) -> str:
    """The token a form must carry for this cookie."""
    return hmac.new(secret, b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()


def token_for(secret: bytes, cookie: str | None) -> tuple[str, str | None]:
    """(form token, new cookie value or None when the existing cookie is kept)."""
    if cookie and _SHAPE.match(cookie):
        return form_token(secret, cookie), None
    fresh = secrets.token_urlsafe(24)
    return form_token(secret, fresh), fresh


def verify(secret: bytes, cookie: str | None, submitted: str | None) -> bool:
    """True when ``submitted`` is the token for ``cookie``."""
    if not cookie or not submitted or not _SHAPE.match(cookie):
        return False
    return hmac.compare_digest(form_token(secret, cookie), submitted)
