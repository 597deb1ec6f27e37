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
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from geo._text import DIGIT_MAP, LETTER_MAP, PERSIAN_DIGITS
from geo.errors import NumberParseError

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

Number = int | Decimal
"""An exact number: :class:`int`, or :class:`~decimal.Decimal` when it has a fraction."""

# --------------------------------------------------------------------------- tables

_PERSIAN_DIGITS = PERSIAN_DIGITS
# One character for one character, so that spans found in normalised text are spans
# of the original text too.
_NORMALIZE = str.maketrans({**DIGIT_MAP, **LETTER_MAP})
_TO_PERSIAN = str.maketrans({str(i): p for i, p in enumerate(_PERSIAN_DIGITS)})

_UNITS = {"یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "هفت": 7, "هشت": 8, "نه": 9}
_TEENS = {
    "ده": 10, "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15,
    "شانزده": 16, "هفده": 17, "هجده": 18, "هیجده": 18, "نوزده": 19,
}  # fmt: skip
_TENS = {"بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90}
_HUNDREDS = {
    "صد": 100, "یکصد": 100, "دویست": 200, "سیصد": 300, "چهارصد": 400, "پانصد": 500,
    "ششصد": 600, "هفتصد": 700, "هشتصد": 800, "نهصد": 900,
}  # fmt: skip
_SCALES = {"هزار": 10**3, "میلیون": 10**6, "میلیارد": 10**9, "تریلیون": 10**12}
_ZERO = "صفر"
_AND = "و"
_PERCENT_WORDS = frozenset({"درصد", "درصدی"})
_PERCENT_SIGNS = frozenset({"%", "٪"})

# Levels inside an amount below one thousand: which word may follow which after «و».
_HUNDREDS_LEVEL, _TENS_LEVEL, _UNITS_LEVEL, _CLOSED = 3, 2, 1, 0

_WORD_LEVELS: dict[str, tuple[int, int]] = {
    **{w: (v, _UNITS_LEVEL) for w, v in _UNITS.items()},
    **{w: (v, _UNITS_LEVEL) for w, v in _TEENS.items()},
    **{w: (v, _TENS_LEVEL) for w, v in _TENS.items()},
    **{w: (v, _HUNDREDS_LEVEL) for w, v in _HUNDREDS.items()},
}

# Writer tables (first spelling of each value).
_WORDS_BELOW_20 = ["", *_UNITS, *list(_TEENS)[:9], "نوزده"]
_TENS_WORDS = {v: w for w, v in _TENS.items()}
_HUNDREDS_WORDS = {v: w for w, v in _HUNDREDS.items() if w != "یکصد"}
_SCALE_WORDS = sorted(((v, w) for w, v in _SCALES.items()), reverse=True)

# --------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(
    r"""
    (?P<lit>[0-9]+(?:[,٬،][0-9]{3}(?![0-9]))*(?:[./٫][0-9]+)*)   # digits, groups, decimals
    | (?P<word>(?:[^\W\d_]|[\u064B-\u065F\u0670\u200c])+)        # a word (ZWNJ kept inside)
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

TokenKind = Literal["lit", "value", "scale", "zero", "and", "percent", "word", "other"]


@dataclass(frozen=True)
class _Token:
    kind: TokenKind
    text: str
    start: int
    end: int
    value: Number = 0
    level: int = _CLOSED


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


def normalize_digits(text: str) -> str:
    """Return ``text`` with Persian/Arabic-Indic digits as Latin digits and ي/ك as ی/ک.

    The result has the same length as ``text``, character for character.

    Examples
    --------
    >>> normalize_digits("۱۳۹۶ و ٢٠")
    '1396 و 20'
    """
    return text.translate(_NORMALIZE)


def _literal_value(text: str) -> Number:
    """Value of a digit literal such as ``4,244`` or ``2/5`` (already normalised)."""
    body = re.sub(r"[,٬،]", "", text)
    parts = re.split(r"[./٫]", body)
    if len(parts) > 2:
        raise NumberParseError(f"not a number: {text!r} has more than one decimal separator")
    if len(parts) == 1:
        return int(parts[0])
    return _exact(Decimal(f"{parts[0]}.{parts[1]}"))


def _exact(value: Decimal | int) -> Number:
    """Return an :class:`int` when ``value`` is whole, else a normalised Decimal."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def _tokenize(text: str) -> list[_Token]:
    """Split ``text`` into classified tokens (whitespace dropped)."""
    norm = normalize_digits(text)
    tokens: list[_Token] = []
    for m in _TOKEN_RE.finditer(norm):
        kind = m.lastgroup
        start, end = m.span()
        original = text[start:end]
        if kind == "space":
            continue
        if kind == "lit":
            tokens.append(_Token("lit", original, start, end))
            continue
        if kind == "other":
            pct = original in _PERCENT_SIGNS
            tokens.append(_Token("percent" if pct else "other", original, start, end))
            continue
        word = m.group().replace("\u200c", "")
        if word in _WORD_LEVELS:
            value, level = _WORD_LEVELS[word]
            tokens.append(_Token("value", original, start, end, value, level))
        elif word in _SCALES:
            tokens.append(_Token("scale", original, start, end, _SCALES[word]))
        elif word == _ZERO:
            tokens.append(_Token("zero", original, start, end))
        elif word == _AND:
            tokens.append(_Token("and", original, start, end))
        elif word in _PERCENT_WORDS:
            tokens.append(_Token("percent", original, start, end))
        else:
            tokens.append(_Token("word", original, start, end))
    return tokens


_NUMERIC_KINDS = frozenset({"lit", "value", "scale", "zero"})


# --------------------------------------------------------------------------- grammar


def _evaluate(tokens: list[_Token], source: str) -> Number:
    """Evaluate a sequence of number tokens, or raise NumberParseError.

    The grammar: groups joined by «و»; a group is an amount below one thousand
    (hundreds [و tens [و unit]], or a digit literal) optionally followed by a scale
    word. Scales fall from group to group, each group smaller than the previous
    scale; a scale larger than all before it multiplies everything so far
    («یک هزار و 872 میلیارد»).
    """

    def fail(why: str) -> NumberParseError:
        return NumberParseError(f"not a number: {source!r} ({why})")

    if not tokens:
        raise fail("no number in it")
    if len(tokens) == 1 and tokens[0].kind == "zero":
        return 0
    total: Number = 0
    cur: Number | None = None
    cur_level = _CLOSED
    last_scale: int | None = None  # scale of the group committed last
    max_scale = 0
    prev: _Token | None = None
    last_text = ""  # the last word or digits of the amount being read
    for tok in tokens:
        if tok.kind == "and":
            if prev is None or prev.kind == "and":
                raise fail("«و» without a number before it")
        elif tok.kind in ("lit", "value"):
            if prev is not None and prev.kind != "and":
                raise fail(f"missing «و» between {prev.text!r} and {tok.text!r}")
            if tok.kind == "lit":
                value, level = _literal_value(normalize_digits(tok.text)), _CLOSED
            else:
                value, level = tok.value, tok.level
            if cur is None:
                cur, cur_level = value, level
            else:
                ok = (cur_level == _HUNDREDS_LEVEL and (level in (_TENS_LEVEL, _UNITS_LEVEL) or (
                    level == _CLOSED and isinstance(value, int) and 0 < value < 100
                ))) or (cur_level == _TENS_LEVEL and level == _UNITS_LEVEL and value < 10)
                if not ok:
                    raise fail(f"{tok.text!r} cannot follow {last_text!r}")
                cur, cur_level = cur + value, level
            last_text = tok.text
            if cur == 0 and len(tokens) > 1:
                raise fail("zero inside a compound number")
        elif tok.kind == "scale":
            m = int(tok.value)
            if prev is not None and prev.kind == "scale":
                # «هزار میلیارد»: a larger scale straight after a scale multiplies all.
                if m <= int(prev.value) or m <= max_scale or total >= m:
                    raise fail(f"{tok.text!r} cannot follow {prev.text!r}")
                total, last_scale, max_scale = total * m, m, m
            else:
                v = cur if cur is not None else 1  # «هزار» alone is one thousand
                if last_scale is None or m < last_scale:
                    if last_scale is not None and v * m >= last_scale:
                        raise fail(f"{v} × {tok.text} is not below the scale before it")
                    total += v * m
                    last_scale, max_scale = m, max(max_scale, m)
                elif cur is not None and m > max_scale and total + v < m:
                    total, last_scale, max_scale = (total + v) * m, m, m
                else:
                    raise fail(f"scale {tok.text!r} out of order")
            cur, cur_level = None, _CLOSED
        else:
            raise fail(f"unexpected {tok.text!r}")
        prev = tok
    if prev is not None and prev.kind == "and":
        raise fail("ends with «و»")
    if cur is not None:
        if last_scale is not None and cur >= last_scale:
            raise fail(f"{cur} is not below the scale before it")
        total += cur
    return _exact(total)


def _split_percent(tokens: list[_Token]) -> tuple[list[_Token], bool]:
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
        raise NumberParseError(f"not a number: {text!r} is not text")
    tokens, is_percent = _split_percent(_tokenize(text))
    value = _evaluate(tokens, text)
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
        raise NumberParseError(f"not a plain number: {text!r} is a percentage (use parse_percent)")
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
        raise NumberParseError(f"not a percentage: {text!r} has no درصد or % sign")
    return parsed.value


def _numeric_runs(tokens: list[_Token]) -> list[list[_Token]]:
    """Maximal runs of number tokens, joined by «و» only when a number follows it."""
    runs: list[list[_Token]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].kind not in _NUMERIC_KINDS:
            i += 1
            continue
        run = [tokens[i]]
        i += 1
        while i < len(tokens):
            if tokens[i].kind in _NUMERIC_KINDS:
                run.append(tokens[i])
                i += 1
            elif tokens[i].kind == "and" and i + 1 < len(tokens) and tokens[i + 1].kind in _NUMERIC_KINDS:
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
    for run in _numeric_runs(_tokenize(text)):
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
                    value = _evaluate(body, text[run[i].start : run[j - 1].end])
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
        what = "no number" if not found else f"{len(found)} numbers ({', '.join(n.text for n in found)})"
        raise NumberParseError(f"expected one number expression in {phrase!r}, found {what}")
    return found[0]


# --------------------------------------------------------------------------- writers


def _below_thousand_words(n: int) -> list[str]:
    """Persian words of 1 ≤ n < 1000, as the pieces that «و» joins."""
    parts: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        parts.append(_HUNDREDS_WORDS[hundreds * 100])
    if rest >= 20:
        tens, unit = divmod(rest, 10)
        parts.append(_TENS_WORDS[tens * 10])
        if unit:
            parts.append(_WORDS_BELOW_20[unit])
    elif rest:
        parts.append(_WORDS_BELOW_20[rest])
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
        raise NumberParseError(f"cannot write {n!r} in words (need an integer 0 ≤ n < 10^15)")
    if n == 0:
        return _ZERO
    parts: list[str] = []
    rest = n
    for scale, word in _SCALE_WORDS:
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
        raise NumberParseError(f"cannot format {value!r} as a number")
    if not isinstance(value, int) and not math.isfinite(value):
        raise NumberParseError(f"cannot format {value!r} as a number")
    sep = "," if group else ""
    if decimals is not None:
        text = f"{Decimal(str(value)):{sep}.{decimals}f}"
    elif isinstance(value, int):
        text = f"{value:{sep}d}"
    else:
        dec = Decimal(str(value)) if isinstance(value, float) else value
        text = f"{dec.normalize():{sep}f}" if dec != dec.to_integral_value() else f"{int(dec):{sep}d}"
    return text.replace(",", "٬").replace(".", "٫").translate(_TO_PERSIAN)


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
    if isinstance(value, str):
        return value.translate(_TO_PERSIAN)
    return format_number_fa(value, group=group)
