"""Arrow columns as files take them: points' WKB, text columns, formula-like text found.

Built once per column for every writer of :mod:`geo.output._writers` (GeoPackage,
GeoParquet, CSV, the GeoPackage process's stream), each with NumPy or Arrow compute
over the whole column rather than a step per cell.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo._io import FORMULA_START

__all__ = ["arrow_text", "formula_like", "wkb_array"]


#: The first five bytes of a 2-D point's WKB: little-endian, geometry type 1.
_POINT_HEAD = np.frombuffer(b"\x01\x01\x00\x00\x00", dtype=np.uint8)


def wkb_array(geoms: np.ndarray) -> Any:
    """``geoms`` as an Arrow binary array of WKB (None: null), as :func:`shapely.to_wkb` writes them.

    When all are 2-D points (or missing), the 21 bytes of each are laid out from their
    coordinates at once (a tenth of the time of asking GEOS for each); other shapes go
    through :func:`shapely.to_wkb`.

    Examples
    --------
    >>> geoms = np.array([shapely.Point(51.4, 35.7), None, shapely.Point(-1.5, 2)], dtype=object)
    >>> wkb_array(geoms).to_pylist() == shapely.to_wkb(geoms).tolist()
    True
    >>> others = np.array([shapely.Point(1, 2, 3), shapely.Point(), shapely.box(0, 0, 1, 1)], dtype=object)
    >>> all(wkb_array(others[k:]).to_pylist() == shapely.to_wkb(others[k:]).tolist() for k in range(3))
    True
    """
    import pyarrow as pa

    kind = shapely.get_type_id(geoms)
    point = kind == 0
    if not ((kind == -1) | point).all() or shapely.has_z(geoms[point]).any() or shapely.is_empty(geoms[point]).any():
        return pa.array(shapely.to_wkb(geoms), type=pa.binary())
    body = np.empty((int(point.sum()), 21), dtype=np.uint8)
    body[:, :5] = _POINT_HEAD
    body[:, 5:] = shapely.get_coordinates(geoms[point]).astype("<f8").view(np.uint8).reshape(-1, 16)
    offsets = np.zeros(len(geoms) + 1, dtype=np.int32)
    np.cumsum(np.where(point, 21, 0), out=offsets[1:])
    valid = None if point.all() else pa.py_buffer(np.packbits(point, bitorder="little"))
    buffers = [valid, pa.py_buffer(offsets), pa.py_buffer(body)]
    return pa.Array.from_buffers(pa.binary(), len(geoms), buffers, null_count=int((~point).sum()))


def arrow_text(values: Any) -> Any:
    """An object column of texts (None or NaN where missing) as Arrow-backed text, or None if it holds other objects.

    Converted once, the column is handed to every file's writer without another copy.
    A column of few distinct texts (a status, a province code) is converted through its
    distinct values (a hash of each cell, no text made per cell).

    Examples
    --------
    >>> arrow_text(np.array(["IR-01", None, "IR-01"], dtype=object)).tolist()
    ['IR-01', nan, 'IR-01']
    >>> arrow_text(np.array([1, "a"], dtype=object)) is None
    True
    """
    import pyarrow as pa

    values = np.asarray(values, dtype=object)
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    if pd.api.types.infer_dtype(distinct, skipna=True) not in ("string", "empty"):
        return None
    if len(distinct) <= max(len(values) // 10, 1):
        words = pa.array(distinct.tolist(), type=pa.string())
        text = pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int32(), mask=codes < 0), words)
        array = text.cast(pa.string())
    else:
        array = pa.array(values, type=pa.string(), from_pandas=True)
    return pd.array(array, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def formula_like(col: Any) -> Any:
    r"""Whether each text of an Arrow array starts as a formula does (:data:`geo._io.FORMULA_START`).

    One prefix test per character (a third of the time of one regular expression).

    Examples
    --------
    >>> import pyarrow as pa
    >>> formula_like(pa.array(["=1+1", "x", None, "\t-", "-5", "a=b"])).to_pylist()
    [True, False, None, True, True, False]
    """
    import pyarrow.compute as pc

    found = pc.starts_with(col, FORMULA_START[0])
    for start in FORMULA_START[1:]:
        found = pc.or_(found, pc.starts_with(col, start))
    return found
