"""geo: map Iran's industrial estates.

Join Iran's 31 provinces (and 478 counties) with sourced facts about the country's industrial estates
(شهرک‌ها و نواحی صنعتی) and users' own estate registers, and render them as
self-contained interactive maps.

The public names below are imported on first use (PEP 562), so ``import geo`` and the
command line stay quick: a command loads only the modules it needs, and ``import geo``
alone loads neither geopandas, shapely nor pyproj. (The function :func:`join` lives in
:mod:`geo.joining`: a module named ``geo.join`` would replace the function on import.)

Examples
--------
>>> import geo
>>> geo.resolve_province("استان اصفهان")
'IR-10'
>>> len(geo.load_provinces())
31
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from geo.errors import (
    AmbiguousNameError,
    DataError,
    DataQualityWarning,
    GeoError,
    GeoWarning,
    InputTypeError,
    InputValueError,
    LedgerError,
    LimitError,
    MapError,
    NameResolutionError,
    NumberParseError,
    OutputError,
    RegisterError,
    RegisterWarning,
    UnknownNameError,
)

if TYPE_CHECKING:
    from geo.charts import use_persian_font
    from geo.comparing import CompareResult, compare
    from geo.examples import example_path
    from geo.joining import JoinResult, join
    from geo.maps import estates_map, register_map, save_map
    from geo.numbers import (
        format_number_fa,
        parse_number,
        parse_percent,
        to_persian_digits,
    )
    from geo.reference.counties import load_counties, resolve_county
    from geo.reference.facts import load_facts
    from geo.reference.names import normalize_name, resolve_province
    from geo.reference.provinces import load_provinces
    from geo.reference.series import load_series
    from geo.reference.stats import load_indicators, load_province_stats
    from geo.registers import Register, read_register
    from geo.registers.template import write_template

__version__ = "0.1.0"

# public name -> the module that defines it
_LAZY = {
    "join": "geo.joining",
    "JoinResult": "geo.joining",
    "compare": "geo.comparing",
    "CompareResult": "geo.comparing",
    "load_series": "geo.reference.series",
    "estates_map": "geo.maps",
    "register_map": "geo.maps",
    "save_map": "geo.maps",
    "read_register": "geo.registers",
    "Register": "geo.registers",
    "load_provinces": "geo.reference.provinces",
    "load_counties": "geo.reference.counties",
    "resolve_county": "geo.reference.counties",
    "load_province_stats": "geo.reference.stats",
    "load_indicators": "geo.reference.stats",
    "resolve_province": "geo.reference.names",
    "normalize_name": "geo.reference.names",
    "load_facts": "geo.reference.facts",
    "parse_number": "geo.numbers",
    "parse_percent": "geo.numbers",
    "format_number_fa": "geo.numbers",
    "to_persian_digits": "geo.numbers",
    "use_persian_font": "geo.charts",
    "example_path": "geo.examples",
    "write_template": "geo.registers.template",
}

__all__ = [
    "estates_map",
    "register_map",
    "save_map",
    "read_register",
    "Register",
    "join",
    "JoinResult",
    "compare",
    "CompareResult",
    "load_series",
    "load_provinces",
    "load_counties",
    "resolve_county",
    "load_province_stats",
    "load_indicators",
    "resolve_province",
    "normalize_name",
    "load_facts",
    "parse_number",
    "parse_percent",
    "format_number_fa",
    "to_persian_digits",
    "use_persian_font",
    "example_path",
    "write_template",
    "GeoError",
    "DataError",
    "NameResolutionError",
    "UnknownNameError",
    "AmbiguousNameError",
    "NumberParseError",
    "LedgerError",
    "RegisterError",
    "LimitError",
    "MapError",
    "InputTypeError",
    "InputValueError",
    "OutputError",
    "GeoWarning",
    "DataQualityWarning",
    "RegisterWarning",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'geo' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
