"""Interactive folium maps of the provinces (first, simple version)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import folium

from geo.provinces import load_provinces

__all__ = ["province_map", "write_html"]


def province_map() -> folium.Map:
    """Return a folium map of the 31 provinces with their names as tooltips.

    Examples
    --------
    >>> m = province_map()
    >>> type(m).__name__
    'Map'
    """
    provinces = load_provinces()
    m = folium.Map(location=[32.5, 54.0], zoom_start=5, tiles=None)
    folium.GeoJson(
        provinces[["code", "name_en", "name_fa", "geometry"]].to_json(),
        name="provinces",
        tooltip=folium.GeoJsonTooltip(fields=["name_fa", "name_en", "code"]),
    ).add_to(m)
    return m


def write_html(m: folium.Map, path: str | Path) -> Path:
    """Write a map to ``path`` atomically: a failure leaves any previous file in place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    html = m.get_root().render()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
