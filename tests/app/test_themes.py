"""Themes: the planted corpus is recovered (purity, the campaign as one voice, minority views listed);
decisions are kept across reruns with new comments; the CLI's JSON; on both databases."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest
from sqlalchemy import insert, select

from app import models
from app.db import utcnow
from app.services import theme_decisions as decide
from app.services import theme_runs, themes
from app.services.auth import UserInfo
from app.services.clusters import find_clusters
from app.services.comments import new_receipt
from app.services.topics import AGGLOMERATIVE_MAX, analyse, draft_terms
from tests.app.planted import MINORITY, planted, purity

DRAFTER = UserInfo(1, "drafter1", "drafter")


@pytest.mark.parametrize("agglomerative_max", [AGGLOMERATIVE_MAX, 0], ids=["agglomerative", "nmf"])
def test_planted_corpus_is_recovered(agglomerative_max):
    rows = planted()
    texts = {i + 1: text for i, (text, _) in enumerate(rows)}
    labels = {i + 1: label for i, (_, label) in enumerate(rows)}
    # The near-duplicate clusters as app/services/clusters.py keeps them (here computed from scratch).
    analysis = analyse(texts, clusters=find_clusters(texts), agglomerative_max=agglomerative_max)
    groups = [[labels[i] for i in theme.members] for theme in analysis.themes]
    assert purity(groups) >= 0.8
    assert len(analysis.unassigned) <= len(rows) * 0.05
    # The campaign is one voice: all 60 copies share a representative, and land in one theme.
    campaign = [i for i, label in labels.items() if label == "campaign"]
    assert len({analysis.campaigns[i] for i in campaign}) == 1
    assert sum(1 for g in groups if "campaign" in g) == 1
    # Every minority view is a theme of its own (small, and only that view), never swallowed.
    for label in MINORITY:
        holding = [g for g in groups if label in g]
        assert holding and all(Counter(g).most_common(1)[0][0] == label for g in holding), label


@pytest.mark.parametrize(
    ("captions", "texts", "expected"),
    [
        (["数字基础设施建设", "第二章 数据资源"], [], ["数字基础设施建设", "数据资源"]),
        (["数据安全与个人信息保护"], [], ["个人信息保护", "数据安全", "数据安全与个人信息保护"]),
        ([], ["本条例所称“数据要素”，是指……"], ["数据要素"]),
    ],
)
def test_draft_terms(captions, texts, expected):
    assert draft_terms(captions, texts) == expected


def _add(db, texts: list[str], names: list[str] | None = None) -> list[int]:
    """Comments on the seeded version's 第十三条 (or the draft as a whole, every third one)."""
    with db.writing() as session:
        version_id = session.scalar(select(models.Version.id))
        article_id = session.scalar(
            select(models.Article.id).where(
                models.Article.node_id == "art-13", models.Article.version_id == version_id
            )
        )
        now = utcnow()
        ids = []
        for n, text in enumerate(texts):
            on_article = n % 3 != 0
            ids.append(
                session.execute(
                    insert(models.Comment).returning(models.Comment.id),
                    {
                        "receipt": new_receipt(now),
                        "version_id": version_id,
                        "article_id": article_id if on_article else None,
                        "target": "art-13" if on_article else "draft",
                        "content": text,
                        "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                        "name": (names or [""] * len(texts))[n],
                        "client_hash": hashlib.sha256(f"{n}:{text}".encode()).hexdigest(),
                        "created_at": now,
                    },
                ).scalar_one()
            )
    return ids


def _version_id(db) -> int:
    with db.reading() as session:
        return session.scalar(select(models.Version.id))


