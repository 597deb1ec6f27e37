"""The public API: one import, every name documented with an example, typed."""

from __future__ import annotations

import importlib
import inspect

import pytest

import geo

PUBLIC = [n for n in geo.__all__ if not (inspect.isclass(getattr(geo, n)) and issubclass(getattr(geo, n), Exception))]


def test_every_public_name_resolves():
    for name in geo.__all__:
        assert getattr(geo, name) is not None
    assert set(geo.__all__) <= set(dir(geo))


def test_join_stays_the_function_after_its_module_is_imported():
    importlib.import_module("geo.joining")
    assert callable(geo.join) and inspect.isfunction(geo.join)


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_have_numpy_docstrings_with_examples(name):
    obj = getattr(geo, name)
    doc = inspect.getdoc(obj) or ""
    assert "Examples\n--------" in doc, f"{name}: no Examples section"
    if inspect.isfunction(obj) and inspect.signature(obj).parameters:
        assert "Parameters\n----------" in doc, f"{name}: no Parameters section"


@pytest.mark.parametrize("name", [n for n in PUBLIC if inspect.isfunction(getattr(geo, n))])
def test_public_functions_are_typed(name):
    sig = inspect.signature(getattr(geo, name))
    assert sig.return_annotation is not inspect.Signature.empty, f"{name}: no return type"
    for p in sig.parameters.values():
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            assert p.annotation is not inspect.Parameter.empty, f"{name}({p.name}): no type"


def test_errors_share_one_base_class():
    for name in geo.__all__:
        obj = getattr(geo, name)
        if inspect.isclass(obj) and issubclass(obj, Exception) and not issubclass(obj, Warning):
            assert issubclass(obj, geo.GeoError)


def test_warnings_share_one_base_class():
    warns = [getattr(geo, n) for n in geo.__all__ if inspect.isclass(getattr(geo, n)) and issubclass(getattr(geo, n), Warning)]
    assert geo.DataQualityWarning in warns
    assert all(issubclass(w, geo.GeoWarning) for w in warns)


def test_results_work_with_the_usual_geopandas_calls(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import pyogrio

    result = geo.join(geo.read_register(_example()))
    stats = geo.load_province_stats()
    for frame in (geo.load_provinces(), stats, result.by_province, result.estates):
        assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert type(stats.explore(column="green_space_ha")).__name__ == "Map"
    assert result.by_province.plot(column="estates") is not None
    out = tmp_path / "estates.gpkg"
    result.estates[result.estates["status"] != "rejected"].to_file(out)
    assert pyogrio.read_info(out)["features"] == result.summary["rows_joined"] + result.summary["rows_flagged"]


def _example():
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "data" / "examples" / "estates_example.csv"
