"""The register layer's part of the page's JSON contract (:mod:`geo.maps.contract`, which re-exports it).

:class:`PointsData` (``P`` in the page's script), its facts (:class:`EstateFact`, ``ef`` or
``FACT[k]``), the grid (:class:`GridData`, ``G``; a level ``lv``) and the tally
(:class:`TallyData`, ``T``): what ``geo/templates/register.js`` and ``geo/templates/estates/*.js``
read of a register map's data block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CellStore", "EstateFact", "GridData", "GridLevel", "PointsData", "RegisterPoints", "StoreFact", "TallyData"]


@dataclass(frozen=True)
class EstateFact:
    """One of a register's own columns on its map (an entry of :attr:`PointsData.facts`).

    Attributes
    ----------
    key
        The column's id in the page, its URL fragment and its filters: ``f`` and its position.
    label
        The vocabulary's label for a known fact (``data/registers/template.csv``), else the
        header as written, shortened.
    unit
        The known fact's unit in the page's language ("" for none or an unknown column).
    kind
        ``yesno`` (values 1, 0, None), ``number`` (values numbers or None) or ``text``
        (values texts, shortened; "" where blank).
    known
        Whether the vocabulary knows the column.
    header
        The header as the register wrote it (shortened): the CSV download's column name.
    v
        One value per point, in the order of the points.
    breaks
        A number fact's classes (upper bounds: quartiles of the distinct values of every row
        of the register, :func:`geo.maps.estate_facts.number_breaks`); [] for other kinds.
    """

    key: str
    label: str
    unit: str
    kind: str
    known: bool
    header: str
    v: list[Any]
    breaks: list[float]


@dataclass(frozen=True)
class PointsData:
    """The estates of a register map, one list entry per register row (:attr:`PageData.points`).

    Attributes
    ----------
    ll
        ``[lat, lon]``, or None for a row with no place known (not drawn).
    name, status, province, reasons
        Texts shown in the point's card (``status`` is joined/flagged/rejected).
    row
        The 1-based data row of the register.
    id, county
        The row's id as text, and its county's code ("" where none).
    approx
        Where ``ll`` comes from: 0 the row's own coordinates, 1 its county's representative
        point, 2 its province's (no usable coordinates: drawn hollow, "location approximate").
    facts
        The register's own columns, each once as a column array (:class:`EstateFact`), up to
        :data:`geo.maps.estate_facts.FACT_COLUMNS`.
    cut
        How many more of the register's columns the page leaves out (the card says so).
    counties
        County code → ``[name_fa, name_en]`` for every county a point names.
    texts
        The card's, legend's, filters' and table's words (``estate.*`` of ``data/i18n/map.csv``).
    decimal
        The page's decimal separator.
    start
        The initial filter and style state in the URL fragment's form (from
        ``register_map(color=…, filter=…)``; "" for none), used when the URL has no fragment.
    full
        Every column of the register, whole, of each point, for "Download the estates shown
        (CSV)": ``{"header": [...], "rows": [[id, name, *columns], ...]}`` as JSON, packed
        (zlib, base64); "" when it would pass :data:`geo.maps.points.FULL_CHARS` (the CSV
        then has the capped columns and a line that says so).
    """

    ll: list[list[float] | None]
    name: list[str]
    status: list[str]
    province: list[str]
    reasons: list[str]
    row: list[int | None]
    id: list[str]
    county: list[str]
    approx: list[int]
    facts: list[EstateFact]
    cut: int
    counties: dict[str, list[str]]
    texts: dict[str, str]
    decimal: str
    start: str
    full: str


@dataclass(frozen=True)
class GridLevel:
    """The cells of one zoom level of the grid (:attr:`GridData.levels`).

    A cell is :attr:`GridData.cell` pixels square at zoom ``z`` (Web Mercator); only cells
    with rows are listed (sorted by column, then row), each at the mean position of its
    rows. The page counts each cell's rows for the style and filters set from the
    :class:`CellStore`.

    Attributes
    ----------
    z
        The zoom level.
    lat, lon
        Mean latitude and longitude of each cell's rows (4 decimals).
    up
        Each cell's index in the next coarser level (packed ``<i4``,
        :func:`geo.maps.cell_store.pack`; "" at :attr:`GridData.zmin`).
    """

    z: int
    lat: list[float]
    lon: list[float]
    up: str


@dataclass(frozen=True)
class StoreFact:
    """One yes/no or number fact of the register in the :class:`CellStore` (:attr:`CellStore.facts`).

    Attributes
    ----------
    key
        The fact's :attr:`EstateFact.key`.
    kind
        ``yesno`` (codes 0 yes, 1 no, 2 not given) or ``number`` (code ``k``: bin ``k``,
        ``len(edges)``: not given).
    edges, low
        A number fact's bins: the greatest and least value of the register's rows in each
        (bin ``k`` holds ``edges[k-1] < v <= edges[k]``; every distinct value its own bin
        when there are at most :data:`geo.maps.cell_store.NUMBER_BINS`); [] for yes/no.
    codes
        One code per row of the store (packed ``u1``).
    """

    key: str
    kind: str
    edges: list[float]
    low: list[float]
    codes: str


@dataclass(frozen=True)
class CellStore:
    """Every drawn row of a register above the point limit, as codes the page counts (:attr:`GridData.store`).

    The rows are in the order of the finest level's cells (:attr:`GridData.levels`' last).

    Attributes
    ----------
    rows
        How many rows the store holds (the drawn rows).
    cells
        Rows in each cell of the finest level (packed ``<u4``).
    status
        Per row: 0 joined, 1 flagged, 2 rejected, plus 4 when drawn at its county's or
        province's point (packed ``u1``).
    place
        Per row: its index in :attr:`places` (packed ``<u2``).
    places
        ``[province ISO code, county code]`` of the rows ("" where none), sorted.
    facts
        Every yes/no and number fact of the page's (:class:`StoreFact`).
    """

    rows: int
    cells: str
    status: str
    place: str
    places: list[list[str]]
    facts: list[StoreFact]


@dataclass(frozen=True)
class GridData:
    """A register too large to draw point by point, counted in a grid (:attr:`PageData.grid`).

    Attributes
    ----------
    cell
        The side of a cell in screen pixels at its own zoom level.
    zmin, zmax
        The zoom levels counted; a view at zoom ``z`` draws level ``min(max(z, zmin), zmax)``.
    levels
        One :class:`GridLevel` per zoom level, ``zmin`` to ``zmax``.
    store
        The rows themselves, as codes (:class:`CellStore`): the page counts the cells, the
        key, the choropleth and the national total from them for any style and filters.
    """

    cell: int
    zmin: int
    zmax: int
    levels: list[GridLevel]
    store: CellStore


@dataclass(frozen=True)
class TallyData:
    """The register's rows counted, for the legend of its map (:attr:`PageData.tally`).

    Attributes
    ----------
    joined, flagged, rejected
        The count of rows of each status (all rows, drawn or not).
    unplaced
        Rows with no place known: no usable location, county or province (not drawn).
    problems
        Flagged and rejected rows with a location.
    shown
        How many of those are drawn one by one (all of them, up to a cap).
    approx
        Rows without usable coordinates drawn at their county's or province's point.
    """

    joined: int
    flagged: int
    rejected: int
    unplaced: int
    problems: int
    shown: int
    approx: int


@dataclass(frozen=True)
class RegisterPoints:
    """A register's layer of its map: what :func:`geo.maps.points.register_points` returns.

    Attributes
    ----------
    points
        The rows drawn one by one (:class:`PointsData`).
    grid
        The grid of cells above :data:`geo.maps.points.POINTS_LIMIT` drawn rows, else None.
    tally
        The rows counted (:class:`TallyData`).
    """

    points: PointsData
    grid: GridData | None
    tally: TallyData
