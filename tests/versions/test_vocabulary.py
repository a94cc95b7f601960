"""The consultation vocabulary: masking, 款 and target labels, and the disposition lists derived from it."""

from __future__ import annotations

import dataclasses

import pytest

from exporters import summary
from versions.vocabulary import (
    DISPOSITIONS,
    GENERAL,
    PERSONAL_FIELDS,
    mask,
    mask_contact,
    mask_name,
    paragraph_label,
    target_label,
)


@pytest.mark.parametrize(
    ("number", "label"),
    [(1, "第一款"), (2, "第二款"), (10, "第十款"), (11, "第十一款"), (20, "第二十款"), (100, "第一百款"),
     (101, "第一百零一款"), (110, "第一百一十款")],
)  # fmt: skip
def test_paragraph_label(number, label):
    assert paragraph_label(number) == label


@pytest.mark.parametrize(
    ("article", "paragraph", "label"),
    [(None, None, "总体意见"), ("第十三条", None, "第十三条"), ("第十三条", 2, "第十三条第二款")],
)
def test_target_label(article, paragraph, label):
    assert target_label(article, paragraph) == label


@pytest.mark.parametrize(
    ("value", "field", "masked"),
    [
        ("张三", "name", "张*"),
        ("黑龙江省某协会", "organisation", "黑******"),
        ("哈尔滨", "region", "哈**"),
        ("13812345678", "contact", "138****5678"),
        ("zhang@example.com", "contact", "z***@example.com"),
        ("12345", "contact", "****"),
        ("", "name", ""),
        ("", "contact", ""),
    ],
)
def test_mask_by_field(value, field, masked):
    assert mask(value, field) == masked
    assert mask(value, field) == (mask_contact(value) if field == "contact" else mask_name(value))


def test_summary_counts_the_vocabulary_dispositions():
    assert tuple(DISPOSITIONS.values()) == summary.DISPOSITIONS + summary.LATER
    assert summary.DISPOSITIONS == ("采纳", "部分采纳", "不采纳", "已有规定")
    assert summary.LATER == ("待研究",)
    assert GENERAL == "总体意见"


def test_summary_comment_carries_every_personal_field():
    names = {f.name for f in dataclasses.fields(summary.SummaryComment)}
    assert set(PERSONAL_FIELDS) <= names
