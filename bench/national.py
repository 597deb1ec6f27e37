"""A synthetic national register: N rows written as a CSV, as a user's export would be.

Labelled synthetic (no real estates). Columns, headed in Persian as an Iranian export is:
«شناسه» (id), «نام واحد» (name), «استان» (province, the Persian name of the province
the point lies in), «عرض جغرافیایی»/«طول جغرافیایی» (lat/lon, 5 decimals), «مساحت (هکتار)»
(hectares), «تعداد شاغلان» (jobs), «ایزو 14001» (بله/خیر) and «ایستگاه آتش نشانی»
(دارد/ندارد).

``BAD_SHARE`` of the rows (1 %) are bad in the ways registers are: an unknown province,
text in a number column, latitude and longitude swapped, a point at sea or abroad, no
coordinates, a repeated id, or a historical province with a point abroad (rejected). The rest are points drawn uniformly inside the shipped
province polygons (numpy ``default_rng``, fixed seed), with their own province named.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240601
#: Share of rows that are bad, spread evenly over the kinds of :data:`BAD_KINDS`.
BAD_SHARE = 0.01
BAD_KINDS = ("unknown_province", "text_in_number", "swapped", "abroad", "no_coordinates", "duplicate_id", "unplaceable")


def points_in_provinces(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """About ``n`` points uniform inside the provinces, and the index of the province of each.

    Rejection sampling in Iran's bounding box against the provinces' union; a point on a
    border line (in no province's interior) is left out, so a few fewer than ``n`` may come.
    """
    import shapely

    from geo.joining.locate import province_index, within

    prov = province_index()
    iran = shapely.coverage_union_all(prov.frame.geometry.to_numpy())  # land: registers' points are on land
    shapely.prepare(iran)
    x0, y0, x1, y1 = iran.bounds
    xs, ys, got = [], [], 0
    while got < n:
        x, y = rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)
        keep = shapely.contains_xy(iran, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        got += int(keep.sum())
    lon, lat = np.concatenate(xs)[:n], np.concatenate(ys)[:n]
    idx = within(prov, lon, lat)
    inside = idx >= 0  # a point on a border line lies in no interior: nudge it to a neighbour's
    return lon[inside], lat[inside], idx[inside]


def national_register(n: int, seed: int = SEED) -> pd.DataFrame:
    """The synthetic register of ``n`` rows as text cells, in file order."""
    from geo.joining.locate import province_index

    rng = np.random.default_rng(seed)
    lon, lat, idx = points_in_provinces(int(n * 1.01) + 10, rng)
    lon, lat, idx = lon[:n], lat[:n], idx[:n]
    names_fa = province_index().frame["name_fa"].to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "شناسه": np.arange(1, n + 1).astype(str),
            "نام واحد": np.char.add("واحد نمونه ", np.arange(1, n + 1).astype(str)),
            "استان": names_fa[idx],
            "عرض جغرافیایی": np.round(lat, 5).astype(str),
            "طول جغرافیایی": np.round(lon, 5).astype(str),
            "مساحت (هکتار)": np.round(rng.gamma(2.0, 3.0, n), 2).astype(str),
            "تعداد شاغلان": rng.integers(1, 400, n).astype(str),
            "ایزو 14001": np.where(rng.random(n) < 0.2, "بله", "خیر"),
            "ایستگاه آتش نشانی": np.where(rng.random(n) < 0.05, "دارد", "ندارد"),
        }
    )
    _spoil(frame, rng)
    return frame


def _spoil(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Make :data:`BAD_SHARE` of the rows bad, each kind of :data:`BAD_KINDS` in equal parts."""
    n = len(frame)
    bad = rng.permutation(n)[: int(n * BAD_SHARE)]
    parts = np.array_split(bad, len(BAD_KINDS))
    lat, lon = "عرض جغرافیایی", "طول جغرافیایی"
    for kind, rows in zip(BAD_KINDS, parts, strict=True):
        if kind == "unknown_province":
            frame.loc[rows, "استان"] = "آتلانتیس"
        elif kind == "text_in_number":
            frame.loc[rows, "تعداد شاغلان"] = "نامعلوم"
        elif kind == "swapped":
            frame.loc[rows, [lat, lon]] = frame.loc[rows, [lon, lat]].to_numpy()
        elif kind == "abroad":
            frame.loc[rows, lat] = np.round(rng.uniform(10.0, 20.0, len(rows)), 5).astype(str)
            frame.loc[rows, lon] = np.round(rng.uniform(30.0, 75.0, len(rows)), 5).astype(str)
        elif kind == "no_coordinates":
            frame.loc[rows, [lat, lon]] = ""
        elif kind == "unplaceable":  # a historical province and a point abroad: rejected
            frame.loc[rows, "استان"] = "خراسان"
            frame.loc[rows, lat] = np.round(rng.uniform(10.0, 20.0, len(rows)), 5).astype(str)
            frame.loc[rows, lon] = np.round(rng.uniform(30.0, 40.0, len(rows)), 5).astype(str)
        else:
            frame.loc[rows, "شناسه"] = "1"


def write_national_register(n: int, path: Path, seed: int = SEED) -> Path:
    """Write :func:`national_register` of ``n`` rows to ``path`` (UTF-8 CSV); return ``path``."""
    national_register(n, seed).to_csv(path, index=False)
    return path


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    count = int(sys.argv[1])
    print(write_national_register(count, Path(sys.argv[2])))
