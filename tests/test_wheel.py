"""The package as a user installs it: the wheel, built from this checkout, installed with
its dependencies into a fresh virtual environment outside the checkout, then used.

A fresh venv (not one that borrows this project's site-packages) is the only way to prove
that the wheel declares every dependency it imports and carries every data file it reads:
the project's venv also holds the test extras, and its editable install would answer for
files the wheel lacks. The dependencies come from pip's local cache, so this costs about
a minute (measured: 44 s for the venv and the install, on the 2-core machine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.wheel


def _run(cmd: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{cmd}: {result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    """Build the wheel, make a venv in a temporary folder, pip install the wheel into it."""
    root = tmp_path_factory.mktemp("wheel-check")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(root / "dist"), str(REPO)], cwd=root)
    (wheel,) = (root / "dist").glob("iran_estates-*.whl")
    _run([sys.executable, "-m", "venv", str(root / "venv")], cwd=root)
    python = root / "venv" / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=root)
    work = root / "work"  # a folder with nothing of the checkout in it
    work.mkdir()
    return {"wheel": wheel, "python": python, "geo": root / "venv" / "bin" / "geo", "work": work}


def test_wheel_holds_the_package_its_data_and_licences(installed):
    import geo

    with zipfile.ZipFile(installed["wheel"]) as whl:
        names = set(whl.namelist())
        metadata = whl.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    tracked = _run(["git", "ls-files", "data"], cwd=REPO).stdout.split()
    missing = [p for p in tracked if "geo/_data/" + p.removeprefix("data/") not in names]
    assert missing == []
    assert "geo/py.typed" in names
    assert f"Version: {geo.__version__}" in metadata and "Name: iran-estates" in metadata
    licence_files = [line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("License-File: ")]
    assert licence_files == ["LICENSE", "THIRD_PARTY_NOTICES.md", "third_party/Leaflet-BSD-2-Clause.txt",
                             "third_party/NotoSansArabic-OFL-1.1.txt"]  # fmt: skip
    assert all(any(n.endswith(f".dist-info/licenses/{f}") for n in names) for f in licence_files)


def test_installed_package_runs_outside_the_checkout(installed):
    python, work = str(installed["python"]), installed["work"]
    where = _run([python, "-c", "import geo, pathlib; print(pathlib.Path(geo.__file__).parent)"], cwd=work)
    assert where.stdout.strip().startswith(str(installed["python"].parents[1]))
    # every module (but __main__, which runs the CLI) imports with only the declared dependencies
    modules = _run([python, "-c", "import importlib, pkgutil, geo\n"
                    "names = [m.name for m in pkgutil.walk_packages(geo.__path__, 'geo.') if m.name != 'geo.__main__']\n"
                    "[importlib.import_module(n) for n in names]\nprint(len(names))"], cwd=work)  # fmt: skip
    assert int(modules.stdout) >= 15

    import geo

    version = _run([python, "-m", "geo", "--version"], cwd=work)
    assert version.stdout == f"geo {geo.__version__} (iran-estates)\n"


def test_installed_package_builds_the_maps(installed):
    out = installed["work"] / "maps"
    built = _run([str(installed["python"]), "-m", "geo", "build", "--out", str(out)], cwd=installed["work"])
    assert built.stdout.split() == ["wrote", str(out / "iran_estates.html"), "wrote", str(out / "iran_estates.en.html")]
    for name in ("iran_estates.html", "iran_estates.en.html"):
        html = (out / name).read_text(encoding="utf-8")
        assert html.lstrip().lower().startswith("<!doctype html>")
        assert "IR-10" in html and "python -m geo licenses" in html and "@font-face" in html


def test_installed_package_joins_its_example_like_the_checkout(installed, tmp_path):
    """The example register, found through geo.example_path() inside the installed package,
    joined by the installed CLI: the same summary and report as the checkout gives."""
    import geo

    python, work = str(installed["python"]), installed["work"]
    example = _run([python, "-c", "import geo; print(geo.example_path())"], cwd=work).stdout.strip()
    assert example.startswith(str(installed["python"].parents[1])) and example.endswith("_data/examples/estates_example.csv")
    joined = _run([str(installed["geo"]), "join", example, "--out", str(work / "out"), "--lang", "en"], cwd=work)
    expected = geo.join(geo.example_path())
    s = expected.summary
    assert joined.stdout.startswith(
        f"rows in {s['rows_in']}: joined {s['rows_joined']}, flagged {s['rows_flagged']}, rejected {s['rows_rejected']};"
    )
    report = json.loads((work / "out" / "report.json").read_text(encoding="utf-8"))
    expected.write(tmp_path, lang="en")
    reference = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["source"] == example
    assert report | {"source": None} == reference | {"source": None}
    assert sorted(p.name for p in (work / "out").iterdir()) == sorted(p.name for p in tmp_path.iterdir())


def test_installed_package_prints_its_licences(installed):
    texts = _run([str(installed["geo"]), "licenses"], cwd=installed["work"]).stdout
    for heading in ("LICENSE", "THIRD_PARTY_NOTICES.md", "third_party/Leaflet-BSD-2-Clause.txt",
                    "third_party/NotoSansArabic-OFL-1.1.txt"):  # fmt: skip
        assert f"==> {heading} <==" in texts
    assert "SIL OPEN FONT LICENSE Version 1.1" in texts and "BSD 2-Clause License" in texts
