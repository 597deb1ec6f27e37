"""Reading a register from a PostgreSQL/PostGIS table or query into cells.

A register in a database is named by a ``postgresql://`` URL (:mod:`geo.registers._database`: the
credentials from the URL or libpq's ``PG*`` variables, never shown) and either a ``table``
(``name`` or ``schema.name``, as written; a view is read as a table) or an ``sql`` query.
It is read through psycopg 3 in one read-only transaction, so that a query can change
nothing (``DELETE … RETURNING`` fails); the source is never written to.

Cells come out as the file readers give them (:class:`~geo.registers.cells.Cells`):
whole numbers, decimals and yes/no columns of the database's own types as numbers and
booleans; ``numeric`` (exact decimals), dates, JSON, arrays and every other type as their
text, which the register's rules read as they read a CSV's cells. The first PostGIS
``geometry`` or ``geography`` column is the location, its CRS the one its SRID names in
the database's ``spatial_ref_sys`` (SRID 0: none declared); further geometry columns are
kept as WKT text, with a warning. An empty table or a query without rows is refused, as
is a geometry column whose rows have different SRIDs.
"""

from __future__ import annotations

import difflib
from contextlib import closing
from typing import Any

import numpy as np
import pandas as pd

from geo.errors import RegisterError
from geo.i18n import Bilingual, message
from geo.registers._database import DatabaseLocation, connect, quoted_name, server_text, split_name
from geo.registers.cells import Cells
from geo.registers.limits import check_memory

__all__ = ["read_database"]

#: PostgreSQL types read as they are (numbers, yes/no, text); every other built-in type is read as its text.
_INTEGERS = frozenset({"int2", "int4", "int8", "oid"})
_FLOATS = frozenset({"float4", "float8"})
_TEXTS = frozenset({"text", "varchar", "bpchar", "name", '"char"'})
_AS_IS = _INTEGERS | _FLOATS | _TEXTS | {"bool"}
#: Most table names listed as the closest to a name that is not there.
_CLOSEST = 3


def _fail(code: str, location: DatabaseLocation, field: str | None = None, **fields: Any) -> RegisterError:
    return RegisterError(str(message("database", code, **fields)), path=location, field=field)


def _loaders(conn: Any) -> frozenset[int]:
    """Set the connection's loaders; return the OIDs of PostGIS's geometry types.

    Every built-in type but numbers, booleans and text is loaded as its text (exact
    decimals, dates, JSON); a geometry as WKB bytes. A geometry's text is its hex EWKB:
    decoded here, row by row in C (``binascii``), it is read by shapely three times faster
    than as hex.
    """
    import binascii

    import psycopg
    from psycopg.adapt import Loader
    from psycopg.types.string import TextLoader

    class WkbLoader(Loader):
        def load(self, data: Any) -> bytes:
            return binascii.unhexlify(data)

    for info in psycopg.postgres.types:
        if info.name not in _AS_IS:
            conn.adapters.register_loader(info.oid, TextLoader)
        if getattr(info, "array_oid", 0):
            conn.adapters.register_loader(info.array_oid, TextLoader)
    spatial = _geometry_types(conn)
    for oid in spatial:
        conn.adapters.register_loader(oid, WkbLoader)
    return spatial


