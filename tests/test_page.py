"""What the default map sends its page for the reader's controls (search index, language link,
printed-table notes, pinch-zoom), without a browser; test_reader.py drives the same pages
in Chromium."""

from __future__ import annotations

import csv
import json
import re

import pytest
from test_maps import REPO

from geo._text import INVISIBLE
from geo.maps import build_maps, embedded_data, estates_map, render_html
from geo.reference.names import _ARABIC_MARKS, _PUNCT, normalize_name, province_aliases, resolve_province
from geo.reference.provinces import load_provinces


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("maps")
    fa, en = build_maps(out)
    return {"fa": fa.read_text(encoding="utf-8"), "en": en.read_text(encoding="utf-8")}


def test_fold_tables_are_the_resolvers_own(pages):
    """The page folds with the very tables of geo.reference.names/geo._text: the ASCII-escaped
    patterns compile back to the same character classes."""
    fold = embedded_data(pages["fa"])["search"]["fold"]
    for sent, original in ((fold["invisible"], INVISIBLE), (fold["marks"], _ARABIC_MARKS), (fold["punct"], _PUNCT)):
        assert sent.isascii()
        compiled = re.compile(sent)
        for c in map(chr, range(0x10000)):  # the whole Basic Multilingual Plane
            assert bool(compiled.fullmatch(c)) == bool(original.fullmatch(c)), hex(ord(c))
    assert {chr(a): chr(b) for a, b in fold["letters"]}["ي"] == "ی"
    assert {chr(a): chr(b) for a, b in fold["digits"]}["۶"] == "6"
    assert fold["prefixes"] == ["استان"]


def test_search_index_holds_every_name_form_of_the_province_tables(pages):
    """Generated from data/provinces/ through normalize_name: every name and alias (codes
    aside) of every province is one of its keys; ambiguous names sit under each province
    they may mean; nothing else is there."""
    data = embedded_data(pages["en"])
    codes = [f["properties"]["code"] for f in data["geojson"]["features"]]
    keys = {code: set(k.split(" ")) for code, k in zip(codes, data["search"]["levels"]["province"], strict=True)}
    forms = [(form, kind) for form, kind, _ in province_aliases() if kind not in ("hasc", "iso_legacy")]
    with open(REPO / "data" / "provinces" / "aliases.csv", encoding="utf-8") as fh:
        assert len(forms) == 2 * 31 + sum(r["kind"] != "iso_legacy" for r in csv.DictReader(fh))
    for form, _kind in forms:
        assert normalize_name(form) in keys[resolve_province(form)], form
    with open(REPO / "data" / "provinces" / "ambiguous.csv", encoding="utf-8") as fh:
        ambiguous = list(csv.DictReader(fh))
    hasc = dict(zip(load_provinces()["hasc"], load_provinces()["code"], strict=True))
    for row in ambiguous:
        for h in row["hascs"].split():
            assert normalize_name(row["name"]) in keys[hasc[h]], row["name"]
    expected = {normalize_name(f) for f, _ in forms} | {normalize_name(r["name"]) for r in ambiguous}
    assert set().union(*keys.values()) == expected
    # folded keys only: no Arabic letter forms, no ZWNJ, no «استان», no legacy codes
    text = " ".join(data["search"]["levels"]["province"])
    assert not re.search("[يكى\u200c]|استان|ir\\d", text)


def test_search_index_is_compact(pages):
    """The page gets distinct folded keys (about 2 KB), not the name tables (several times that)."""
    sent = json.dumps(embedded_data(pages["fa"])["search"], ensure_ascii=False, separators=(",", ":")).encode()
    tables = sum(len((REPO / "data" / "provinces" / n).read_bytes()) for n in ("provinces.csv", "aliases.csv", "ambiguous.csv"))
    assert len(sent) < 3_000 and len(sent) < tables / 2, (len(sent), tables)


def test_search_index_of_hostile_names_is_text():
    """A province renamed by the caller is found by its own (hostile) name, as data."""
    from geo.reference.stats import load_province_stats

    stats = load_province_stats()
    stats.loc["IR-10", "name_en"] = '<img src=x onerror="window.__pwned=1">'
    html = render_html(estates_map(lang="en", stats=stats))
    assert "<img src=x" not in html
    data = embedded_data(html)
    i = [f["properties"]["code"] for f in data["geojson"]["features"]].index("IR-10")
    assert normalize_name('<img src=x onerror="window.__pwned=1">') in data["search"]["levels"]["province"][i].split()


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_pages_allow_pinch_zoom(pages, lang):
    tags = re.findall(r"<meta name=\"viewport\"[^>]*>", pages[lang])
    assert tags == ['<meta name="viewport" content="width=device-width, initial-scale=1">']
    assert "user-scalable" not in pages[lang] and "maximum-scale" not in pages[lang]


def test_each_language_links_to_the_other(pages):
    assert embedded_data(pages["fa"])["alt"] == {"href": "iran_estates.en.html", "lang": "en", "label": "English",
                                                 "title": "This map in English"}  # fmt: skip
    alt = embedded_data(pages["en"])["alt"]
    assert alt["href"] == "iran_estates.html" and alt["lang"] == "fa" and alt["label"] == "فارسی"


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_printed_table_notes_travel_with_their_layer(pages, lang):
    """The 1394 layers carry where the printed table does not add up, with both numbers;
    the 1392 layers (which add up) carry none."""
    data = embedded_data(pages[lang])
    ids = [i["id"] for i in data["indicators"]]
    quality = data["quality"]
    notes = quality["notes"]
    top = [notes[k] for k in quality["legend"]["manufacturing_private_100plus"]]
    digits = (lambda s: s.translate(str.maketrans("0123456789,", "۰۱۲۳۴۵۶۷۸۹٬"))) if lang == "fa" else (lambda s: s)
    assert digits("2,438") in top[0] and digits("2,338") in top[0]
    assert any(digits("708") in n and digits("608") in n and ("البرز" if lang == "fa" else "Alborz") in n for n in top)
    alborz = " ".join(notes[k] for k in quality["places"]["manufacturing_private"]["IR-30"])
    assert digits("297") in alborz and digits("272") in alborz
    assert sorted(quality["legend"]) == sorted(i for i in ids if i.startswith("manufacturing"))
    assert len(notes) == len(set(notes)) == 6  # each sentence once, though rows share them
    assert {i["year_sh"] for i in data["indicators"]} == {"1392", "1394"}
