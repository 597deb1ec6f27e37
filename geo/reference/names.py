"""Province names in every spelling: normalisation and resolution to ISO 3166-2:IR codes.

A user's file may name a province in Persian (with Arabic letter forms ي ك, with or
without «استان», with or without zero-width non-joiners), in any of several English
transliterations, or by a code (current ISO 3166-2:IR, HASC, FIPS). This module turns
each of those into the one current ISO code, or raises an error that names the input
and the closest candidates. Names that no longer denote one province (the undivided
«خراسان» before 2004) are ambiguous and never assigned silently.

The name forms live in data files, not in code: ``data/provinces/provinces.csv`` (one
row per province, keyed by HASC code), ``data/provinces/aliases.csv`` (every other
form) and ``data/provinces/ambiguous.csv``. The HASC → ISO link comes from the
processed boundary file, where it was derived from :mod:`pycountry` at build time.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geo._args import check_flag
from geo._paths import data_dir
from geo._text import ASCII_DIGITS, MATCH_LETTERS, fold
from geo.errors import AmbiguousNameError, DataError, InputTypeError, UnknownNameError
from geo.i18n import Bilingual, as_given, message, province_label, whole

__all__ = ["normalize_name", "resolve_province", "province_aliases", "expand_abbreviations"]

_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_PUNCT = re.compile(r"[\s\-_.,'’‘`\"()\[\]/\\:;،؛&]+")
# Words that carry no identity: "province", the Persian ezafe "-e"/"-ye", "and"/"va".
_LATIN_STOPWORDS = frozenset({"province", "ostan", "ostane", "e", "ye", "and", "va", "of", "the"})
#: The Persian word for "province", dropped at either end of a name (the page's search too).
_PERSIAN_PREFIXES = ("استان",)
_ISO_CODE = re.compile(r"^IR\s*[-\u2010-\u2015\u2212]\s*(\d{1,2})$", re.IGNORECASE)
_FIPS_CODE = re.compile(r"^IR\s*(\d{2})$", re.IGNORECASE)


def normalize_name(text: str) -> str:
    """Reduce a province name or code to the key used for matching.

    The key folds Arabic letter forms into Persian ones, removes zero-width
    non-joiners, diacritics, punctuation and spaces, turns Persian and Arabic-Indic
    digits into ASCII, drops «استان» and words like "Province" or the ezafe "-e", and
    lower-cases Latin letters with their accents removed.

    Parameters
    ----------
    text
        Any name or code as a user may have written it.

    Returns
    -------
    str
        The matching key; empty if nothing meaningful remains.

    Examples
    --------
    >>> normalize_name("استان آذربايجان شرقي") == normalize_name("آذربایجان‌شرقی")
    True
    >>> normalize_name("Khorāsān-e Raẕavī")
    'khorasanrazavi'

    Raises
    ------
    InputTypeError
        ``text`` is not a str (``None`` is no name: it is not read as "none").
    """
    if not isinstance(text, str):
        raise InputTypeError(message("errors", "names_not_text", kind=type(text).__name__))
    return _key(text, _PERSIAN_PREFIXES[0], _LATIN_STOPWORDS)


def _fold_tokens(text: str) -> list[str]:
    """The words of ``text`` once folded for matching.

    :func:`geo._text.fold` first (NFKC, invisible characters dropped), then Arabic
    marks dropped, letter forms folded for matching, digits ASCII, Latin accents
    removed, lower case; split at spaces and punctuation.
    """
    s = _ARABIC_MARKS.sub("", fold(text))
    s = s.translate(MATCH_LETTERS).translate(ASCII_DIGITS)
    # Latin accents: decompose and drop combining marks (Persian letters are unaffected).
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = unicodedata.normalize("NFC", s).casefold()
    return [t for t in _PUNCT.split(s) if t]


def _key(text: str, persian_word: str, latin_stopwords: frozenset[str]) -> str:
    """A matching key: the folded words without ``persian_word`` and ``latin_stopwords``.

    ``persian_word`` is dropped leading (even written together with the name) or
    trailing. Shared by the province key (word «استان», province) and the county key (word
    «شهرستان», county) so that both levels fold names the same way.
    """
    tokens = _fold_tokens(text)
    if tokens and tokens[0] == persian_word:
        tokens = tokens[1:]
    elif tokens and tokens[0].startswith(persian_word) and len(tokens[0]) > len(persian_word):
        tokens[0] = tokens[0][len(persian_word) :]
    if tokens and tokens[-1] == persian_word:
        tokens = tokens[:-1]
    return "".join(t for t in tokens if t not in latin_stopwords)


@dataclass(frozen=True)
class _Index:
    """Matching keys of every known name form."""

    keys: dict[str, str]  # key -> hasc
    ambiguous: dict[str, tuple[tuple[str, ...], str, str]]  # key -> (hascs, note, note_fa)
    legacy: dict[str, str]  # normalised legacy ISO code -> hasc
    display: dict[str, str]  # key -> one readable form, for suggestions


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError as exc:
        raise DataError(message("errors", "names_unreadable", problem=whole(str(exc))), path=path) from exc


def _add(index: dict[str, str], display: dict[str, str], form: str, hasc: str, *, path: Path, row: int) -> None:
    key = normalize_name(form)
    if not key:
        raise DataError(message("errors", "names_form_empty", form=as_given(form)), path=path, row=row)
    other = index.get(key)
    if other is not None and other != hasc:
        said = message("errors", "names_form_both", form=as_given(form), other=whole(other), hasc=whole(hasc))
        raise DataError(said, path=path, row=row)
    index[key] = hasc
    display.setdefault(key, form)


@lru_cache(maxsize=1)
def _index() -> _Index:
    folder = data_dir() / "provinces"
    keys: dict[str, str] = {}
    display: dict[str, str] = {}
    legacy: dict[str, str] = {}
    table_path = folder / "provinces.csv"
    for i, rec in enumerate(_read_csv(table_path), start=1):
        hasc = rec["hasc"]
        for field in ("hasc", "name_en", "name_fa"):
            _add(keys, display, rec[field], hasc, path=table_path, row=i)
    alias_path = folder / "aliases.csv"
    for i, rec in enumerate(_read_csv(alias_path), start=1):
        if rec["kind"] == "iso_legacy":
            legacy[normalize_name(rec["alias"])] = rec["hasc"]
        else:
            _add(keys, display, rec["alias"], rec["hasc"], path=alias_path, row=i)
    ambiguous: dict[str, tuple[tuple[str, ...], str, str]] = {}
    amb_path = folder / "ambiguous.csv"
    for i, rec in enumerate(_read_csv(amb_path), start=1):
        key = normalize_name(rec["name"])
        if key in keys:
            raise DataError(message("errors", "names_listed_twice", name=as_given(rec["name"])), path=amb_path, row=i)
        ambiguous[key] = (tuple(rec["hascs"].split()), rec["note"], rec["note_fa"])
        display.setdefault(key, rec["name"])
    return _Index(keys, ambiguous, legacy, display)


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, list[tuple[str, str, bool]]]:
    """``data/provinces/abbreviations.csv``: key of an abbreviation → (expansion, after, first only)."""
    path = data_dir() / "provinces" / "abbreviations.csv"
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for i, rec in enumerate(_read_csv(path), start=1):
        if rec["where"] not in ("any", "first") or not rec["abbreviation"] or not rec["expansion"]:
            raise DataError(message("errors", "names_abbreviation"), path=path, row=i)
        key = _abbreviation_key(rec["abbreviation"])
        out.setdefault(key, []).append(
            (rec["expansion"], normalize_name(rec["after"]) if rec["after"] else "", rec["where"] == "first")
        )
    return out


def _abbreviation_key(token: str) -> str:
    return fold(token).translate(MATCH_LETTERS).casefold()


_TOKENS = re.compile(r"[^\s.]+\.?")


def expand_abbreviations(text: str) -> str:
    """``text`` with the abbreviations of ``data/provinces/abbreviations.csv`` written out.

    Examples
    --------
    >>> expand_abbreviations("N. Khorasan"), expand_abbreviations("خراسان ش.")
    ('North Khorasan', 'خراسان شمالی')
    >>> expand_abbreviations("آذربایجان ش.")
    'آذربایجان شرقی'
    """
    table = _abbreviations()
    words: list[str] = []
    for n, token in enumerate(_TOKENS.findall(fold(text))):
        word = token
        for expansion, after, first in table.get(_abbreviation_key(token), ()):
            if (first and n) or (after and (not words or normalize_name(words[-1]) != after)):
                continue
            word = expansion
            break
        words.append(word)
    return " ".join(words)


@lru_cache(maxsize=1)
def _hasc_to_code() -> dict[str, str]:
    from geo.reference.provinces import province_table

    table = province_table()
    return dict(zip(table["hasc"], table["code"], strict=True))


@lru_cache(maxsize=1)
def _pycountry_subdivisions() -> tuple[tuple[str, str], ...]:
    """(name, code) of pycountry's subdivisions of Iran, from the disk cache when an earlier run stored them.

    Loading pycountry's database of every country's subdivisions takes longer than the
    rest of a small join: the 31 pairs are kept, keyed by pycountry's version.
    """
    from importlib.metadata import version

    from geo._cache import cached

    def compute() -> bytes:
        import pycountry

        pairs = [[sub.name, sub.code] for sub in pycountry.subdivisions.get(country_code="IR")]
        return json.dumps(pairs, ensure_ascii=False).encode("utf-8")

    pairs = json.loads(cached("pycountry", ("subdivisions-IR", version("pycountry")), compute))
    return tuple((name, code) for name, code in pairs)


@lru_cache(maxsize=1)
def _current_codes() -> frozenset[str]:
    return frozenset(code for _, code in _pycountry_subdivisions())


@lru_cache(maxsize=1)
def _pycountry_keys() -> dict[str, str]:
    """Keys of pycountry's romanised names, mapped to their current ISO code."""
    out = {}
    for name, code in _pycountry_subdivisions():
        out[normalize_name(name)] = code
    return out


