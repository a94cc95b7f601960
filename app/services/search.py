"""Chinese full-text search over comments with a bigram index, the same on SQLite and PostgreSQL.

Chinese has no spaces between words, so a word index does not work; every 2-character substring of a
comment (lower-cased, none spanning whitespace) is a row of ``comment_gram``. A query term of two or more
characters needs only its rarest bigrams looked up; the candidates are then checked with LIKE, so the
answer is exactly "contains the term" (a two-character term is one bigram: its index rows are the answer).
A one-character term falls back to LIKE alone (a scan). The text extracted from a comment's attachments
is indexed with the comment and matched like its content.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Connection, and_, func, or_, select
from sqlalchemy.sql import ColumnElement

from app import models

G = models.CommentGram.__table__
ATT = models.Attachment.__table__
MAX_TERMS = 5
MAX_TERM = 50


def grams(text: str) -> set[str]:
    """The distinct bigrams of ``text`` (lower-cased; none containing whitespace)."""
    text = text.lower()
    return {text[i : i + 2] for i in range(len(text) - 1) if not (text[i].isspace() or text[i + 1].isspace())}


def index_rows(comment_id: int, content: str) -> list[dict]:
    """The ``comment_gram`` rows of one comment."""
    return [{"gram": g, "comment_id": comment_id} for g in grams(content)]


def index_comments(conn: Connection, pairs: list[tuple[int, str]]) -> None:
    """Adds the bigrams of (comment id, content) pairs, inside the caller's transaction."""
    rows = [(gram, comment_id) for comment_id, content in pairs for gram in grams(content)]
    if rows:
        # ~35 rows per comment on the comment writer's path: the driver's executemany with plain tuples
        # takes half the time of a Core insert with one dict per row.
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(f"INSERT INTO {G.name} (gram, comment_id) VALUES ({mark}, {mark})", rows)


def terms(query: str) -> list[str]:
    """The terms of a query: split on whitespace, at most MAX_TERMS of at most MAX_TERM characters."""
    return [t[:MAX_TERM].lower() for t in query.split()][:MAX_TERMS]


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def clause(conn: Connection, query: str, id_col, content_col) -> ColumnElement[bool] | None:
    """A WHERE clause for comments containing every term of ``query`` (None for an empty query).
    Looks up how common each bigram is, and narrows by the two rarest of each term."""
    wanted = terms(query)
    if not wanted:
        return None
    all_grams = sorted({g for term in wanted for g in grams(term)})
    counts: dict[str, int] = {}
    if all_grams:
        counts = dict(
            conn.execute(
                select(G.c.gram, func.count()).where(G.c.gram.in_(all_grams)).group_by(G.c.gram)
            ).all()
        )
    parts = []
    for term in wanted:
        if grams(term) == {term}:
            # A two-character term is one bigram: the index rows are the answer (content and attachment
            # text, lower-cased as indexed), with no LIKE over the candidates.
            parts.append(id_col.in_(select(G.c.comment_id).where(G.c.gram == term)))
            continue
        pattern = f"%{_like_escape(term)}%"
        # A term without letters that have a case (Chinese, digits) needs no lower() on every candidate:
        # a third of the check's time on PostgreSQL.
        cased = term.lower() != term.upper()
        content, attached = (
            (func.lower(content_col), func.lower(ATT.c.text)) if cased else (content_col, ATT.c.text)
        )
        # A term found in the text of one of the comment's attachments counts as found (issue 17).
        part = content.like(pattern, escape="\\") | id_col.in_(
            select(ATT.c.comment_id).where(attached.like(pattern, escape="\\"))
        )
        for gram in sorted(grams(term), key=lambda g: counts.get(g, 0))[:2]:
            part = part & id_col.in_(select(G.c.comment_id).where(G.c.gram == gram))
        parts.append(part)
    result = parts[0]
    for part in parts[1:]:
        result = result & part
    return result


RECEIPT_TAIL = re.compile(r"^(?:YJ-?)?(?:\d{8}-?)?[2-9A-HJ-NP-Z]{3,8}$")


def person_clause(
    query: str, comments, dialect: str = "sqlite", indexed: bool = True
) -> ColumnElement[bool] | None:
    """A WHERE clause for comments whose receipt number is ``query`` or ends with it (a caller reading
    out the last letters), or whose name, organisation, region or contact contains it; None when empty.
    ``indexed=False`` gives the plain scan on PostgreSQL too (the benchmark's baseline).
    Drafters only: the public never searches personal data."""
    from app.services.comments import RECEIPT, normalise_receipt  # comments imports this module

    text = unicodedata.normalize("NFKC", query or "").strip()[:MAX_TERM]
    if not text:
        return None
    c = comments.c
    receipt = normalise_receipt(text)
    if RECEIPT.match(receipt):
        return c.receipt == receipt  # a whole receipt number: the unique index, no scan

    def contains(column, value: str):
        pattern = f"%{_like_escape(value)}%"
        # SQLite's LIKE already ignores ASCII case (and lower() on every row costs a third of the scan);
        # PostgreSQL's LIKE does not.
        if dialect == "sqlite":
            return column.like(pattern, escape="\\")
        return column.ilike(pattern, escape="\\")

    contact = re.sub(r"[\s()\-]", "", text) or text
    exact = [contains(c[name], text) for name in ("name", "organisation", "region")]
    exact.append(contains(c.contact, contact))
    found = or_(*exact)
    tail = RECEIPT_TAIL.match(receipt)
    if indexed and dialect == "postgresql" and grams(text) and grams(contact):
        # Migration 0012's GIN index over person_bigrams(...) narrows to the comments holding every bigram
        # of the query (of its digits alone for the contact) before the exact check, instead of a scan.
        indexed = func.person_bigrams(c.name, c.organisation, c.region, c.contact)
        narrowed = indexed.op("@>")(func.person_bigrams(text))
        if contact != text:
            narrowed = narrowed | indexed.op("@>")(func.person_bigrams(contact))
        found = and_(narrowed, found)
        if tail:
            # ... and its reverse(receipt) index turns "ends with" into a prefix look-up.
            return or_(func.reverse(c.receipt).like(_like_escape(receipt[::-1]) + "%", escape="\\"), found)
        return found
    if tail:
        return or_(c.receipt.like(f"%{_like_escape(receipt)}", escape="\\"), found)
    return found
