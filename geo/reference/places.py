"""A place where a province was asked: a county or its seat, else the nearest names in the cell's script.

People write the town where a register asks for the province («کاشان», "Shiraz",
«شهرستان مرودشت»). :func:`resolve_place` reads such a cell through the county resolver
(:func:`geo.reference.counties.resolve_county`; a county seat bears its county's name); a name that
is neither a province nor a county gets the nearest province and county names written in
the cell's own script (Persian names for a Persian cell, English for a Latin one), not
codes.

Examples
--------
>>> place = resolve_place("کاشان")
>>> place.province, place.county
('IR-10', 'r6555161')
>>> str(resolve_place("Shirazz").message)
"unknown province 'Shirazz', nor a county of that name; closest: Shiraz"
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from geo.errors import AmbiguousNameError, NameResolutionError
from geo.i18n import Bilingual, message
from geo.reference.counties import resolve_county
from geo.reference.names import normalize_name

__all__ = ["Place", "resolve_place"]

_ARABIC = re.compile(r"[\u0600-\u06ff]")


@dataclass(frozen=True)
class Place:
    """What a province cell names when it names no province.

    Attributes
    ----------
    province, county
        The county's province and county codes, or None.
    message
        Why it is neither (an ambiguous county, or the nearest names), or None (nothing near).
    """

    province: str | None = None
    county: str | None = None
    message: Bilingual | None = None


@lru_cache(maxsize=2)
def _names(persian: bool) -> dict[str, str]:
    """Key (:func:`normalize_name`) → name as shown, of every province and county in one script."""
    from geo.reference.counties import _table
    from geo.reference.provinces import province_table

    provinces = province_table()  # the names only: no copy of the polygons
    counties = _table()
    if persian:
        shown = [*provinces["name_fa"], *counties["name_fa_short"]]
    else:
        shown = [*provinces["name_en"], *(n.removesuffix(" County") for n in counties["name_en"])]
    return {normalize_name(str(n)): str(n) for n in shown}


def resolve_place(value: object) -> Place:
    """The county a province cell names (by the county resolver), else why it names none."""
    if not isinstance(value, str) or not value.strip():
        return Place()
    try:
        code = resolve_county(value)
    except AmbiguousNameError as exc:
        return Place(message=Bilingual(str(exc), exc.message_fa))
    except NameResolutionError:
        pool = _names(bool(_ARABIC.search(value)))
        close = difflib.get_close_matches(normalize_name(value), list(pool), n=3, cutoff=0.75)
        shown = [pool[k] for k in close]
        if not shown:  # the province resolver's own message says it
            return Place()
        closest = Bilingual(", ".join(shown), "، ".join(shown))
        return Place(message=message("names", "unknown_place_closest", value=value, closest=closest))
    from geo.reference.counties import _table

    return Place(str(_table().at[code, "province"]), code)