def _hasc_for_name(value: str) -> str:
    """Resolve a name (not a code) to its HASC code through the shipped tables.

    Used by the boundary build script, before any ISO code is attached.
    """
    idx = _index()
    key = normalize_name(value)
    if key in idx.keys:
        return idx.keys[key]
    _raise_unresolved(value, key, idx)
    raise AssertionError("unreachable")


def _describe(hasc: str) -> Bilingual:
    """``IR-09 Razavi Khorasan`` (``خراسان رضوی (IR-09)`` in Persian) for a HASC code.

    Before the boundary file exists (while it is being built) the HASC code itself.
    """
    try:
        from geo.reference.provinces import province_table

        table = province_table().set_index("hasc")
    except DataError:
        return Bilingual(hasc, hasc)
    return province_label(table.at[hasc, "code"], table.at[hasc, "name_en"], table.at[hasc, "name_fa"])


def _code_of(hasc: str) -> str:
    return _describe(hasc).split(" ", 1)[0]


def _fa_list(items: list[str], last: str = "یا") -> str:
    return items[0] if len(items) == 1 else "، ".join(items[:-1]) + f" {last} " + items[-1]


def _error(
    kind: type[UnknownNameError | AmbiguousNameError],
    code: str,
    value: object,
    codes: tuple[str, ...],
    /,
    **fields: object,
) -> Exception:
    """An error of ``kind`` with ``codes`` as its candidates.

    Its message is ``code`` of ``data/i18n/names.csv``, in both languages.
    """
    text = message("names", code, value=value, **fields)
    return kind(str(text), value=value, candidates=codes, message_fa=text.fa)


