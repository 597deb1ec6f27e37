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
from geo.facts import load_facts
from geo.join import JoinResult, join
from geo.maps import estates_map, register_map, save_map
from geo.names import normalize_name, resolve_province
from geo.numbers import format_number_fa, parse_number, parse_percent, to_persian_digits
from geo.provinces import load_provinces
from geo.registers import Register, read_register
from geo.stats import load_indicators, load_province_stats

__version__ = "0.1.0"

__all__ = [
    "estates_map",
    "register_map",
    "save_map",
    "read_register",
    "Register",
    "join",
    "JoinResult",
    "load_provinces",
    "load_province_stats",
    "load_indicators",
    "resolve_province",
    "normalize_name",
    "load_facts",
    "parse_number",
    "parse_percent",
    "format_number_fa",
    "to_persian_digits",
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
