"""Private helpers of :mod:`geo.maps`: inlined third-party assets and our own JS/CSS.

Leaflet is taken at build time from the installed ``django-js-lib-leaflet`` package
(never copied into git, never loaded from a CDN) and inlined into the HTML. Our own
script and style live in ``geo/templates/``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from geo.errors import MapError

__all__ = ["leaflet_js", "leaflet_css", "own_js", "own_css", "script_json"]

_LEAFLET_PACKAGE = "js_lib_leaflet"


def _leaflet_file(name: str) -> str:
    try:
        path = resources.files(_LEAFLET_PACKAGE) / "static" / "js_lib_leaflet" / name
        return path.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover - broken install
        raise MapError(
            f"Leaflet's {name} was not found in the installed django-js-lib-leaflet package; "
            "reinstall it (pip install django-js-lib-leaflet)"
        ) from exc


@lru_cache(maxsize=1)
def leaflet_js() -> str:
    """Leaflet 1.9's minified script, without its source-map comment (no request for the .map)."""
    text = _leaflet_file("leaflet.js")
    text = re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", text)
    return text.replace("</script", "<\\/script")


@lru_cache(maxsize=1)
def leaflet_css() -> str:
    """Leaflet's stylesheet with its image URLs removed, so nothing is ever fetched.

    The images are the layer-switcher and default marker icons, which these maps do not
    use; ``url(#default#VML)`` is an old-IE behaviour that no browser fetches.
    """
    text = _leaflet_file("leaflet.css")
    text = re.sub(r"url\((?!#)[^)]*\)", "none", text)
    return text.replace("</style", "<\\/style")


def _template(name: str) -> str:
    return (resources.files("geo") / "templates" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def own_js() -> str:
    """Our own map script (``geo/templates/map.js``)."""
    return _template("map.js")


@lru_cache(maxsize=1)
def own_css() -> str:
    """Our own map style (``geo/templates/map.css``)."""
    return _template("map.css")


_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(obj: Any) -> str:
    """JSON for a ``<script type="application/json">`` block: ``<``, ``>``, ``&`` escaped.

    The result can never close the script element or open a tag, whatever the data
    holds; ``JSON.parse`` gives the original strings back.

    Examples
    --------
    >>> script_json({"name": "<img src=x>"})
    '{"name":"\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=False)
    for char, escaped in _JSON_ESCAPES.items():
        text = text.replace(chr(char), escaped)
    return text
