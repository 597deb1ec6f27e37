"""Every public function (``geo.__all__``) given a value of a wrong type or shape for any one
parameter: it returns or raises one of the package's errors (``geo.GeoError``), never a
built-in exception from deep inside a library. The number reader, fuzzed on arbitrary
Unicode, raises nothing but ``NumberParseError`` and never hangs.
"""

from __future__ import annotations

import inspect
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo

FUNCTIONS = {n: getattr(geo, n) for n in geo.__all__ if inspect.isfunction(getattr(geo, n))}
PARAMETERS = [
    (n, p.name)
    for n, f in FUNCTIONS.items()
    for p in inspect.signature(f).parameters.values()
    if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
]
#: Values of every kind a caller might pass by mistake.
WRONG = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.binary(max_size=8), st.text(max_size=12),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.tuples(st.integers()), st.just(object()), st.just(pd.DataFrame()), st.just(pd.DataFrame({"x": [1]})),
    st.just(pd.Series([1.0])), st.just(Path("no such folder") / "x.csv"), st.just(float("nan")),
)  # fmt: skip


def _fits(annotation: str, value: object) -> bool:
    """Whether ``value`` is of a type the parameter's annotation allows (then it is no mistake)."""
    kinds = {
        "str": isinstance(value, str), "Path": isinstance(value, (str, Path)), "None": value is None,
        "bool": isinstance(value, bool), "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool), "Decimal": False,
        "pd.DataFrame": isinstance(value, pd.DataFrame) and len(value.columns) == 0,  # (a table of no columns: wrong)
    }  # fmt: skip
    if annotation in ("Geometry",):
        return False
    return any(ok for name, ok in kinds.items() if name in annotation.replace("GeoDataFrame", "").split(" | "))


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> dict[str, object]:
    """A valid value for each required parameter (the example register, a map, a join)."""
    folder = tmp_path_factory.mktemp("api")
    example = geo.example_path()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = geo.join(example)
    return {"register": example, "source": example, "result": result, "m": geo.register_map(result, lang="en"),
            "path": folder / "out.html", "name": "Tehran", "value": "Tehran", "text": "12",
            "old": example, "new": example}  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(PARAMETERS), value=WRONG, data=st.data())
def test_a_wrong_argument_is_a_package_error(valid, tmp_path, monkeypatch, case, value, data) -> None:
    name, param = case
    function = FUNCTIONS[name]
    signature = inspect.signature(function)
    annotation = str(signature.parameters[param].annotation)
    if _fits(annotation, value):
        return  # not a mistake of type
    monkeypatch.chdir(tmp_path)  # (a path that is text is written here, never into the checkout)
    args = {
        p.name: valid[p.name]
        for p in signature.parameters.values()
        if p.default is p.empty and p.name != param and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    if name == "to_persian_digits" and param == "value":
        args = {}
    args[param] = value
    started = time.monotonic()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            function(**args)
    except geo.GeoError:
        pass
    except Exception as exc:  # noqa: BLE001 (what the property is about)
        pytest.fail(f"geo.{name}({param}={value!r:.60}) raised {type(exc).__name__}: {str(exc)[:200]}")
    assert time.monotonic() - started < 60, f"geo.{name}({param}={value!r:.60}) took too long"


#: Text a number reader meets: every digit set, separators, signs, Persian number words, percent signs.
NUMBER_TEXT = st.lists(
    st.one_of(
        st.sampled_from(list("0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩,.٬٫،/-+eE% ٪\u200c\u00a0")),
        st.sampled_from(["یک", "دو", "صد", "هزار", "میلیون", "میلیارد", "و", "درصد", "نیم", "سی", " "]),
        st.characters(),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=600, deadline=2000)
@given(text=NUMBER_TEXT)
def test_the_number_reader_raises_only_its_error(text) -> None:
    for read in (geo.parse_number, geo.parse_percent):
        try:
            read(text)
        except geo.NumberParseError:
            pass


def test_the_number_reader_on_ten_million_digits_and_a_missing_table_is_a_package_error(tmp_path) -> None:
    started = time.monotonic()
    with pytest.raises(geo.NumberParseError, match="more than .* digits") as caught:
        geo.parse_number("1" * 10**7)
    assert len(str(caught.value)) < 200 and time.monotonic() - started < 60  # the text quoted shortened
    with pytest.raises(geo.NumberParseError):
        geo.parse_number("۱" * 10**6)
    with pytest.raises(geo.DataError, match="no such file"):
        geo.load_province_stats(tmp_path / "missing.csv")
    with pytest.raises(geo.DataError, match="no such file"):
        geo.load_indicators(tmp_path / "missing.csv")