def _raise_unresolved(value: object, key: str, idx: _Index) -> None:
    if key in idx.ambiguous:
        hascs, note, note_fa = idx.ambiguous[key]
        described = [_describe(h) for h in hascs]
        candidates = Bilingual(", ".join(described), _fa_list([d.fa for d in described]))
        codes = tuple(_code_of(h) for h in hascs)
        raise _error(
            AmbiguousNameError, "ambiguous", value, codes, candidates=candidates, note=Bilingual(note, note_fa)
        )
    if key in idx.legacy:
        hasc = idx.legacy[key]
        raise _error(UnknownNameError, "legacy_code", value, (_code_of(hasc),), province=_describe(hasc))
    close = difflib.get_close_matches(key, list(idx.keys), n=3, cutoff=0.6) if key else []
    suggestions = tuple(dict.fromkeys(idx.display[k] for k in close))
    if suggestions:
        closest = Bilingual(", ".join(suggestions), "، ".join(suggestions))
        raise _error(UnknownNameError, "unknown_closest", value, suggestions, closest=closest)
    raise _error(UnknownNameError, "unknown", value, suggestions)


def resolve_province(value: str, *, legacy_codes: bool = False) -> str:
    """Resolve any province name or code to its current ISO 3166-2:IR code.

    Parameters
    ----------
    value
        A name in Persian or English (any known spelling, Arabic or Persian letter
        forms, with or without «استان»), a current ISO code (``IR-10``), a HASC code
        (``IR.ES``) or a FIPS code (``IR28``).
    legacy_codes
        Read ``IR-NN`` codes in the earlier edition of ISO 3166-2:IR (``IR-01`` … ``IR-32``,
        ``IR-07`` = Tehran) instead of the current one (``IR-00`` … ``IR-30``, ``IR-07`` =
        Fars). The two editions reuse the same numbers for different provinces, so a
        file must use one or the other throughout; the current edition is the default.

    Returns
    -------
    str
        The current ISO 3166-2:IR code, e.g. ``"IR-10"`` for Isfahan.

    Raises
    ------
    AmbiguousNameError
        The name stands for more than one current province (e.g. «خراسان»).
    UnknownNameError
        No province is known by that name; the message lists the closest names.

    Examples
    --------
    >>> resolve_province("استان اصفهان")
    'IR-10'
    >>> resolve_province("Kordestan")
    'IR-12'
    """
    if not isinstance(value, str):
        raise _error(UnknownNameError, "not_text", value, ())
    return _resolve(value, check_flag(legacy_codes, "legacy_codes"))


