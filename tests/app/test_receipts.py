"""Receipt numbers: their form, their date, and letters drawn evenly from the 32-letter alphabet."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from app.services.comments import RECEIPT, RECEIPT_ALPHABET, new_receipt, normalise_receipt


@pytest.mark.parametrize(
    ("now", "date"),
    [
        (datetime(2026, 11, 24, 3, 0, tzinfo=UTC), "20261124"),
        (datetime(2026, 11, 24, 16, 0, tzinfo=UTC), "20261125"),  # already the 25th in Beijing
        (datetime(2026, 12, 31, 15, 59, tzinfo=UTC), "20261231"),
    ],
)
def test_receipt_carries_the_beijing_date(now, date):
    number = new_receipt(now)
    assert RECEIPT.match(number)
    assert number[:12] == f"YJ-{date}-"


def test_receipt_letters_are_even():
    letters = Counter("".join(new_receipt(datetime(2026, 11, 24, tzinfo=UTC))[12:] for _ in range(4000)))
    # 32,000 letters, 1,000 expected of each (standard deviation ~31): all 32 appear, none far off.
    assert set(letters) == set(RECEIPT_ALPHABET)
    assert all(800 < count < 1200 for count in letters.values()), letters


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("yj-20261124-7f3k9qab", "YJ-20261124-7F3K9QAB"),
        (" YJ-2026 1124-7F3K9QAB\n", "YJ-20261124-7F3K9QAB"),
        ("ＹＪ－２０２６１１２４－７Ｆ３Ｋ９ＱＡＢ", "YJ-20261124-7F3K9QAB"),
    ],
)
def test_receipt_typed_loosely_is_normalised(typed, canonical):
    assert normalise_receipt(typed) == canonical
