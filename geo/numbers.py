"""Read and write Persian number expressions.

Persian news text writes quantities in a mix of digits and words, e.g.
«چهار هزار و 244» (4 244), «2 میلیارد و 300میلیون» (2 300 000 000) or
«یک هزار و 872 میلیارد» (1 872 000 000 000). This module turns such expressions
into exact Python numbers, finds them inside running text, and writes integers
back as Persian words or as Persian digits for display.

Values are exact: integers come back as :class:`int`; a value with a fractional
part (from a decimal separator, e.g. «2/5» or «۲٫۵») comes back as
:class:`decimal.Decimal`. A decimal that turns out whole once scaled
(«2/5 میلیون») is returned as :class:`int`.

Accepted
--------
* digits: Latin ``0-9``, Persian ``۰-۹`` and Arabic-Indic ``٠-٩``;
* thousands separators between groups of exactly three digits: ``٬`` (U+066C),
  ``,`` and ``،`` (U+060C);
* decimal separators: ``٫`` (U+066B), ``.`` and ``/`` («2/5» as Iranians write 2.5);
* number words (also with Arabic letter forms ``ي``/``ك``): صفر, یک … نه, ده … نوزده,
  بیست … نود, صد/یکصد … نهصد, and the scale words هزار (10^3), میلیون (10^6),
  میلیارد (10^9) and تریلیون (10^12);
* words and digits joined by «و», and words glued to digits («300میلیون»);
* a larger scale after a complete smaller amount multiplies all of it:
  «یک هزار و 872 میلیارد» = 1 872 × 10^9, «هزار میلیارد» = 10^12;
* percentages (only through :func:`parse_percent` / :func:`parse_quantity`):
  «20 درصد», «20 درصدی», «۶۵٪», «65%».

«بیلیون» is deliberately not accepted: in Persian texts it means 10^9 or 10^12
depending on the writer.

Only non-negative amounts are read. Anything else raises
:class:`geo.errors.NumberParseError` naming the text.

Examples
--------
>>> parse_number("چهار هزار و 244")
4244
>>> parse_number("2 میلیارد و 300میلیون")
2300000000
>>> parse_percent("20 درصدی")
20
>>> number_to_words(2007)
'دو هزار و هفت'
>>> format_number_fa(1872000)
'۱٬۸۷۲٬۰۰۰'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from geo._args import check_flag, check_whole
from geo._number_words import (
    HUNDREDS_WORDS,
    NUMERIC_KINDS,
    SCALE_WORDS,
    TENS_WORDS,
    WORDS_BELOW_20,
    ZERO,
    Number,
    Token,
    evaluate,
    normalize_digits,
    quoted,
    tokenize,
)
from geo._text import persian_digits
from geo.errors import NumberParseError
from geo.i18n import as_given, message, whole

__all__ = [
    "Number",
    "ParsedNumber",
    "normalize_digits",
    "parse_number",
    "parse_percent",
    "parse_quantity",
    "find_numbers",
    "extract_number",
    "number_to_words",
    "to_persian_digits",
    "format_number_fa",
]


@dataclass(frozen=True)
class ParsedNumber:
    """A number expression read from text.

    Attributes
    ----------
    value
        The exact amount (for a percentage: the number of percent, 20 for «20 درصد»).
    is_percent
        True when the expression carries a percent word or sign.
    text
        The expression as written in the source (original digits and letters).
    start, end
        Its span in the text that was searched (``text == source[start:end]``).

    Examples
    --------
    >>> extract_number("رشد 20 درصدی انعقاد قراردادها")
    ParsedNumber(value=20, is_percent=True, text='20 درصدی', start=4, end=12)
    """

    value: Number
    is_percent: bool
    text: str
    start: int
    end: int


def _split_percent(tokens: list[Token]) -> tuple[list[Token], bool]:
    """Drop a trailing percent word/sign; say whether there was one."""
    if tokens and tokens[-1].kind == "percent":
        return tokens[:-1], True
    return tokens, False


def parse_quantity(text: str) -> ParsedNumber:
    """Read a whole string as one number expression, with or without a percent mark.

    Parameters
    ----------
    text
        The expression, e.g. ``"2 میلیون و 418 هزار و 401"`` or ``"۶۵٪"``.

    Returns
    -------
    ParsedNumber
        Value, whether it is a percentage, and the span (the whole stripped text).

    Raises
    ------
    NumberParseError
        When ``text`` is not exactly one number expression.

    Examples
    --------
    >>> parse_quantity("۶۵٪").value, parse_quantity("۶۵٪").is_percent
    (65, True)
    """
    if not isinstance(text, str):
        raise NumberParseError(message("errors", "number_not_text", text=as_given(text)))
    tokens, is_percent = _split_percent(tokenize(text))
    value = evaluate(tokens, text)
    stripped = text.strip()
    start = text.index(stripped) if stripped else 0
    return ParsedNumber(value, is_percent, stripped, start, start + len(stripped))


def parse_number(text: str) -> Number:
    """Read a whole string as one number expression (no percent mark).

    Parameters
    ----------
    text
        Digits (any of the three digit sets), Persian number words, or a mix.

    Returns
    -------
    int or Decimal
        :class:`int` when the value is whole, else an exact :class:`~decimal.Decimal`.

    Raises
    ------
    NumberParseError
        When ``text`` is not a number, or is a percentage (use :func:`parse_percent`).

    Examples
    --------
    >>> parse_number("یک هزار و 872 میلیارد")
    1872000000000
    >>> parse_number("2/5")
    Decimal('2.5')
    """
    parsed = parse_quantity(text)
    if parsed.is_percent:
        raise NumberParseError(message("errors", "number_is_percent", text=whole(quoted(text))))
    return parsed.value


def parse_percent(text: str) -> Number:
    """Read a percentage such as «20 درصدی» and return the number of percent (20).

    Parameters
    ----------
    text
        A number (digits or Persian words) followed by درصد, درصدی, ٪ or %.

    Returns
    -------
    int or decimal.Decimal
        The number of percent, exact.

    Raises
    ------
    NumberParseError
        When ``text`` is not a number followed by درصد/درصدی/٪/%.

    Examples
    --------
    >>> parse_percent("۶۵٪")
    65
    """
    parsed = parse_quantity(text)
    if not parsed.is_percent:
        raise NumberParseError(message("errors", "number_not_percent", text=whole(quoted(text))))
    return parsed.value


def _numeric_runs(tokens: list[Token]) -> list[list[Token]]:
    """Maximal runs of number tokens, joined by «و» only when a number follows it."""
    runs: list[list[Token]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].kind not in NUMERIC_KINDS:
            i += 1
            continue
        run = [tokens[i]]
        i += 1
        while i < len(tokens):
            if tokens[i].kind in NUMERIC_KINDS:
                run.append(tokens[i])
                i += 1
            elif tokens[i].kind == "and" and i + 1 < len(tokens) and tokens[i + 1].kind in NUMERIC_KINDS:
                run.extend(tokens[i : i + 2])
                i += 2
            else:
                break
        if i < len(tokens) and tokens[i].kind == "percent":
            run.append(tokens[i])
            i += 1
        runs.append(run)
    return runs


def find_numbers(text: str) -> list[ParsedNumber]:
    """Find every number expression in running text, left to right.

    A run of number words and digits that does not form one valid expression is
    split into the longest valid pieces; malformed digit strings (e.g. dates such as
    ``1396/12/29``) are skipped. Note that «یک» as an indefinite article («یک نهاد»)
    is found as the number 1: the words are the same.

    Examples
    --------
    >>> [n.value for n in find_numbers("ساخت 11 ایستگاه و 2 هزار و هفت واحد")]
    [11, 2007]
    """
    found: list[ParsedNumber] = []
    for run in _numeric_runs(tokenize(text)):
        i = 0
        while i < len(run):
            if run[i].kind in ("and", "percent"):
                i += 1
                continue
            for j in range(len(run), i, -1):
                body, is_percent = _split_percent(run[i:j])
                if not body or body[-1].kind == "and":
                    continue
                try:
                    value = evaluate(body, text[run[i].start : run[j - 1].end])
                except NumberParseError:
                    continue
                start, end = run[i].start, run[j - 1].end
                found.append(ParsedNumber(value, is_percent, text[start:end], start, end))
                i = j
                break
            else:
                i += 1  # a token that is no number on its own (e.g. 1/2/3)
    return found


def extract_number(phrase: str) -> ParsedNumber:
    """Return the single number expression inside a short phrase.

    Parameters
    ----------
    phrase
        A few words that state one quantity, e.g. «ساخت 11 ایستگاه آتش نشانی».

    Raises
    ------
    NumberParseError
        When the phrase holds no number expression or more than one.

    Examples
    --------
    >>> extract_number("ساخت 11 ایستگاه آتش نشانی").value
    11
    >>> extract_number("2 میلیارد و 300میلیون دلار صادرات").value
    2300000000
    """
    found = find_numbers(phrase)
    if len(found) != 1:
        if not found:
            raise NumberParseError(message("errors", "number_none_found", phrase=as_given(phrase)))
        texts = whole(", ".join(n.text for n in found))
        raise NumberParseError(
            message("errors", "number_many_found", phrase=as_given(phrase), count=len(found), found=texts)
        )
    return found[0]


# --------------------------------------------------------------------------- writers


def _below_thousand_words(n: int) -> list[str]:
    """Persian words of 1 ≤ n < 1000, as the pieces that «و» joins."""
    parts: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        parts.append(HUNDREDS_WORDS[hundreds * 100])
    if rest >= 20:
        tens, unit = divmod(rest, 10)
        parts.append(TENS_WORDS[tens * 10])
        if unit:
            parts.append(WORDS_BELOW_20[unit])
    elif rest:
        parts.append(WORDS_BELOW_20[rest])
    return parts


def number_to_words(n: int) -> str:
    """Write a non-negative integer in Persian words.

    Groups of three digits are written with هزار, میلیون, میلیارد and تریلیون and
    joined by «و»; a group of one is written «یک هزار», as in news text.

    Parameters
    ----------
    n
        0 ≤ n < 10^15.

    Raises
    ------
    NumberParseError
        For negative, non-integer or too large values.

    Examples
    --------
    >>> number_to_words(2418401)
    'دو میلیون و چهارصد و هجده هزار و چهارصد و یک'
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n < 10**15:
        raise NumberParseError(message("errors", "number_words_range", n=as_given(n)))
    if n == 0:
        return ZERO
    parts: list[str] = []
    rest = n
    for scale, word in SCALE_WORDS:
        group, rest = divmod(rest, scale)
        if group:
            parts.append(" و ".join(_below_thousand_words(group)) + f" {word}")
    if rest:
        parts.append(" و ".join(_below_thousand_words(rest)))
    return " و ".join(parts)


