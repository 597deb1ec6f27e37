"""The map's search index: every name form of every place, folded as the resolver folds them.

The page's search box finds a province, and on a map with a county level a county, by
any name the project knows for it: Persian with Arabic or Persian letter forms, with or without
«استان» or a zero-width non-joiner, English transliterations, earlier names, and the
ambiguous names (the undivided «خراسان») under each province they may mean. Nothing is
listed by hand for the page: the forms come from ``data/provinces/`` through
:func:`geo.reference.names.province_aliases`, and each is reduced to its matching key by
:func:`geo.reference.names.normalize_name`.

The page receives a compact form: per place, only its distinct keys, joined by a space
(:func:`search_keys`; about 2 KB for the 31 provinces, against some 6 KB for the name
tables themselves), so that a query equal to a key is told from one that starts it. The page
folds a query with the same steps as :func:`~geo.reference.names.normalize_name`, driven by the
same tables, which :func:`fold_tables` sends it (``geo/templates/map.js``, ``fold``;
the block's fields: :class:`geo.maps.contract.SearchData`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from geo._text import DIGIT_MAP, INVISIBLE, MATCH_LETTER_MAP
from geo.maps.contract import SearchData

__all__ = ["county_search_keys", "fold_tables", "province_search", "search_index", "search_keys"]

#: Name kinds that are codes, not names: left out of the index (a legacy ISO code means
#: another province in the current edition).
_CODE_KINDS = frozenset({"hasc", "iso_legacy"})


def _ascii_pattern(pattern: str) -> str:
    r"""A regular expression's text with every non-ASCII character written ``\uXXXX``.

    The character classes of :mod:`geo.reference.names` and :mod:`geo._text` read the same in
    Python's and JavaScript's syntax; written in ASCII they also leave the page's
    embedded font subset alone.

    Examples
    --------
    >>> _ascii_pattern("[\u200c-\u200f]")
    '[\\u200c-\\u200f]'
    """
    return "".join(c if ord(c) < 128 else f"\\u{ord(c):04x}" for c in pattern)


@lru_cache(maxsize=1)
def fold_tables() -> dict[str, Any]:
    """The tables :func:`geo.reference.names.normalize_name` folds with, for the page's own folding.

    Returns
    -------
    dict
        ``invisible``, ``marks``, ``punct``: regular expressions (ASCII text);
        ``letters``, ``digits``: pairs of code points (from, to); ``prefixes``: the
        Persian words dropped at either end («استان»); ``stop``: the Latin words dropped.

    Examples
    --------
    >>> t = fold_tables()
    >>> [1610, 1740] in t["letters"], t["prefixes"]
    (True, ['استان'])
    """
    from geo.reference import names

    return {
        "invisible": _ascii_pattern(INVISIBLE.pattern),
        "marks": _ascii_pattern(names._ARABIC_MARKS.pattern),
        "punct": _ascii_pattern(names._PUNCT.pattern),
        "letters": [[ord(a), ord(b)] for a, b in MATCH_LETTER_MAP.items()],
        "digits": [[ord(a), ord(b)] for a, b in DIGIT_MAP.items()],
        "prefixes": list(names._PERSIAN_PREFIXES),
        "stop": sorted(names._LATIN_STOPWORDS),
    }


def _compact(keys: Sequence[str]) -> str:
    """The distinct non-empty keys in first-seen order, space-joined (keys hold no space)."""
    return " ".join(dict.fromkeys(k for k in keys if k))


@lru_cache(maxsize=1)
def _province_forms() -> dict[str, tuple[str, ...]]:
    """ISO code -> every name form of the province in the shipped tables (codes excluded).

    The ambiguous names are included under each province they may mean.
    """
    from geo.reference.names import _index, province_aliases
    from geo.reference.provinces import province_table

    table = province_table()
    code_of = dict(zip(table["hasc"], table["code"], strict=True))
    forms: dict[str, list[str]] = {code: [] for code in table["code"]}
    for form, kind, hasc in province_aliases():
        if kind not in _CODE_KINDS:
            forms[code_of[hasc]].append(form)
    idx = _index()
    for key, (hascs, _note, _note_fa) in idx.ambiguous.items():
        for hasc in hascs:
            forms[code_of[hasc]].append(idx.display.get(key, key))
    return {code: tuple(f) for code, f in forms.items()}


def search_keys(codes: Sequence[str], names: Sequence[Sequence[str]]) -> list[str]:
    """The compact search keys of each place: its own names plus the shipped forms of its code.

    Parameters
    ----------
    codes
        The places' codes (ISO 3166-2:IR for provinces), in the map's feature order.
    names
        For each place, the names the map shows for it (Persian, English); a place whose
        code is not a known province is found by these alone.

    Returns
    -------
    list of str
        One string per place: its distinct matching keys, space-separated.

    Examples
    --------
    >>> keys = search_keys(["IR-10"], [["اصفهان", "Isfahan"]])[0].split()
    >>> "isfahan" in keys and "esfahan" in keys and "اصفهان" in keys
    True
    """
    from geo.reference.names import normalize_name

    known = _province_forms()
    out = []
    for code, shown in zip(codes, names, strict=True):
        forms = [*shown, *known.get(code, ())]
        out.append(_compact([normalize_name(f) for f in forms]))
    return out


def search_index(level: str, codes: Sequence[str], names: Sequence[Sequence[str]]) -> SearchData:
    """The page's search block for one level of places (``"province"``; later ``"county"``).

    Examples
    --------
    >>> block = search_index("province", ["IR-10"], [["اصفهان", "Isfahan"]])
    >>> list(block.levels), len(block.levels["province"])
    (['province'], 1)
    """
    return SearchData(fold=fold_tables(), levels={level: search_keys(codes, names)})


def province_search(places: Any) -> SearchData:
    """The search block of a map's provinces.

    ``places`` is a frame with ``code``, ``name_fa``, ``name_en`` in feature order; a
    missing code is the row's index, as on the map.

    Examples
    --------
    >>> import geo
    >>> len(province_search(geo.load_provinces()).levels["province"])
    31
    """
    n = len(places)
    column = {c: (list(places[c]) if c in places.columns else [None] * n) for c in ("code", "name_fa", "name_en")}
    codes = [str(c) if isinstance(c, str) and c else str(i) for c, i in zip(column["code"], places.index, strict=True)]
    names = [
        [v if isinstance(v, str) else "" for v in pair]
        for pair in zip(column["name_fa"], column["name_en"], strict=True)
    ]
    return search_index("province", codes, names)


def county_search_keys(counties: Any) -> list[str]:
    """The compact search keys of each county, in the frame's order.

    ``counties`` is a frame like :func:`geo.load_counties` (``name_fa``, ``name_fa_short``,
    ``name_en``). Each name is folded by :func:`geo.reference.names.normalize_name`, the folding the
    page applies to a query, so «شهرستان کاشان», «کاشان», «Kashan County» and "kashan" all
    find Kashan County (a query may be the start of a key). These keys travel in the
    county level's block (:class:`geo.maps.contract.CountyData`), not in the page's main
    block.

    Examples
    --------
    >>> import geo
    >>> kashan = geo.load_counties("IR-10").query("name_en == 'Kashan County'")
    >>> county_search_keys(kashan)[0].split()
    ['شهرستانکاشان', 'کاشان', 'kashancounty']
    """
    from geo.reference.names import normalize_name

    columns = [counties[c].fillna("").tolist() for c in ("name_fa", "name_fa_short", "name_en")]
    return [_compact([normalize_name(f) for f in forms if f]) for forms in zip(*columns, strict=True)]
