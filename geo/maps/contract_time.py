"""The parts of the page contract (:mod:`geo.maps.contract`) that show change over time.

The national figures over the years (:class:`SeriesData`, drawn by
``geo/templates/series.js`` under the national panel) and the estates of a change map
(:class:`ChangesData`, drawn by ``geo/templates/change.js``). ``series.js`` names a chart
``ch`` and ``change.js`` names the estates ``C``; every field they read is declared here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ChangesData", "SeriesChart", "SeriesData"]


@dataclass(frozen=True)
class SeriesChart:
    """One national indicator over the years, drawn as a small chart (:attr:`SeriesData.charts`).

    Attributes
    ----------
    id, label, unit
        The indicator's key and its words in the page's language.
    x, y
        Each figure's place: its Jalali year and its value.
    yt, vt
        The year and the value as the page writes them (Persian digits on a Persian page).
    tip
        Each figure's tooltip: value, date, source (the address where there is one).
    article
        Whether the figure is the article's (the ledger's 1396 figure).
    clash
        Whether another source gives a different figure for the same year.
    notes
        Each disagreement as a sentence, both figures with their sources.
    """

    id: str
    label: str
    unit: str
    x: list[float]
    y: list[float]
    yt: list[str]
    vt: list[str]
    tip: list[str]
    article: list[bool]
    clash: list[bool]
    notes: list[str]


@dataclass(frozen=True)
class SeriesData:
    """The national figures over the years, under the national panel (:attr:`PageData.series`).

    Attributes
    ----------
    charts
        One chart per indicator with figures for at least two years.
    notes
        The disagreements of indicators without a chart (one year only), as sentences.
    words
        The section's heading and its key's words (``title``, ``article``, ``press``, ``clash_key``).
    """

    charts: list[SeriesChart]
    notes: list[str]
    words: dict[str, str]


@dataclass(frozen=True)
class ChangesData:
    """What changed between two registers, one list entry per estate drawn (:attr:`PageData.changes`).

    Attributes
    ----------
    kinds
        The kinds in drawing order (``added``, ``removed``, ``moved``, ``changed``,
        ``unchanged``, ``ambiguous``) with their words: ``[[kind, label], …]``.
    facts
        The facts compared, ``[[key, label], …]``.
    k
        Each estate's kind (an index into ``kinds``).
    a, b
        Its point before and after, ``[lat, lon]`` or None.
    name, place
        Its name and its province (and county) as the card says them.
    f
        The facts that changed (indices into ``facts``).
    card
        The card's lines: ``[label, before, after]``, texts in the page's language.
    why
        The reasons (moved how far, matched how, ambiguous with whom).
    shown, total
        How many estates are drawn (changed ones first, up to a cap) and how many there are.
    years
        The two registers' years as the page writes them, ``[old, new]`` (empty when not given).
    """

    kinds: list[list[str]]
    facts: list[list[str]]
    k: list[int]
    a: list[list[float] | None]
    b: list[list[float] | None]
    name: list[str]
    place: list[str]
    f: list[list[int]]
    card: list[list[list[str]]]
    why: list[str]
    shown: int
    total: int
    years: list[str]
