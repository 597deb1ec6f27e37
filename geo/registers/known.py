"""The facts the project knows a register may give about each estate, and how the join's tables name them.

A register's column is a *known fact* when its header (compared by
:func:`~geo.registers.vocabulary.header_key`) is a word of kind ``fact`` in
``data/registers/vocabulary.csv`` or a header of the register template
(``data/registers/template.csv``, in either language). Each known fact is a row of
``data/registers/facts.csv``: its ``kind`` (``yesno``, ``count``, ``amount``), its unit (a
``unit.*`` code of ``data/i18n/map.csv``), its label, and for a yes/no fact the words that
complete "Estates with …" («شمار شهرک‌های دارای …»). Any other column keeps its header as
written.

The per-province and per-county tables of a join (``by_province``, ``by_county``) keep
*machine names* that programs use (``estates``, ``<column>_true``, ``<column>_share``,
``<column>_sum``, ``<column>_mean``, the register's header as written before the suffix);
:func:`column_labels` gives each its *display label* in both languages, composed from the
templates of ``data/i18n/columns.csv`` (never from code): «شمار شهرک‌های دارای تصفیه‌خانه» /
"Estates with a treatment plant", «جمع فضای سبز (هکتار)» / "Green space, total (ha)".

Examples
--------
>>> fact_of("تصفيه‌خانه").key, fact_of("Green space (ha)").unit, fact_of("remarks") is None
('treatment_plant', 'hectare', True)
>>> labels = column_labels(["estates", "تصفیه خانه_true", "فضای سبز (هکتار)_sum"])
>>> [labels[c].fa for c in labels]
['شمار شهرک\u200cها', 'شمار شهرک\u200cهای دارای تصفیه\u200cخانه', 'جمع فضای سبز (هکتار)']
>>> labels["فضای سبز (هکتار)_sum"].en
'Green space, total (ha)'
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from geo._paths import data_dir
from geo.errors import DataError
from geo.i18n import Bilingual, as_given, catalogue, message, whole
from geo.registers.vocabulary import header_key, vocabulary

__all__ = [
    "MEASURES",
    "KnownFact",
    "column_labels",
    "declared_kind",
    "fact_header",
    "fact_of",
    "known_facts",
    "labelled",
    "measure_of",
    "table_columns",
    "unique_labels",
]

#: The suffix of a table column's machine name → what it measures of the register's column.
MEASURES = {"true": "yes", "share": "share", "sum": "sum", "mean": "mean"}
_KINDS = ("yesno", "count", "amount")
#: The unit-bound columns of the tables (their machine name → the code of their label).
_BASE = {"estates": "measure.estates", "code": "base.code", "province": "base.province"}
_BASE |= {"name_en": "base.name_en", "name_fa": "base.name_fa"}


@dataclass(frozen=True)
class KnownFact:
    """A fact of ``data/registers/facts.csv``: what a register's column of it holds and how it is named.

    ``unit`` is a ``unit.*`` code of ``data/i18n/map.csv`` (``""``: none); ``having`` (yes/no
    facts) completes "Estates with …".
    """

    key: str
    kind: str
    unit: str
    label: Bilingual
    having: Bilingual | None


@lru_cache(maxsize=1)
def known_facts() -> dict[str, KnownFact]:
    """The known facts by key (read once).

    Raises
    ------
    DataError
        An unknown kind or unit, a yes/no fact without its "Estates with" words, or a
        fact word of the vocabulary naming no fact.
    """
    path = data_dir() / "registers" / "facts.csv"
    units = {code.split(".", 1)[1] for code in catalogue("map") if code.startswith("unit.")}
    out: dict[str, KnownFact] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=1):
            if rec["kind"] not in _KINDS or (rec["unit"] and rec["unit"] not in units):
                said = message("errors", "known_kind_unit", kind=as_given(rec["kind"]), unit=as_given(rec["unit"]))
                raise DataError(said, path=path, row=i, field="kind")
            having = Bilingual(rec["having_en"], rec["having_fa"]) if rec["having_en"] else None
            if (rec["kind"] == "yesno") != (having is not None):
                raise DataError(message("errors", "known_having"), path=path, row=i, field="having_en")
            label = Bilingual(rec["label_en"], rec["label_fa"])
            out[rec["key"]] = KnownFact(rec["key"], rec["kind"], rec["unit"], label, having)
    unknown = sorted(set(vocabulary().facts.values()) - set(out))
    if unknown:
        raise DataError(
            message("errors", "known_unknown_facts", unknown=whole(str(unknown))), path=path.with_name("vocabulary.csv")
        )
    return out


@lru_cache(maxsize=1)
def _header_keys() -> dict[str, str]:
    """:func:`header_key` of every header of a known fact → its key: the vocabulary's and the template's."""
    keys = dict(vocabulary().facts)
    facts = known_facts()
    with (data_dir() / "registers" / "template.csv").open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            if rec["key"] in facts:
                fa, en = rec["header_fa"], rec["header_en"]
                for header in (fa, en, f"{fa} ({en})", f"{en} ({fa})"):
                    keys[header_key(header)] = rec["key"]
    return keys


def fact_of(header: object) -> KnownFact | None:
    """The known fact a column headed ``header`` gives, or None (see the module docstring)."""
    key = _header_keys().get(header_key(header))
    return known_facts()[key] if key is not None else None


def declared_kind(header: object) -> str | None:
    """``"bool"`` when ``header`` is a known yes/no fact (a column of only 0 and 1 under it is yes/no), else None.

    Examples
    --------
    >>> declared_kind("ISO 14001"), declared_kind("fire stations"), declared_kind("تعداد واحد")
    ('bool', None, None)
    """
    fact = fact_of(header)
    return "bool" if fact is not None and fact.kind == "yesno" else None


def measure_of(name: str) -> tuple[str, str] | None:
    """The register's column and the measure (``yes``, ``share``, ``sum``, ``mean``) of a table column, or None.

    Examples
    --------
    >>> measure_of("فضای سبز (هکتار)_mean"), measure_of("estates")
    (('فضای سبز (هکتار)', 'mean'), None)
    """
    column, _, suffix = name.rpartition("_")
    return (column, MEASURES[suffix]) if column and suffix in MEASURES else None


def _label(column: str, measure: str, fact: KnownFact | None) -> Bilingual:
    """The label of one measure of a register's column (``fact``: the known fact it names, if any)."""
    if measure in ("yes", "share"):
        if fact is not None and fact.having is not None:
            return message("columns", f"measure.{measure}_known", having=fact.having)
        return message("columns", f"measure.{measure}", label=column)
    label: object = fact.label if fact is not None else column
    unit = catalogue("map").get(f"unit.{fact.unit}", ("", "")) if fact is not None else ("", "")
    if unit[0]:
        return message("columns", f"measure.{measure}_unit", label=label, unit=Bilingual(*unit))
    return message("columns", f"measure.{measure}", label=label)


