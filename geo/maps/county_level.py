"""A map's county level: the 478 counties, packed in a block of their own, decoded on demand.

The county level is not in a page's main data block: it travels in a second element
(:data:`COUNTY_BLOCK`), a :class:`CountyData` as JSON, compressed (zlib "deflate") and
base64-encoded (about 210 KB on the default map), which the page decodes
(``DecompressionStream``, offline) only when the reader asks for counties: the level
switch, the search box, or a URL fragment naming a county. :attr:`PageData.counties
<geo.maps.contract.PageData>` (:class:`~geo.maps.contract.CountyLayer`) says where it is.

The counties' land polygons are coverage-simplified as a whole
(:data:`geo.maps.geometry.COUNTY_STEPS`) and packed (:func:`geo.maps.geometry.pack_polygons`);
each province's outline is the union of its simplified counties, so that province and
county borders meet exactly.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo._cache import cached
from geo.maps.contract import CountyLayer, IndicatorData, _check_keys, plain
from geo.maps.geometry import COUNTY_STEPS, pack_polygons, packed_json, simplified
from geo.maps.payload import RawJSON, _indicator_payload, _text
from geo.maps.search import county_search_keys

__all__ = ["COUNTY_BLOCK", "CountyBlock", "CountyData", "check_county_data", "counties_payload"]


@dataclass(frozen=True)
class CountyData:
    """The county level of a page, as decoded from its block (``K`` in ``map.js``).

    Attributes
    ----------
    code, name_fa, name_en
        Each county's code (``r`` + OSM relation id) and names.
    province
        Each county's province, as the position of its feature in :attr:`PageData.geojson`.
    pt
        A point inside each county, ``[lat, lon]``.
    decimals
        Packed coordinates are integers in units of ``10**-decimals`` degrees.
    polygons
        Each county's land polygon (:func:`geo.maps.geometry.pack_polygons`).
    outline
        Each province's outline drawn over the counties: the union of its counties'
        simplified polygons (packed the same way, in feature order), so that province
        and county borders meet exactly.
    indicators
        Per-county layers with the ids of the page's indicators (the register map: its
        own counts per county), arrays of one entry per county; empty when the figures
        are per province only (the default map: counties take their province's colour).
    search
        Each county's search keys (as :attr:`SearchData.levels`: the keys of its names,
        folded by :func:`geo.reference.names.normalize_name`, space-separated).
    """

    code: list[str]
    name_fa: list[str]
    name_en: list[str]
    province: list[int]
    pt: list[tuple[float, float]]
    decimals: int
    polygons: Any
    outline: Any
    indicators: list[IndicatorData]
    search: list[str]


#: The id of the element that carries a page's packed county level.
COUNTY_BLOCK = "geo-counties"


@dataclass(frozen=True)
class CountyBlock:
    """A page's county level: where it goes and what it holds.

    Attributes
    ----------
    layer
        :attr:`PageData.counties <geo.maps.contract.PageData>`.
    packed
        The block's text: the :class:`~geo.maps.contract.CountyData` JSON, zlib-compressed,
        base64.
    text
        The uncompressed JSON (its Persian names must be in the page's font subset).
    """

    layer: CountyLayer
    packed: str
    text: str


@lru_cache(maxsize=2)
def _county_shapes(province_codes: tuple[str, ...]) -> tuple[Any, int, str, str]:
    """The counties as a page draws them (the same for every page; kept in the disk cache).

    Returns the county table (file order, with a point ``pt`` inside each), the decimals
    of the packed coordinates, and as JSON text the packed county polygons and the packed
    outline of each province in ``province_codes`` order. The disk cache is keyed by the
    shipped county file's digest, so a new boundary file makes them again.
    """
    from geo.reference._boundaries import boundary_path
    from geo.reference.counties import COUNTIES_FILE, county_table

    digest = hashlib.sha256(boundary_path(COUNTIES_FILE).read_bytes()).hexdigest()
    key = ("county-shapes-1", digest, province_codes, COUNTY_STEPS, shapely.geos_version)
    head, polygons, outline = cached("county-shapes", key, lambda: _make_shapes(province_codes)).split(b"\n")
    meta = json.loads(head)
    return (
        county_table().assign(pt=[tuple(p) for p in meta["pt"]]),
        meta["decimals"],
        polygons.decode(),
        outline.decode(),
    )


def _make_shapes(province_codes: tuple[str, ...]) -> bytes:
    """What :func:`_county_shapes` keeps, on three lines of JSON text.

    A head (the decimals, a point inside each county), the packed county polygons, and
    the packed province outlines.
    """
    from geo.reference.counties import load_counties

    frame = load_counties()
    geoms, decimals = simplified(frame.geometry.to_numpy(), COUNTY_STEPS)
    province = frame["province"].to_numpy()
    outline = [shapely.coverage_union_all(geoms[province == code]) for code in province_codes]
    pt = [(round(float(p.y), 4), round(float(p.x), 4)) for p in shapely.point_on_surface(geoms)]
    lines = [json.dumps({"decimals": decimals, "pt": pt}), packed_json(pack_polygons(geoms, decimals))]
    lines.append(packed_json(pack_polygons(outline, decimals)))
    return "\n".join(lines).encode("utf-8")


def counties_payload(
    province_codes: list[str], lang: str, by_county: Any = None, indicators: pd.DataFrame | None = None
) -> CountyBlock:
    """The county level of a page, packed.

    Parameters
    ----------
    province_codes
        The page's provinces, in feature order.
    lang
        The page's language (the per-county layers' texts).
    by_county, indicators
        A per-county table (indexed by county code) and the declared indicators whose
        columns it has, for per-county layers (the register map); None for none.
    """
    frame, decimals, polygons, outline = _county_shapes(tuple(province_codes))
    layers: list[IndicatorData] = []
    if by_county is not None and indicators is not None:
        aligned = by_county.reindex(frame["code"])
        for k, (ind_id, rec) in enumerate(zip(indicators.index, indicators.to_dict("records"), strict=True)):
            values = aligned[ind_id].to_numpy(dtype=float)
            layer = _indicator_payload(dict(rec, id=ind_id, national_total=None), values, lang, k)
            numbers = [x if np.isfinite(x) else None for x in values.tolist()]
            layers.append(dataclasses.replace(layer, v=numbers))
    position = {code: i for i, code in enumerate(province_codes)}
    data = CountyData(
        code=frame["code"].tolist(),
        name_fa=frame["name_fa"].tolist(),
        name_en=[_text(v) for v in frame["name_en"].tolist()],
        province=[position[c] for c in frame["province"].tolist()],
        pt=frame["pt"].tolist(),
        decimals=decimals,
        polygons=RawJSON(polygons),
        outline=RawJSON(outline),
        indicators=layers,
        search=county_search_keys(frame),
    )
    # the packed polygons are JSON text already: spliced in, not walked value by value
    fields = {k: (f"@@{k}@@" if isinstance(v, RawJSON) else plain(v)) for k, v in vars(data).items()}
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for key in ("polygons", "outline"):
        text = text.replace(f'"@@{key}@@"', getattr(data, key), 1)
    return CountyBlock(
        CountyLayer(n=len(frame), block=COUNTY_BLOCK, packing="deflate+base64"), packed_block(text), text
    )


def packed_block(text: str) -> str:
    """``text`` deflated and in base64, as the page decodes it, through the disk cache.

    Deflating the county block is a tenth of a second of every page; its bytes depend only
    on the text and zlib's version (the key holds the text's SHA-256, not the text).

    Examples
    --------
    >>> import base64, zlib
    >>> zlib.decompress(base64.b64decode(packed_block('{"a":1}')))
    b'{"a":1}'
    """
    raw = text.encode("utf-8")
    key = ("deflate+base64", 6, zlib.ZLIB_RUNTIME_VERSION, hashlib.sha256(raw).hexdigest())
    return cached("county-blocks", key, lambda: base64.b64encode(zlib.compress(raw, 6))).decode("ascii")


def check_county_data(data: dict[str, Any], n_provinces: int) -> None:
    """Check a decoded county block against the contract (keys, lengths, provinces).

    Raises
    ------
    ValueError
        Naming the first part that does not conform.
    """
    _check_keys(data, CountyData, "county data")
    n = len(data["code"])
    per_county = ("name_fa", "name_en", "province", "pt", "polygons", "search")
    if any(len(data[k]) != n for k in per_county) or len(data["outline"]) != n_provinces:
        raise ValueError("county data: one entry per county (and one outline per province) is needed")
    if not all(0 <= p < n_provinces for p in data["province"]):
        raise ValueError("county data: a province position is out of range")
    for ind in data["indicators"]:
        _check_keys(ind, IndicatorData, f"county indicator {ind.get('id')!r}")
        if not all(len(ind[k]) == n for k in ("c", "t", "r", "s", "v")):
            raise ValueError(f"county indicator {ind['id']!r}: c, t, r and s need one entry per county")
