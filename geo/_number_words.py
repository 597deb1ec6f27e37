"""The grammar of Persian number expressions: number words, tokens and their evaluation.

The tables of number words (units, teens, tens, hundreds, scales), the tokenizer that
splits text into digit literals, number words, «و», scale and percent words, and the
evaluator that reads a run of tokens as one exact amount. :mod:`geo.numbers` is the
public interface built on it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from geo._text import DIGIT_MAP, LETTER_MAP
from geo.errors import NumberParseError
from geo.i18n import as_given, message, whole

Number = int | Decimal
"""An exact number: :class:`int`, or :class:`~decimal.Decimal` when it has a fraction."""

# --------------------------------------------------------------------------- tables

# One character for one character, so that spans found in normalised text are spans
# of the original text too.
_NORMALIZE = str.maketrans({**DIGIT_MAP, **LETTER_MAP})

_UNITS = {"یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "هفت": 7, "هشت": 8, "نه": 9}
_TEENS = {
    "ده": 10,
    "یازده": 11,
    "دوازده": 12,
    "سیزده": 13,
    "چهارده": 14,
    "پانزده": 15,
    "شانزده": 16,
    "هفده": 17,
    "هجده": 18,
    "هیجده": 18,
    "نوزده": 19,
}
_TENS = {"بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90}
_HUNDREDS = {
    "صد": 100,
    "یکصد": 100,
    "دویست": 200,
    "سیصد": 300,
    "چهارصد": 400,
    "پانصد": 500,
    "ششصد": 600,
    "هفتصد": 700,
    "هشتصد": 800,
    "نهصد": 900,
}
_SCALES = {"هزار": 10**3, "میلیون": 10**6, "میلیارد": 10**9, "تریلیون": 10**12}
ZERO = "صفر"
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
WORDS_BELOW_20 = ["", *_UNITS, *list(_TEENS)[:9], "نوزده"]
TENS_WORDS = {v: w for w, v in _TENS.items()}
HUNDREDS_WORDS = {v: w for w, v in _HUNDREDS.items() if w != "یکصد"}
SCALE_WORDS = sorted(((v, w) for w, v in _SCALES.items()), reverse=True)

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
class Token:
    kind: TokenKind
    text: str
    start: int
    end: int
    value: Number = 0
    level: int = _CLOSED


def normalize_digits(text: str) -> str:
    """Return ``text`` with Persian/Arabic-Indic digits as Latin digits and ي/ك as ی/ک.

    The result has the same length as ``text``, character for character.

    Examples
    --------
    >>> normalize_digits("۱۳۹۶ و ٢٠")
    '1396 و 20'
    """
    return text.translate(_NORMALIZE)


#: The most digits a whole number may have: Python's own limit of a text read as an int
#: (``sys.get_int_max_str_digits``, 4,300 by default), where it has one.
MAX_DIGITS = sys.get_int_max_str_digits() or 4300


def quoted(text: str, limit: int = 60) -> str:
    """``text`` as a message quotes it: its repr, cut to ``limit`` characters.

    Examples
    --------
    >>> quoted("1" * 100, limit=8)
    "'11111111…' (100 characters)"
    """
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}… ({len(text):,} characters)".replace("'…", "…'")


def _literal_value(text: str) -> Number:
    """Value of a digit literal such as ``4,244`` or ``2/5`` (already normalised)."""
    body = re.sub(r"[,٬،]", "", text)
    parts = re.split(r"[./٫]", body)
    if len(parts) > 2:
        raise NumberParseError(message("errors", "number_two_separators", text=whole(quoted(text))))
    if len(parts[0]) > MAX_DIGITS:
        raise NumberParseError(message("errors", "number_too_many_digits", text=whole(quoted(text)), most=MAX_DIGITS))
    if len(parts) == 1:
        return int(parts[0])
    return exact(Decimal(f"{parts[0]}.{parts[1]}"))


def exact(value: Decimal | int) -> Number:
    """Return an :class:`int` when ``value`` is whole, else a normalised Decimal."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into classified tokens (whitespace dropped)."""
    norm = normalize_digits(text)
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(norm):
        kind = m.lastgroup
        start, end = m.span()
        original = text[start:end]
        if kind == "space":
            continue
        if kind == "lit":
            tokens.append(Token("lit", original, start, end))
            continue
        if kind == "other":
            pct = original in _PERCENT_SIGNS
            tokens.append(Token("percent" if pct else "other", original, start, end))
            continue
        word = m.group().replace("\u200c", "")
        if word in _WORD_LEVELS:
            value, level = _WORD_LEVELS[word]
            tokens.append(Token("value", original, start, end, value, level))
        elif word in _SCALES:
            tokens.append(Token("scale", original, start, end, _SCALES[word]))
        elif word == ZERO:
            tokens.append(Token("zero", original, start, end))
        elif word == _AND:
            tokens.append(Token("and", original, start, end))
        elif word in _PERCENT_WORDS:
            tokens.append(Token("percent", original, start, end))
        else:
            tokens.append(Token("word", original, start, end))
    return tokens


