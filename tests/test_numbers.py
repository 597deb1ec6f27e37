"""The Persian number reader and writer (geo.numbers)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.errors import NumberParseError
from geo.numbers import (
    extract_number,
    find_numbers,
    format_number_fa,
    normalize_digits,
    number_to_words,
    parse_number,
    parse_percent,
    parse_quantity,
    to_persian_digits,
)

ARTICLE_EXPRESSIONS = [
    ("چهار هزار و 244", 4244),
    ("یک هزار و 982", 1982),
    ("2 میلیارد و 300میلیون", 2_300_000_000),
    ("2 میلیون و 418 هزار و 401", 2_418_401),
    ("130 هزار و 622", 130_622),
    ("یک هزار و 872 میلیارد", 1_872_000_000_000),
    ("2 هزار و هفت", 2007),
    ("سه هزار و 895", 3895),
    ("پنج هزار و 911", 5911),
    ("78 هزار", 78_000),
    ("50 میلیون", 50_000_000),
    ("هفت", 7),
]


@pytest.mark.parametrize(("text", "expected"), ARTICLE_EXPRESSIONS)
def test_article_expressions(text: str, expected: int) -> None:
    value = parse_number(text)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("هزار", 1000),
        ("صد و بیست", 120),
        ("دو میلیون و سیصد هزار", 2_300_000),
        ("صد و ده", 110),
        ("نهصد و نود و نه", 999),
        ("یکصد", 100),
        ("صفر", 0),
        ("0", 0),
        ("میلیون و هزار", 1_001_000),
        ("هزار میلیارد", 10**12),
        ("یک تریلیون", 10**12),
        ("سیصد و 25 هزار", 325_000),
        ("يك هزار و سي", 1030),  # Arabic ي and ك
        ("هيجده", 18),
        ("  42  ", 42),
        ("1872 میلیارد", 1_872_000_000_000),
        ("2 هزار و 500 میلیارد", 2_500_000_000_000),
    ],
)
def test_words_and_grammar(text: str, expected: int) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۴۲۴۴", 4244),
        ("٤٢٤٤", 4244),
        ("۴٬۲۴۴", 4244),  # U+066C
        ("4,244", 4244),
        ("4،244", 4244),  # U+060C
        ("۱٬۸۷۲٬۰۰۰٬۰۰۰٬۰۰۰", 1_872_000_000_000),
        ("۲ میلیارد و ۳۰۰میلیون", 2_300_000_000),
        ("١٣٠ هزار و ٦٢٢", 130_622),
    ],
)
def test_digit_scripts_and_separators(text: str, expected: int) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۲٫۵", Decimal("2.5")),  # U+066B
        ("2/5", Decimal("2.5")),
        ("2.5", Decimal("2.5")),
        ("۰/۷۵", Decimal("0.75")),
        ("1,234.5", Decimal("1234.5")),
    ],
)
def test_decimals_are_exact(text: str, expected: Decimal) -> None:
    value = parse_number(text)
    assert isinstance(value, Decimal)
    assert value == expected


def test_whole_scaled_decimal_is_int() -> None:
    assert parse_number("2/5 میلیون") == 2_500_000
    assert type(parse_number("2/5 میلیون")) is int
    assert parse_number("۱٫۲۵ میلیارد") == 1_250_000_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20 درصدی", 20), ("20 درصد", 20), ("۶۵٪", 65), ("65%", 65), ("بیست درصد", 20), ("۲/۵ درصد", Decimal("2.5"))],
)
def test_percentages(text: str, expected: int | Decimal) -> None:
    assert parse_percent(text) == expected
    assert parse_quantity(text).is_percent
    with pytest.raises(NumberParseError, match="percentage"):
        parse_number(text)


def test_parse_percent_needs_a_percent_mark() -> None:
    with pytest.raises(NumberParseError, match="not a percentage"):
        parse_percent("20")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "سلام",
        "هزار هزار",
        "میلیون میلیون",
        "میلیون هزار",
        "دو هزار ریال",  # trailing garbage
        "واحد 12",  # leading garbage
        "بیست پنج",  # missing «و»
        "بیست و یازده",
        "پنج و بیست",
        "و دو",
        "دو و",
        "دو و و سه",
        "دو میلیون و 1500 هزار",  # group not below the scale before it
        "دو هزار و 1500",
        "دو هزار و سه میلیون و چهار میلیون",
        "صفر هزار",
        "1396/12/29",
        "1,2345",
        "12 13",
        "-5",
        "۲۰ درصد درصد",
    ],
)
def test_non_numbers_raise_naming_the_text(text: str) -> None:
    with pytest.raises(NumberParseError) as info:
        parse_number(text)
    assert repr(text) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_non_text_raises() -> None:
    with pytest.raises(NumberParseError):
        parse_number(12)  # type: ignore[arg-type]


def test_normalize_digits_keeps_length() -> None:
    text = "۱۳۹۶ يك ٢٠"
    assert normalize_digits(text) == "1396 یک 20"
    assert len(normalize_digits(text)) == len(text)


def test_find_numbers_in_running_text() -> None:
    text = "ساماندهی 244 تور صنعتی برای پنج هزار و 335 نفر و رشد 20 درصدی"
    found = find_numbers(text)
    assert [(n.value, n.is_percent) for n in found] == [(244, False), (5335, False), (20, True)]
    for n in found:
        assert text[n.start : n.end] == n.text


def test_find_numbers_splits_invalid_runs_and_skips_dates() -> None:
    assert [n.value for n in find_numbers("بیست پنج")] == [20, 5]
    assert find_numbers("تاریخ 1396/12/29 است") == []


def test_extract_number() -> None:
    assert extract_number("ساخت 11 ایستگاه آتش نشانی").value == 11
    assert extract_number("2 میلیارد و 300میلیون دلار صادرات").value == 2_300_000_000
    assert extract_number("رشد 78 درصدی در مساحت").is_percent
    with pytest.raises(NumberParseError, match="found no number"):
        extract_number("ایستگاه آتش نشانی")
    with pytest.raises(NumberParseError, match="2 numbers"):
        extract_number("244 تور صنعتی برای پنج هزار و 335 نفر")


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "صفر"),
        (7, "هفت"),
        (18, "هجده"),
        (120, "صد و بیست"),
        (1000, "یک هزار"),
        (2007, "دو هزار و هفت"),
        (2_300_000, "دو میلیون و سیصد هزار"),
        (10**12, "یک تریلیون"),
    ],
)
def test_number_to_words_examples(n: int, words: str) -> None:
    assert number_to_words(n) == words


@pytest.mark.parametrize("bad", [-1, 10**15, 2.5, True])
def test_number_to_words_rejects(bad: object) -> None:
    with pytest.raises(NumberParseError):
        number_to_words(bad)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**12))
def test_round_trip_words(n: int) -> None:
    assert parse_number(number_to_words(n)) == n


_SCALES = [(10**12, "تریلیون"), (10**9, "میلیارد"), (10**6, "میلیون"), (10**3, "هزار")]


@st.composite
def mixed_forms(draw: st.DrawFn) -> tuple[int, str]:
    """A number and a mixed digit/word spelling of it, as news text writes them.

    Each three-digit group is written as digits (Latin or Persian) or as words, and a
    digit group may be glued to its scale word («300میلیون»).
    """
    n = draw(st.integers(min_value=1, max_value=10**12))
    pieces = []
    rest = n
    for scale, word in [*_SCALES, (1, "")]:
        group, rest = divmod(rest, scale)
        if not group:
            continue
        style = draw(st.sampled_from(["latin", "persian", "words"]))
        if style == "words":
            text = number_to_words(group)
        else:
            text = str(group) if style == "latin" else to_persian_digits(group, group=False)
        if word:
            glue = "" if style != "words" and draw(st.booleans()) else " "
            text = f"{text}{glue}{word}"
        pieces.append(text)
    return n, " و ".join(pieces)


@given(mixed_forms())
def test_round_trip_mixed_forms(case: tuple[int, str]) -> None:
    n, text = case
    assert parse_number(text) == n


@given(st.integers(min_value=0, max_value=10**12))
def test_round_trip_persian_digits(n: int) -> None:
    assert parse_number(format_number_fa(n)) == n
    assert parse_number(to_persian_digits(n, group=False)) == n


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["درصد", "درصدی", "٪"]))
def test_round_trip_percent(n: int, mark: str) -> None:
    sep = "" if mark == "٪" else " "
    assert parse_percent(f"{number_to_words(n)}{sep}{mark}") == n


def test_format_number_fa() -> None:
    assert format_number_fa(2_418_401) == "۲٬۴۱۸٬۴۰۱"
    assert format_number_fa(2.5) == "۲٫۵"
    assert format_number_fa(Decimal("1872.50")) == "۱٬۸۷۲٫۵"
    assert format_number_fa(78.456, decimals=1) == "۷۸٫۵"
    assert format_number_fa(1234, group=False) == "۱۲۳۴"
    assert format_number_fa(3.0) == "۳"
    with pytest.raises(NumberParseError):
        format_number_fa(float("nan"))


def test_to_persian_digits_on_text() -> None:
    assert to_persian_digits("ISO 14001, 1396") == "ISO ۱۴۰۰۱, ۱۳۹۶"
    assert to_persian_digits(1_872_000) == "۱٬۸۷۲٬۰۰۰"
