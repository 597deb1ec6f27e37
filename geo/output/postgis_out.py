"""Writing a join's rows to a new PostgreSQL/PostGIS table, as a whole or not at all.

:class:`DatabaseTable` is a destination table: :meth:`~DatabaseTable.check` connects and
refuses, before any work, a database that cannot be reached, a schema that is missing or
that this login cannot create tables in, a database without PostGIS, and a table that
exists (unless ``replace``). :meth:`~DatabaseTable.write` then, in one transaction, creates
a table under a temporary name, copies the rows into it (``COPY … FROM STDIN``, CSV made
by Arrow, a chunk at a time), indexes its geometry (GiST), drops the table it replaces and
renames the new one: other sessions see the old table or the whole new one, never a part.
:meth:`~DatabaseTable.commit` ends the transaction; anything that stops the run before it
rolls it all back. The register being read is never written to: a destination that is
the source table is refused, ``replace`` or not.

The table holds every row of the register, one per input row (``row``), with ``status``
(joined, flagged or rejected), ``reasons``/``reasons_fa`` and ``notes``/``notes_fa`` (each
row's texts joined by `` | ``, NULL where none), ``province`` and ``county`` (codes), the
register's own columns (numbers as ``double precision``, yes/no as ``boolean``, text),
``lat``/``lon`` and ``geometry`` (``geometry(Point, 4326)``; NULL where a row has no
location). ``WHERE status <> 'rejected'`` gives the rows of ``joined.gpkg``. Column names
longer than PostgreSQL's 63 bytes are shortened (with a warning).
"""

from __future__ import annotations

import io
import uuid
import warnings
from typing import Any

import numpy as np

from geo._progress import Progress, no_progress
from geo.errors import GeoWarning, OutputError
from geo.i18n import Bilingual, message
from geo.registers._database import (
    DatabaseLocation,
    connect,
    is_database_url,
    masked,
    quoted_name,
    server_text,
    split_name,
)

__all__ = ["DatabaseTable", "write_table"]

#: PostgreSQL keeps names of at most this many bytes.
NAME_BYTES = 63
#: Arrow type id → the column type it is written as (anything else: text).
_TYPES = {"int8": "smallint", "int16": "smallint", "int32": "integer", "int64": "bigint", "uint8": "smallint",
          "uint16": "integer", "uint32": "bigint", "float": "real", "double": "double precision", "bool": "boolean",
          "date32[day]": "date"}  # fmt: skip


def _fits(name: str) -> bool:
    return 0 < len(name.encode("utf-8")) <= NAME_BYTES and "\x00" not in name


def _short_names(names: list[str]) -> list[str]:
    """Column names cut to :data:`NAME_BYTES` bytes (at a character), kept distinct by a ``~N`` ending."""
    out: list[str] = []
    taken = {n for n in names if _fits(n)}
    for name in names:
        if _fits(name):
            out.append(name)
            continue
        k = 1
        while True:
            end = f"~{k}"
            cut = name.encode("utf-8")[: NAME_BYTES - len(end)].decode("utf-8", "ignore") + end
            if cut not in taken:
                break
            k += 1
        taken.add(cut)
        out.append(cut)
    return out


