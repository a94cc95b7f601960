"""Themes in comment texts, as plain functions on plain data (no database): the analysis behind
app/services/themes.py, tested on planted corpora in tests/app/test_topics.py.

1. Campaigns: comments whose normalised text is identical, or that the near-duplicate clusters put
   together (MinHash, app/services/clusters.py, kept current as comments arrive), are one *voice*; the
   analysis sees each voice once, so a campaign of 10,000 copies weighs as one view and its size is shown
   beside it.
2. Words: jieba, with a user dictionary of the draft's own terms (captions, chapter titles, quoted
   defined terms), stop words and one-character words dropped.
3. TF-IDF (scikit-learn), then:
   - voices near a theme people kept (approved or edited) join it — a rerun never re-decides them;
   - the other voices are grouped by NMF topics (each voice to its strongest topic);
   - voices that fit their topic poorly, and voices NMF gives no weight, are grouped again by
     agglomerative clustering on cosine distance, so a handful of comments on a point nobody else made
     becomes a small theme of its own instead of vanishing into a large one.
4. Each theme: its key terms (highest mean TF-IDF) and each member's similarity to the theme's centre
   (the most central and the most different comments are shown as representatives).
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

Progress = Callable[[float, str], None]
STOPWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "stopwords.txt"
MAX_THEMES = 40  # NMF topics for the largest inputs: more than drafters can read through
MIN_THEMES = 2
KEEP_SIMILARITY = 0.2  # a new voice joins a kept theme when at least this close to its centre
OUTLIER_SIMILARITY = 0.12  # below this, a voice does not belong to its NMF topic…
OUTLIER_RELATIVE = 0.5  # …nor when less than half as close to its centre as the topic's median voice
OUTLIER_DISTANCE = 0.85  # agglomerative clustering of the outliers: average cosine distance cut
MAX_OUTLIERS = 4000  # outliers clustered (pairwise distances: n² floats); the rest stay unassigned
AGGLOMERATIVE_MAX = 2000  # up to this many voices, agglomerative clustering alone (no NMF): its cut
# finds as many themes as the comments hold, where NMF on a few dozen voices must be told how many
TERMS = 8
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]+$")
_QUOTED = re.compile(r"[“\"「『]([\u4e00-\u9fffA-Za-z0-9]{2,12})[”\"」』]")
_CAPTION_SPLIT = re.compile(r"[和与及、，,；;的]")
_HEADING = re.compile(r"^第[一二三四五六七八九十百零〇\d]+[章节编]\s*")


@dataclass(frozen=True)
class FoundTheme:
    """A theme of one run: ``kept`` is the id of the theme people kept (None for a new one); ``members``
    the comment ids, most central first; ``closeness`` each member's cosine similarity to the centre."""

    kept: int | None
    members: tuple[int, ...]
    terms: tuple[str, ...]
    closeness: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Analysis:
    """Themes found, the comments no theme fits (nothing to go on, or beyond MAX_OUTLIERS) and the
    campaigns (comment id → its voice's representative id, for comments that share a voice)."""

    themes: list[FoundTheme]
    unassigned: tuple[int, ...]
    campaigns: dict[int, int]


@cache
def stopwords() -> frozenset[str]:
    """The stop word list shipped in app/data/stopwords.txt."""
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def draft_terms(captions: Iterable[str], texts: Iterable[str]) -> list[str]:
    """The draft's own terms for jieba's user dictionary: article captions and chapter titles (whole, and
    split at 和/与/及/、), and terms the text puts in quotation marks (本条例所称“数据要素”…)."""
    terms: set[str] = set()
    for caption in captions:
        caption = _HEADING.sub("", caption.strip())
        for part in [caption, *_CAPTION_SPLIT.split(caption)]:
            part = part.strip()
            if 2 <= len(part) <= 12 and _WORD.match(part):
                terms.add(part)
    for text in texts:
        terms.update(_QUOTED.findall(text))
    return sorted(terms - stopwords())


