"""Shared test fixtures: paths to the repository and to ../shared where it exists."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder beside the repository (skips when absent)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Each test run starts with an empty disk cache of its own (fonts, classes), so the
    slow paths run and the user's cache is left alone."""
    import os

    folder = tmp_path_factory.mktemp("geo-cache")
    old = os.environ.get("GEO_CACHE_DIR")
    os.environ["GEO_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("GEO_CACHE_DIR", None)
    else:
        os.environ["GEO_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def postgis():
    """A PostgreSQL server with PostGIS of its own (tests/pg_server.py), started once, stopped at the end.

    Skipped with the reason where Debian's packages or psycopg are missing; in CI (CI=true)
    that is a failure instead, since `make test` installs them (tools/ensure_postgis.sh).
    """
    import importlib.util
    import os

    from pg_server import PostgisServer, postgis_binaries

    bindir, why = postgis_binaries()
    if bindir is not None and importlib.util.find_spec("psycopg") is None:
        why = "psycopg is not installed: pip install 'iran-estates[postgis]'"
    if why or bindir is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostGIS tests cannot run in CI: {why}")
        pytest.skip(why)
    with PostgisServer(bindir) as server:
        yield server
@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium through playwright, one per test module (fails when it is missing)."""
    chromium_path = Path("/usr/bin/chromium")
    if not chromium_path.exists():
        pytest.fail("Debian's Chromium is missing at /usr/bin/chromium: run `make test` (it installs it)")
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"]  # fmt: skip
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium_path), args=args)
        yield b
        b.close()
