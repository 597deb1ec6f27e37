"""Bilingual text: every catalogue of data/i18n has each code in English and Persian."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from geo._paths import data_dir
from geo.errors import DataError, MapError
from geo.i18n import CATALOGUES, Bilingual, catalogue, check_lang, message, template_fields
from geo.reasons import Reason
from geo.registers import read_register

REPO = Path(__file__).resolve().parents[1]
_PERSIAN_LETTER = re.compile(r"[\u0600-\u06FF]")
_LETTER = re.compile(r"[^\W\d_]")


def _rows(name: str) -> list[dict[str, str]]:
    with (data_dir() / "i18n" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_catalogues_are_the_files_of_data_i18n() -> None:
    assert sorted(p.stem for p in (data_dir() / "i18n").glob("*.csv")) == sorted(CATALOGUES)


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_code_has_both_languages_with_the_same_fields(name: str) -> None:
    rows = _rows(name)
    assert [r["code"] for r in rows] == list(catalogue(name)) and len(rows) >= 5
    for r in rows:
        en, fa = r["en"], r["fa"]
        assert bool(en.strip()) == bool(fa.strip()), r["code"]  # a unit without a word is empty in both
        assert template_fields(en) == template_fields(fa), r["code"]
        words = re.sub(r"\{[^}]*\}", "", fa)
        if _LETTER.search(words):  # «{name} ({code})» has no words of its own to translate
            assert _PERSIAN_LETTER.search(words), r["code"]
        assert not fa.lstrip().startswith(("=", "+", "-", "@")), r["code"]


def test_a_catalogue_with_a_missing_or_mismatched_wording_is_refused(tmp_path, monkeypatch) -> None:
    import geo.i18n

    (tmp_path / "i18n").mkdir()
    monkeypatch.setattr(geo.i18n, "data_dir", lambda: tmp_path)
    for body, needle in [
        ("code,en,fa\nx,one {a},یک {b}\n", "different fields"),
        ("code,en,fa\nx,one,\n", "one language only"),
        ("code,en,fa\nx,a,ب\nx,c,د\n", "empty or repeated"),
    ]:
        (tmp_path / "i18n" / "bad.csv").write_text(body, encoding="utf-8")
        with pytest.raises(DataError, match=needle):
            catalogue.__wrapped__("bad")


def _literal_codes() -> set[tuple[str, str]]:
    """(catalogue, code) of every literal Reason("…") and message("…", "…") in geo/."""
    found = set()
    for path in (REPO / "geo").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "Reason" and args:
                found.add(("reasons", args[0]))
            elif node.func.id in ("message", "_error") and len(args) >= 2 and args[0] in CATALOGUES:
                found.add((args[0], args[1]))
    return found


def test_every_code_the_package_names_is_in_its_catalogue() -> None:
    used = _literal_codes()
    assert len(used) > 20
    assert sorted((name, code) for name, code in used if code not in catalogue(name)) == []


def test_persian_reasons_use_persian_digits_and_keep_cell_values_as_written() -> None:
    assert Reason("name_too_long", length=10_000, limit=300).fa == "نام ۱۰٬۰۰۰ نویسه است؛ به ۳۰۰ نویسه کوتاه شد"
    assert Reason("negative_value", column="units", value=-2.5).en == "negative value in 'units': -2.5 (left out of sums)"
    assert "«units»: -۲٫۵" in Reason("negative_value", column="units", value=-2.5).fa
    assert "۴٬۲۵۸٬۰۵۰" in Reason("out_of_range_metres", lat=4258050.0, lon=5720710.0).fa
    nested = Reason("attribute_failed_located", problem=Reason("no_province"), province=Bilingual("IR-22", "هرمزگان (IR-22)"))
    assert nested.en == "no province given; joined by location (IR-22)"
    assert nested.fa == "استان داده نشده است؛ با موقعیت به هرمزگان (IR-22) پیوند خورد"
    with pytest.raises(KeyError):
        Reason("no_such_code")


def test_register_warnings_are_english_text_with_a_persian_wording(tmp_path) -> None:
    path = tmp_path / "title.csv"
    path.write_text("فهرست\n\nشناسه,استان\n1,تهران\n", encoding="utf-8")
    (warning,) = read_register(path).warnings
    assert warning == "the header is on line 3; lines 1–2 above it were skipped ('فهرست')"
    assert warning.fa == "سرستون در سطر ۳ است؛ سطرهای ۱ تا ۲ بالای آن کنار گذاشته شدند («فهرست»)"
    assert read_register(pd.DataFrame({"استان": []})).warnings[0].fa == message("warnings", "no_rows").fa


def test_one_language_check() -> None:
    assert check_lang("fa") == "fa"
    with pytest.raises(MapError, match="unknown language 'de'; use one of fa, en"):
        check_lang("de")


def test_errors_moved_to_the_catalogue_keep_their_english_and_have_a_persian_wording() -> None:
    """An error of errors.csv says what the literal said in English; its message carries the Persian."""
    from geo.errors import InputValueError, RegisterError
    from geo.joining.rules import check_by, check_coast
    from geo.registers.plan import RegisterInfo

    with pytest.raises(RegisterError) as caught:
        check_by("sideways", RegisterInfo(columns={"province": "استان"}, indicators={}))
    assert caught.value.message == "`by` must be attribute, location or both, not 'sideways'"
    assert caught.value.message.fa == "`by` یکی از attribute، location یا both است، نه «sideways»"
    with pytest.raises(InputValueError) as negative:
        check_coast(-1)
    assert str(negative.value) == "`coast_km` must be a finite distance of 0 km or more, not -1.0"
    long = "x" * 200  # a value the caller gave is quoted whole, as the literal quoted it
    with pytest.raises(RegisterError) as pair:
        from geo.joining.reconciliation import parse_reconcile

        parse_reconcile([f"{long}="])
    assert pair.value.message == f"`reconcile` wants column=reference, not {long + '='!r}"
    assert f"«{long}=»" in pair.value.message.fa


#: Errors that may keep a literal message, each with its reason. Every other ``raise
#: SomeGeoError("…")`` or ``raise SomeGeoError(f"…")`` in geo/ is refused: its words belong
#: in data/i18n/errors.csv, in both languages (``message("errors", code, …)``).
LITERAL_ERRORS = {
    # the catalogue reader's own failures: the catalogue cannot word a failure to read itself
    ("geo/i18n.py", "cannot read the {name} texts: {exc}"),
    ("geo/i18n.py", "code {code!r} is empty or repeated"),
    ("geo/i18n.py", "{code!r} has a wording in one language only"),
    ("geo/i18n.py", "{code!r}: the English and Persian wordings name different fields"),
    # an internal invariant (every row accounted for once) that no input can break
    (
        "geo/comparing/__init__.py",
        "internal error: the rows of the registers are not each accounted for once ({counts})",
    ),
}


def _literal_text(node: ast.expr) -> str | None:
    """The text of a string literal or an f-string (its fields as ``{source}``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                v = ast.Constant("{" + ast.unparse(v.value) + ("!r" if v.conversion == ord("r") else "") + "}")
            parts.append(str(v.value) if isinstance(v, ast.Constant) else "")
        return "".join(parts)
    return None


def _literal_raises() -> set[tuple[str, str]]:
    """``(file, text)`` of each ``raise E("…")`` in geo/ whose E is one of the package's errors."""
    import geo.errors

    errors = {n for n, c in vars(geo.errors).items() if isinstance(c, type) and issubclass(c, geo.errors.GeoError)}
    found = set()
    for path in sorted((REPO / "geo").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            text = _literal_text(node.exc.args[0])
            if name in errors and text is not None:
                found.add((path.relative_to(REPO).as_posix(), text))
    return found


def test_error_messages_are_in_the_catalogue_not_in_code() -> None:
    found = _literal_raises()
    assert sorted(found - LITERAL_ERRORS) == [], "word these errors in data/i18n/errors.csv"
    assert sorted(LITERAL_ERRORS - found) == [], "LITERAL_ERRORS names a raise that is gone: drop it"


def test_the_literal_error_check_sees_a_literal_raise() -> None:
    tree = ast.parse('raise RegisterError(f"no column {name!r}", path=p)')
    raised = tree.body[0]
    assert isinstance(raised, ast.Raise) and isinstance(raised.exc, ast.Call)
    assert _literal_text(raised.exc.args[0]) == "no column {name!r}"
