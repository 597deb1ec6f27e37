"""Private helpers of :mod:`geo.maps`: inlined third-party assets and our own JS/CSS.

Leaflet is taken at build time from the installed ``django-js-lib-leaflet`` package
(never copied into git, never loaded from a CDN) and inlined into the HTML. Our own
script and style live in ``geo/templates/``.

The Persian text is drawn with an embedded font, so a page shapes correctly on a machine
without any Arabic-script font: Noto Sans Arabic (SIL Open Font License 1.1) is taken
from the installed ``fontpkg-noto-sans-arabic`` package and, at build time, subset with
fontTools to the Arabic-script characters that the page holds (:func:`font_face_css`).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import re
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from geo._cache import cached
from geo.errors import MapError
from geo.i18n import message, whole

__all__ = [
    "leaflet_js",
    "leaflet_css",
    "module_js",
    "own_js",
    "own_css",
    "script_json",
    "FONT_FAMILY",
    "font_codepoints",
    "font_bytes",
    "font_face_css",
]

_LEAFLET_PACKAGE = "js_lib_leaflet"


def _package_file(package: str, *parts: str, dist: str) -> Traversable:
    """A file shipped inside an installed package, or a MapError that says what to reinstall."""
    try:
        path = resources.files(package).joinpath(*parts)
        if not path.is_file():
            raise FileNotFoundError(str(path))
        return path
    except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover - broken install
        raise MapError(message("errors", "maps_asset_missing", part=whole(parts[-1]), dist=whole(dist))) from exc


def _leaflet_file(name: str) -> str:
    path = _package_file(_LEAFLET_PACKAGE, "static", "js_lib_leaflet", name, dist="django-js-lib-leaflet")
    return path.read_text(encoding="utf-8")


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
    return (resources.files("geo") / "templates").joinpath(*name.split("/")).read_text(encoding="utf-8")


_REGISTER_MARKER = "/* @register@ (geo/templates/register.js, on pages with points) */"


#: The register layer's files, in the order they are assembled at map.js's @register@
#: marker (each may use what the ones before it define; ``register.js`` draws, last).
ESTATE_MODULES = (
    "estates/format.js",
    "estates/card.js",
    "estates/style.js",
    "estates/filters.js",
    "estates/cells.js",
    "estates/choropleth.js",
    "estates/table.js",
    "register.js",
)


@lru_cache(maxsize=4)
def module_js(name: str) -> str:
    """A script of ``geo/templates/`` run after ``map.js``, in its scope, on the pages that need it.

    ``series.js`` (the national series under the national panel) and ``change.js`` (a change
    map's estates); they use ``map.js``'s helpers and hook into its panels.
    """
    if name not in ("series.js", "change.js"):
        raise ValueError(f"{name!r} is not a page module")
    return _template(name)


@lru_cache(maxsize=2)
def own_js(points: bool = False) -> str:
    """Our own map script (``geo/templates/map.js``).

    With ``points``, the register layer is assembled at its marker: the files of
    :data:`ESTATE_MODULES` (``geo/templates/estates/*.js``, then ``register.js``), joined in
    that order, each under a comment naming it; without, the marker is dropped, so the
    default map does not carry that code. The same files give the same bytes.
    """
    script = _template("map.js")
    if _REGISTER_MARKER not in script:
        raise RuntimeError("geo/templates/map.js lost its @register@ marker")
    layer = "".join(f"/* ---- {name} */\n{_template(name)}" for name in ESTATE_MODULES) if points else ""
    return script.replace(_REGISTER_MARKER, layer, 1)


@lru_cache(maxsize=2)
def own_css(points: bool = False) -> str:
    """Our own map style (``geo/templates/map.css``; with ``points``, ``estates/estates.css`` after it)."""
    return _template("map.css") + (_template("estates/estates.css") if points else "")


_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(obj: Any) -> str:
    r"""JSON for a ``<script type="application/json">`` block: ``<``, ``>``, ``&`` escaped.

    The result can never close the script element or open a tag, whatever the data
    holds; ``JSON.parse`` gives the original strings back.

    Examples
    --------
    >>> script_json({"name": "<img src=x>"})
    '{"name":"\\u003cimg src=x\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=False)
    for char, escaped in _JSON_ESCAPES.items():
        text = text.replace(chr(char), escaped)
    return text


# --------------------------------------------------------------------------- embedded font

_FONT_PACKAGE = "fontpkg_noto_sans_arabic"
_FONT_FILE = "NotoSansArabic[wdth,wght].ttf"

#: The CSS family name of the embedded subset (first in the page's font stack).
FONT_FAMILY = "Noto Sans Arabic Embedded"

#: OpenType layout features kept in the subset: Arabic joining forms, ligatures,
#: contextual forms, kerning, mark positioning, composition and localised forms.
FONT_FEATURES: tuple[str, ...] = (
    "init",
    "medi",
    "fina",
    "isol",
    "liga",
    "rlig",
    "calt",
    "kern",
    "mark",
    "mkmk",
    "ccmp",
    "locl",
)

#: The blocks the embedded font serves (the rest of the page keeps the reader's UI font):
#: Arabic, Arabic Supplement, Arabic Extended-A, Presentation Forms-A and -B, ZWNJ and ZWJ.
_FONT_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
    (0x200C, 0x200D),
)

#: Always in the subset: Persian digits, the Arabic thousands and decimal separators, ZWNJ.
_FONT_ALWAYS = frozenset(map(ord, "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9\u066c\u066b\u200c"))


def _font_path() -> Traversable:
    return _package_file(_FONT_PACKAGE, "files", _FONT_FILE, dist="fontpkg-noto-sans-arabic")


@lru_cache(maxsize=1)
def _font_cmap() -> frozenset[int]:
    """The code points the shipped font has (read by fontTools once, then from the disk cache)."""

    def compute() -> bytes:
        from fontTools.ttLib import TTFont

        with _font_path().open("rb") as fh:
            return json.dumps(sorted(TTFont(fh, lazy=True)["cmap"].getBestCmap())).encode("ascii")

    return frozenset(json.loads(cached("font-cmaps", (_font_digest(),), compute)))


def font_codepoints(text: str) -> tuple[int, ...]:
    """The sorted code points the embedded font must carry for ``text``.

    Every Arabic-script character of ``text`` that the font has, plus Persian digits,
    «٬» and «٫» and ZWNJ. Latin text is left to the reader's fonts.

    Examples
    --------
    >>> cps = font_codepoints("Isfahan اصفهان")
    >>> "".join(map(chr, cps[:4])), len(cps)  # 5 letters, 10 digits, 2 separators, ZWNJ
    ('اصفن', 18)
    """
    cmap = _font_cmap()
    used = {c for c in map(ord, set(text)) if c in cmap and any(a <= c <= b for a, b in _FONT_BLOCKS)}
    return tuple(sorted(used | _FONT_ALWAYS))


def _font_flavor() -> tuple[str | None, str, str]:
    """(fontTools flavor, MIME type, CSS format): WOFF2 when a Brotli module is installed."""
    if importlib.util.find_spec("brotli") is None and importlib.util.find_spec("brotlicffi") is None:
        return "woff", "font/woff", "woff"
    return "woff2", "font/woff2", "woff2"


def _unicode_range(codepoints: tuple[int, ...]) -> str:
    parts: list[str] = []
    start = prev = codepoints[0]
    for c in (*codepoints[1:], None):
        if c is not None and c == prev + 1:
            prev = c
            continue
        parts.append(f"U+{start:X}" if start == prev else f"U+{start:X}-{prev:X}")
        if c is not None:
            start = prev = c
    return ", ".join(parts)


@lru_cache(maxsize=1)
def _font_digest() -> str:
    import fontTools

    with _font_path().open("rb") as fh:
        digest = hashlib.sha256(fh.read())
    digest.update(f"|fonttools {fontTools.version}|{_font_flavor()[0]}|{','.join(FONT_FEATURES)}".encode())
    return digest.hexdigest()[:20]


@lru_cache(maxsize=16)
def font_bytes(codepoints: tuple[int, ...]) -> tuple[bytes, str, str]:
    """The subset font for ``codepoints`` (bytes, MIME type, CSS format), made once per set.

    Subset with fontTools (layout features :data:`FONT_FEATURES`, no hinting), then the
    variable font is instanced with its width pinned to 100 and its weight kept from 400
    to 700 (regular to bold). The head table's timestamps are those of the shipped font,
    so the same code points always give the same bytes. Subsetting takes about half a
    second, so the result is also kept on disk (:mod:`geo._cache`), keyed by the
    font file, the fontTools version, the options and the code points.
    """
    _, mime, fmt = _font_flavor()
    data = cached("fonts", (_font_digest(), codepoints), lambda: _subset_font(codepoints))
    return data, mime, fmt


def _subset_font(codepoints: tuple[int, ...]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    flavor = _font_flavor()[0]
    with _font_path().open("rb") as fh:
        font = TTFont(fh, recalcTimestamp=False, recalcBBoxes=True)
        created, modified = font["head"].created, font["head"].modified
        options = subset.Options()
        options.layout_features = list(FONT_FEATURES)
        options.layout_scripts = ["arab", "DFLT"]
        options.hinting = False
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # names, copyright and the licence
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        font = instancer.instantiateVariableFont(font, {"wdth": 100, "wght": (400, 700)}, inplace=True)
    font["head"].created, font["head"].modified = created, modified
    font.recalcTimestamp = False
    font.flavor = flavor
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def font_face_css(codepoints: tuple[int, ...]) -> str:
    """An ``@font-face`` rule embedding the subset for ``codepoints`` as a base64 data URL.

    Examples
    --------
    >>> css = font_face_css(font_codepoints("شهرک"))
    >>> css.startswith("/* Noto Sans Arabic") and 'font-family: "Noto Sans Arabic Embedded"' in css
    True
    """
    data, mime, fmt = font_bytes(codepoints)
    return (
        "/* Noto Sans Arabic, copyright The Noto Project Authors, under the SIL Open Font License 1.1"
        " (its text is in the font's name table): subset to this page's Arabic-script characters */\n"
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-style: normal; font-weight: 400 700; '
        f"font-display: block; unicode-range: {_unicode_range(codepoints)}; "
        f'src: url(data:{mime};base64,{base64.b64encode(data).decode("ascii")}) format("{fmt}"); }}\n'
    )