def _tables(conn: Any) -> list[str]:
    """The tables and views the connection's search path shows, as a name alone (others: ``schema.name``)."""
    rows = conn.execute(
        "SELECT CASE WHEN n.nspname = ANY (current_schemas(false)) THEN c.relname"
        " ELSE n.nspname || '.' || c.relname END FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def _resolve(conn: Any, table: str, location: DatabaseLocation) -> tuple[str, str, int]:
    """The schema, name and size in bytes of ``table`` (``name`` or ``schema.name``, exact).

    A table that is not there is an error naming the closest. The table's identity is kept
    in ``location`` (a destination that is this table is refused).
    """
    schema, name = split_name(table)
    found = conn.execute(
        "SELECT n.nspname, c.relname, pg_table_size(c.oid), pg_postmaster_start_time()::text,"
        " current_setting('port'), current_database(), c.oid::bigint FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(%s)",
        [quoted_name(name) if schema is None else f"{quoted_name(schema)}.{quoted_name(name)}"],
    ).fetchone()
    if found is not None:
        location.identity = (str(found[3]), str(found[4]), str(found[5]), int(found[6]))
        return str(found[0]), str(found[1]), int(found[2] or 0)
    closest = difflib.get_close_matches(table, _tables(conn), n=_CLOSEST, cutoff=0.5)
    if closest:
        names = ", ".join(map(repr, closest))
        raise _fail("no_table_closest", location, "table", table=table, closest=Bilingual(names, names))
    raise _fail("no_table", location, "table", table=table)


def _geometry_types(conn: Any) -> frozenset[int]:
    """The type OIDs of PostGIS ``geometry`` and ``geography`` in this database (none without PostGIS)."""
    rows = conn.execute("SELECT oid FROM pg_type WHERE typname IN ('geometry', 'geography') AND typtype = 'b'")
    return frozenset(int(r[0]) for r in rows.fetchall())


def _fetch(conn: Any, url: str, query: Any, location: DatabaseLocation, table: str | None) -> tuple[list, list]:
    """The description and rows of ``query``; a failure names the table or says the query failed."""
    import psycopg

    try:
        cur = conn.execute(query)
        if cur.description is None:  # a statement that returns no table (SET, CREATE …)
            raise _fail("query_no_table", location, "sql")
        return list(cur.description), cur.fetchall()
    except psycopg.Error as exc:
        if table is not None:
            raise _fail("read_failed", location, "table", table=table, detail=server_text(exc, url)) from None
        raise _fail("query_failed", location, "sql", detail=server_text(exc, url)) from None


def _column(values: tuple, type_name: str) -> Any:
    """One column's cells from the values psycopg gives for its type (see the module docstring)."""
    if type_name in _INTEGERS:
        if None in values:
            return np.array([np.nan if v is None else v for v in values], dtype="float64")
        return np.array(values, dtype="int64")
    if type_name in _FLOATS:
        return np.array([np.nan if v is None else v for v in values], dtype="float64")
    if type_name == "bool":
        return pd.array(values, dtype="boolean")
    return np.array(values, dtype=object)


def _crs_of(conn: Any, srids: set[int], column: str, location: DatabaseLocation, warnings: list[str]) -> str | None:
    """The CRS a column's SRID names (``EPSG:n``, else its WKT), None for SRID 0; several SRIDs are refused."""
    srids.discard(0)
    if len(srids) > 1:
        listed = ", ".join(map(str, sorted(srids)))
        raise _fail("mixed_srids", location, column, column=column, srids=Bilingual(listed, listed))
    if not srids:
        return None
    srid = srids.pop()
    found = conn.execute("SELECT auth_name, auth_srid, srtext FROM spatial_ref_sys WHERE srid = %s", [srid]).fetchone()
    if found is None:
        warnings.append(message("database", "unknown_srid", column=column, srid=srid))
        return None
    auth, code, wkt = found
    return f"EPSG:{code}" if str(auth).upper() == "EPSG" and code else str(wkt) if wkt else None


def _cells(conn: Any, found: tuple[list, list], spatial: frozenset[int], location: DatabaseLocation) -> Cells:
    """Cells, geometry and declared CRS of a query's rows (``found``: psycopg's columns and the rows)."""
    import geopandas as gpd
    import psycopg
    import shapely

    description, rows = found
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in description]
    names: list[str] = []  # as the query names them, repeats included (made unique as any file's headers)
    data: list[Any] = []
    geometry = None
    crs = None
    warnings: list[str] = []
    shapes = [d.name for d in description if d.type_code in spatial]
    if len(shapes) > 1:
        listed = ", ".join(map(repr, shapes))
        warnings.append(message("database", "geometry_columns", count=len(shapes), names=Bilingual(listed, listed),
                                chosen=shapes[0]))  # fmt: skip
    for column, values in zip(description, columns, strict=True):
        if column.type_code in spatial:
            geoms = shapely.from_wkb(np.array(values, dtype=object))
            if column.name != shapes[0] or geometry is not None:
                names.append(column.name)
                data.append(np.array(shapely.to_wkt(geoms), dtype=object))
                continue
            srids = set(np.unique(shapely.get_srid(geoms[~shapely.is_missing(geoms)])).tolist())
            crs = _crs_of(conn, srids, column.name, location, warnings)
            geometry = gpd.GeoSeries(geoms, crs=crs, name=column.name)
            continue
        info = psycopg.postgres.types.get(column.type_code)
        names.append(column.name)
        data.append(_column(values, info.name if info is not None else "text"))
    frame = pd.DataFrame(dict(enumerate(data)), index=pd.RangeIndex(len(rows)))
    frame.columns = pd.Index(names, dtype=object)
    return Cells(frame, geometry, crs, warnings, path=location)


def read_database(url: str, *, table: str | None = None, sql: str | None = None) -> Cells:
    """The cells of a table or query of the PostgreSQL database at ``url``.

    Parameters
    ----------
    url
        ``postgresql://[user[:password]@][host][:port][/database][?param=value…]``; what it
        leaves out comes from libpq's ``PG*`` environment variables and ``~/.pgpass``.
    table
        The table (or view) to read: ``name`` or ``schema.name``, exactly as it is written
        in the database (case kept); a name alone is looked for on the search path.
    sql
        A query to read instead of a table (run in a read-only transaction).

    Raises
    ------
    RegisterError
        psycopg is not installed; the database cannot be reached or refuses the login;
        the table is not there (the closest names are suggested); the query fails; no
        row; a geometry column with several SRIDs. Never with the password.
    LimitError
        The table is larger than :mod:`geo.registers.limits` lets be read into memory.
    """
    if (table is None) == (sql is None):
        what = "query" if sql is not None else "table"
        raise _fail("table_or_sql" if table is None else "table_and_sql", DatabaseLocation.of(url, what), "table")
    location = DatabaseLocation.of(url, f"table {table!r}" if table is not None else "query")
    with closing(connect(url, location, RegisterError, read_only=True)) as conn:
        spatial = _loaders(conn)
        if table is not None:
            from psycopg import sql as pgsql

            schema, name, size = _resolve(conn, table, location)
            # a table's heap holds its rows much as a GeoPackage's SQLite pages do (not measured apart)
            check_memory(size, "gpkg", location, what=message("errors", "limits_measured_table", mb=size / (1 << 20)))
            query: Any = pgsql.SQL("SELECT * FROM {}").format(pgsql.Identifier(schema, name))
        else:
            query = str(sql).strip().rstrip(";")
        description, rows = _fetch(conn, url, query, location, table)
        if not rows:
            raise _fail("empty_table" if table is not None else "empty_query", location, table=table)
        return _cells(conn, (description, rows), spatial, location)
