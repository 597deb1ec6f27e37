"""Why a register row is flagged or rejected: :class:`Reason` and the per-row :class:`RowReasons`.

A reason is a code of ``data/i18n/reasons.csv`` with its fields; its English and Persian
texts come from :mod:`geo.i18n`. Reading (:mod:`geo.registers`) and joining
(:mod:`geo.joining`) attach reasons to rows, column by column, and the join decides from
them whether a row is joined, flagged or rejected.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from geo.i18n import catalogue, render

__all__ = ["Message", "Reason", "ReasonList", "RowReasons"]


class ReasonList(list):
    """A row's reasons (or notes): a list of texts that cannot be changed in place.

    It prints, compares and serialises as the list it is; rows with the same reasons share
    one (a register of 10^6 clean rows holds one empty list, not 10^6), so changing one in
    place would change them all: copy it first (``list(reasons)``).

    Examples
    --------
    >>> r = ReasonList(["outside its province"])
    >>> r == ["outside its province"], r + ["more"]
    (True, ['outside its province', 'more'])
    >>> r.append("x")
    Traceback (most recent call last):
    ...
    TypeError: a row's reasons are shared and cannot be changed in place; copy them first: list(reasons)
    """

    __slots__ = ()

    def _frozen(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a row's reasons are shared and cannot be changed in place; copy them first: list(reasons)")

    append = extend = insert = pop = remove = clear = sort = reverse = _frozen
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _frozen

    def __reduce__(self) -> tuple[Any, ...]:
        return (ReasonList, (list(self),))

    def __repr__(self) -> str:
        return list.__repr__(self)


#: The reasons of a row without any: one object for them all.
_NONE = ReasonList()


class Reason:
    """Why a row is flagged or rejected: a code of ``data/i18n/reasons.csv`` and its fields.

    ``en`` and ``fa`` are the English and Persian texts, rendered on first use. In the
    Persian text, numbers take Persian digits; text copied from the register (cell values,
    column names, ids) is shown as written, and a :class:`geo.i18n.Bilingual` field or a
    nested :class:`Reason` in the language of the sentence.

    Examples
    --------
    >>> from geo.i18n import Bilingual
    >>> r = Reason("duplicate_id", id="5", rows=Bilingual("5, 37", "۵، ۳۷"))
    >>> r.en
    "duplicate id '5' (rows 5, 37)"
    >>> r.fa
    'شناسهٔ تکراری «5» (ردیف‌های ۵، ۳۷)'
    """

    __slots__ = ("_texts", "code", "fields")

    def __init__(self, code: str, /, **fields: object) -> None:
        if code not in catalogue("reasons"):
            raise KeyError(f"unknown reason code {code!r}")
        self.code, self.fields = code, fields
        self._texts: tuple[str, str] | None = None

    def _rendered(self) -> tuple[str, str]:
        if self._texts is None:
            self._texts = render("reasons", self.code, self.fields)
        return self._texts

    @property
    def en(self) -> str:
        """The English text."""
        return self._rendered()[0]

    @property
    def fa(self) -> str:
        """The Persian text."""
        return self._rendered()[1]

    def __repr__(self) -> str:
        return f"Reason({self.code!r}, {self.en!r})"


#: What a row's reason may be given as: a :class:`Reason`, a plain string (the same in
#: both languages), or one of either per selected row.
Message = str | Reason | np.ndarray | Iterable[str | Reason]


def _texts(message: Message) -> tuple[Any, Any]:
    """The English and Persian texts of one message, or two object arrays of them.

    A plain string stands for itself in both languages.
    """
    if isinstance(message, str):
        return message, message
    if isinstance(message, Reason):
        return message.en, message.fa
    items = message.tolist() if isinstance(message, np.ndarray) else list(message)
    en = np.empty(len(items), dtype=object)
    fa = np.empty(len(items), dtype=object)
    en[:] = [m.en if isinstance(m, Reason) else m for m in items]
    fa[:] = [m.fa if isinstance(m, Reason) else m for m in items]
    return en, fa


class RowReasons:
    """Reasons attached to rows, collected column by column without a loop over all rows.

    Each reason is kept in English and in Persian (:class:`Reason`); a plain string counts
    as both.

    Parameters
    ----------
    n
        The number of rows.

    Examples
    --------
    >>> r = RowReasons(3)
    >>> r.add(np.array([True, False, True]), "bad")
    >>> r.add(np.array([False, False, True]), np.array(["worse"], dtype=object))
    >>> r.lists().tolist()
    [['bad'], [], ['bad', 'worse']]
    >>> r.add(np.array([True, False, False]), Reason("geometry_empty"))
    >>> r.lists_fa()[0]
    ['bad', 'هندسه خالی است']
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self._parts: list[tuple[np.ndarray, Any, Any]] = []

    def add(self, mask: np.ndarray, message: Message) -> None:
        """Attach ``message`` to the rows where ``mask`` holds.

        ``message`` is one reason for all of them, or one per selected row (in order).
        """
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if positions.size == 0:
            return
        en, fa = _texts(message)
        if not isinstance(en, str) and en.shape[0] != positions.size:
            raise ValueError("one message per selected row is needed")
        self._parts.append((positions, en, fa))

    def add_at(self, positions: np.ndarray, messages: Message) -> None:
        """Attach ``messages`` (one reason, or one per position) to the rows at ``positions``."""
        positions = np.asarray(positions, dtype="int64")
        if positions.size:
            self._parts.append((positions, *_texts(messages)))

    def extend(self, other: RowReasons, positions: np.ndarray | None = None) -> None:
        """Add the reasons of ``other``; its row i becomes row ``positions[i]`` here."""
        for pos, en, fa in other._parts:
            self._parts.append((pos if positions is None else positions[pos], en, fa))

    def any(self) -> np.ndarray:
        """Boolean mask of the rows that have at least one reason."""
        out = np.zeros(self.n, dtype=bool)
        for pos, _, _ in self._parts:
            out[pos] = True
        return out

    def lists(self) -> np.ndarray:
        """One :class:`ReasonList` of (English) reasons per row (an object array), in the order they were added.

        Rows without reasons share one empty list, and rows with the same single reason one
        list, so that 10^6 clean rows cost nothing.
        """
        return self._lists(1)

    def lists_fa(self) -> np.ndarray:
        """As :meth:`lists`, in Persian: the same reasons, in the same order."""
        return self._lists(2)

    def _lists(self, which: int) -> np.ndarray:
        out = _filled(self.n, _NONE)
        if not self._parts:
            return out
        counts = np.bincount(np.concatenate([part[0] for part in self._parts]), minlength=self.n)
        found: dict[int, list[str]] = {}
        for part in self._parts:
            pos, msg = part[0], part[which]
            single = counts[pos] == 1
            if single.any():  # the common case, without a Python step per row for one message
                if isinstance(msg, str):
                    out[pos[single]] = _filled(int(single.sum()), ReasonList((msg,)))
                else:
                    ones = (ReasonList((m,)) for m in msg[single].tolist())
                    out[pos[single]] = np.fromiter(ones, dtype=object, count=int(single.sum()))
            many = pos[~single].tolist()
            texts = [msg] * len(many) if isinstance(msg, str) else msg[~single].tolist()
            for p, m in zip(many, texts, strict=True):
                found.setdefault(p, []).append(m)
        for p, msgs in found.items():
            out[p] = ReasonList(msgs)
        return out


def _filled(n: int, value: object) -> np.ndarray:
    """An object array of ``n`` references to one ``value`` (a list is not unpacked)."""
    out = np.empty(n, dtype=object)
    if n:
        out[0] = value
        out[1:] = out[0:1].repeat(n - 1)
    return out