class DatabaseTable:
    """A new table in the PostgreSQL database at ``url`` (see the module docstring).

    Parameters
    ----------
    url
        ``postgresql://…``; what it leaves out comes from libpq's ``PG*`` variables.
    table
        ``name`` or ``schema.name``, exactly as written (case kept).
    replace
        Replace the table if it exists (in the same transaction); without it an
        existing table is refused.
    """

    def __init__(self, url: str, table: str, *, replace: bool = False) -> None:
        self.url, self.table, self.replace = url, table, replace
        self.schema, self.name = split_name(table)
        self.location = DatabaseLocation.of(url if is_database_url(url) else "", f"table {table!r}")
        self._conn: Any = None

    def _error(self, code: str, **fields: Any) -> OutputError:
        return OutputError(str(message("database", code, table=self.table, **fields)), path=self.location)

    def check(self) -> DatabaseTable:
        """Connect and check that the table can be written (see the module docstring); keep the connection."""
        if not is_database_url(self.url):
            raise OutputError(str(message("database", "not_url")), field="to")
        if not all(_fits(part) for part in (self.schema or "x", self.name)):
            raise self._error("bad_table_name")
        import psycopg

        self._conn = connect(self.url, self.location, OutputError, read_only=False)
        try:
            self._check_database()
        except psycopg.Error as exc:
            self.close()
            raise self._error("write_failed", detail=server_text(exc, self.url)) from None
        except BaseException:
            self.close()
            raise
        return self

    def _check_database(self) -> None:
        conn = self._conn
        if conn.execute("SELECT to_regtype('geometry')").fetchone()[0] is None:
            raise self._error("no_postgis")
        schema = self.schema or conn.execute("SELECT current_schema()").fetchone()[0]
        if schema is None or conn.execute("SELECT to_regnamespace(%s)", [quoted_name(schema)]).fetchone()[0] is None:
            raise self._error("no_schema", schema=str(schema or ""))
        self.schema = str(schema)
        can = conn.execute(
            "SELECT has_schema_privilege(to_regnamespace(%s), 'CREATE'), current_setting('transaction_read_only')",
            [quoted_name(self.schema)],
        ).fetchone()
        if not can[0] or can[1] == "on":
            why = "read-only" if can[1] == "on" else "no CREATE privilege"
            raise self._error("cannot_create", schema=self.schema, detail=Bilingual(why, why))
        if self._existing() is not None and not self.replace:
            raise self._error("table_exists")
        conn.rollback()  # nothing held while the join runs

    def _existing(self) -> int | None:
        """The OID of the table if it exists (its schema: checked by :meth:`check`)."""
        found = self._conn.execute(
            "SELECT to_regclass(%s)::oid", [f"{quoted_name(self.schema or '')}.{quoted_name(self.name)}"]
        )
        value = found.fetchone()[0]
        return int(value) if value is not None else None

    def _refuse_source(self, source: object) -> None:
        """Refuse to replace the table the register was read from (same server, database and table)."""
        identity = getattr(source, "identity", None)
        existing = self._existing()
        if identity is None or existing is None:
            return
        here = self._conn.execute(
            "SELECT pg_postmaster_start_time()::text, current_setting('port'), current_database()"
        ).fetchone()
        if (*here, existing) == tuple(identity):
            raise self._error("table_is_source")

    def write(self, estates: Any, *, source: object = None, progress: Progress | None = None) -> None:
        """Create and fill the table in the open transaction (not committed: see :meth:`commit`).

        ``source``: where the register was read from (:attr:`geo.registers.Register.path`).
        """
        import psycopg

        tick = progress or no_progress
        stage = f"writing table {self.table!r}"
        tick(stage, 0, len(estates))
        try:
            self._refuse_source(source)
            if self.replace is False and self._existing() is not None:
                raise self._error("table_exists")
            self._fill(estates, lambda done: tick(stage, done, len(estates)))
        except psycopg.Error as exc:
            self._conn.rollback()
            raise self._error("write_failed", detail=server_text(exc, self.url)) from None
        tick(stage, len(estates), len(estates))

    def _fill(self, estates: Any, advance: Any) -> None:
        """CREATE TABLE under a temporary name, COPY the rows, index, replace, rename."""
        from psycopg import sql

        from geo.output._writers import _batches, _schema
        from geo.output.outputs import _for_files

        estates = _for_files(estates, no_progress)  # `` | `` between a row's texts, NULL where none
        schema = _schema(estates)
        names = _short_names([f.name for f in schema])
        shortened = [f"{a!r} → {b!r}" for a, b in zip(schema.names, names, strict=True) if a != b]
        if shortened:
            warnings.warn(str(message("database", "columns_shortened", names=", ".join(shortened))), GeoWarning, 3)
        temporary = f"geo_{uuid.uuid4().hex[:20]}"
        columns: list[Any] = [sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(_TYPES.get(str(f.type), "text")))
                   for n, f in zip(names, schema, strict=True)]  # fmt: skip
        columns.append(sql.SQL("geometry geometry(Point, 4326)"))
        new = sql.Identifier(self.schema or "", temporary)
        conn = self._conn
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(new, sql.SQL(", ").join(columns)))
        copy = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
            new, sql.SQL(", ").join(map(sql.Identifier, [*names, "geometry"]))
        )
        ewkb = _ewkb(estates)
        start = 0
        with conn.cursor() as cur, cur.copy(copy) as pipe:
            for batch in _batches(estates, None, schema, advance):
                pipe.write(_csv(batch, ewkb[start : start + batch.num_rows]))
                start += batch.num_rows
        conn.execute(sql.SQL("CREATE INDEX {} ON {} USING gist (geometry)").format(
            sql.Identifier(f"{temporary}_geometry"), new))  # fmt: skip
        if self.replace and self._existing() is not None:
            conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(self.schema or "", self.name)))
        conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(new, sql.Identifier(self.name)))
        conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(self.schema or "", self.name)))

    def commit(self) -> None:
        """Commit the transaction: the table appears (or replaces the old one) as a whole."""
        import psycopg

        try:
            self._conn.commit()
        except psycopg.Error as exc:
            raise self._error("commit_failed", detail=server_text(exc, self.url)) from None

    def close(self) -> None:
        """Close the connection; an uncommitted table is rolled back (nothing written)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> DatabaseTable:
        return self.check()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __str__(self) -> str:
        return str(self.location)


def _ewkb(estates: Any) -> np.ndarray:
    """The rows' geometry as hex EWKB with SRID 4326 (None where a row has none)."""
    import shapely

    geoms = np.asarray(estates.geometry.values, dtype=object)
    return np.asarray(shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True), dtype=object)


def _csv(batch: Any, ewkb: np.ndarray) -> bytes:
    """One batch as CSV lines (no header), its rows' ``ewkb`` as the last column."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_batches([batch]).append_column("geometry", pa.array(ewkb, type=pa.string()))
    sink = io.BytesIO()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False))
    return sink.getvalue()


def write_table(result: Any, url: str, table: str, *, replace: bool = False, progress: Progress | None = None) -> str:
    """Write a join's rows to a new table ``table`` of the database at ``url`` (see :class:`DatabaseTable`).

    Returns
    -------
    str
        Where it was written, with the password masked.

    Raises
    ------
    OutputError
        The database cannot be reached, the table exists (without ``replace``), is the
        register's source, or cannot be created or written; nothing was written.
    """
    with DatabaseTable(url, table, replace=replace) as target:
        register = getattr(result, "register", None)
        target.write(result.estates, source=getattr(register, "path", None), progress=progress)
        target.commit()
        return masked(url) + f" ({table!r})"