def make_tokenizer(terms: Iterable[str]):
    """A jieba tokenizer of its own (jieba's global one stays untouched) knowing ``terms``. jieba's
    dictionary ships with the package; nothing is downloaded."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for term in terms:
        tokenizer.add_word(term)
    return tokenizer


def words(tokenizer, text: str) -> list[str]:
    """The words of ``text`` that can carry a theme: no stop words, punctuation, numbers or single
    characters."""
    stop = stopwords()
    return [w for w in tokenizer.lcut(text, HMM=False) if len(w) > 1 and w not in stop and _WORD.match(w)]


def normalise(text: str) -> str:
    """The text as campaigns are recognised: lower case, no spaces or punctuation."""
    return _NOISE.sub("", text.lower())


def voices(texts: dict[int, str], clusters: dict[int, int] | None = None) -> dict[int, int]:
    """{comment id: representative id}: comments with identical normalised texts, and comments that
    ``clusters`` ({comment id: cluster representative id}, the near-duplicate clusters of
    app/services/clusters.py) puts together, share one representative: the lowest id of the group."""
    parent = {i: i for i in texts}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first: dict[str, int] = {}
    for i in sorted(texts):
        join(i, first.setdefault(normalise(texts[i]), i))
    for i, rep in (clusters or {}).items():
        if i in parent and rep in parent:
            join(i, rep)
    return {i: root(i) for i in texts}


def theme_count(n: int) -> int:
    """NMF topics for ``n`` voices: √(n/4), at least 2, at most MAX_THEMES (over-splitting is mended by
    people merging; under-splitting hides views)."""
    return max(MIN_THEMES, min(MAX_THEMES, round(math.sqrt(n / 4))))


def _unit_rows(matrix):
    from sklearn.preprocessing import normalize

    return normalize(matrix, norm="l2", axis=1)


def _centre(rows) -> np.ndarray:
    centre = np.asarray(rows.mean(axis=0)).ravel()
    norm = np.linalg.norm(centre)
    return centre / norm if norm else centre


def _top_terms(rows, vocabulary: np.ndarray) -> tuple[str, ...]:
    weights = np.asarray(rows.mean(axis=0)).ravel()
    order = np.argsort(-weights, kind="stable")[:TERMS]
    return tuple(str(vocabulary[j]) for j in order if weights[j] > 0)


def _nmf_groups(matrix, seed: int) -> list[list[int]]:
    """Row indices of ``matrix`` grouped by their strongest NMF topic; rows with no weight or that fit
    their topic poorly are returned last, as one list of outliers."""
    from sklearn.decomposition import NMF

    n = matrix.shape[0]
    k = min(theme_count(n), n)
    if n < 3 or k < 2:
        return [[], list(range(n))]
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=100, tol=1e-3)
    weights = model.fit_transform(matrix)
    best = weights.argmax(axis=1)
    groups: list[list[int]] = [[] for _ in range(k)]
    outliers: list[int] = []
    for row in range(n):
        if weights[row, best[row]] <= 0:
            outliers.append(row)
        else:
            groups[best[row]].append(row)
    kept: list[list[int]] = []
    for rows in groups:
        if not rows:
            continue
        closeness = matrix[rows] @ _centre(matrix[rows])
        cut = max(OUTLIER_SIMILARITY, OUTLIER_RELATIVE * float(np.median(closeness)))
        kept.append([r for r, c in zip(rows, closeness, strict=True) if c >= cut])
        outliers.extend(r for r, c in zip(rows, closeness, strict=True) if c < cut)
    return [*[rows for rows in kept if rows], outliers]


def _agglomerate(matrix, rows: list[int]) -> tuple[list[list[int]], list[int]]:
    """``rows`` grouped by average-linkage agglomerative clustering on cosine distance; the rows beyond
    MAX_OUTLIERS are returned apart (unassigned)."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics.pairwise import cosine_distances

    rows, rest = rows[:MAX_OUTLIERS], rows[MAX_OUTLIERS:]
    if len(rows) < 2:
        return [rows] if rows else [], rest
    distances = cosine_distances(matrix[rows])
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=OUTLIER_DISTANCE
    ).fit_predict(distances)
    groups: dict[int, list[int]] = defaultdict(list)
    for row, label in zip(rows, labels, strict=True):
        groups[int(label)].append(row)
    return list(groups.values()), rest


