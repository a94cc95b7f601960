import pytest

from versions.numerals import article_label, to_chinese, to_int


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十三", 13),
        ("二十", 20),
        ("二十一", 21),
        ("一百", 100),
        ("一百零一", 101),
        ("一百一十", 110),
        ("一千二百六十", 1260),
        ("一千零二十", 1020),
        ("两百", 200),
        ("101", 101),
        ("１２", 12),
        ("一〇一", 101),
    ],
)
def test_to_int_reads_legal_numerals(numeral, value):
    assert to_int(numeral) == value


@pytest.mark.parametrize(
    "value", [1, 9, 10, 11, 19, 20, 99, 100, 101, 110, 111, 1000, 1001, 1010, 1260, 9999]
)
def test_to_chinese_round_trips(value):
    assert to_int(to_chinese(value)) == value


@pytest.mark.parametrize(
    ("value", "numeral"),
    [
        (10, "十"),
        (13, "十三"),
        (20, "二十"),
        (101, "一百零一"),
        (110, "一百一十"),
        (1260, "一千二百六十"),
        (1005, "一千零五"),
    ],
)
def test_to_chinese_writes_as_legal_texts_do(value, numeral):
    assert to_chinese(value) == numeral


@pytest.mark.parametrize(
    ("number", "sub", "label"), [(20, 0, "第二十条"), (20, 1, "第二十条之一"), (101, 2, "第一百零一条之二")]
)
def test_article_label(number, sub, label):
    assert article_label(number, sub) == label


@pytest.mark.parametrize("bad", ["", "abc", "第", "十x"])
def test_to_int_refuses_non_numerals(bad):
    with pytest.raises(ValueError):
        to_int(bad)
