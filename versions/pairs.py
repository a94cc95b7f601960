"""From the matcher's links to the Pairs of an Alignment: statuses, flags, diffs, which paragraph went
where, and deleted articles placed where they stood in the old order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from versions.clean import normalise
from versions.diff import Segment, containment, diff, similarity_of
from versions.labels import Change
from versions.model import Article, Draft
from versions.references import ArticleMap, reference_changes

if TYPE_CHECKING:
    from versions.align import Matcher, Pair

PARAGRAPH_SOURCE = 0.5  # share of a new paragraph found in an old one for "it came from there"


def build_pairs(matcher: Matcher, old: Draft, new: Draft) -> list[Pair]:
    """Reads the matcher and both versions; returns the pairs in the new order, deletions in place."""
    chapter_map = _chapter_map(matcher, old, new)
    groups: list[tuple[list[int], list[int], Change | None]] = []
    done_new: set[int] = set()
    for j in range(len(new.articles)):
        if j in done_new:
            continue
        i = matcher.old_for_new.get(j)
        if i is None:
            groups.append(([], [j], Change.ADDED))
            continue
        if i in matcher.extra_new:
            olds, news, status = [i], sorted([matcher.new_for_old[i], *matcher.extra_new[i]]), Change.SPLIT
        elif j in matcher.extra_old:
            olds, news, status = sorted([i, *matcher.extra_old[j]]), [j], Change.MERGED
        else:
            olds, news, status = [i], [j], None
        done_new.update(news)
        groups.append((olds, news, status))
    targets: dict[tuple[int, int], tuple[Article, ...]] = {
        a.key: () for a in old.articles
    }  # deleted unless a group says otherwise
    targets.update(
        {old.articles[i].key: tuple(new.articles[j] for j in news) for olds, news, _ in groups for i in olds}
    )
    article_map = ArticleMap(targets)
    pairs: list[Pair] = []
    emitted_old: dict[int, int] = {}
    for olds, news, status in groups:
        if status is None:
            same = "".join(matcher.old_text[k] for k in olds) == "".join(matcher.new_text[k] for k in news)
            status = Change.UNCHANGED if same else Change.MODIFIED
        for k in olds:
            emitted_old[k] = len(pairs)
        pairs.append(
            make_pair(
                status,
                tuple(old.articles[k] for k in olds),
                tuple(new.articles[k] for k in news),
                chapter_map,
                article_map,
            )
        )
    return _place_deletions(pairs, emitted_old, matcher, old, chapter_map, article_map)


def _place_deletions(
    pairs: list[Pair],
    emitted_old: dict[int, int],
    matcher: Matcher,
    old: Draft,
    chapter_map: dict[str | None, str | None],
    article_map: ArticleMap,
) -> list[Pair]:
    """A deleted article goes after the pair of the nearest earlier old article that kept its place in the
    order (a far move elsewhere does not drag it along)."""
    inserts: dict[int, list[Pair]] = {}
    anchor = -1
    for i, article in enumerate(old.articles):
        if i in emitted_old:
            if i in matcher.in_order or not matcher.in_order:
                anchor = emitted_old[i]
            continue
        inserts.setdefault(anchor + 1, []).append(
            make_pair(Change.DELETED, (article,), (), chapter_map, article_map)
        )
    placed: list[Pair] = []
    for position in range(len(pairs) + 1):
        placed.extend(inserts.get(position, []))
        if position < len(pairs):
            placed.append(pairs[position])
    return placed


def make_pair(
    status: Change,
    olds: tuple[Article, ...],
    news: tuple[Article, ...],
    chapter_map: dict[str | None, str | None],
    article_map: ArticleMap,
) -> Pair:
    from versions.align import Pair

    segments = tuple(diff("\n".join(a.text for a in olds), "\n".join(a.text for a in news)))
    if status in (Change.ADDED, Change.DELETED):
        score = 0.0
    else:
        score = 1.0 if status == Change.UNCHANGED else similarity_of(list(segments))
    renumbered = bool(olds and news and olds[0].key != news[0].key)
    moved = bool(olds and news and chapter_map.get(olds[0].chapter_id, "") != news[0].chapter_id)
    updates, repointed = reference_changes(olds, news, article_map) if olds and news else ((), ())
    if repointed and status == Change.UNCHANGED:
        status = Change.MODIFIED  # a citation now pointing elsewhere is a substantive change
    return Pair(
        status,
        olds,
        news,
        renumbered,
        moved,
        round(score, 4),
        segments,
        tuple(updates),
        paragraph_map(olds, news) if len(olds) + len(news) > 2 else (),
        tuple(repointed),
    )


def paragraph_map(olds: tuple[Article, ...], news: tuple[Article, ...]) -> tuple[tuple[str, str], ...]:
    """For a split or merge: (old paragraph id, new paragraph id) pairs saying which paragraph went where.
    A split maps every new paragraph that came, at least half of it, from an old one (the old paragraph
    holding most of it); a merge maps every old paragraph at least half found in a new one."""
    old_paragraphs = [(p.id, normalise(p.render())) for a in olds for p in a.paragraphs]
    new_paragraphs = [(p.id, normalise(p.render())) for a in news for p in a.paragraphs]
    links = []
    if len(news) > 1:
        for new_id, text in new_paragraphs:
            best = max(
                ((containment(text, o), oid) for oid, o in old_paragraphs if o and text), default=(0.0, "")
            )
            if best[0] >= PARAGRAPH_SOURCE:
                links.append((best[1], new_id))
    else:
        for old_id, text in old_paragraphs:
            best = max(
                ((containment(text, n), nid) for nid, n in new_paragraphs if n and text), default=(0.0, "")
            )
            if best[0] >= PARAGRAPH_SOURCE:
                links.append((old_id, best[1]))
    return tuple(links)


def _chapter_map(matcher: Matcher, old: Draft, new: Draft) -> dict[str | None, str | None]:
    """Where each old chapter went: the new chapter of the same title; else, for a renamed chapter, the
    new chapter (not claimed by a title) that took most of its articles. A chapter dissolved into one
    that kept its own title maps nowhere, so its articles count as moved."""
    old_titles = {d.id: normalise(d.title) for d in old.divisions if d.kind == "章"}
    new_by_title = {normalise(d.title): d.id for d in new.divisions if d.kind == "章"}
    mapping: dict[str | None, str | None] = {None: None}
    for chapter, title in old_titles.items():
        if title in new_by_title:
            mapping[chapter] = new_by_title[title]
    claimed = set(mapping.values())
    votes: dict[str | None, dict[str | None, int]] = {}
    for i, j in matcher.new_for_old.items():
        old_chapter, new_chapter = matcher.old[i].chapter_id, matcher.new[j].chapter_id
        if old_chapter not in mapping and new_chapter not in claimed:
            votes.setdefault(old_chapter, {})
            votes[old_chapter][new_chapter] = votes[old_chapter].get(new_chapter, 0) + 1
    for voted, counts in votes.items():
        mapping[voted] = max(counts, key=lambda c: counts[c])
    return mapping


def parts(pair: Pair) -> tuple[tuple[Article, tuple[Segment, ...]], ...]:
    """For a split: each new article with the diff of the old paragraphs that went into it against its own
    text; for a merge, each old article with the diff of its text against the new paragraphs it went into.
    Every other pair: its one article on the many side with the pair's own segments."""
    many_new = len(pair.new) > 1
    many, few = (pair.new, pair.old) if many_new else (pair.old, pair.new)
    if len(many) <= 1:
        return tuple((article, pair.segments) for article in (pair.new or pair.old))
    links = pair.paragraphs if many_new else tuple((new, old) for old, new in pair.paragraphs)
    texts = {p.id: p.render() for a in few for p in a.paragraphs}
    result = []
    for article in many:
        own = {p.id for p in article.paragraphs}
        sources = list(dict.fromkeys(other for mine, other in ((b, a) for a, b in links) if mine in own))
        other = "\n".join(texts[k] for k in sources if k in texts)
        segments = diff(other, article.text) if many_new else diff(article.text, other)
        result.append((article, tuple(segments)))
    return tuple(result)
