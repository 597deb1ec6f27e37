"""Bilingual text: every sentence ``geo`` shows, in English and Persian, read from data.

The wordings live in ``data/i18n/`` (see its README), one catalogue a file, each row a
``code`` with an ``en`` and a ``fa`` Python format string:

* ``reasons.csv``: why a register row is flagged or rejected (:class:`geo.reasons.Reason`);
* ``warnings.csv``: problems of a whole register file (:attr:`geo.registers.Register.warnings`);
* ``map.csv``: the map page's interface strings, scheme names, units and labels;
* ``names.csv``: the province and county resolvers' messages and how a province or county is labelled;
* ``database.csv``: reading a register from PostgreSQL and writing a join to it (errors, warnings);
* ``formats.csv``: why a Shapefile, KML/KMZ, XLS, ODS or zip is refused or read with a caveat;
* ``columns.csv``: the display labels of the per-province and per-county tables' columns and the estates table.

Both wordings of a code name the same fields; a catalogue that breaks this rule is a
:class:`~geo.errors.DataError` when it is first read, not a ``KeyError`` on some user's row.
In the Persian wording numbers take Persian digits and separators; text (cell values,
names) is shown as written, and a :class:`Bilingual` value in the sentence's language.

Examples
--------
>>> message("warnings", "while_reading", text="x").fa
'هنگام خواندن: x'
>>> province_label("IR-10", "Isfahan", "اصفهان").fa
'اصفهان (IR-10)'
"""

from __future__ import annotations

import csv
import numbers
import re
import string
from collections.abc import Mapping, Sequence
from functools import cache
from types import MappingProxyType
from typing import Any

from geo._paths import data_dir
from geo._text import persian_digits
from geo.errors import DataError, InputTypeError, MapError

__all__ = [
    "LANGS",
    "CATALOGUES",
    "Bilingual",
    "catalogue",
    "check_lang",
    "in_persian",
    "message",
    "number_list",
    "whole",
    "as_given",
    "province_label",
    "quoted",
    "section",
    "template_fields",
]

#: The languages of every text and map, the default first.
LANGS: tuple[str, ...] = ("fa", "en")

