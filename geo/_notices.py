"""The licence of geo and the notices of what it ships or embeds, read from its install.

The wheel's ``License-File`` metadata lists ``LICENSE`` (MIT), ``THIRD_PARTY_NOTICES.md``
(OpenStreetMap, Natural Earth's name spellings, Leaflet, Noto Sans Arabic, the quoted sources) and the full
texts of Leaflet's and the font's licences, copied from those packages when the wheel is
built (``hatch_build.py``). ``python -m geo licenses`` prints them all, offline.
"""

from __future__ import annotations

import importlib.metadata

from geo._paths import DISTRIBUTION
from geo.errors import GeoError
from geo.i18n import as_given, message, whole


def licence_files() -> dict[str, str]:
    """Each licence file of the installed distribution: its name → its text.

    Raises
    ------
    GeoError
        When geo is not installed as a distribution (a bare source checkout), or its
        metadata lacks a file it lists.

    Examples
    --------
    >>> files = licence_files()
    >>> sorted(files)[:2]
    ['LICENSE', 'THIRD_PARTY_NOTICES.md']
    >>> "SIL OPEN FONT LICENSE Version 1.1" in files["third_party/NotoSansArabic-OFL-1.1.txt"]
    True
    """
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise GeoError(message("errors", "notices_not_installed", dist=as_given(DISTRIBUTION))) from exc
    texts = {}
    for name in dist.metadata.get_all("License-File") or []:
        text = dist.read_text(f"licenses/{name}")
        if text is None:
            raise GeoError(message("errors", "notices_file_missing", dist=whole(DISTRIBUTION), name=as_given(name)))
        texts[name] = text
    return texts


def licence_texts() -> str:
    """All licence files as one text, each under a ``==> name <==`` heading."""
    return "".join(f"==> {name} <==\n{text.rstrip()}\n\n" for name, text in licence_files().items())
