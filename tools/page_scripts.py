"""Write the map pages' own scripts as each kind of page assembles them, for ESLint.

``geo/templates/`` holds the pieces: ``map.js``, the register layer (``estates/*.js`` and
``register.js``, spliced into ``map.js``), and ``series.js`` and ``change.js`` (run after
``map.js`` in its scope). Each piece uses names another declares, so ESLint checks
undefined and unused names on the scripts as a page runs them (``build/page-js/``), and
everything else on each piece (see ``eslint.config.mjs``). Run by ``make lint``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from geo.maps.page import page_script

#: Each kind of page: whether it has the register layer, and the modules it runs.
PAGES = {
    "default.js": (False, ("series.js",)),
    "register.js": (True, ()),
    "change.js": (False, ("change.js",)),
}


def main(out: Path) -> None:
    """Write one file per kind of page into ``out`` (emptied first)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.js"):
        old.unlink()
    for name, (points, modules) in PAGES.items():
        (out / name).write_text(page_script(points, modules), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/page-js"))