def test_approved_themes_survive_a_rerun_with_new_comments(seeded):
    rows = planted(per_topic=30, campaign=20, seed=3)
    ids = _add(seeded, [text for text, _ in rows])
    labels = dict(zip(ids, (label for _, label in rows), strict=True))
    version_id = _version_id(seeded)
    assert theme_runs.analyse_version(seeded, version_id, "drafter1")["themes"] >= 6
    listed = themes.list_themes(seeded, version_id)
    big = listed.themes[:2]
    decide.rename(seeded, DRAFTER, big[0].id, "第一个确认的主题")
    for view in big:
        decide.approve(seeded, DRAFTER, view.id)
    before = {v.id: {m.id for m in v.members} for v in big}
    topic = {v.id: Counter(labels[m.id] for m in v.members).most_common(1)[0][0] for v in big}
    # New comments on the approved themes' topics (and others) arrive; the analysis runs again.
    new_rows = planted(per_topic=8, campaign=3, seed=9)
    new_ids = _add(seeded, [text for text, _ in new_rows])
    new_labels = dict(zip(new_ids, (label for _, label in new_rows), strict=True))
    theme_runs.analyse_version(seeded, version_id, "drafter1")
    after = {v.id: v for v in themes.list_themes(seeded, version_id).themes}
    assert set(before) <= set(after)
    assert after[big[0].id].label == "第一个确认的主题"
    for theme_id, old in before.items():
        assert after[theme_id].approved
        assert old <= {m.id for m in after[theme_id].members}
        joined = {m.id for m in after[theme_id].members} - old
        assert joined and all(new_labels[i] == topic[theme_id] for i in joined)


def test_decisions_are_kept_in_the_history(seeded):
    rows = planted(per_topic=12, campaign=5, seed=5)
    _add(seeded, [text for text, _ in rows])
    version_id = _version_id(seeded)
    theme_runs.analyse_version(seeded, version_id, "drafter1")
    first, second, third = themes.list_themes(seeded, version_id).themes[:3]
    merged = decide.merge(seeded, DRAFTER, [first.id, second.id])
    view = themes.theme_detail(seeded, merged).theme
    assert view.comments == first.comments + second.comments
    with pytest.raises(themes.ServiceError) as gone:
        themes.theme_detail(seeded, second.id)
    assert gone.value.code == "theme_not_found"
    moved = [m.id for m in third.members[:2]]
    decide.move(seeded, DRAFTER, moved, merged)
    split_id = decide.split(seeded, DRAFTER, merged, moved, "拆出的主题")
    assert {m.id for m in themes.theme_detail(seeded, split_id).theme.members} == set(moved)
    actions = [(e.theme_id, e.action) for e in themes.history(seeded, version_id)]
    assert actions[:3] == [(split_id, "split"), (merged, "split"), (merged, "move")]
    assert (second.id, "merge") in actions and (merged, "merge") in actions
    # A rerun keeps the decided themes with their comments (the split one holds exactly the moved two).
    theme_runs.analyse_version(seeded, version_id, "drafter1")
    assert {m.id for m in themes.theme_detail(seeded, split_id).theme.members} >= set(moved)
    assert themes.theme_detail(seeded, merged).theme.comments >= view.comments - len(moved)


def test_running_analysis_refuses_a_second_one_and_decisions(seeded):
    _add(seeded, [text for text, _ in planted(per_topic=3, campaign=2)])
    version_id = _version_id(seeded)
    theme_runs.analyse_version(seeded, version_id, "drafter1")
    listed = themes.list_themes(seeded, version_id)
    theme = (listed.themes + listed.small)[0]
    theme_runs.start_run(seeded, version_id, "drafter2")
    for attempt in (
        lambda: theme_runs.start_run(seeded, version_id, "drafter1"),
        lambda: decide.rename(seeded, DRAFTER, theme.id, "新名称"),
    ):
        with pytest.raises(themes.ServiceError) as refused:
            attempt()
        assert refused.value.code == "themes_running"


def test_cli_json(seeded, settings, capsys, monkeypatch):
    from app.cli import main

    ids = _add(seeded, [text for text, _ in planted(per_topic=10, campaign=4)] + ["好！"])
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DRAFTREVIEW_DATA_DIR", str(settings.data_dir))
    assert main(["themes", "hlj-digital-economy", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"themes", "unassigned"}
    with seeded.reading() as session:
        receipts = dict(session.execute(select(models.Comment.id, models.Comment.receipt)).all())
    assert out["unassigned"] == [receipts[ids[-1]]]  # "好！" has no words to group on
    listed = [r for theme in out["themes"] for r in theme["comments"]]
    assert sorted(listed + out["unassigned"]) == sorted(receipts[i] for i in ids)
    for theme in out["themes"]:
        assert set(theme) == {"id", "label", "terms", "comments", "commenters", "articles"}
        assert theme["articles"] in ([], [13])
        assert isinstance(theme["commenters"], int) and theme["commenters"] <= len(theme["comments"])
        assert all(isinstance(t, str) for t in theme["terms"])