def format_number_fa(value: int | float | Decimal, *, decimals: int | None = None, group: bool = True) -> str:
    """Format a number with Persian digits, ``٬`` between thousands and ``٫`` for decimals.

    Parameters
    ----------
    value
        The number.
    decimals
        Digits after the decimal separator (rounded); ``None`` keeps an int as is and
        writes a float/Decimal in its shortest exact form.
    group
        Put ``٬`` between groups of three digits.

    Examples
    --------
    >>> format_number_fa(2418401)
    '۲٬۴۱۸٬۴۰۱'
    >>> format_number_fa(2.5)
    '۲٫۵'
    >>> format_number_fa(78.456, decimals=1)
    '۷۸٫۵'
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise NumberParseError(message("errors", "number_format", value=as_given(value)))
    if not isinstance(value, int) and not math.isfinite(value):
        raise NumberParseError(message("errors", "number_format", value=as_given(value)))
    sep = "," if check_flag(group, "group") else ""
    if decimals is not None:
        decimals = check_whole(decimals, "decimals", low=0, high=100)
        text = f"{Decimal(str(value)):{sep}.{decimals}f}"
    elif isinstance(value, int):
        text = f"{value:{sep}d}"
    else:
        dec = Decimal(str(value)) if isinstance(value, float) else value
        text = f"{dec.normalize():{sep}f}" if dec != dec.to_integral_value() else f"{int(dec):{sep}d}"
    return persian_digits(text, separators=True)


def to_persian_digits(value: str | int | float | Decimal, *, group: bool = True) -> str:
    """Write Latin digits as Persian digits.

    Numbers are formatted with :func:`format_number_fa` (``group`` puts ``٬`` between
    thousands); text only has its digits replaced, everything else left as it is.

    Parameters
    ----------
    value
        A number, or text whose Latin digits are to be replaced.
    group
        Separate thousands with ``٬`` (numbers only).

    Returns
    -------
    str

    Examples
    --------
    >>> to_persian_digits(1396, group=False)
    '۱۳۹۶'
    >>> to_persian_digits("ISO 14001")
    'ISO ۱۴۰۰۱'
    """
    check_flag(group, "group")
    if isinstance(value, str):
        return persian_digits(value)
    return format_number_fa(value, group=group)
