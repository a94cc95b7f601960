"""Helpers for the app tests: reading tokens out of pages, counting stored comments."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app import models

TOKEN = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


def csrf_token(client, target: str = "art-13", slug: str = "hlj-digital-economy") -> str:
    """Opens the comment form (which sets the CSRF cookie) and returns the form's token."""
    page = client.get(f"/c/{slug}/comment", params={"target": target})
    assert page.status_code == 200, page.text
    return TOKEN.search(page.text).group(1)


def comment_count(db) -> int:
    """Comments stored in ``db``."""
    with db.reading() as session:
        return session.scalar(select(func.count(models.Comment.id)))


def comments(db) -> list[models.Comment]:
    """Every stored comment, oldest first."""
    with db.reading() as session:
        return list(session.scalars(select(models.Comment).order_by(models.Comment.id)))


PASSWORD = "correct horse battery"


def page_token(client, path: str = "/admin/login") -> str:
    """The CSRF token of the form on ``path`` (opening it sets the CSRF cookie)."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    return TOKEN.search(page.text).group(1)


def log_in(client, db, name: str = "drafter1", role: str = "drafter"):
    """Creates the account ``name`` and logs the client in; returns the UserInfo."""
    from app.services.auth import create_user

    user = create_user(db, name, role, PASSWORD)
    answer = client.post(
        "/admin/login",
        data={"name": name, "password": PASSWORD, "next": "/admin", "_csrf_token": page_token(client)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return user