def analyse(texts: dict[int, str], **options) -> Analysis:
    """Themes of the comments ``texts`` ({comment id: text}); ``options`` as ``_analyse`` takes them. The
    numeric work runs with one BLAS thread: on 2 shared cores, BLAS's own threads fight each other
    (NMF measured 5× slower with them)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _analyse(texts, **options)


def _analyse(
    texts: dict[int, str],
    *,
    terms: Iterable[str] = (),
    kept: dict[int, Iterable[int]] | None = None,
    clusters: dict[int, int] | None = None,
    seed: int = 0,
    agglomerative_max: int = AGGLOMERATIVE_MAX,
    progress: Progress | None = None,
) -> Analysis:
    """Themes of the comments ``texts`` ({comment id: text}). ``terms`` go into jieba's user dictionary;
    ``kept`` maps the id of each theme people decided on to its comments: those comments stay in it, and
    new voices close to it (KEEP_SIMILARITY) join it. Up to ``agglomerative_max`` other voices are
    grouped by agglomerative clustering alone; beyond, by NMF first. ``progress(fraction, what)`` is called
    as it goes."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    report = progress or (lambda _f, _w: None)
    kept = {key: set(ids) for key, ids in (kept or {}).items()}
    held = {i: key for key, ids in kept.items() for i in ids if i in texts}
    report(0.05, "campaigns")
    voice_of = voices(texts, clusters)
    members: dict[int, list[int]] = defaultdict(list)
    for i, rep in voice_of.items():
        members[rep].append(i)
    campaigns = {i: voice_of[i] for rep, ids in members.items() if len(ids) > 1 for i in ids}
    report(0.15, "words")
    tokenizer = make_tokenizer(terms)
    reps = sorted(members)
    documents = []
    for n, rep in enumerate(reps):
        documents.append(" ".join(words(tokenizer, texts[rep])))
        if n % 5000 == 4999:
            report(0.15 + 0.45 * n / len(reps), "words")
    report(0.6, "tfidf")
    empty = [rep for rep, doc in zip(reps, documents, strict=True) if not doc]
    reps = [rep for rep, doc in zip(reps, documents, strict=True) if doc]
    documents = [doc for doc in documents if doc]
    if not reps:
        return _result([], members, held, kept, empty, campaigns)
    vectorizer = TfidfVectorizer(
        token_pattern=r"\S+",
        lowercase=False,
        sublinear_tf=True,
        min_df=2 if len(reps) >= 200 else 1,
        max_df=0.5 if len(reps) >= 20 else 1.0,
        max_features=30000,
    )
    try:
        matrix = _unit_rows(vectorizer.fit_transform(documents)).tocsr()
    except ValueError:  # every word pruned by min_df/max_df: nothing to group on
        return _result([], members, held, kept, empty + reps, campaigns)
    vocabulary = vectorizer.get_feature_names_out()
    has_words = np.asarray(matrix.getnnz(axis=1)).ravel() > 0
    empty += [rep for rep, ok in zip(reps, has_words, strict=True) if not ok]
    index = {rep: row for row, rep in enumerate(reps) if has_words[row]}
    report(0.7, "kept")
    groups: list[tuple[int | None, list[int]]] = []
    free: list[int] = []
    kept_rows: dict[int, list[int]] = defaultdict(list)
    for rep, row in index.items():
        homes = {held[i] for i in members[rep] if i in held}
        if homes:
            for home in homes:
                kept_rows[home].append(row)
        else:
            free.append(row)
    keys = sorted(kept)
    if keys and free:
        centres = np.vstack(
            [_centre(matrix[kept_rows[key]]) if kept_rows[key] else np.zeros(matrix.shape[1]) for key in keys]
        )
        closeness = matrix[free] @ centres.T
        best = closeness.argmax(axis=1)
        still = []
        for row, b, c in zip(free, best, closeness.max(axis=1), strict=True):
            if c >= KEEP_SIMILARITY:
                kept_rows[keys[b]].append(row)
            else:
                still.append(row)
        free = still
    groups.extend((key, kept_rows[key]) for key in keys)
    report(0.75, "nmf")
    if free:
        if len(free) <= agglomerative_max:
            outliers = free
        else:
            found = _nmf_groups(matrix[free], seed)
            outliers = [free[r] for r in found.pop()]
            groups.extend((None, [free[r] for r in rows]) for rows in found)
        report(0.9, "outliers")
        small, rest = _agglomerate(matrix, outliers)
        groups.extend((None, rows) for rows in small)
        empty += [reps[r] for r in rest]
    report(0.95, "terms")
    themes = []
    for key, rows in groups:
        if not rows and key is None:
            continue
        centre = _centre(matrix[rows]) if rows else None
        closeness: dict[int, float] = {}
        for row, near_centre in zip(rows, matrix[rows] @ centre if rows else [], strict=True):
            closeness.update(dict.fromkeys(members[reps[row]], float(near_centre)))
        themes.append((key, rows, closeness, _top_terms(matrix[rows], vocabulary) if rows else ()))
    return _result(themes, members, held, kept, empty, campaigns)


def _result(themes, members, held, kept, empty, campaigns) -> Analysis:
    """The Analysis: kept themes hold exactly their people-decided comments plus new ones; comments with
    nothing to group on join their kept theme if they have one, else stay unassigned."""
    found: list[FoundTheme] = []
    placed: set[int] = set()
    seen_keys = set()
    for key, _rows, closeness, terms in themes:
        ids = set(closeness)
        if key is not None:
            seen_keys.add(key)
            ids = {i for i in ids if held.get(i, key) == key} | {i for i in kept[key] if i in held}
        ids -= placed
        placed |= ids
        ordered = tuple(sorted(ids, key=lambda i: (-closeness.get(i, 0.0), i)))
        found.append(FoundTheme(key, ordered, terms, {i: closeness.get(i, 0.0) for i in ordered}))
    for key in sorted(set(kept) - seen_keys):
        ids = tuple(sorted(i for i in kept[key] if i in held and i not in placed))
        placed |= set(ids)
        found.append(FoundTheme(key, ids, ()))
    unassigned = sorted(i for rep in empty for i in members[rep] if i not in placed and i not in held)
    return Analysis(found, tuple(unassigned), campaigns)
