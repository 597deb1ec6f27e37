"""Build hook: put the licence texts of what every map embeds into the wheel's metadata.

Each map inlines Leaflet (BSD 2-Clause) and a subset of Noto Sans Arabic (SIL Open Font
License 1.1). Their licence texts are not copied into git: they are read, when the wheel
is built, from the packages that ship them (both are build requirements, see
pyproject.toml), written to ``third_party/`` (ignored by git) and added to the wheel's
``License-File`` list, so they end up in ``*.dist-info/licenses/third_party/``.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: (distribution, file inside its metadata folder, name in the wheel, words the text must hold)
TEXTS = (
    ("django-js-lib-leaflet", "LICENSE", "Leaflet-BSD-2-Clause.txt", "BSD 2-Clause License"),
    ("fontpkg-noto-sans-arabic", "licenses/LICENSE", "NotoSansArabic-OFL-1.1.txt", "SIL OPEN FONT LICENSE Version 1.1"),
)
FOLDER = "third_party"


class LicenceTextsHook(BuildHookInterface):
    """Copy the licence texts of the embedded third-party code and font into the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        folder = Path(self.root) / FOLDER
        folder.mkdir(exist_ok=True)
        names = []
        for dist, member, name, must_hold in TEXTS:
            text = importlib.metadata.distribution(dist).read_text(member)
            if not text or must_hold not in text:
                raise RuntimeError(f"{dist}: {member} is missing or is not the expected licence ({must_hold!r})")
            (folder / name).write_text(text, encoding="utf-8")
            names.append(f"{FOLDER}/{name}")
        license_files = self.metadata.core.license_files
        license_files.extend(n for n in names if n not in license_files)
        license_files.sort()
