"""person search and receipt tails by index on PostgreSQL (issue 13)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 11:20:00.000000

A drafter finds a commenter by a part of the name, organisation, region or contact, or by the last letters
of the receipt number read out over the phone. On SQLite a scan of 100,000 comments meets the 200 ms goal;
on PostgreSQL it did not (bench/review.py, docs/benchmarks.md), so there:

- ``person_bigrams(VARIADIC text[])`` gives the distinct lower-cased 2-character substrings of the fields
  (none spanning whitespace, as app.services.search does for comments), and a GIN index over
  ``person_bigrams(name, organisation, region, contact)`` finds the comments holding every bigram of a
  query; the exact ILIKE check then runs on those alone. Built-in GIN over text[]: no extension needed.
  The index follows every change of the fields (erasure included) by itself.
- a btree over ``reverse(receipt)`` (text_pattern_ops) turns "ends with" into a prefix look-up.

Nothing on SQLite.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FUNCTION = r"""
CREATE FUNCTION person_bigrams(VARIADIC fields text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
    SELECT lower(substr(f, i, 2)) AS g FROM unnest(fields) AS f, generate_series(1, length(f) - 1) AS i
  ) s WHERE g !~ '\s'
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute(
        "CREATE INDEX ix_comment_person_bigrams ON comment "
        "USING gin (person_bigrams(name, organisation, region, contact))"
    )
    op.execute("CREATE INDEX ix_comment_receipt_reversed ON comment (reverse(receipt) text_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_comment_receipt_reversed")
    op.execute("DROP INDEX ix_comment_person_bigrams")
    op.execute("DROP FUNCTION person_bigrams(VARIADIC text[])")
