"""HTML summaries of result objects for notebooks (``_repr_html_``).

Jupyter shows :class:`geo.JoinResult` and :class:`geo.Register` through these: counts by
status, the first flagged and rejected rows with their reasons, the reconciliation, the
register's warnings. Every value from a user's file is escaped and shortened, so hostile
text stays text and a 5 MB cell does not become a 5 MB notebook.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

#: How many flagged (and rejected) rows a summary lists.
SHOWN_ROWS = 5
#: How many characters of a user's value a summary quotes.
QUOTE_CHARS = 80

_STYLE = "border-collapse:collapse;font-size:90%"
_CELL = "border:1px solid #ccc;padding:2px 6px;text-align:start;vertical-align:top"


def _short(value: Any) -> str:
    """``value`` as escaped text of at most :data:`QUOTE_CHARS` characters."""
    text = "" if value is None else str(value)
    if len(text) > QUOTE_CHARS:
        text = text[: QUOTE_CHARS - 1] + "…"
    return html.escape(text)


def _reasons_text(reasons: Any) -> str:
    if isinstance(reasons, str):
        return _short(reasons)
    if isinstance(reasons, Iterable):
        return "<br>".join(_short(r) for r in reasons)
    return _short(reasons)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table; cells are already escaped."""
    head = "".join(f'<th style="{_CELL}">{html.escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in row) + "</tr>" for row in rows)
    return f'<table style="{_STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _rows_with(estates: Any, status: str) -> str:
    """The first :data:`SHOWN_ROWS` rows of ``status`` with their reasons, and how many more."""
    chosen = estates[estates["status"] == status]
    if chosen.empty:
        return ""
    shown = chosen.head(SHOWN_ROWS)
    cells = [
        (_short(r), _short(i), _short(p if isinstance(p, str) else ""), _reasons_text(why))
        for r, i, p, why in zip(shown["row"], shown["id"], shown["province"], shown["reasons"], strict=True)
    ]
    more = len(chosen) - len(shown)
    tail = f"<p>… and {more:,} more {status} rows (see <code>.estates</code>)</p>" if more else ""
    return f"<h4>{status}: first {len(shown)}</h4>" + _table(("row", "id", "province", "reasons"), cells) + tail


def result_html(result: Any) -> str:
    """The notebook summary of a :class:`geo.JoinResult`.

    Examples
    --------
    >>> import pandas as pd, geo
    >>> r = geo.join(pd.DataFrame({"province": ["Fars", "<b>Atlantis</b>"]}))
    >>> "&lt;b&gt;Atlantis" in result_html(r) and "<b>Atlantis" not in result_html(r)
    True
    """
    s = result.summary
    counts = _table(
        ("rows in", "joined", "flagged", "rejected"),
        [tuple(f"{s[k]:,}" for k in ("rows_in", "rows_joined", "rows_flagged", "rows_rejected"))],
    )
    parts = ["<div><strong>JoinResult</strong>", counts]
    parts += [_rows_with(result.estates, status) for status in ("flagged", "rejected")]
    recon = result.reconciliation
    if recon is not None and len(recon):
        columns = [c for c in ("column", "reference", "province", "register", "published", "difference") if c in recon]
        cells = [tuple(_short(v) for v in row) for row in recon[columns].itertuples(index=False)]
        parts += ["<h4>reconciliation</h4>", _table(columns, cells)]
    parts.append("</div>")
    return "".join(parts)


def register_html(register: Any) -> str:
    """The notebook summary of a :class:`geo.Register`.

    Examples
    --------
    >>> import pandas as pd, geo
    >>> reg = geo.read_register(pd.DataFrame({"استان": ["اصفهان"], "ایزو 14001": ["بله"]}))
    >>> "استان" in register_html(reg)
    True
    """
    where = f" from {_short(register.path)}" if register.path is not None else ""
    roles = [(html.escape(role), _short(header)) for role, header in register.columns.items()]
    roles += [(html.escape(kind), _short(header)) for header, kind in register.indicators.items()]
    parts = [f"<div><strong>Register</strong>: {len(register):,} rows{where}", _table(("role", "column"), roles)]
    flagged = int(register.reasons.any().sum())
    parts.append(f"<p>rows with a problem in a cell: {flagged:,}</p>")
    if register.warnings:
        items = "".join(f"<li>{_short(w)}</li>" for w in register.warnings[:SHOWN_ROWS])
        parts.append(f"<h4>warnings</h4><ul>{items}</ul>")
    parts.append("</div>")
    return "".join(parts)
