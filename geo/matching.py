"""Matching the estates of two registers, row to row, never by guess.

:func:`match_rows` takes the rows of an old and a new register (after :func:`geo.join`:
ids, names, provinces and counties) and pairs them:

1. **by id**, where both rows have one: an id on exactly one row of each register pairs
   them; an id on more than one row of either register pairs none of its rows — each is
   *ambiguous*, with the rows it could be named. Two rows with different ids are never
   the same estate.
2. **by name**, for the rows left, where at least one of the two has no id: the name
   folded by :func:`geo.names.normalize_name` (Persian and Arabic letter forms, digits,
   spaces, «شهرک صنعتی» spelled any way) within the same province; where a name fits more
   than one row there, the same county decides; still more than one: *ambiguous*.

Every row of each register ends in exactly one of: a pair, unmatched (``added`` or
``removed``), or ambiguous; :class:`Matches` holds them as row positions.

Examples
--------
>>> import pandas as pd
>>> place = {"province": ["IR-01"] * 3, "county": [None] * 3}
>>> old = pd.DataFrame({"id": ["1", "2", None], "name": ["A", "B", "C"], **place})
>>> new = pd.DataFrame({"id": ["2", "3", None], "name": ["B", "D", "C"], **place})
>>> m = match_rows(old, new)
>>> m.pairs.to_dict("list"), m.removed.tolist(), m.added.tolist()
({'old': [1, 2], 'new': [0, 2], 'by': ['id', 'name']}, [0], [1])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo._text import INVISIBLE

__all__ = ["Matches", "id_keys", "match_rows"]


@dataclass(frozen=True)
class Matches:
    """How the rows of two registers match (positions 0… in each register's row order).

    Attributes
    ----------
    pairs
        ``old``, ``new`` (positions) and ``by`` (``id`` or ``name``), one row per estate found in both.
    removed, added
        Positions of the old rows found in no new row, and of the new rows found in no old row.
    ambiguous
        ``side`` (``old``/``new``), ``pos``, ``by`` (``id``/``name``) and ``candidates``: the
        other rows it could be (``(side, position)`` tuples), one row per ambiguous row.
    """

    pairs: pd.DataFrame
    removed: np.ndarray
    added: np.ndarray
    ambiguous: pd.DataFrame


def id_keys(ids: pd.Series) -> pd.Series:
    """Each id as the text it is matched by: folded, without invisible characters, case or edge spaces.

    A blank id is None.

    Examples
    --------
    >>> id_keys(pd.Series([7, " A-1\u200c", None, ""])).tolist()
    ['7', 'a-1', None, None]
    """
    text = ids.astype(object).where(ids.notna(), None).map(str, na_action="ignore")
    text = text.str.normalize("NFKC").str.replace(INVISIBLE, "", regex=True).str.strip().str.casefold()
    text = text.astype(object)
    return text.where(text.notna() & (text != ""), None)


def _name_keys(names: pd.Series) -> pd.Series:
    """Each name's matching key (:func:`geo.names.normalize_name`, once per distinct name); None when blank."""
    from geo.names import normalize_name

    text = names.astype(object).where(names.notna(), None)
    distinct = pd.unique(text.dropna())
    keys = {n: normalize_name(str(n)) for n in distinct}
    out = text.map(keys, na_action="ignore").astype(object)
    return out.where(out.notna() & (out != ""), None)


def _by_id(old: pd.Series, new: pd.Series) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """The pairs by id, and the rows whose id is on more than one row of either side (with candidates)."""
    o = pd.DataFrame({"key": old.to_numpy(), "old": np.arange(len(old))}).dropna(subset=["key"])
    n = pd.DataFrame({"key": new.to_numpy(), "new": np.arange(len(new))}).dropna(subset=["key"])
    counts_o, counts_n = o["key"].value_counts(), n["key"].value_counts()
    both = counts_o.index.intersection(counts_n.index)
    single = both[(counts_o.loc[both].to_numpy() == 1) & (counts_n.loc[both].to_numpy() == 1)]
    pairs = o[o["key"].isin(single)].merge(n[n["key"].isin(single)], on="key")[["old", "new"]]
    many = both.difference(single)
    ambiguous: list[dict[str, object]] = []
    if len(many):
        groups_o = o[o["key"].isin(many)].groupby("key")["old"].apply(list)
        groups_n = n[n["key"].isin(many)].groupby("key")["new"].apply(list)
        for key in many:
            rows = [("old", int(p)) for p in groups_o[key]] + [("new", int(p)) for p in groups_n[key]]
            for side, pos in rows:
                others = [r for r in rows if r != (side, pos)]
                ambiguous.append({"side": side, "pos": pos, "by": "id", "candidates": others})
    return pairs.assign(by="id"), ambiguous


def _candidates(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Every (old, new) pair of the rows left with the same name key in the same province; not two ids."""
    o = old.dropna(subset=["name", "province"])
    n = new.dropna(subset=["name", "province"])
    pairs = o.merge(n, on=["name", "province"], suffixes=("_o", "_n"))
    return pairs[pairs["id_o"].isna() | pairs["id_n"].isna()]


def _unique(pairs: pd.DataFrame) -> pd.Series:
    """Which candidate pairs are the only candidate of both their rows."""
    return (pairs.groupby("old")["new"].transform("size") == 1) & (pairs.groupby("new")["old"].transform("size") == 1)


def _by_name(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """The pairs by name in a province (then a county), and the rows a name fits more than one of."""
    cand = _candidates(old, new)
    if cand.empty:
        return pd.DataFrame({"old": [], "new": [], "by": []}), []
    one = _unique(cand)
    pairs, rest = cand[one], cand[~one]
    same_county = rest["county_o"].notna() & (rest["county_o"] == rest["county_n"])
    narrowed = rest[same_county]
    if not narrowed.empty:  # the county decides between the rows a name fits in a province
        once = _unique(narrowed)
        decided = narrowed[once]
        pairs = pd.concat([pairs, decided])
        rest = rest[~rest["old"].isin(decided["old"]) & ~rest["new"].isin(decided["new"])]
    ambiguous: list[dict[str, object]] = []
    for side, other in (("old", "new"), ("new", "old")):
        for pos, group in rest.groupby(side)[other]:
            cands = [(other, int(p)) for p in group]
            ambiguous.append({"side": side, "pos": int(pos), "by": "name", "candidates": cands})
    return pairs[["old", "new"]].assign(by="name"), ambiguous


def match_rows(old: pd.DataFrame, new: pd.DataFrame) -> Matches:
    """Pair the rows of two registers (``id``, ``name``, ``province``, ``county`` columns) by id, then by name.

    Parameters
    ----------
    old, new
        One row per register row, in order (a join's ``estates``).

    Returns
    -------
    Matches
        Each row of each register exactly once: in a pair, unmatched or ambiguous.
    """
    ids_o, ids_n = id_keys(old["id"]), id_keys(new["id"])
    pairs, ambiguous = _by_id(ids_o, ids_n)
    done_o = {int(p) for p in pairs["old"]} | {int(str(a["pos"])) for a in ambiguous if a["side"] == "old"}
    done_n = {int(p) for p in pairs["new"]} | {int(str(a["pos"])) for a in ambiguous if a["side"] == "new"}

    def left(frame: pd.DataFrame, ids: pd.Series, done: set[int], side: str) -> pd.DataFrame:
        at = np.setdiff1d(np.arange(len(frame)), np.fromiter(done, dtype=np.int64, count=len(done)))
        cols = {side: at, "id": ids.to_numpy()[at], "name": _name_keys(frame["name"].iloc[at]).to_numpy()}
        cols |= {c: frame[c].to_numpy()[at] for c in ("province", "county")}
        return pd.DataFrame(cols)

    by_name, unsure = _by_name(left(old, ids_o, done_o, "old"), left(new, ids_n, done_n, "new"))
    pairs = pd.concat([pairs, by_name], ignore_index=True).astype({"old": "int64", "new": "int64"})
    ambiguous += unsure
    amb = pd.DataFrame(ambiguous, columns=["side", "pos", "by", "candidates"])
    used_o = np.concatenate([pairs["old"].to_numpy(), amb.loc[amb["side"] == "old", "pos"].to_numpy(dtype=np.int64)])
    used_n = np.concatenate([pairs["new"].to_numpy(), amb.loc[amb["side"] == "new", "pos"].to_numpy(dtype=np.int64)])
    removed = np.setdiff1d(np.arange(len(old)), used_o)
    added = np.setdiff1d(np.arange(len(new)), used_n)
    return Matches(pairs=pairs, removed=removed, added=added, ambiguous=amb)
