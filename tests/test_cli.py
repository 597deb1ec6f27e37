"""The command line, run as a user runs it: ``python -m geo …`` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "examples" / "estates_example.csv"


def run(*args: str, cwd: Path | None = None, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], capture_output=True, text=True, cwd=cwd or REPO, env=env, timeout=300
    )


def test_build_writes_html(tmp_path):
    result = run("build", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "iran_estates.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "IR-10" in html and "Isfahan" in html


def test_build_level_province_leaves_out_the_county_level(tmp_path):
    full = run("build", "--out", str(tmp_path / "county"), "--lang", "en")
    small = run("build", "--out", str(tmp_path / "province"), "--lang", "en", "--level", "Province")
    assert full.returncode == small.returncode == 0, full.stderr + small.stderr
    with_counties = (tmp_path / "county" / "iran_estates.en.html").read_text(encoding="utf-8")
    without = (tmp_path / "province" / "iran_estates.en.html").read_text(encoding="utf-8")
    assert 'id="geo-counties"' in with_counties and "geo-counties" not in without
    assert "IR-10" in without and len(without) < len(with_counties) - 100_000


def test_resolve_prints_codes_and_fails_cleanly_on_ambiguous():
    ok = run("resolve", "استان اصفهان", "Kordestan")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split() == ["استان", "اصفهان", "IR-10", "Kordestan", "IR-12"]
    bad = run("resolve", "خراسان")
    assert bad.returncode == 3
    assert "ambiguous" in bad.stderr and "Traceback" not in bad.stderr


def test_provinces_lists_31():
    result = run("provinces")
    assert result.returncode == 0, result.stderr
    assert sum(f"IR-{i:02d}" in result.stdout for i in range(31)) == 31


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_counties_lists_all_or_one_province(fmt):
    import csv
    import io

    every = run("counties", "--format", fmt)
    assert every.returncode == 0, every.stderr
    alborz = run("counties", "--province", "Alborz", "--format", fmt)
    assert alborz.returncode == 0, alborz.stderr
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(every.stdout)))
        assert len(rows) == 478 and len({r["code"] for r in rows}) == 478
        assert any(r["name_en"] == "Tabriz County" and r["province"] == "IR-03" for r in rows)
        rows = list(csv.DictReader(io.StringIO(alborz.stdout)))
        assert {r["province"] for r in rows} == {"IR-30"} and len(rows) == 7
        assert "Karaj County" in {r["name_en"] for r in rows}
    else:
        assert every.stdout.count("│ r") >= 478 and "Tabriz County" in every.stdout
        codes = [line for line in alborz.stdout.splitlines() if line.startswith("│ r")]
        assert len(codes) == 7 and "Karaj County" in alborz.stdout and "Tabriz" not in alborz.stdout


def test_counties_of_an_ambiguous_province_is_unusable_input():
    bad = run("counties", "--province", "Khorasan")
    assert bad.returncode == 3 and "ambiguous" in one_line_error(bad)




def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The stderr of a failed command: exactly one non-blank line, no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_version_is_the_distributions():
    import importlib.metadata

    import geo

    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"geo {geo.__version__} (iran-estates)\n"
    assert importlib.metadata.version("iran-estates") == geo.__version__


def test_the_choices_are_the_librarys():
    import typing

    import geo
    from geo import cli, maps
    from geo.reference import facts

    assert cli.LANG_CHOICES == maps.LANGS
    assert set(cli.FORMAT_CHOICES) == set(facts.FORMATS)
    by = typing.get_type_hints(geo.join)["by"]
    assert set(cli.BY_CHOICES) == {a for arg in typing.get_args(by) for a in typing.get_args(arg)}


def test_help_lists_the_choices_and_an_example_for_every_command():
    commands = ["build", "provinces", "counties", "resolve", "facts", "join", "licenses"]
    top = run("--help", env_extra={"COLUMNS": "200"})
    assert top.returncode == 0
    for command in commands:
        assert command in top.stdout
    assert "--install-completion" in top.stdout and "--version" in top.stdout
    assert "2 usage error, 3 unusable input" in top.stdout
    for command in commands:
        help_ = run(command, "--help", env_extra={"COLUMNS": "200"})
        assert help_.returncode == 0, help_.stderr
        assert f"Example: python -m geo {command}" in help_.stdout
    assert "[attribute|location|both]" in run("join", "--help", env_extra={"COLUMNS": "200"}).stdout
    build = run("build", "--help", env_extra={"COLUMNS": "200"}).stdout
    assert "[fa|en]" in build and "[county|province]" in build
    assert "[table|csv|json]" in run("provinces", "--help", env_extra={"COLUMNS": "200"}).stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["join", str(EXAMPLE), "--out", "x", "--by", "locaton"], "did you mean 'location'?"),
        (["join", str(EXAMPLE), "--out", "x", "--lang", "fr"], "is not one of fa, en"),
        (["build", "--lang", "EN_"], "did you mean 'en'?"),
        (["build", "--level", "countys"], "did you mean 'county'?"),
        (["provinces", "--format", "jsn"], "did you mean 'json'?"),
        (["facts", "-f", "tabel"], "did you mean 'table'?"),
        (["join", str(EXAMPLE), "--out", "x", "--lnag", "en"], "--lang"),
        (["join", str(EXAMPLE)], "--out"),
        (["biuld"], "build"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(tmp_path, args, needle):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert needle in one_line_error(result)
    assert not (tmp_path / "x").exists()


def test_choices_accept_upper_case():
    result = run("provinces", "--format", "CSV")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("code,name_en,name_fa,capital_en,area_km2\n")


def test_no_arguments_is_a_usage_error_with_the_help():
    result = run()
    assert result.returncode == 2
    assert "build" in result.stdout and "join" in result.stdout


def test_unusable_input_is_one_line_with_exit_3(tmp_path):
    a_file = tmp_path / "maps"
    a_file.write_text("not a folder")
    for args, needle in [
        (["build", "--out", str(a_file)], "is a file, not a folder"),
        (["join", str(EXAMPLE), "--out", str(a_file)], "is a file, not a folder"),
        (["join", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o")], "no such file"),
        (["join", str(EXAMPLE), "--out", str(tmp_path / "o"), "--province", "nope"], "nope"),
        (["facts", "--ledger", str(tmp_path / "none.csv")], "none.csv"),
        (["resolve", "Atlantis"], "Atlantis"),
    ]:
        result = run(*args)
        assert result.returncode == 3, (args, result.stderr)
        assert needle in one_line_error(result), args
    assert a_file.read_text() == "not a folder"


def test_errors_are_in_the_language_asked(tmp_path):
    """An error worded in errors.csv, through the command line: in Persian with --lang fa
    (the column and its role in Persian, the place as «row»/«ستون»), in English otherwise."""
    args = ["join", str(EXAMPLE), "--out", str(tmp_path / "o"), "--province", "nope"]
    fa, en, default = run(*args, "--lang", "fa"), run(*args, "--lang", "en"), run(*args)
    assert fa.returncode == en.returncode == default.returncode == 3
    assert "ستونی به نام «nope» برای استان نیست؛ ستون‌ها این‌هایند: «شناسه»، «نام شهرک»" in one_line_error(fa), fa.stderr
    assert "، ستون «nope»: " in one_line_error(fa) and "no column" not in fa.stderr
    assert "field 'nope': no column 'nope' for province; the columns are [" in one_line_error(en)
    assert one_line_error(default) == one_line_error(en)  # without --lang: English, as before


def test_user_strings_are_printed_as_written_never_as_markup(tmp_path):
    """File names, folder names and values with rich markup in them come out unchanged."""
    register = tmp_path / "estates [final] [bold red]x :smile:.csv"
    register.write_bytes(EXAMPLE.read_bytes())
    out = tmp_path / "out [/b] :smile:"
    ok = run("join", str(register), "--out", str(out), "--lang", "en")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().endswith(f"wrote {out}")
    missing = run("join", str(tmp_path / "estates [final].csv"), "--out", str(out))
    assert missing.returncode == 3 and "estates [final].csv" in one_line_error(missing)
    column = run("join", str(register), "--out", str(out), "--province", "[/]")
    assert column.returncode == 3 and "'[/]'" in one_line_error(column)
    bad = run("resolve", "[/]", "[bold]Fars[/bold]")
    assert bad.returncode == 3
    assert "'[/]'" in bad.stderr and "[bold]Fars[/bold]" in bad.stderr
    choice = run("provinces", "--format", "[red]x[/]")
    assert choice.returncode == 2 and "'[red]x[/]'" in one_line_error(choice)


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_provinces_in_every_format(fmt):
    import csv
    import io
    import json

    from geo.reference.provinces import province_table

    expected = province_table()
    result = run("provinces", "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
    elif fmt == "json":
        rows = json.loads(result.stdout)
    else:
        assert "area km²" in result.stdout
        assert all(f"│ {code} │" in result.stdout for code in expected["code"])
        return
    assert [r["code"] for r in rows] == list(expected["code"])
    assert [r["name_fa"] for r in rows] == list(expected["name_fa"])
    assert [float(r["area_km2"]) for r in rows] == list(expected["area_km2"])


def test_licenses_prints_every_licence_text():
    result = run("licenses")
    assert result.returncode == 0, result.stderr
    for heading, words in [
        ("LICENSE", "MIT License"),
        ("THIRD_PARTY_NOTICES.md", "© OpenStreetMap contributors"),
        ("third_party/Leaflet-BSD-2-Clause.txt", "BSD 2-Clause License"),
        ("third_party/NotoSansArabic-OFL-1.1.txt", "SIL OPEN FONT LICENSE Version 1.1"),
    ]:
        assert f"==> {heading} <==" in result.stdout
        assert words in result.stdout.split(f"==> {heading} <==")[1].split("==>")[0]


def test_shell_completion_offers_the_choices():
    """The completion the installed `geo` script gives bash (what --install-completion sets up)."""
    script = Path(sys.executable).with_name("geo")
    for words, cword, expected in [("geo join x --by lo", "4", ["location"]),
                                   ("geo provinces --format ", "3", ["table", "csv", "json"]),
                                   ("geo li", "1", ["licenses"])]:  # fmt: skip
        env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": cword, "_GEO_COMPLETE": "complete_bash"}
        result = subprocess.run([str(script)], capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == expected
