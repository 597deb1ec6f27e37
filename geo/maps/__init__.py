r"""Interactive, self-contained, bilingual maps of Iran's provinces and industrial estates.

The default map (:func:`estates_map`) shows one choropleth per declared per-province
indicator (``data/yearbook/indicators.csv``) on a single embedded GeoJSON: switching the
indicator restyles the same 31 features. A national panel lists the 1396 SH HSE and
infrastructure facts of the facts ledger, with their source phrases, beside the 1392
national totals of the matching per-province tables.

Every map is a :class:`folium.Map` (so it displays inline in Jupyter) but nothing in it
comes from the network: Leaflet is inlined from the installed ``django-js-lib-leaflet``
package, Persian text is drawn with Noto Sans Arabic subset to the page's characters and
embedded as a base64 ``@font-face`` (from ``fontpkg-noto-sans-arabic``, see
:mod:`geo.maps._assets`), folium's CDN links are switched off, and the page's own script
(``geo/templates/map.js``) builds every tooltip, popup, legend and panel with
``textContent``. Data travels as JSON in a ``<script type="application/json">`` block
(its fields: :mod:`geo.maps.contract`). A tile basemap is opt-in (``tiles=``, an
xyzservices name).

The modules: :mod:`~geo.maps.classify` (class breaks), :mod:`~geo.maps.geometry`
(simplified polygons), :mod:`~geo.maps.payload` (the page's data),
:mod:`~geo.maps.contract` (its fields), :mod:`~geo.maps.page` (the HTML page) and
:mod:`~geo.maps.builders` (the public builders).

Examples
--------
>>> m = estates_map(lang="en")
>>> html = render_html(m)
>>> "<script src=\"http" in html
False
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from geo.i18n import LANGS

if TYPE_CHECKING:
    from geo.maps.builders import DEFAULT_FILES, build_maps, estates_map, register_map
    from geo.maps.page import embedded_data, render_html, save_map

__all__ = [
    "LANGS",
    "DEFAULT_FILES",
    "estates_map",
    "register_map",
    "save_map",
    "render_html",
    "build_maps",
    "embedded_data",
]

#: Where each public name lives: loaded on first use, so that a module of this package
#: (a register's page from its cached shell, :mod:`geo.maps.shell`) is reached without
#: importing folium.
_LAZY = {
    "DEFAULT_FILES": "geo.maps.builders",
    "build_maps": "geo.maps.builders",
    "estates_map": "geo.maps.builders",
    "register_map": "geo.maps.builders",
    "save_map": "geo.maps.page",
    "render_html": "geo.maps.page",
    "embedded_data": "geo.maps.page",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, loaded or not."""
    return sorted(set(globals()) | set(__all__))
