"""PostGIS in and out, against a real PostgreSQL with PostGIS that the suite starts (conftest ``postgis``).

The register is the shipped example, loaded into the database with ``to_sql``/``to_postgis``
(SQLAlchemy and GeoAlchemy2, as a user would); ``geo join`` reads it back by table or query
and writes every row to a new table. Every URL carries the superuser's password
(:data:`pg_server.PASSWORD`): no output, message or file may show it.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from geo import join
from geo.cli import app
from geo.errors import OutputError, RegisterError
from geo.registers import read_register

PASSWORD_PARTS = ("s3cret", "Pa55")  # pieces of pg_server.PASSWORD, as written and URL-encoded alike
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "examples" / "estates_example.csv"
runner = CliRunner()


def _no_password(*texts: str) -> None:
    for text in texts:
        assert not any(part in text for part in PASSWORD_PARTS), text


def _engine(url: str):
    from sqlalchemy import create_engine

    return create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


def _sql(server, statement: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(server.url()) as conn:
        cur = conn.execute(statement)
        return cur.fetchall() if cur.description else []


@pytest.fixture(scope="module")
def db(postgis):
    """The example as a table of text (``estates``, as the CSV holds it), an empty table, a geometry table."""
    url = postgis.url()
    engine = _engine(url)
    cells = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    cells.to_sql("estates", engine, index=False)
    cells.head(0).to_sql("empty_estates", engine, index=False)
    located = join(EXAMPLE).estates
    located = located[located["lat"].notna()]
    plants = [True, None] * (len(located) // 2) + [True] * (len(located) % 2)
    points = gpd.GeoDataFrame(
        {"src_row": located["row"], "code": located["id"].astype(str), "نام": located["name"],
         "area_ha": [1.5] * len(located), "has_plant": plants},
        geometry=gpd.points_from_xy(located["lon"], located["lat"], crs=4326).to_crs(3857),
    )  # fmt: skip
    points.to_postgis("located", engine)
    _sql(postgis, "ALTER TABLE located ADD COLUMN second geography; UPDATE located SET second = 'POINT(51 35)'")
    engine.dispose()
    return postgis


@pytest.fixture(scope="module")
def csv_join():
    """The shipped example joined from its CSV: what every database round trip must give."""
    return join(EXAMPLE)


def _plain(frame: pd.DataFrame) -> list[list]:
    """Rows as lists of Python values, None for every kind of missing."""
    return [[None if pd.isna(v) else v for v in row] for row in frame.astype(object).values.tolist()]


def _cli(args: list[str]):
    result = runner.invoke(app, ["join", *args])
    assert "Traceback" not in result.output
    return result


def test_example_round_trips_through_postgis(db, csv_join, tmp_path) -> None:
    """Read by table, written to a table and to files: the rows, statuses, provinces and counties of the CSV."""
    url = db.url()
    out = tmp_path / "out"
    done = _cli([url, "--table", "estates", "--out", str(out), "--to", url, "--to-table", "joined"])
    assert done.exit_code == 0, done.output
    _no_password(done.output, *(p.read_text(encoding="utf-8", errors="replace") for p in out.iterdir()))
    expected = _plain(csv_join.estates[["row", "status", "province", "county"]])
    rows = pd.read_csv(out / "rows.csv", dtype={"row": int}, keep_default_na=False).replace("", None)
    assert _plain(rows[["row", "status", "province", "county"]]) == expected
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["source"].startswith("postgresql://postgres:***@127.0.0.1:") and "'estates'" in report["source"]
    back = gpd.read_postgis('SELECT * FROM joined ORDER BY "row"', _engine(url), geom_col="geometry")
    assert back.crs.to_epsg() == 4326
    assert _plain(back[["row", "status", "province", "county"]]) == expected
    located = csv_join.estates["lat"].notna().to_numpy()
    assert back.geometry.isna().to_numpy().tolist() == (~located).tolist()
    assert back.geometry.x[located].round(9).tolist() == csv_join.estates["lon"][located].round(9).tolist()
    assert back["reasons"].notna().tolist() == [bool(r) for r in csv_join.estates["reasons"]]
    assert "' | '" not in str(back["reasons"].dropna().tolist())  # joined by " | " as in the files


def test_geometry_table_sql_and_python_api(db, csv_join) -> None:
    """A PostGIS geometry in EPSG:3857 (its SRID) is the location; a query reads the same; types are kept."""
    url = db.url()
    with pytest.warns(UserWarning, match="2 geometry columns"):
        reg = read_register(url, table="located")
    assert reg.source_crs == "EPSG:3857"
    assert reg.indicators == {"src_row": "number", "area_ha": "number", "has_plant": "bool"}
    assert "second" in reg.frame.columns and reg.frame["second"].iloc[0] == "POINT (51 35)"
    assert len(read_register(url, sql="SELECT * FROM located WHERE code LIKE '%1%'")) > 1  # % is no placeholder
    mixed = "SELECT geometry FROM located UNION ALL SELECT ST_Transform(geometry, 4326) FROM located"
    with pytest.raises(RegisterError, match=r"'geometry' holds geometries of several SRIDs \(3857, 4326\)"):
        read_register(url, sql=mixed)
    with pytest.raises(RegisterError, match=r"a table .`table`. or a query .`sql`.: give one"):
        read_register(url)
    with pytest.raises(RegisterError, match="give its postgresql:// URL"):
        read_register(EXAMPLE, table="estates")
    got = join(url, sql="SELECT code, geometry FROM located WHERE src_row > 1 ORDER BY src_row").estates
    by_location = join(EXAMPLE, by="location").estates
    expected = by_location[by_location["lat"].notna() & (by_location["row"] > 1)]
    assert len(got) == len(expected) > 30
    assert _plain(got[["province", "county"]]) == _plain(expected[["province", "county"]])  # (statuses: other cells)


def test_to_postgis_is_one_transaction_and_refuses_what_it_must(db, csv_join) -> None:
    """Nothing is seen before the commit; an existing table needs `replace`; the source is never the destination."""
    from geo.output.postgis_out import DatabaseTable

    url = db.url()
    with DatabaseTable(url, "api_joined") as target:
        target.write(csv_join.estates)
        assert _sql(db, "SELECT to_regclass('api_joined')") == [(None,)]  # not committed: not there
    assert _sql(db, "SELECT to_regclass('api_joined')") == [(None,)]  # closed without commit: rolled back
    where = csv_join.to_postgis(url, "api_joined")
    assert where.startswith("postgresql://postgres:***@") and "api_joined" in where
    with pytest.raises(OutputError, match=r"already exists; give `replace`") as err:
        csv_join.to_postgis(url, "api_joined")
    _no_password(str(err.value))
    half = join(csv_join.estates.head(0).pipe(lambda _: pd.read_csv(EXAMPLE, dtype=str).head(5)))
    half.to_postgis(url, "public.api_joined", replace=True)
    assert _sql(db, "SELECT count(*) FROM api_joined") == [(5,)]
    from_db = join(url, table="api_joined", province="province_as_given", id="id", lat="lat", lon="lon")
    with pytest.raises(OutputError, match="is the register being read"):
        from_db.to_postgis(url, "api_joined", replace=True)
    assert _sql(db, "SELECT count(*) FROM api_joined") == [(5,)]
    long = "ستون " * 20  # 100 bytes of UTF-8: PostgreSQL would cut it silently
    wide = join(pd.DataFrame({"استان": ["فارس"], long: ["x"], long + "دوم": ["y"]}))
    with pytest.warns(UserWarning, match="were shortened"):
        wide.to_postgis(url, "wide")
    names = [r[0] for r in _sql(db, "SELECT attname FROM pg_attribute WHERE attrelid = 'wide'::regclass")]
    shortened = [n for n in names if n.startswith("ستون")]
    assert len(shortened) == 2 and all(len(n.encode()) <= 63 for n in shortened)


def _fails(args: list[str], code: int, *words: str, out: Path | None = None) -> str:
    done = _cli(args)
    lines = [line for line in done.output.splitlines() if line.startswith("error:")]
    assert done.exit_code == code and len(lines) == 1, done.output
    for word in words:
        assert word in lines[0], lines[0]
    _no_password(done.output)
    if out is not None:
        assert not out.exists()
    return lines[0]


def test_bad_sources_end_in_one_line_exit_3_nothing_written(db, tmp_path, monkeypatch) -> None:
    """Unreachable, wrong password (URL or PGPASSWORD), no table, a failing or writing query, an empty table."""
    url, out = db.url(), tmp_path / "out"
    gone = url.replace(f":{db.port}/", ":1/")
    _fails([gone, "--table", "estates", "--out", str(out)], 3, "cannot connect", "postgres:***@", out=out)
    wrong = url.replace("s3cret", "wrong")
    _fails([wrong, "--table", "estates", "--out", str(out)], 3, "password authentication failed", out=out)
    _fails([url, "--table", "Estates", "--out", str(out)], 3, "no table 'Estates'", "closest: 'estates'", out=out)
    _fails([url, "--sql", "SELECT * FROM estates WHERE nonsense", "--out", str(out)], 3, "the query failed", out=out)
    _fails([url, "--sql", "DELETE FROM estates RETURNING *", "--out", str(out)], 3, "read-only transaction", out=out)
    assert _sql(db, "SELECT count(*) FROM estates") == [(40,)]  # the source is never changed
    _fails([url, "--table", "empty_estates", "--out", str(out)], 3, "'empty_estates' has no rows", out=out)
    _fails([url, "--out", str(out)], 2, "--table NAME or --sql QUERY", out=out)
    monkeypatch.setenv("PGPASSWORD", "wrong-from-the-environment")
    bare = db.url(password=None)
    line = _fails([bare, "--table", "estates", "--out", str(out)], 3, "password authentication failed", out=out)
    assert "wrong-from-the-environment" not in line


def test_bad_destinations_end_in_one_line_exit_4_nothing_written(db, tmp_path, monkeypatch) -> None:
    """A table that exists, an unreachable database, a schema this login cannot create in, the source table."""
    url, out = db.url(), tmp_path / "out"
    _sql(db, "CREATE TABLE taken (x int)")
    _fails([url, "--table", "estates", "--out", str(out), "--to", url, "--to-table", "taken"], 4,
           "'taken' already exists; give --replace", out=out)  # fmt: skip
    gone = url.replace(f":{db.port}/", ":1/")
    _fails([url, "--table", "estates", "--out", str(out), "--to", gone, "--to-table", "t"], 4, "cannot connect",
           out=out)  # fmt: skip
    _sql(db, "CREATE ROLE reader LOGIN PASSWORD 's3cret-reader'; GRANT SELECT ON estates TO reader")
    reader = url.replace("postgres:", "reader:").replace(url.split(":")[2].split("@")[0], "s3cret-reader")
    _fails([url, "--table", "estates", "--out", str(out), "--to", reader, "--to-table", "t"], 4,
           "cannot create tables in schema 'public'", out=out)  # fmt: skip
    _fails([url, "--table", "estates", "--to", url, "--to-table", "estates", "--replace"], 4, "register being read")
    assert _sql(db, "SELECT count(*) FROM estates") == [(40,)]
    monkeypatch.setenv("PGPASSWORD", "unused")
    # read as the reader, written as the superuser (each URL's own password), under a hostile name taken as a name
    hostile = 'from_reader"; DROP TABLE estates; --'
    done = _cli([reader, "--table", "estates", "--to", url, "--to-table", hostile])
    assert done.exit_code == 0, done.output
    _no_password(done.output)
    assert "of postgresql://postgres:***@" in done.output
    assert _sql(db, 'SELECT count(*) FROM "from_reader""; DROP TABLE estates; --"') == [(40,)]
    assert _sql(db, "SELECT count(*) FROM estates") == [(40,)]
