"""The maps' HTML through the W3C Nu HTML checker (npm's vnu-jar, pinned in tools/vnu/).

`make test` installs the checker and a Java with tools/ensure_vnu.sh. Where Java or the jar
is missing the test is skipped with the reason, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from geo.maps import build_maps, register_map, save_map

REPO = Path(__file__).resolve().parents[1]
JAR = REPO / "tools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: What the checker says of Leaflet's own stylesheet (inlined as it ships), not of our page:
#: a ``mix-blend-mode`` value newer than the checker's CSS grammar and IE's ``behavior``.
LEAFLET_CSS = (
    "CSS: “mix-blend-mode”: “plus-lighter” is not a “mix-blend-mode” value.",
    "CSS: “behavior”: Property “behavior” doesn't exist.",
)


def _checker() -> list[str]:
    java = shutil.which("java")
    missing = [what for what, there in (("java", java), (str(JAR), JAR.is_file())) if not there]
    if missing:
        reason = f"the HTML checker cannot run here: {', '.join(missing)} missing (run tools/ensure_vnu.sh)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return [str(java), "-jar", str(JAR)]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[Path]:
    from test_maps import fake_register_result

    out = tmp_path_factory.mktemp("maps")
    fa, en = build_maps(out)
    return [fa, en, save_map(register_map(fake_register_result(), lang="fa"), out / "register_fa.html")]


def test_every_map_is_valid_html(pages) -> None:
    """Both default maps and a register map: no error of the page's own (only Leaflet's CSS
    reports, each expected where it is), and no warning either."""
    done = subprocess.run(
        [*_checker(), "--format", "json", "--exit-zero-always", *map(str, pages)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(done.stderr)["messages"]
    ours = [m for m in messages if m["type"] != "info" and m["message"] not in LEAFLET_CSS]
    assert ours == [], json.dumps(ours, ensure_ascii=False, indent=1)[:4000]
    leaflet = {(Path(m["url"]).name, m["message"]) for m in messages if m["message"] in LEAFLET_CSS}
    assert leaflet == {(p.name, text) for p in pages for text in LEAFLET_CSS}  # the allow-list is still needed
