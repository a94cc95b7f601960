"""The per-process caches of published rounds (the comparison's alignment, the article tree) never hold a
text that another process changes afterwards: a round being prepared is never cached, and a round
published while this process was reading it is read again on the next request."""

from __future__ import annotations

from datetime import date

from app.services import compare, review, rounds, working
from tests.conftest import SLUG

EDITED = "第十三条　本条经过修改。"


def _article_13(draft) -> str:
    return next(a for a in draft.articles if a.id == "art-13").paragraphs[0].text


def test_a_round_published_while_it_was_being_read_is_read_again(seeded, monkeypatch):
    number = working.create_working(seeded, SLUG)
    v1 = review.version_ref(seeded, SLUG, 1).version_id
    v2 = review.version_ref(seeded, SLUG, number).version_id
    read = compare.load_draft

    def read_then_edit_and_publish(db, version_id):
        draft = read(db, version_id)
        if version_id == v2:  # another process edits and publishes the round just after this one read it
            monkeypatch.setattr(compare, "load_draft", read)
            working.save_article(db, SLUG, "art-13", EDITED)
            rounds.publish(db, SLUG, number, date(2026, 12, 1), date(2026, 12, 31))
        return draft

    monkeypatch.setattr(compare, "load_draft", read_then_edit_and_publish)
    _, stale, _ = compare.aligned(seeded, v1, v2)
    assert _article_13(stale) != EDITED  # what was read before the edit…
    _, new, _ = compare.aligned(seeded, v1, v2)
    assert _article_13(new) == EDITED  # …was not kept: the next request reads the published text
    assert compare.aligned(seeded, v1, v2)[1] is new  # which is kept from now on
