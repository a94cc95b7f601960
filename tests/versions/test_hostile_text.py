"""Hostile input for the parser and the aligner: arbitrary text and mutated corpus text never break them."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.corpus import SAMPLE, corpus_path
from versions import ParseError, align, parse_bytes, parse_text

MUTATIONS = ["delete", "duplicate", "swap", "insert", "garble", "truncate"]


def mutate(text: str, seed: int, count: int) -> str:
    """Applies ``count`` random line-level mutations: what a bad export, a bad merge or a bad OCR does."""
    rng = random.Random(seed)
    lines = text.split("\n")
    for _ in range(count):
        if not lines:
            break
        k = rng.randrange(len(lines))
        kind = rng.choice(MUTATIONS)
        if kind == "delete":
            del lines[k]
        elif kind == "duplicate":
            lines.insert(k, lines[k])
        elif kind == "swap":
            j = rng.randrange(len(lines))
            lines[k], lines[j] = lines[j], lines[k]
        elif kind == "insert":
            lines.insert(
                k,
                rng.choice(
                    [
                        "第一条",
                        "第九百九十九条之九",
                        "第三章",
                        "（一）",
                        "1.",
                        "**",
                        "<!--",
                        "---",
                        "\u200b",
                        "\x00",
                        "第十条规定的",
                        "目录",
                    ]
                ),
            )
        elif kind == "garble":
            lines[k] = "".join(rng.sample(lines[k], len(lines[k])))
        else:
            lines[k] = lines[k][: rng.randrange(len(lines[k]) + 1)]
    return "\n".join(lines)


def check_alignment(old, new):
    alignment = align(old, new)
    assert sorted(a.id for p in alignment.pairs for a in p.old) == sorted(a.id for a in old.articles)
    assert sorted(a.id for p in alignment.pairs for a in p.new) == sorted(a.id for a in new.articles)
    # Pairs follow the new order by their first new article (a split's further articles may stand later).
    order = {a.id: n for n, a in enumerate(new.articles)}
    firsts = [order[p.new[0].id] for p in alignment.pairs if p.new]
    assert firsts == sorted(firsts)
    for pair in alignment.pairs:
        assert 0.0 <= pair.similarity <= 1.0
        assert "".join(t for op, t in pair.segments if op != "insert") == "\n".join(a.text for a in pair.old)
        assert "".join(t for op, t in pair.segments if op != "delete") == "\n".join(a.text for a in pair.new)


@pytest.mark.parametrize("seed", range(12))
def test_mutated_sample_draft_parses_and_aligns_with_the_original(seed):
    text = corpus_path(SAMPLE).read_text(encoding="utf-8")
    original = parse_text(text)
    try:
        mutated = parse_text(mutate(text, seed, count=40))
    except ParseError as error:
        assert error.code == "no-articles"
        return
    check_alignment(original, mutated)
    check_alignment(mutated, original)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            ["甲。", "乙丙，", "本法第二条", "第一条 ", "第二条 ", "第三条", "（一）", "前款", "\n"]
        ),
        max_size=40,
    ).map("".join),
    st.lists(
        st.sampled_from(
            ["甲。", "乙丙，", "本法第三条", "第一条 ", "第二条 ", "第三条", "（二）", "前两款", "\n"]
        ),
        max_size=40,
    ).map("".join),
)
def test_any_two_drafts_align(old_text, new_text):
    try:
        old, new = parse_text(old_text), parse_text(new_text)
    except ParseError:
        return
    check_alignment(old, new)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise_anything_but_parse_error(data):
    for name in ("upload.txt", "upload.docx"):
        try:
            parse_bytes(data, name)
        except ParseError as error:
            assert error.message
