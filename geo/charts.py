"""Static charts (matplotlib) with Persian text: the bundled font, registered in one call.

Matplotlib (3.11 and later) lays out right-to-left, joined Persian text itself; it only
needs a font with Arabic-script glyphs. The font geo embeds in its maps, Noto Sans Arabic
from the installed ``fontpkg-noto-sans-arabic`` package, is not known to matplotlib until
it is registered: :func:`use_persian_font` does that (through ``fontpkg.mpl``) and puts it
first in matplotlib's sans-serif list, so a chart neither warns ``findfont: Font family
'Noto Sans Arabic' not found`` nor draws empty boxes for Persian letters.

The shipped font is variable (weights 100 to 900 in one file), which matplotlib reads at
its default weight only; a bold instance is made once with fontTools and kept in geo's
disk cache, so bold titles are bold and raise no "Failed to find font weight" warning.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from geo._cache import cache_dir, cached
from geo._io import atomic_write_bytes
from geo.errors import GeoError
from geo.i18n import message

__all__ = ["use_persian_font"]

#: The family registered by :func:`use_persian_font`.
PERSIAN_FONT = "Noto Sans Arabic"


def use_persian_font() -> str:
    """Register the bundled Persian font with matplotlib and make it the default.

    The font (Noto Sans Arabic, SIL Open Font License 1.1; it has Latin letters and
    digits too) goes first in ``rcParams["font.sans-serif"]`` and ``font.family`` is
    set to ``sans-serif``; the fonts already listed stay behind it as fallbacks. Calling
    it again changes nothing.

    Returns
    -------
    str
        The family name now first in line, ``"Noto Sans Arabic"``.

    Raises
    ------
    GeoError
        When matplotlib is not installed (``pip install "iran-estates[notebooks]"``).

    Examples
    --------
    >>> import geo
    >>> geo.use_persian_font()
    'Noto Sans Arabic'
    >>> import matplotlib
    >>> matplotlib.rcParams["font.sans-serif"][0]
    'Noto Sans Arabic'
    """
    try:
        from fontpkg.mpl import use
        from matplotlib import font_manager, rcParams
    except ImportError as exc:
        raise GeoError(message("errors", "charts_matplotlib")) from exc
    if not any(entry.name == PERSIAN_FONT for entry in font_manager.fontManager.ttflist):
        use(PERSIAN_FONT)  # adds the package's font file (the regular weight) to matplotlib
        font_manager.fontManager.addfont(str(_bold_instance()))
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [PERSIAN_FONT, *(f for f in rcParams["font.sans-serif"] if f != PERSIAN_FONT)]
    return PERSIAN_FONT


def _bold_instance() -> Path:
    """A static bold (wght 700) instance of the variable font, as a file matplotlib can read.

    Made once (about a second) and kept in the disk cache; the file is named by its
    content's hash, in the cache folder (or the temporary folder when the cache is off),
    and rewritten when it is missing or differs.
    """
    import fontpkg
    import fontTools

    source = Path(fontpkg.path(PERSIAN_FONT))
    key = (hashlib.sha256(source.read_bytes()).hexdigest(), fontTools.version, "wght=700,wdth=100")
    data = cached("fonts", key, lambda: _instance(source, 700))
    folder = (cache_dir() or Path(tempfile.gettempdir()) / "iran-estates") / "matplotlib"
    path = folder / f"NotoSansArabic-Bold-{hashlib.sha256(data).hexdigest()[:16]}.ttf"
    if not (path.is_file() and path.read_bytes() == data):
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
    return path


def _instance(source: Path, weight: int) -> bytes:
    import io

    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(source, recalcTimestamp=False)
    font = instancer.instantiateVariableFont(font, {"wght": weight, "wdth": 100}, inplace=True, updateFontNames=True)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()
