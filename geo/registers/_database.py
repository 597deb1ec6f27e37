"""A PostgreSQL database named by a ``postgresql://`` URL: telling one, showing it without its password, connecting.

Connections go through psycopg 3 (the optional ``postgis`` extra), that is through libpq:
what the URL leaves out (host, port, user, password, database) comes from libpq's own
environment variables (``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD``, ``PGDATABASE``,
``PGSERVICE``, ``PGPASSFILE`` …) and ``~/.pgpass``, as for ``psql``. A URL is never shown as
given: :func:`masked` puts ``***`` in place of a password, and :func:`scrubbed` takes any
password (the URL's, ``PGPASSWORD``) out of a text a server or libpq wrote, before an
error or a report quotes it.

The error raised on a failure is the caller's (:class:`~geo.errors.RegisterError` when
reading a register, :class:`~geo.errors.OutputError` when writing): ``connect`` takes it.
"""

from __future__ import annotations

import os
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

from geo.errors import DataError
from geo.i18n import Bilingual, message

__all__ = [
    "SCHEMES",
    "DatabaseLocation",
    "connect",
    "is_database_url",
    "masked",
    "quoted_name",
    "scrubbed",
    "server_text",
    "split_name",
]

#: The URL schemes libpq reads.
SCHEMES = ("postgresql://", "postgres://")
#: Query parameters of a URL that hold a secret.
_SECRETS = frozenset({"password", "sslpassword"})
_MASK = "***"
#: Longest server message quoted.
DETAIL = 300


def is_database_url(source: object) -> bool:
    """Whether ``source`` is a text naming a PostgreSQL database (``postgresql://…``).

    Examples
    --------
    >>> is_database_url("postgresql://localhost/estates"), is_database_url("estates.csv")
    (True, False)
    """
    return isinstance(source, str) and source.strip().lower().startswith(SCHEMES)


def _parts(url: str) -> tuple[str, str, str, str]:
    """A URL as (scheme with ``://``, user info or "", the rest up to ``?``, the query with its ``?``).

    The user info ends at the last ``@`` before the query (a password may hold ``/`` or ``@``
    unencoded: all of it is taken for user info, so that all of it is masked).
    """
    scheme, sep, rest = url.strip().partition("://")
    where, qsep, query = rest.partition("?")
    userinfo, at, hosts = where.rpartition("@")
    return scheme + sep, userinfo + at, hosts, qsep + query


def _secrets(url: str) -> list[str]:
    """The passwords a URL holds (user info and query), as written and decoded."""
    _, userinfo, _, query = _parts(url)
    found = [userinfo[:-1].partition(":")[2]] if userinfo else []
    for pair in query[1:].split("&"):
        key, sep, value = pair.partition("=")
        if sep and unquote(key).strip().lower() in _SECRETS:
            found.append(value)
    return [s for raw in found if raw for s in {raw, unquote(raw)}]


def masked(url: str) -> str:
    """``url`` with ``***`` in place of each password (user info and ``password=`` parameters).

    Examples
    --------
    >>> masked("postgresql://geo:s3cret@db.example:5432/estates?sslmode=require&password=x")
    'postgresql://geo:***@db.example:5432/estates?sslmode=require&password=***'
    >>> masked("postgresql://geo:a/b@c@db/gis")
    'postgresql://geo:***@db/gis'
    """
    scheme, userinfo, rest, query = _parts(url)
    if userinfo:
        user, colon, _ = userinfo[:-1].partition(":")
        userinfo = f"{user}{colon and ':' + _MASK}@"
    pairs = []
    for pair in query[1:].split("&") if query else []:
        key, eq, _ = pair.partition("=")
        pairs.append(f"{key}={_MASK}" if eq and unquote(key).strip().lower() in _SECRETS else pair)
    return f"{scheme}{userinfo}{rest}{'?' if query else ''}{'&'.join(pairs)}"


