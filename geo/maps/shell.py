"""A map page's own parts, and the page made from a cached shell without folium.

A page is folium's rendering (the page head with Leaflet inlined, the map's ``<div>`` and
its script) around our own parts: the style (the embedded font subset and our CSS), the
data block, the packed county block and our script. Folium's part depends only on the
page's language, whether it has a county block, and the versions of folium, branca, Jinja
and Leaflet, so it is rendered once with a marker in place of each of our parts (and of
the title) and kept in the disk cache (:mod:`geo._cache`, checked by its digest). A page
is then that shell with the markers replaced: the same bytes folium renders (the tests
compare both), without importing folium, branca or Jinja (about half a second of a small
register's ``geo join``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from geo._cache import cached
from geo.maps._assets import font_codepoints, font_face_css, module_js, own_css, own_js, script_json
from geo.maps.contract import PageData, plain
from geo.maps.county_level import COUNTY_BLOCK, CountyBlock
from geo.maps.payload import RawJSON

__all__ = ["SLOTS", "LayerParts", "data_json", "filled", "layer_parts", "marker", "page_script", "shell_key"]

#: The parts of a page a shell leaves open, in no particular order.
SLOTS = ("title", "style", "data", "counties", "script")
#: The libraries whose output the shell is (their versions key the cache).
_RENDERERS = ("folium", "branca", "jinja2", "django-js-lib-leaflet")


def marker(slot: str) -> str:
    """The text standing for ``slot`` in a shell (plain ASCII: no template or escaping changes it).

    Examples
    --------
    >>> marker("data")
    '@@geo-shell-slot:data@@'
    """
    return f"@@geo-shell-slot:{slot}@@"


@dataclass(frozen=True)
class LayerParts:
    """Our own parts of a page, as text placed in it.

    Attributes
    ----------
    style
        The CSS of the page's ``<style>`` element: the font subset's ``@font-face``, our style.
    data
        The data block's JSON (script-safe).
    counties
        The packed county block (base64), or None for a page without a county level.
    script
        Our script (the body of the function that receives the map).
    """

    style: str
    data: str
    counties: str | None
    script: str


def data_json(data: dict[str, Any]) -> str:
    """The page's data block: script-safe JSON, with pre-encoded parts spliced in."""
    raw = {k: v for k, v in data.items() if isinstance(v, RawJSON)}
    text = script_json({k: (f"@@{k}@@" if k in raw else v) for k, v in data.items()})
    for k, v in raw.items():
        text = text.replace(f'"@@{k}@@"', v, 1)
    return text


def page_script(points: bool, modules: Sequence[str] = ()) -> str:
    """The page's own script as a page runs it, in one scope.

    ``map.js`` (with the register layer when ``points``), then each of ``modules``
    (``series.js``, ``change.js``). ``tools/page_scripts.py`` writes these for ESLint
    (``make lint``), so the linter reads the names each piece takes from the others as the
    browser does.
    """
    return "\n".join([own_js(points), *map(module_js, modules)])


def layer_parts(data: PageData, counties: CountyBlock | None, title: str) -> LayerParts:
    """Our parts of a page of ``data`` titled ``title``: font subset, style, data, script."""
    text = data_json(plain(data))
    points = data.points is not None
    modules = (("series.js", data.series is not None), ("change.js", data.changes is not None))
    # the embedded Persian font, subset to the Arabic-script characters of this page's
    # data and strings (all of the page's own text travels in the data block)
    county_text = counties.text if counties is not None else ""
    font = font_face_css(font_codepoints(title + text + county_text))
    return LayerParts(
        style=font + own_css(points),
        data=text,
        counties=counties.packed if counties is not None else None,
        script=page_script(points, [name for name, used in modules if used]),
    )


def shell_key(lang: str, counties: bool) -> tuple[object, ...]:
    """Everything a shell depends on: language, county block, renderers' versions, our page code."""
    versions: list[str | None] = []
    for name in _RENDERERS:
        try:
            versions.append(version(name))
        except PackageNotFoundError:
            versions.append(None)
    here = Path(__file__).resolve().parent
    code = hashlib.sha256()
    for path in (here / "page.py", here / "shell.py", here / "_assets.py"):
        code.update(path.read_bytes())
    return ("shell-1", lang, counties, COUNTY_BLOCK, *versions, code.hexdigest())


def filled(lang: str, parts: LayerParts, title: str, render: Callable[[str, bool], str]) -> str | None:
    """The page of ``parts``: the cached shell of ``lang`` with its markers replaced.

    ``render(lang, counties)`` renders a shell on a cache miss (folium's page with
    :func:`marker` text in each slot). None when the shell does not hold each marker
    exactly once (then the page is rendered by folium as a whole).
    """
    from markupsafe import escape  # as Jinja's ``|e`` escapes the title in the page template

    has_counties = parts.counties is not None
    shell = cached("pages", shell_key(lang, has_counties), lambda: render(lang, has_counties).encode("utf-8"))
    text = shell.decode("utf-8")
    values = {
        "title": str(escape(title)),
        "style": parts.style,
        "data": parts.data,
        "counties": parts.counties or "",
        "script": parts.script,
    }
    slots = [s for s in SLOTS if has_counties or s != "counties"]
    if any(text.count(marker(s)) != 1 for s in slots):
        return None
    return _joined(text, {marker(s): values[s] for s in slots})


def _joined(text: str, replacements: dict[str, str]) -> str:
    """``text`` with each key (found exactly once) replaced by its value, in one pass.

    Examples
    --------
    >>> _joined("a@1@b@2@c", {"@1@": "@2@", "@2@": "x"})
    'a@2@bxc'
    """
    found = sorted((text.index(key), key) for key in replacements)
    out, start = [], 0
    for at, key in found:
        out += [text[start:at], replacements[key]]
        start = at + len(key)
    out.append(text[start:])
    return "".join(out)
