"""The words a register is read by: column headers of each role and yes/no cell values.

They live in ``data/registers/vocabulary.csv`` (read on first use) and are compared
through matching keys (:func:`header_key`, :func:`bool_key`) that fold Arabic letter
forms, digits, invisible characters, case, spaces and punctuation.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache

from geo._paths import data_dir
from geo._text import DIGIT_MAP, MATCH_LETTERS, fold
from geo.errors import DataError
from geo.i18n import Bilingual, as_given, message, whole

__all__ = [
    "ROLES",
    "ROLE_WORDS",
    "STRIP",
    "Vocabulary",
    "bool_key",
    "header_key",
    "role_keys",
    "vocabulary",
    "without_parens",
]

#: The columns a register may have, besides its indicators.
ROLES = ("id", "name", "province", "county", "lat", "lon")

#: How a sentence names the coordinate roles, in English and Persian.
ROLE_WORDS = {
    "id": Bilingual("id", "شناسه"),
    "name": Bilingual("name", "نام"),
    "province": Bilingual("province", "استان"),
    "county": Bilingual("county", "شهرستان"),
    "lat": Bilingual("lat", "عرض"),
    "lon": Bilingual("lon", "طول"),
}

#: Stripped from both ends of every cell: Unicode white space and the invisible characters
#: (ZWNJ, bidi marks, BOM …), so that a cell holding only those is blank, not a value.
STRIP = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    + "\u2066\u2067\u2068\u2069\ufeff\u00ad"
)

#: Persian and Arabic-Indic digits, the Arabic decimal point and the minus sign to ASCII.
DIGITS = str.maketrans({**DIGIT_MAP, "٫": ".", "−": "-"})

_NOT_WORD = re.compile(r"[\W_]+")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(text: object) -> str:
    """Reduce a column header (or a short cell value) to the key used for matching.

    Folds Arabic letter forms into Persian ones, turns Persian and Arabic-Indic digits
    into ASCII, drops zero-width characters, case and every space or punctuation mark.

    Examples
    --------
    >>> header_key("عرض جغرافيائي") == header_key("عرض‌جغرافیایی")
    True
    >>> header_key(" Latitude ")
    'latitude'
    """
    return _NOT_WORD.sub("", fold(text).translate(MATCH_LETTERS).translate(DIGITS).casefold())


def without_parens(text: object) -> str:
    """A header without its parenthesised or bracketed parts («عرض (درجه)» → «عرض »)."""
    return _PARENS.sub("", str(text))


def bool_key(value: object) -> str:
    """The key of a yes/no cell: :func:`header_key`, or the stripped text when that is empty.

    Symbols are not word characters, so ``header_key("✓") == header_key("✗") == ""``; they
    keep their own key here, and a lone ``-`` or ``?`` is not taken for any word.

    Examples
    --------
    >>> bool_key("✓"), bool_key("✗"), bool_key(" Yes ")
    ('✓', '✗', 'yes')
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return header_key(value) or fold(value).strip(STRIP)


@dataclass(frozen=True)
class Vocabulary:
    """The words of ``data/registers/vocabulary.csv``.

    Attributes
    ----------
    names
        Role (``id`` … ``lon``, ``latlon``, ``geometry``) → its headers, preferred first.
    roles_of
        :func:`header_key` of a header → the roles it names.
    true, false
        :func:`bool_key` of the words read as yes and as no.
    facts
        :func:`header_key` of a header → the known fact it gives (a key of
        ``data/registers/facts.csv``; see :mod:`geo.registers.known`).
    """

    names: dict[str, tuple[str, ...]]
    roles_of: dict[str, tuple[str, ...]]
    true: frozenset[str]
    false: frozenset[str]
    facts: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Read ``data/registers/vocabulary.csv`` (once).

    Raises
    ------
    DataError
        An unknown kind or meaning, or a word that is both yes and no (or neither).

    Examples
    --------
    >>> "استان" in vocabulary().names["province"]
    True
    """
    path = data_dir() / "registers" / "vocabulary.csv"
    roles: dict[str, list[str]] = {role: [] for role in (*ROLES, "latlon", "geometry")}
    words: dict[str, set[str]] = {"true": set(), "false": set()}
    facts: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=1):
            kind, meaning, word = rec["kind"], rec["meaning"], rec["word"]
            if kind == "column" and meaning in roles:
                roles[meaning].append(word)
            elif kind == "boolean" and meaning in words:
                words[meaning].add(bool_key(word))
            elif kind == "fact" and meaning:
                facts[header_key(word)] = meaning
            else:
                said = message("errors", "vocabulary_kind", kind=as_given(kind), meaning=as_given(meaning))
                raise DataError(said, path=path, row=i, field="meaning")
    both = words["true"] & words["false"]
    if both or "" in words["true"] | words["false"]:
        said = message("errors", "vocabulary_yes_no", words=whole(str(sorted(both) or [""])))
        raise DataError(said, path=path, field="word")
    roles_of: dict[str, tuple[str, ...]] = {}
    for role, names in roles.items():
        for name in names:
            roles_of[header_key(name)] = (*roles_of.get(header_key(name), ()), role)
    return Vocabulary(
        {k: tuple(v) for k, v in roles.items()}, roles_of, frozenset(words["true"]), frozenset(words["false"]), facts
    )


def role_keys(role: str) -> frozenset[str]:
    """The :func:`header_key` of every header of ``role``."""
    return frozenset(header_key(w) for w in vocabulary().names[role])
