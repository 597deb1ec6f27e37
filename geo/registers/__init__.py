"""Read users' estate registers: CSV/TSV, XLSX/XLS/ODS, GeoJSON, GeoPackage, (Geo)Parquet, Shapefile, KML/KMZ.

A register is a table with one row per industrial estate. Its columns are found by
name in Persian or English (``id``/«شناسه», ``name``/«نام», ``province``/«استان»,
``lat``/«عرض جغرافیایی», ``lon``/«طول جغرافیایی», or a geometry), matched after
normalisation (Arabic letter forms, zero-width non-joiners, case, spaces, digits), and
every one can be named explicitly instead. The remaining columns are *indicators*:
numbers (Persian and Arabic-Indic digits, thousands separators ``٬ , ،``, the Arabic
decimal separator ``٫``) or booleans (بله/خیر, دارد/ندارد, yes/no, true/false, 1/0).

Reading never drops a row. A cell that cannot be read (text in a number column, a
negative amount, a coordinate out of range) becomes a *reason* attached to its row, and
:func:`geo.join` decides from all reasons whether the row is joined, flagged or rejected.
Only a file that cannot be used at all raises :class:`geo.errors.RegisterError`.

Coordinates come back in EPSG:4326. A file that declares another CRS (GeoJSON, GeoPackage,
GeoParquet) is reprojected with pyproj, and so are ``lat``/``lon`` columns when the caller
passes ``crs=`` (``--crs`` on the command line); the ``crs`` given by the user wins over
a declared one.

The modules, in the order a file goes through them: :mod:`~geo.registers.readers` (bytes
to cells, with :mod:`~geo.registers.headers` finding the header row),
:mod:`~geo.registers.build` (the rules that make a :class:`Register`), with
:mod:`~geo.registers.vocabulary` (the words of roles and yes/no values),
:mod:`~geo.registers.cells` (numbers, yes/no, text) and
:mod:`~geo.registers.coordinates` (lat/lon, pairs, WKT, CRS).

Examples
--------
>>> import pandas as pd
>>> reg = read_register(pd.DataFrame({"استان": ["اصفهان"], "عرض": ["۳۲٫۶۵"], "طول": ["51.67"]}))
>>> reg.columns["province"], float(reg.frame.loc[0, "lat"])
('استان', 32.65)
"""

from __future__ import annotations

from geo.registers.build import MAX_NAME_LENGTH, Register, read_register
from geo.registers.cells import parse_booleans, parse_numbers
from geo.registers.vocabulary import ROLES, header_key

__all__ = [
    "MAX_NAME_LENGTH",
    "ROLES",
    "Register",
    "header_key",
    "parse_booleans",
    "parse_numbers",
    "read_register",
]