#: The catalogues of ``data/i18n/``.
CATALOGUES: tuple[str, ...] = (
    "reasons",
    "warnings",
    "map",
    "names",
    "template",
    "database",
    "formats",
    "columns",
    "change",
    "errors",
)


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`, else raise :class:`MapError`.

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if not isinstance(lang, str):
        raise InputTypeError(message("errors", "lang_type", langs=whole(", ".join(LANGS)), kind=type(lang).__name__))
    if lang not in LANGS:
        raise MapError(message("errors", "lang_unknown", lang=as_given(lang), langs=whole(", ".join(LANGS))))
    return lang


def template_fields(template: str) -> frozenset[str]:
    """The field names of a format string: ``{id!r}`` and ``{id}`` both name ``id``.

    Examples
    --------
    >>> sorted(template_fields("{a!r} and {b:.1f}"))
    ['a', 'b']
    """
    parsed = string.Formatter().parse(template)
    return frozenset(name.split(".")[0].split("[")[0] for _, name, _, _ in parsed if name)


@cache
def catalogue(name: str) -> Mapping[str, tuple[str, str]]:
    """Code → (English, Persian) format strings of one catalogue of ``data/i18n/``.

    Raises
    ------
    DataError
        A code is empty or repeated, one wording is missing while the other is given,
        or the two wordings name different fields.

    Examples
    --------
    >>> catalogue("map")["page.no_data"]
    ('no data', 'بدون داده')
    """
    path = data_dir() / "i18n" / f"{name}.csv"
    out: dict[str, tuple[str, str]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            records = list(csv.DictReader(fh))
    except OSError as exc:
        raise DataError(f"cannot read the {name} texts: {exc}", path=path) from exc
    for i, rec in enumerate(records, start=1):
        code, en, fa = rec.get("code") or "", rec.get("en") or "", rec.get("fa") or ""
        if not code or code in out:
            raise DataError(f"code {code!r} is empty or repeated", path=path, row=i, field="code")
        if bool(en) != bool(fa):
            raise DataError(f"{code!r} has a wording in one language only", path=path, row=i, field="fa")
        if template_fields(en) != template_fields(fa):
            raise DataError(
                f"{code!r}: the English and Persian wordings name different fields", path=path, row=i, field="fa"
            )
        out[code] = (en, fa)
    return MappingProxyType(out)  # shared by every caller: read-only


def section(name: str, prefix: str, lang: str) -> dict[str, str]:
    """The texts of a catalogue whose codes start with ``prefix.``, in one language.

    Keys lose the prefix; the order is the file's.

    Examples
    --------
    >>> section("map", "unit", "en")["hectare"]
    'ha'
    """
    column = 1 if lang == "fa" else 0
    start = prefix + "."
    return {code[len(start) :]: texts[column] for code, texts in catalogue(name).items() if code.startswith(start)}


class Bilingual(str):
    """Text written differently in English and Persian; as a ``str`` it is the English.

    A field of a reason or message (a province: «IR-22 Hormozgan» / «هرمزگان (IR-22)») is
    shown in the language of the sentence; a warning is a whole sentence in both.

    Examples
    --------
    >>> b = Bilingual("5, 37", "۵، ۳۷")
    >>> b == "5, 37", b.en, b.fa
    (True, '5, 37', '۵، ۳۷')
    """

    fa: str
    #: The catalogue code and fields of a message that counts cells (set by its maker), so
    #: that the counts of a register's partitions add up (:func:`geo.registers.coordinates.add_warnings`).
    counted: tuple[str, dict[str, Any]] | None = None

    def __new__(cls, en: str, fa: str) -> Bilingual:
        """Make the text: ``en`` is the string's value, ``fa`` its Persian wording."""
        obj = super().__new__(cls, en)
        obj.fa = fa
        return obj

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        """Both wordings, so that a copy (a pickle sent to a dask worker) keeps its Persian.

        Examples
        --------
        >>> import pickle
        >>> pickle.loads(pickle.dumps(Bilingual("yes", "بله"))).fa
        'بله'
        """
        return (self.en, self.fa)

    @property
    def en(self) -> str:
        """The English wording (the string itself, as a plain ``str``)."""
        return str.__str__(self)

    def __repr__(self) -> str:
        """``Bilingual('en', 'fa')``."""
        return f"Bilingual({self.en!r}, {self.fa!r})"


class _PersianNumber:
    """A number that formats with Persian digits and separators (``{d:.1f}`` → ``۱۰٫۶``)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        text = format(self.value, spec)
        if "e" in text and spec.endswith("g") and abs(self.value) >= 1:
            text = format(self.value, ",.0f")  # 4.25805e+06 reads as ۴٬۲۵۸٬۰۵۰ in Persian
        return persian_digits(text, separators=True)

    def __str__(self) -> str:
        return format(self, "")

    def __repr__(self) -> str:
        return repr(self.value)


class _EnglishNumber(_PersianNumber):
    """A number in an English sentence: as :class:`_PersianNumber`, in Latin digits.

    A whole-sized number never shows as E-notation with 6 significant digits: ``{d:g}`` of
    1234567.0 is ``1,234,567``, as its Persian wording shows it.

    Examples
    --------
    >>> f"{_EnglishNumber(1234567.0):g}", f"{_EnglishNumber(0.25):g}"
    ('1,234,567', '0.25')
    """

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        text = format(self.value, spec)
        if "e" in text and spec.endswith("g") and abs(self.value) >= 1:
            text = format(self.value, ",.0f")
        return text


def in_persian(value: object) -> object:
    """A field value as a Persian sentence shows it.

    Numbers format with Persian digits, a :class:`Bilingual` (or any object with a
    ``fa`` wording, such as a reason) gives its Persian text, other values stay as they are.

    Examples
    --------
    >>> f"{in_persian(10.6):.1f}", in_persian(Bilingual("Fars", "فارس")), in_persian("ab")
    ('۱۰٫۶', 'فارس', 'ab')
    """
    fa = getattr(value, "fa", None)
    if isinstance(fa, str):
        return fa
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return _PersianNumber(value)
    if isinstance(value, (list, tuple)):  # names (sheets, layers) as a Persian sentence lists them
        return "، ".join(f"«{quoted(v)}»" for v in value)
    return value


def in_english(value: object) -> object:
    """A field value as an English sentence shows it: the ``en`` wording of a bilingual one."""
    en = getattr(value, "en", None)
    if isinstance(value, (list, tuple)):  # names as an English sentence lists them, never a Python repr
        return ", ".join(f"“{quoted(v)}”" for v in value)
    if isinstance(value, numbers.Number) and not isinstance(value, bool) and not isinstance(en, str):
        return _EnglishNumber(value)
    return en if isinstance(en, str) else value


#: How many characters of a text field (a cell, a header, a file's name) a sentence quotes.
QUOTE_LIMIT = 80


def quoted(value: object, limit: int = QUOTE_LIMIT) -> object:
    """A field as a sentence quotes it: plain text cut to ``limit`` characters and «…».

    User text may be a 5 MB cell; a reason quoting it whole would make a report and a map
    of megabytes. Composed texts (a :class:`Bilingual`, a reason) and numbers pass as they are.

    Examples
    --------
    >>> quoted("x" * 100)[-3:], quoted(12)
    ('xx…', 12)
    """
    if type(value) is str and len(value) > limit:
        return value[:limit] + "…"
    return value


def whole(text: str) -> Bilingual:
    """A text a sentence quotes whole, not cut to :data:`QUOTE_LIMIT` (an error's own words, a list already cut).

    Examples
    --------
    >>> quoted("x" * 100) == "x" * 80 + "…", quoted(whole("x" * 100)) == "x" * 100
    (True, True)
    """
    return Bilingual(text, text)


def as_given(value: object) -> Bilingual:
    """A value a caller gave, quoted whole: its ``repr`` in English, as written in Persian (the sentence adds «»).

    Examples
    --------
    >>> as_given("dask ")
    Bilingual("'dask '", 'dask ')
    """
    return Bilingual(repr(value), str(value))


def as_listed(values: Sequence[object], limit: int = 400) -> Bilingual:
    """Names a caller can choose among (sheets, columns), quoted whole up to ``limit`` characters.

    In English as Python writes the list (as errors always said it), in Persian as a Persian
    sentence lists names.

    Examples
    --------
    >>> b = as_listed(["1401", "1402"])
    >>> b.en, b.fa
    ("['1401', '1402']", '«1401»، «1402»')
    """

    def cut(text: str) -> str:
        return text if len(text) <= limit else text[:limit] + "…"

    return Bilingual(cut(str(list(values))), cut(str(in_persian(list(values)))))


def render(name: str, code: str, fields: Mapping[str, object]) -> tuple[str, str]:
    """The English and Persian texts of ``code`` of catalogue ``name`` with ``fields``.

    Plain text fields are cut to :data:`QUOTE_LIMIT` characters (:func:`quoted`).

    Raises
    ------
    KeyError
        ``code`` is not in the catalogue.
    """
    fields = {k: quoted(v) for k, v in fields.items()}
    en, fa = catalogue(name)[code]
    return (
        en.format_map({k: in_english(v) for k, v in fields.items()}),
        isolate_options(fa.format_map({k: in_persian(v) for k, v in fields.items()})),
    )


#: A command-line option in a sentence (``--sheet``, ``--legacy-codes``), not already isolated.
_OPTION = re.compile(r"(?<![\w\u2068-])--[a-z][a-z0-9-]*(?![\w\u2069])")


def isolate_options(text: str) -> str:
    """``text`` with each command-line option set apart for the bidi algorithm (FSI … PDI).

    In a right-to-left sentence an option's leading ``--`` would be drawn after it
    («sheet--»); isolated, it reads left to right as typed.

    Examples
    --------
    >>> isolate_options("با --sheet یکی را برگزینید") == "با \u2068--sheet\u2069 یکی را برگزینید"
    True
    """
    return _OPTION.sub(lambda m: f"\u2068{m.group()}\u2069", text)


def message(name: str, code: str, /, **fields: object) -> Bilingual:
    """The text of ``code`` of catalogue ``name``, in both languages.

    Examples
    --------
    >>> m = message("names", "unknown", value="Atlantis")
    >>> str(m), m.fa
    ("unknown province 'Atlantis'", '«Atlantis» نام یا کد هیچ استانی نیست')
    """
    return Bilingual(*render(name, code, fields))


def province_label(code: str, name_en: str, name_fa: str) -> Bilingual:
    """How a sentence names a province: «IR-10 Isfahan» in English, «اصفهان (IR-10)» in Persian.

    Examples
    --------
    >>> province_label("IR-10", "Isfahan", "اصفهان")
    Bilingual('IR-10 Isfahan', 'اصفهان (IR-10)')
    """
    return message("names", "province_label", code=code, name=Bilingual(name_en, name_fa))


def number_list(values: list[int], limit: int | None = None) -> Bilingual:
    """Numbers as a sentence lists them: «5, 37» in English, «۵، ۳۷» in Persian.

    With ``limit``, only the first ``limit`` are listed, followed by « …» when there are more.

    Examples
    --------
    >>> number_list([5, 37, 40], limit=2)
    Bilingual('5, 37 …', '۵، ۳۷ …')
    """
    shown = values if limit is None else values[:limit]
    en = ", ".join(map(str, shown)) + (" …" if len(shown) < len(values) else "")
    return Bilingual(en, persian_digits(en.replace(", ", "، ")))