NUMERIC_KINDS = frozenset({"lit", "value", "scale", "zero"})


# --------------------------------------------------------------------------- grammar


def _may_follow(cur_level: int, level: int, value: Number) -> bool:
    """Whether an amount of ``level`` may follow one of ``cur_level`` after «و» (below 1000)."""
    after_hundreds = level in (_TENS_LEVEL, _UNITS_LEVEL) or (
        level == _CLOSED and isinstance(value, int) and 0 < value < 100
    )
    return (cur_level == _HUNDREDS_LEVEL and after_hundreds) or (
        cur_level == _TENS_LEVEL and level == _UNITS_LEVEL and value < 10
    )


class _Evaluator:
    """The state of reading one number expression, token by token (see :func:`evaluate`)."""

    def __init__(self, source: str, count: int) -> None:
        self.source, self.count = source, count
        self.total: Number = 0
        self.cur: Number | None = None
        self.cur_level = _CLOSED
        self.last_scale: int | None = None  # scale of the group committed last
        self.max_scale = 0
        self.prev: Token | None = None
        self.last_text = ""  # the last word or digits of the amount being read

    def fail(self, why: str, /, **fields: object) -> NumberParseError:
        """The error of this expression: ``why`` is a code ``number_why_*`` of errors.csv, with its fields."""
        reason = message("errors", f"number_why_{why}", **fields)
        return NumberParseError(message("errors", "number_not_a_number", text=whole(quoted(self.source)), why=reason))

    def step(self, tok: Token) -> None:
        if tok.kind == "and":
            if self.prev is None or self.prev.kind == "and":
                raise self.fail("va_first")
        elif tok.kind in ("lit", "value"):
            self._amount(tok)
        elif tok.kind == "scale":
            self._scale(tok)
        else:
            raise self.fail("unexpected", word=as_given(tok.text))
        self.prev = tok

    def _amount(self, tok: Token) -> None:
        if self.prev is not None and self.prev.kind != "and":
            raise self.fail("missing_va", a=as_given(self.prev.text), b=as_given(tok.text))
        if tok.kind == "lit":
            value, level = _literal_value(normalize_digits(tok.text)), _CLOSED
        else:
            value, level = tok.value, tok.level
        if self.cur is None:
            self.cur, self.cur_level = value, level
        elif _may_follow(self.cur_level, level, value):
            self.cur, self.cur_level = self.cur + value, level
        else:
            raise self.fail("cannot_follow", word=as_given(tok.text), before=as_given(self.last_text))
        self.last_text = tok.text
        if self.cur == 0 and self.count > 1:
            raise self.fail("zero_inside")

    def _scale(self, tok: Token) -> None:
        m = int(tok.value)
        prev = self.prev
        if prev is not None and prev.kind == "scale":
            # «هزار میلیارد»: a larger scale straight after a scale multiplies all.
            if m <= int(prev.value) or m <= self.max_scale or self.total >= m:
                raise self.fail("cannot_follow", word=as_given(tok.text), before=as_given(prev.text))
            self.total, self.last_scale, self.max_scale = self.total * m, m, m
        else:
            self._close_group(tok, m)
        self.cur, self.cur_level = None, _CLOSED

    def _close_group(self, tok: Token, m: int) -> None:
        """Commit the amount read so far times the scale ``m`` of ``tok``."""
        v = self.cur if self.cur is not None else 1  # «هزار» alone is one thousand
        if self.last_scale is None or m < self.last_scale:
            if self.last_scale is not None and v * m >= self.last_scale:
                raise self.fail("product_scale", value=v, word=whole(tok.text))
            self.total += v * m
            self.last_scale, self.max_scale = m, max(self.max_scale, m)
        elif self.cur is not None and m > self.max_scale and self.total + v < m:
            self.total, self.last_scale, self.max_scale = (self.total + v) * m, m, m
        else:
            raise self.fail("scale_order", word=as_given(tok.text))

    def finish(self) -> Number:
        if self.prev is not None and self.prev.kind == "and":
            raise self.fail("ends_with_va")
        if self.cur is not None:
            if self.last_scale is not None and self.cur >= self.last_scale:
                raise self.fail("not_below", value=self.cur)
            self.total += self.cur
        return exact(self.total)


def evaluate(tokens: list[Token], source: str) -> Number:
    """Evaluate a sequence of number tokens, or raise NumberParseError.

    The grammar: groups joined by «و»; a group is an amount below one thousand
    (hundreds [و tens [و unit]], or a digit literal) optionally followed by a scale
    word. Scales fall from group to group, each group smaller than the previous
    scale; a scale larger than all before it multiplies everything so far
    («یک هزار و 872 میلیارد»).
    """
    reader = _Evaluator(source, len(tokens))
    if not tokens:
        raise reader.fail("none")
    if len(tokens) == 1 and tokens[0].kind == "zero":
        return 0
    for tok in tokens:
        reader.step(tok)
    return reader.finish()
