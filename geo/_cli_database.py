"""The command line's database options of ``join``: what to read from a URL, where to write.

``--table``/``--sql`` say what to read when the register is a ``postgresql://`` URL;
``--to URL --to-table NAME [--replace]`` write every row to a new table
(:mod:`geo.output.postgis_out`), beside the files of ``--out`` or instead of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Writing", "usage_error"]


@dataclass(frozen=True)
class Writing:
    """Where ``join`` writes: the folder ``--out`` (with ``--formats``), the table ``--to-table`` of ``--to``."""

    out: Path | None
    formats: list[str] | None
    to: str | None
    to_table: str | None
    replace: bool

    def where(self) -> str:
        """The outputs as the summary line names them (the database's password masked).

        Examples
        --------
        >>> Writing(Path("out"), None, "postgresql://geo:pw@db/gis", "joined", False).where()
        "out and table 'joined' of postgresql://geo:***@db/gis"
        """
        from geo.registers._database import masked

        places = [str(self.out)] if self.out is not None else []
        if self.to is not None:
            places.append(f"table {self.to_table!r} of {masked(self.to)}")
        return " and ".join(places)


def usage_error(
    database: bool, read: tuple[str | None, str | None], write: tuple[Path | None, str | None, str | None, bool]
) -> str | None:
    """What is wrong with the database options (a usage error), or None.

    ``database``: the register is a URL; ``read``: ``--table``, ``--sql``; ``write``:
    ``--out``, ``--to``, ``--to-table``, ``--replace``.

    Examples
    --------
    >>> usage_error(False, ("estates", None), (Path("out"), None, None, False))
    '--table and --sql read a postgresql:// register'
    """
    table, sql = read
    out, to, to_table, replace = write
    if database and (table is None) == (sql is None):
        return "a postgresql:// register is read with --table NAME or --sql QUERY (one of them)"
    if not database and (table is not None or sql is not None):
        hint = "; the table to write is --to-table" if table is not None and to is not None else ""
        return f"--table and --sql read a postgresql:// register{hint}"
    if (to is None) != (to_table is None) or (replace and to is None):
        return "--to URL and --to-table NAME go together (and --replace with them)"
    if out is None and to is None:
        return "give --out DIR (files), --to URL --to-table NAME (a database table), or both"
    return None
