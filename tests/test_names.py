"""Province name resolution: every listed form resolves; ambiguous and unknown ones raise."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

import geo
from geo._paths import data_dir
from geo.errors import AmbiguousNameError, UnknownNameError
from geo.reference.names import _ambiguous_names, normalize_name, province_aliases
from geo.reference.provinces import province_table

HASC_TO_CODE = dict(zip(province_table()["hasc"], province_table()["code"]))


@pytest.mark.parametrize(("form", "kind", "hasc"), [a for a in province_aliases() if a[1] != "iso_legacy"])
def test_every_listed_form_resolves(form, kind, hasc):
    assert geo.resolve_province(form) == HASC_TO_CODE[hasc]


@pytest.mark.parametrize(("form", "kind", "hasc"), [a for a in province_aliases() if a[1] == "iso_legacy"])
def test_legacy_codes_resolve_only_when_asked(form, kind, hasc):
    assert geo.resolve_province(form, legacy_codes=True) == HASC_TO_CODE[hasc]


def test_legacy_and_current_codes_differ_where_the_standard_changed():
    assert geo.resolve_province("IR-07") == "IR-07"  # Fars, current edition
    assert geo.resolve_province("IR-07", legacy_codes=True) == "IR-23"  # Tehran, earlier edition
    with pytest.raises(UnknownNameError, match="earlier edition"):
        geo.resolve_province("IR-31")


@pytest.mark.parametrize("name", list(_ambiguous_names()))
def test_ambiguous_names_raise(name):
    with pytest.raises(AmbiguousNameError) as info:
        geo.resolve_province(name)
    assert name in str(info.value)
    assert len(info.value.candidates) >= 2


def test_undivided_khorasan_lists_the_three_provinces():
    with pytest.raises(AmbiguousNameError) as info:
        geo.resolve_province("استان خراسان")
    assert set(info.value.candidates) == {"IR-09", "IR-28", "IR-29"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("استان آذربايجان شرقي", "IR-03"),
        ("آذربایجان‌شرقی", "IR-03"),
        ("  آذربایجان   شرقی  ", "IR-03"),
        ("Azarbaijan-e Sharqi", "IR-03"),
        ("Azerbaijan, West", "IR-04"),
        ("كردستان", "IR-12"),
        ("Kordestan", "IR-12"),
        ("KURDISTAN PROVINCE", "IR-12"),
        ("Ispahan", "IR-10"),
        ("Eşfahān", "IR-10"),
        ("اصفهان\u200f", "IR-10"),
        ("Khorasan Razavi", "IR-09"),
        ("Razavi Khorasan", "IR-09"),
        ("خراسان رضوي", "IR-09"),
        ("کهگیلویه و بویر احمد", "IR-17"),
        ("Chahar Mahall and Bakhtiari", "IR-14"),
        ("چهارمحال وبختیاری", "IR-14"),
        ("سیستان و بلوچستان", "IR-11"),
        ("Sistan-Baluchestan", "IR-11"),
        ("IR-10", "IR-10"),
        ("ir-10", "IR-10"),
        ("IR-۱۰", "IR-10"),
        ("IR.ES", "IR-10"),
        ("ir.es", "IR-10"),
        ("IR28", "IR-10"),  # FIPS 10-4 code of Esfahan
        ("تهران", "IR-23"),
        ("Teheran", "IR-23"),
        ("البرز", "IR-30"),
    ],
)
def test_examples_resolve(text, code):
    assert geo.resolve_province(text) == code


def test_every_yearbook_name_resolves(shared_dir):
    """The Statistical Yearbook prints names with Arabic letter forms: all 31 must resolve."""
    national = geo.normalize_name("کل کشور")  # the national row some tables print first
    for path in sorted((shared_dir / "data").glob("yearbook_*.csv")):
        with path.open(encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            # 1394 table 8-9 keeps the printed names (one truncated, see its note) beside the
            # corrected ones; the truncated one must not resolve (tested below).
            column = "province" if "province" in (reader.fieldnames or ()) else "province_fa"
            names = [r[column] for r in reader if geo.normalize_name(r[column]) != national]
        codes = [geo.resolve_province(name) for name in names]
        assert len(codes) == 31 and len(set(codes)) == 31, path.name


def test_truncated_yearbook_name_is_not_guessed():
    """1394 table 8-9 prints «هار محال و بختیاری» (truncated): named as closest, never assigned."""
    with pytest.raises(UnknownNameError, match="چهارمحال و بختیاری"):
        geo.resolve_province("هار محال و بختیاری")


@pytest.mark.parametrize("bad", ["", "   ", "Atlantis", "Kordistn", "Isfahan City Center", "IR-99", "<script>"])
def test_unknown_names_raise_with_candidates(bad):
    with pytest.raises(UnknownNameError) as info:
        geo.resolve_province(bad)
    assert repr(bad) in str(info.value)


def test_typo_suggests_closest_names():
    with pytest.raises(UnknownNameError) as info:
        geo.resolve_province("Kordistn")
    assert any("Kord" in c or "Kurd" in c for c in info.value.candidates)


@pytest.mark.parametrize("value", [None, 10, 10.0, float("nan"), ["Fars"], {"Fars": 1}])
def test_non_text_is_rejected(value):
    with pytest.raises(UnknownNameError, match="must be text"):
        geo.resolve_province(value)  # type: ignore[arg-type]


def test_no_name_form_means_two_provinces():
    """Loading the tables fails if one key would point at two provinces; this also checks
    that every province has its English and Persian name among the forms."""
    forms = province_aliases()
    keys: dict[str, set[str]] = {}
    for form, kind, hasc in forms:
        if kind != "iso_legacy":
            keys.setdefault(normalize_name(form), set()).add(hasc)
    assert all(len(v) == 1 for v in keys.values())
    with (data_dir() / "provinces" / "provinces.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 31


_PERSIAN_NAMES = list(province_table()["name_fa"])


@given(
    name=st.sampled_from(_PERSIAN_NAMES),
    prefix=st.sampled_from(["", "استان ", "استان\u200c", " "]),
    arabic=st.booleans(),
    zwnj=st.booleans(),
)
def test_persian_variants_resolve(name, prefix, arabic, zwnj):
    expected = geo.resolve_province(name)
    text = name
    if arabic:
        text = text.replace("ی", "ي").replace("ک", "ك")
    if zwnj:
        text = text.replace(" ", "\u200c")
    assert geo.resolve_province(prefix + text) == expected


@pytest.mark.parametrize("value", ["خراسان", "Atlantis", "IR-31", "Kordistn", "IR99"])
def test_errors_also_speak_persian(value):
    with pytest.raises(geo.NameResolutionError) as info:
        geo.resolve_province(value)
    fa = info.value.message_fa
    assert f"«{value}»" in fa and fa != str(info.value)
    assert any("\u0600" <= c <= "\u06ff" for c in fa)


def test_ambiguous_message_in_persian_names_the_three_provinces():
    with pytest.raises(AmbiguousNameError) as info:
        geo.resolve_province("خراسان")
    for name in ("خراسان رضوی (IR-09)", "خراسان شمالی (IR-28)", "خراسان جنوبی (IR-29)"):
        assert name in info.value.message_fa


@pytest.mark.parametrize(
    ("fips", "code"),
    [("IR26", "IR-23"), ("IR44", "IR-30"), ("IR33", "IR-03"), ("IR01", "IR-04"), ("IR35", "IR-02")],
)
def test_fips_codes_follow_geonames(fips, code):
    """FIPS codes come from GeoNames' admin-1 table (Natural Earth's gave IR01 and IR26 twice)."""
    assert geo.resolve_province(fips) == code


def test_fips_column_matches_the_geonames_admin1_table():
    from geo.reference.names import _hasc_for_name

    table = province_table().set_index("hasc")
    lines = (data_dir() / "provinces" / "geonames_admin1_IR.tsv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 31
    for line in lines:
        key, name, ascii_name, _ = line.split("\t")
        hasc = _hasc_for_name(name)
        assert _hasc_for_name(ascii_name) == hasc
        assert table.at[hasc, "fips"] == "IR" + key.split(".")[1]
