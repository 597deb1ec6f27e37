"""What a register's own columns say about where each row is: its province and county.

The province column goes through :func:`geo.reference.names.resolve_province`; the county column
(شهرستان) through :func:`geo.reference.counties.resolve_county`, looked up among the counties of
the row's province when the province is known. Nothing is guessed:

* a county that lies in another province than the row's is not used, and the row is
  flagged with both named (``county_not_in_province``);
* an unknown or ambiguous county is not used, and the row is flagged with the
  resolver's message, which names the candidates (``county_unknown``,
  ``county_ambiguous``);
* a row whose province column is blank, unknown or ambiguous takes the province of its
  county when the county resolves (flagged with the province's problem when a province
  was given, ``province_from_county``); a register with a county column and no province
  column gets every row's province from its county, unflagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.errors import AmbiguousNameError, NameResolutionError, UnknownNameError
from geo.i18n import Bilingual
from geo.joining.locate import CountyIndex, ProvinceIndex
from geo.reasons import Reason, RowReasons
from geo.reference.counties import county_label, resolve_county
from geo.reference.names import resolve_province
from geo.reference.places import resolve_place
from geo.registers.cells import clip

__all__ = ["Attribute", "resolve_places"]


@dataclass(frozen=True)
class Attribute:
    """The places a register's columns give, one entry per row.

    Attributes
    ----------
    province
        :class:`~geo.joining.locate.ProvinceIndex` position of the row's province (-1: none).
    fail
        Why a row has no province (a :class:`~geo.reasons.Reason`; None where it has one).
    candidates
        A province value that did not resolve → the codes it may have meant.
    county
        :class:`~geo.joining.locate.CountyIndex` position of the row's county (-1: none given or
        not usable).
    """

    province: np.ndarray
    fail: np.ndarray
    candidates: dict[str, tuple[str, ...]]
    county: np.ndarray


def _error_text(exc: NameResolutionError) -> Bilingual:
    return Bilingual(str(exc), exc.message_fa)


def _province_column(
    values: pd.Series, legacy_codes: bool, prov: ProvinceIndex
) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[str, ...]], np.ndarray]:
    """Province position per row (-1 when unresolved), the failure reason, candidates, and counties.

    Each distinct spelling is resolved once. A spelling that is no province but a county
    (or its seat, which bears its name) gives the county's province; the last array holds
    that county's code on those rows (None elsewhere).
    """
    index = {c: i for i, c in enumerate(prov.codes)}
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    found = np.full(len(uniques) + 1, -1, dtype="int64")  # the last entry: a blank cell (code -1)
    why = np.full(len(uniques) + 1, Reason("no_province"), dtype=object)
    county = np.full(len(uniques) + 1, None, dtype=object)
    candidates: dict[str, tuple[str, ...]] = {}
    for k, value in enumerate(uniques.tolist()):
        try:
            found[k] = index[resolve_province(value, legacy_codes=legacy_codes)]
            why[k] = None
        except AmbiguousNameError as exc:
            why[k] = Reason("ambiguous_province", message=_error_text(exc))
            candidates[value] = exc.candidates
        except NameResolutionError as exc:
            place = resolve_place(value)
            if place.county is not None:
                found[k], why[k], county[k] = index[place.province], None, place.county
                continue
            plain = str(exc).startswith(f"unknown province {value!r}")  # not a legacy code's or FIPS's own advice
            why[k] = Reason("unknown_province", message=place.message if plain and place.message else _error_text(exc))
            candidates[value] = exc.candidates
    return found[codes], why[codes], candidates, county[codes]


def _one_county(value: str, province: str | None, prov: ProvinceIndex) -> tuple[str | None, Reason | None]:
    """The county code ``value`` names (in ``province`` when known), or why it is not used."""
    try:
        return resolve_county(value, province=province), None
    except AmbiguousNameError as exc:
        return None, Reason("county_ambiguous", message=_error_text(exc))
    except UnknownNameError as exc:
        if province is not None:
            try:
                elsewhere = resolve_county(value)
            except NameResolutionError:
                pass
            else:
                label = prov.names[list(prov.codes).index(province)]
                return None, Reason("county_not_in_province", county=county_label(elsewhere), province=label)
        return None, Reason("county_unknown", message=_error_text(exc))


def _county_column(
    values: pd.Series, province: np.ndarray, prov: ProvinceIndex, counties: CountyIndex
) -> tuple[np.ndarray, np.ndarray]:
    """County position per row (-1: blank or not usable) and why it is not used (None: fine).

    Each distinct (value, province) pair is resolved once.
    """
    n = len(values)
    county = np.full(n, -1, dtype="int64")
    why = np.full(n, None, dtype=object)
    given = values.notna().to_numpy()
    if not given.any():
        return county, why
    rows = np.flatnonzero(given)
    pairs = pd.MultiIndex.from_arrays([values.to_numpy(dtype=object)[rows], province[rows]])
    group, unique = pd.factorize(pairs)
    position = {code: i for i, code in enumerate(counties.codes)}
    found = np.full(len(unique), -1, dtype="int64")
    reasons = np.full(len(unique), None, dtype=object)
    for k, (value, p) in enumerate(unique):
        code, reasons[k] = _one_county(value, prov.codes[p] if p >= 0 else None, prov)
        found[k] = -1 if code is None else position[code]
    county[rows], why[rows] = found[group], reasons[group]
    return county, why


def _counties_in_province_column(
    values: pd.Series, as_county: np.ndarray, into: tuple[CountyIndex, np.ndarray], reasons: RowReasons
) -> None:
    """Flag the rows whose province cell names a county, and give them that county (in place)."""
    counties, county = into
    rows = np.flatnonzero(pd.notna(as_county))
    if len(rows) == 0:
        return
    position = {code: i for i, code in enumerate(counties.codes)}
    county[rows] = [position[c] for c in as_county[rows]]
    cells = values.to_numpy(dtype=object)[rows]
    labels = [
        Reason("province_holds_county", value=clip(v), county=county_label(c))
        for v, c in zip(cells, as_county[rows], strict=True)
    ]
    reasons.add(np.isin(np.arange(len(county)), rows), labels)


def resolve_places(
    frame: pd.DataFrame,
    legacy_codes: bool,
    indexes: tuple[ProvinceIndex, CountyIndex],
    reasons: RowReasons,
    columns: tuple[str, ...] = ("province",),
) -> Attribute:
    """The province and county each row's own columns give (see the module's rules).

    Parameters
    ----------
    frame
        Parsed rows (:attr:`geo.registers.Register.frame`): ``province`` and ``county`` as
        written (None where blank or where the register has no such column).
    legacy_codes
        Read ``IR-NN`` codes in the earlier edition of ISO 3166-2:IR.
    indexes
        The provinces and the counties (:mod:`geo.joining.locate`).
    reasons
        Problems with a county that do not leave the row without a province are added here
        (flags); the others are the row's ``fail`` reason.
    columns
        The place columns the register has (``province``, ``county``).
    """
    prov, counties = indexes
    n = len(frame)
    county = np.full(n, -1, dtype="int64")
    if "province" in columns:
        province, fail, candidates, as_county = _province_column(frame["province"], legacy_codes, prov)
        _counties_in_province_column(frame["province"], as_county, (counties, county), reasons)
    else:
        province, fail, candidates = np.full(n, -1, dtype="int64"), np.full(n, None, dtype=object), {}
    if "county" in columns:
        named, why = _county_column(frame["county"], province, prov, counties)
        county = np.where(named >= 0, named, county)
        derived = (province < 0) & (county >= 0)
        stated = derived & frame["province"].notna().to_numpy()
        labels = [county_label(c) for c in counties.codes[county[stated]].tolist()]
        pairs = zip(fail[stated].tolist(), labels, strict=True)
        reasons.add(stated, [Reason("province_from_county", problem=p, county=c) for p, c in pairs])
        province = np.where(derived, counties.province[np.maximum(county, 0)], province)
        fail[derived] = None
        has_why = ~pd.isna(why)
        if "province" in columns:  # the province's own problem stays the row's failure
            reasons.add(has_why, why[has_why])
        else:
            fail[(province < 0) & has_why] = why[(province < 0) & has_why]
            fail[(province < 0) & ~has_why] = Reason("no_county")
    return Attribute(province, fail, candidates, county)
