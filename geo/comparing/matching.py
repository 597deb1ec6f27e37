"""Matching the estates of two registers, row to row, never by guess.

:func:`match_rows` takes the rows of an old and a new register (after :func:`geo.join`:
ids, names, provinces and counties) and pairs them:

1. **by id**, where both rows have one: an id on exactly one row of each register pairs
   them; an id on more than one row of either register pairs none of its rows — each is
   *ambiguous*, with the rows it could be named. Two rows with different ids are never
   the same estate.
2. **by name**, for the rows left, where at least one of the two has no id: the name
   folded as :func:`name_keys` does (Persian and Arabic letter forms, digits, spaces and
   zero-width non-joiners, so «شهرك صنعتي ۱» is «شهرک‌صنعتی 1») within the same province; where a name fits more
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

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo._text import DIGIT_MAP, INVISIBLE, MATCH_LETTER_MAP

__all__ = ["Matches", "id_keys", "match_rows", "name_keys"]

#: What a name's key drops: every character that is not a letter or a digit (spaces,
#: punctuation, zero-width characters, diacritics) and the tatweel.
_DROPPED = re.compile(r"[\W_\u0640]+")


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
    text = ids.astype(object).where(ids.notna(), None).map(str, na_action="ignore").astype("str")
    plain = text.str.isascii().fillna(True).to_numpy(dtype=bool)  # ASCII ids: no folding to do (Arrow, at once)
    out = text.str.strip().str.lower().astype(object)
    if not plain.all():
        other = text[~plain].astype(object)
        other = other.str.normalize("NFKC").str.replace(INVISIBLE, "", regex=True).str.strip().str.casefold()
        out[~plain] = other.astype(object)
    out = out.astype(object)
    return out.where(out.notna() & (out != ""), None)


_NAME_TABLE = str.maketrans({**MATCH_LETTER_MAP, **DIGIT_MAP})


def name_keys(names: pd.Series) -> pd.Series:
    """Each name's matching key, column at once; None when blank.

    The folding of :func:`geo.reference.names.normalize_name` for names that are not provinces: NFKC
    (:func:`geo._text.fold`), Arabic letter forms and hamza/alef variants as Persian
    letters, every digit as ASCII, spaces, zero-width characters, diacritics and punctuation
    dropped, Latin letters case-folded.

    Examples
    --------
    >>> name_keys(pd.Series(["شهرك صنعتي  ۱", "شهرک‌صنعتی 1", None])).tolist()
    ['شهرکصنعتی1', 'شهرکصنعتی1', None]
    """
    text = names.astype(object).where(names.notna(), None).map(str, na_action="ignore").astype(object)
    text = text.str.normalize("NFKC").str.translate(_NAME_TABLE).str.replace(_DROPPED, "", regex=True)
    out = text.str.casefold().astype(object)
    return out.where(out.notna() & (out != ""), None)


def _by_id(old: pd.Series, new: pd.Series) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """The pairs by id, and the rows whose id is on more than one row of either side (with candidates)."""
    o = pd.DataFrame({"key": old.to_numpy(), "old": np.arange(len(old))}).dropna(subset=["key"])
    n = pd.DataFrame({"key": new.to_numpy(), "new": np.arange(len(new))}).dropna(subset=["key"])
    counts_o, counts_n = o["key"].value_counts(), n["key"].value_counts()
    # each row's count of its id on both sides (hash lookups; no pairs of repeated ids are formed)
    o_here, o_there = o["key"].map(counts_o).to_numpy(), o["key"].map(counts_n).fillna(0).to_numpy()
    n_here, n_there = n["key"].map(counts_n).to_numpy(), n["key"].map(counts_o).fillna(0).to_numpy()
    pairs = o[(o_here == 1) & (o_there == 1)].merge(n[(n_here == 1) & (n_there == 1)], on="key")[["old", "new"]]
    many = pd.unique(o["key"][(o_there > 0) & ((o_here > 1) | (o_there > 1))].to_numpy())
    ambiguous: list[dict[str, object]] = []
    if len(many):
        groups_o = o[(o_there > 0) & ((o_here > 1) | (o_there > 1))].groupby("key")["old"].apply(list)
        groups_n = n[(n_there > 0) & ((n_here > 1) | (n_there > 1))].groupby("key")["new"].apply(list)
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


def _others(n: int, used: np.ndarray) -> np.ndarray:
    """The positions 0…n-1 not in ``used``, in order."""
    free = np.ones(n, dtype=bool)
    free[used] = False
    return np.flatnonzero(free)


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
    if all(pd.api.types.is_integer_dtype(f["id"].dtype) for f in (old, new)):  # whole-number ids: as they are
        ids_o, ids_n = old["id"].astype("int64"), new["id"].astype("int64")
    else:
        ids_o, ids_n = id_keys(old["id"]), id_keys(new["id"])
    pairs, ambiguous = _by_id(ids_o, ids_n)
    amb_pos = {s: np.array([a["pos"] for a in ambiguous if a["side"] == s], dtype=np.int64) for s in ("old", "new")}
    done_o = np.concatenate([pairs["old"].to_numpy(dtype=np.int64), amb_pos["old"]])
    done_n = np.concatenate([pairs["new"].to_numpy(dtype=np.int64), amb_pos["new"]])

    def left(frame: pd.DataFrame, ids: pd.Series, done: np.ndarray, side: str) -> pd.DataFrame:
        at = _others(len(frame), done)
        cols = {side: at, "id": ids.to_numpy(dtype=object)[at], "name": name_keys(frame["name"].iloc[at]).to_numpy()}
        cols |= {c: frame[c].to_numpy()[at] for c in ("province", "county")}
        return pd.DataFrame(cols)

    by_name, unsure = _by_name(left(old, ids_o, done_o, "old"), left(new, ids_n, done_n, "new"))
    pairs = pd.concat([pairs, by_name], ignore_index=True).astype({"old": "int64", "new": "int64"})
    ambiguous += unsure
    amb = pd.DataFrame(ambiguous, columns=["side", "pos", "by", "candidates"])
    used_o = np.concatenate([pairs["old"].to_numpy(), amb.loc[amb["side"] == "old", "pos"].to_numpy(dtype=np.int64)])
    used_n = np.concatenate([pairs["new"].to_numpy(), amb.loc[amb["side"] == "new", "pos"].to_numpy(dtype=np.int64)])
    removed, added = _others(len(old), used_o), _others(len(new), used_n)
    return Matches(pairs=pairs, removed=removed, added=added, ambiguous=amb)
