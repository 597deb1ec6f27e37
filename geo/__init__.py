"""geo: map Iran's industrial estates.

Join Iran's 31 provinces with sourced facts about the country's industrial estates
(شهرک‌ها و نواحی صنعتی) and users' own estate registers, and render them as
self-contained interactive maps.

Examples
--------
>>> import geo
>>> geo.resolve_province("استان اصفهان")
'IR-10'
>>> len(geo.load_provinces())
31
"""

from geo.errors import (
    AmbiguousNameError,
    DataError,
    GeoError,
    LedgerError,
    MapError,
    NameResolutionError,
    NumberParseError,
    RegisterError,
    UnknownNameError,
)
from geo.names import normalize_name, resolve_province
from geo.provinces import load_provinces

__version__ = "0.1.0"

__all__ = [
    "load_provinces",
    "resolve_province",
    "normalize_name",
    "GeoError",
    "DataError",
    "NameResolutionError",
    "UnknownNameError",
    "AmbiguousNameError",
    "NumberParseError",
    "LedgerError",
    "RegisterError",
    "MapError",
]