def scrubbed(text: str, url: str | None = None) -> str:
    r"""``text`` on one line, with the URL's passwords and ``PGPASSWORD`` replaced by ``***``.

    Examples
    --------
    >>> scrubbed("cannot log in with\n  s3cret", "postgresql://geo:s3cret@host/db")
    'cannot log in with ***'
    """
    secrets = _secrets(url) if url else []
    env = os.environ.get("PGPASSWORD")
    if env:
        secrets.append(env)
    text = " ".join(str(text).split())
    for secret in sorted(set(secrets), key=len, reverse=True):
        text = text.replace(secret, _MASK)
    return text


def server_text(exc: BaseException, url: str | None) -> Bilingual:
    """What a server or libpq said, for a message: one line, no password, at most :data:`DETAIL` characters.

    A :class:`~geo.i18n.Bilingual` (the same in both languages), which a message quotes whole.
    """
    text = scrubbed(str(exc), url)
    text = text if len(text) <= DETAIL else text[:DETAIL] + "…"
    return Bilingual(text, text)


def split_name(name: str) -> tuple[str | None, str]:
    """A table name as (schema, table): ``schema.table``, or a name alone (the search path's).

    Examples
    --------
    >>> split_name("public.estates"), split_name("estates")
    (('public', 'estates'), (None, 'estates'))
    """
    schema, dot, table = name.partition(".")
    return (schema, table) if dot else (None, name)


def quoted_name(name: str) -> str:
    """A name as a quoted SQL identifier, as ``to_regclass`` reads it (case and dots kept).

    Examples
    --------
    >>> print(quoted_name('My "big" estates'))
    "My ""big"" estates"
    """
    return '"' + name.replace('"', '""') + '"'


class DatabaseLocation(PurePosixPath):
    """Where a register was read from or a table written to, as errors and reports name it.

    A pure path, so that it travels where a file's path does (:attr:`geo.errors.DataError.path`,
    ``report.json``'s ``source``); as text it is the URL with its password masked and the
    table or query (never the password).
    """

    shown: str
    #: A table's identity, to tell it again through another URL: the server's start time
    #: and port, the database and the table's OID (None: a query).
    identity: tuple[str, str, str, int] | None = None

    @classmethod
    def of(cls, url: str, what: str) -> DatabaseLocation:
        """The location of ``what`` (e.g. ``table 'estates'``) in the database at ``url``.

        Examples
        --------
        >>> import pickle
        >>> where = DatabaseLocation.of("postgresql://geo:pw@db/gis", "table 'estates'")
        >>> str(where), pickle.loads(pickle.dumps(where)) == where
        ("postgresql://geo:***@db/gis (table 'estates')", True)
        """
        return _location(f"{masked(url)} ({what})", None)

    def __str__(self) -> str:
        return self.shown

    def __repr__(self) -> str:
        return f"DatabaseLocation({self.shown!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DatabaseLocation) and (self.shown, self.identity) == (other.shown, other.identity)

    def __hash__(self) -> int:
        return hash((self.shown, self.identity))

    def __reduce__(self) -> Any:
        return _location, (self.shown, self.identity)


def _location(shown: str, identity: tuple[str, str, str, int] | None) -> DatabaseLocation:
    """A :class:`DatabaseLocation` again (unpickling)."""
    location = DatabaseLocation("database")
    location.shown, location.identity = shown, identity
    return location


def _driver(error: type[DataError], location: DatabaseLocation) -> Any:
    """The psycopg module, or ``error`` saying how to install it."""
    try:
        import psycopg
    except ImportError as exc:
        raise error(str(message("database", "no_driver")), path=location) from exc
    return psycopg


def connect(url: str, location: DatabaseLocation, error: type[DataError], *, read_only: bool) -> Any:
    """A psycopg connection to ``url`` (libpq fills in what it leaves out from ``PG*`` variables).

    ``read_only``: every transaction of the connection is read-only (a query that would
    change anything fails). A failure is ``error`` naming ``location``, without the password.
    """
    psycopg = _driver(error, location)
    try:
        conn = psycopg.connect(url.strip(), connect_timeout=10, application_name="geo")
    except psycopg.Error as exc:
        raise error(str(message("database", "unreachable", detail=server_text(exc, url))), path=location) from None
    conn.read_only = read_only
    return conn