def column_labels(names: Iterable[str]) -> dict[str, Bilingual]:
    """The display label, in both languages, of each column of a per-province or per-county table.

    A known fact's label names only the first column of that fact (a second one, another
    spelling of the same header, keeps its header as written); a label that would repeat
    another gets a number. Columns of no known form (``geometry``) keep their name.
    """
    out: dict[str, Bilingual] = {}
    named: set[tuple[str, str]] = set()
    for name in names:
        found = measure_of(str(name))
        if str(name) in _BASE:
            label = message("columns", _BASE[str(name)])
        elif found is None:
            label = Bilingual(str(name), str(name))
        else:
            column, measure = found
            fact = fact_of(column)
            if fact is not None and (fact.key, measure) in named:
                fact = None
            if fact is not None:
                named.add((fact.key, measure))
            label = _label(column, measure, fact)
        out[str(name)] = label
    return dict(zip(out, unique_labels(out.values()), strict=True))


def labelled(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``table`` (a per-province or per-county table, without geometry) headed by its labels in ``lang``.

    What ``by_province.csv`` and ``by_county.csv`` hold: a Persian analyst reads
    «جمع فضای سبز (هکتار)» in Excel where a program reads ``فضای سبز (هکتار)_sum`` in
    :attr:`geo.JoinResult.by_province`; :func:`table_columns` maps one to the other.

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["IR-01"], "estates": [2], "iso_true": [1]})
    >>> list(labelled(t, "en").columns)
    ['Code', 'Estates', 'iso: yes (estates)']
    """
    labels = column_labels(table.columns)
    return table.set_axis([labels[str(c)].fa if lang == "fa" else labels[str(c)].en for c in table.columns], axis=1)


def table_columns(names: Iterable[str]) -> list[dict[str, str | None]]:
    """Each column of a table: its machine name, labels in both languages, the register's column and the measure.

    ``report.json`` lists them (``table_columns``), so that a program reading a labelled
    CSV finds the machine names of :attr:`geo.JoinResult.by_province`.

    Examples
    --------
    >>> table_columns(["estates", "iso_share"])[1]["measure"]
    'share'
    """
    out: list[dict[str, str | None]] = []
    for name, label in column_labels(names).items():
        found = measure_of(name)
        column, measure = found if found is not None else (None, name if name in _BASE else None)
        out.append({"name": name, "label_fa": label.fa, "label_en": label.en, "column": column, "measure": measure})
    return out


def fact_header(header: str) -> Bilingual:
    """How an estate's column is headed for a reader: a known fact's label and unit, else the header as written.

    Examples
    --------
    >>> fact_header("فضای سبز (هکتار)").fa, fact_header("تصفیه خانه").en, fact_header("remarks").fa
    ('فضای سبز (هکتار)', 'Treatment plant', 'remarks')
    """
    fact = fact_of(header)
    if fact is None:
        return Bilingual(header, header)
    unit = catalogue("map").get(f"unit.{fact.unit}", ("", ""))
    return message("columns", "estate.fact_unit", label=fact.label, unit=Bilingual(*unit)) if unit[0] else fact.label


def unique_labels(labels: Iterable[Bilingual]) -> list[Bilingual]:
    """``labels`` with a number added to each that repeats an earlier one («… (2)»)."""
    taken: dict[str, int] = {}
    out = []
    for label in labels:
        n = taken[label.en] = taken.get(label.en, 0) + 1
        out.append(label if n == 1 else message("columns", "measure.repeat", label=label, n=n))
    return out