@lru_cache(maxsize=4096)
def _resolve(value: str, legacy_codes: bool) -> str:
    idx = _index()
    key = normalize_name(value)
    raw = fold(value).translate(ASCII_DIGITS).strip()
    fips_match = _FIPS_CODE.match(raw)
    if fips_match:
        fips = _fips_to_code().get(f"IR{fips_match.group(1)}")
        if fips is not None:
            return fips
        raise _error(UnknownNameError, "not_fips", value, ())
    code_match = _ISO_CODE.match(raw)
    if code_match:
        code = f"IR-{int(code_match.group(1)):02d}"
        if legacy_codes:
            legacy_key = normalize_name(code)
            if legacy_key in idx.legacy:
                return _hasc_to_code()[idx.legacy[legacy_key]]
        elif code in _current_codes():
            return code
    if key in idx.keys:
        return _hasc_to_code()[idx.keys[key]]
    pyc = _pycountry_keys().get(key)
    if pyc is not None:
        return pyc
    expanded = normalize_name(expand_abbreviations(value)) if "." in value or " " in value.strip() else key
    if expanded != key:
        if expanded in idx.keys:
            return _hasc_to_code()[idx.keys[expanded]]
        if expanded in idx.ambiguous:  # «Kh.» is Khorasan, undivided: never guessed
            key = expanded
    _raise_unresolved(value, key, idx)
    raise AssertionError("unreachable")


@lru_cache(maxsize=1)
def _fips_to_code() -> dict[str, str]:
    from geo.reference.provinces import province_table

    table = province_table()
    return {f.upper(): c for f, c in zip(table["fips"], table["code"], strict=True) if f}


def province_aliases() -> list[tuple[str, str, str]]:
    """List every name form the resolver knows, with its province.

    Returns
    -------
    list of (form, kind, hasc)
        ``kind`` is ``name_en``, ``name_fa``, ``hasc`` or the alias kind from
        ``data/provinces/aliases.csv`` (``en``, ``fa``, ``fa_arabic_letters``, ``iso_legacy`` …).

    Examples
    --------
    >>> ("Esfahan", "en", "IR.ES") in province_aliases()
    True
    """
    folder = data_dir() / "provinces"
    out: list[tuple[str, str, str]] = []
    for rec in _read_csv(folder / "provinces.csv"):
        out.extend((rec[f], f, rec["hasc"]) for f in ("hasc", "name_en", "name_fa"))
    out.extend((r["alias"], r["kind"], r["hasc"]) for r in _read_csv(folder / "aliases.csv"))
    return out


def _ambiguous_names() -> Iterable[str]:
    return (r["name"] for r in _read_csv(data_dir() / "provinces" / "ambiguous.csv"))
