"""Assembling the HTML page.

A folium map without CDN links, with Leaflet and the font inlined, the data block, our
script and style.

Element ids are fixed, so the same inputs give byte-identical HTML. Data travels as JSON
in a ``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure
from jinja2 import Template

from geo._io import atomic_write_text
from geo.errors import InputTypeError, MapError, MapWriteError
from geo.i18n import as_given, message, whole
from geo.maps._assets import leaflet_css, leaflet_js
from geo.maps.contract import PageData
from geo.maps.county_level import COUNTY_BLOCK, CountyBlock
from geo.maps.shell import LayerParts, layer_parts, marker, page_script

__all__ = [
    "add_data",
    "embedded_counties",
    "embedded_data",
    "new_map",
    "page_script",
    "render_html",
    "render_shell",
    "save_map",
    "tile_layer",
]

#: The viewport of every map page: the device's width, and zoom left to the reader (folium's
#: own tag says ``user-scalable=no``, which stops a phone reader from pinch-zooming the page).
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
_VIEWPORT_TAG = re.compile(r'<meta\s+name="viewport"[^>]*>')


def allow_page_zoom(head: str) -> str:
    r"""The map's part of the page head (folium's) with its viewport tag replaced by :data:`VIEWPORT`.

    Examples
    --------
    >>> allow_page_zoom('<meta name="viewport" content="width=device-width,\n  user-scalable=no" />')
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    """
    return _VIEWPORT_TAG.sub(VIEWPORT, head, count=1)


_FIGURE_TEMPLATE = Template(
    "<!DOCTYPE html>\n"
    '<html lang="{{ this.geo_lang }}" dir="{{ this.geo_dir }}">\n'
    "<head>\n"
    '<meta charset="utf-8">\n'
    "<title>{{ this.title|e }}</title>\n"
    "    {{ this.header.render(**kwargs) }}\n"
    "</head>\n"
    "<body>\n"
    "    {{ this.html.render(**kwargs) }}\n"
    "<script>\n"
    "    {{ this.script.render(**kwargs) }}\n"
    "</script>\n"
    "</body>\n"
    "</html>\n"
)


class _GeoLayer(Element):
    """Our data block, script and style: the choropleths, panels and point clusters.

    Not a folium MacroElement on purpose: branca compiles a MacroElement's rendered output
    as a Jinja template again, so data holding ``{{`` or ``{%`` would be evaluated (and the
    100 KB JSON tokenised). These pieces go into the page as plain text.
    """

    def __init__(self, parts: LayerParts) -> None:
        super().__init__()
        self._name = "GeoLayer"
        self._id = "geo"
        self.parts = parts

    def render(self, **kwargs: Any) -> str:
        """Add the font, style, data block and script to the page; nothing in place."""
        fig = self.get_root()
        assert isinstance(fig, Figure) and self._parent is not None  # rendered as a child of its map
        map_var = self._parent.get_name()
        parts = self.parts
        fig.header.add_child(_Inline(f"<style>{parts.style}</style>", "geo_css"), name="geo_css")
        fig.html.add_child(
            _Inline(f'<script type="application/json" id="geo-data">{parts.data}</script>', "geo_data"),
            name="geo_data",
        )
        if parts.counties is not None:  # base64 text only: it cannot close the element
            block = f'<script type="text/plain" id="{COUNTY_BLOCK}">{parts.counties}</script>'
            fig.html.add_child(_Inline(block, "geo_counties"), name="geo_counties")
        script = _Inline(f"(function (map) {{\n{parts.script}\n}})({map_var});", "geo_js")
        fig.script.add_child(script, name="geo_js")
        head = fig.header._children.get(map_var)  # the map's own head, rendered just before us
        if head is not None:
            fig.header._children[map_var] = _Inline(allow_page_zoom(head.render()), map_var)
        return ""


class _Inline(Element):
    """Raw text placed in the page head (inlined third-party CSS/JS), not a template."""

    def __init__(self, text: str, key: str) -> None:
        super().__init__()
        self._id = key
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """The text as it is."""
        return self.text


def tile_layer(tiles: str) -> folium.TileLayer:
    """An opt-in basemap named as in xyzservices; an unknown name lists close ones."""
    import xyzservices

    names = list(xyzservices.providers.flatten())
    try:
        provider = xyzservices.providers.query_name(tiles)
    except ValueError:
        close = difflib.get_close_matches(tiles, names, n=6, cutoff=0.4)
        close += [n for n in names if tiles.lower().replace(" ", "") in n.lower() and n not in close][:6]
        hint = (
            message("errors", "maps_tiles_close", names=whole(", ".join(close)))
            if close
            else message("errors", "maps_tiles_see")
        )
        raise MapError(message("errors", "maps_tiles_unknown", tiles=as_given(tiles), hint=hint)) from None
    layer = folium.TileLayer(tiles=provider, name=provider.name, control=False)
    layer._id = "tiles"
    return layer


#: The zoom levels a reader can reach (Leaflet's ``minZoom``/``maxZoom``): out to where Iran
#: is a fifth of a phone's width with its neighbours around it (a laptop fits the country at
#: about 5), in to where one estate's streets are apart (14: about 8 m a pixel at Iran's
#: latitudes). Without them Leaflet allows any zoom: out to a blank world, in until the
#: polygons are gone. The pan limit (``maxBounds``) is set by the page's script from the
#: provinces it draws.
MIN_ZOOM = 3
MAX_ZOOM = 14


def new_map(lang: str, title: str, tiles: str | None) -> folium.Map:
    """An empty map page in ``lang`` with Leaflet inlined and nothing linked."""
    if tiles is not None and not isinstance(tiles, str):
        raise InputTypeError(message("errors", "maps_tiles_type", kind=type(tiles).__name__))
    layer = tile_layer(tiles) if tiles else None  # fail early, before any work
    m = folium.Map(
        location=[32.4, 53.7],
        zoom_start=5,
        tiles=None,
        zoom_control=False,
        prefer_canvas=False,
        zoomSnap=0.25,
        minZoom=MIN_ZOOM,
        maxZoom=MAX_ZOOM,
        attributionControl=True,
    )
    # Nothing from CDNs: Leaflet is inlined below, the rest folium would link is unused.
    m.default_js = []
    m.default_css = []
    m._id = "geo"
    fig = m.get_root()
    assert isinstance(fig, Figure)
    fig._id = "page"
    fig._template = _FIGURE_TEMPLATE
    # our template declares the encoding once (<meta charset>); branca's Figure adds an
    # http-equiv content-type meta too, which HTML forbids beside it
    fig.header._children.pop("meta_http", None)
    fig.title = title
    # attributes our page template reads (branca's Figure does not declare them)
    fig.geo_lang = lang  # type: ignore[attr-defined]
    fig.geo_dir = "rtl" if lang == "fa" else "ltr"  # type: ignore[attr-defined]
    fig.header.add_child(_Inline(f"<style>{leaflet_css()}</style>", "leaflet_css"), name="leaflet_css")
    fig.header.add_child(_Inline(f"<script>{leaflet_js()}</script>", "leaflet_js"), name="leaflet_js")
    if layer is not None:
        m.add_child(layer, name="tiles")
    return m


def add_data(m: folium.Map, data: PageData, counties: CountyBlock | None = None) -> folium.Map:
    """Put the page's data block (and its packed county level, if any), script and style on ``m``."""
    title = m.get_root().title or ""  # type: ignore[attr-defined]
    m.add_child(_GeoLayer(layer_parts(data, counties, title)), name="geo")
    return m


def render_shell(lang: str, counties: bool) -> str:
    """A register page of ``lang`` with :func:`~geo.maps.shell.marker` text in place of our parts.

    What :func:`geo.maps.shell.filled` keeps in the cache: folium's page, rendered once.
    """
    m = new_map(lang, marker("title"), None)
    parts = LayerParts(
        style=marker("style"),
        data=marker("data"),
        counties=marker("counties") if counties else None,
        script=marker("script"),
    )
    m.add_child(_GeoLayer(parts), name="geo")
    return render_html(m)


def render_html(m: folium.Map) -> str:
    r"""The complete HTML page of a map, as a string.

    Examples
    --------
    >>> from geo.maps import estates_map
    >>> html = render_html(estates_map(lang="en"))
    >>> "<script src=\"http" in html
    False
    """
    return m.get_root().render()


def save_map(m: folium.Map, path: str | Path) -> Path:
    """Write a map to ``path`` atomically: a failure leaves any previous file in place.

    The page is rendered first, written to a temporary file in the same folder and moved
    over ``path`` with :func:`os.replace`.

    Parameters
    ----------
    m
        A map from :func:`~geo.maps.estates_map` or :func:`~geo.maps.register_map` (any
        ``folium.Map`` works).
    path
        The HTML file to write; its folder is created if needed.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    MapWriteError
        The file cannot be written (a file stands where a folder of ``path`` should be,
        no permission, disk full); any previous file is left in place. (A
        :class:`~geo.errors.MapError` and an :class:`~geo.errors.OutputError`.)
    InputTypeError
        ``m`` is not a map or ``path`` not a path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from geo.maps import estates_map
    >>> out = save_map(estates_map(lang="en"), pathlib.Path(tempfile.mkdtemp()) / "m.html")
    >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    if not isinstance(m, folium.Map):
        raise InputTypeError(message("errors", "maps_m_type", kind=type(m).__name__))
    if not isinstance(path, (str, Path)) or not str(path).strip():
        raise InputTypeError(message("errors", "maps_path_type", kind=type(path).__name__))
    path = Path(path)
    html = render_html(m)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, html)
    except OSError as exc:
        blocker = next((p for p in (path.parent, *path.parent.parents) if p.exists() and not p.is_dir()), None)
        blocked = (
            message("errors", "maps_file_not_folder", blocker=whole(str(blocker))) if blocker is not None else None
        )
        why = blocked or whole(exc.strerror or str(exc))
        raise MapWriteError(message("errors", "maps_cannot_write", path=whole(str(path)), why=why)) from exc
    return path


def embedded_data(html: str) -> dict[str, Any]:
    """Parse the JSON data block back out of a rendered map (for tests and tools).

    Examples
    --------
    >>> from geo.maps import estates_map
    >>> data = embedded_data(render_html(estates_map(lang="en")))
    >>> len(data["geojson"]["features"])
    31
    """
    start_tag = '<script type="application/json" id="geo-data">'
    start = html.index(start_tag) + len(start_tag)
    end = html.index("</script>", start)
    return dict(json.loads(html[start:end]))


def embedded_counties(html: str) -> dict[str, Any] | None:
    """Decode the packed county level of a rendered map (None without one), as the page does.

    Examples
    --------
    >>> from geo.maps import estates_map
    >>> counties = embedded_counties(render_html(estates_map(lang="en")))
    >>> len(counties["code"]), len(counties["outline"])
    (478, 31)
    """
    import base64
    import zlib

    start_tag = f'<script type="text/plain" id="{COUNTY_BLOCK}">'
    if start_tag not in html:
        return None
    start = html.index(start_tag) + len(start_tag)
    end = html.index("</script>", start)
    return dict(json.loads(zlib.decompress(base64.b64decode(html[start:end])).decode("utf-8")))
