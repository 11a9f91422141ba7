"""The row-repair rule for stray tabs, shared by the reader and the synthetic generator.

A data row with exactly ONE field more than the header has one TAB too many. Any of its TABs may be the
stray one, so the rule weighs every reading "this TAB is the stray one" (removing it gives a row of the
header's width):

1. *Removal* readings: the stray TAB made an empty field (it sat next to another TAB or at an end of the
   line): remove one field that is empty after trimming spaces (removing either of two adjacent empty
   fields gives the same row).
2. *Join* readings: the stray TAB sat inside a value (``SAN<TAB>ANTONIO`` in ALIEN_CITY): the two non-empty
   fields around it form one value. Such a row is never repaired (whether the TAB replaced a space or was
   typed into the value cannot be known), but a valid join reading makes a removal reading uncertain.
3. A reading is *valid* when every value lands valid in its column (:func:`row_rules`): id columns
   (:attr:`TableSpec.id_columns`) digits only, and the keys listed as ``key`` in ``column_rules.csv``
   (IDNCASE, IDNPROCEEDING, each table's own key: never empty in the real release) digits and not empty; date columns a real calendar date in
   :data:`DATE_TEXT` form (any year: sentinel and out-of-range dates count as dates here; they are nulled
   later like in any other row); the columns listed in ``column_rules.csv`` (beside this module: ``table,
   column, rule, values, evidence``) a code within its domain (``domain``: the values, ``|``-separated, from
   the EOIR lookups) or a value of the right shape (``pattern``: a regular expression, e.g. a state is two
   capital letters, a ZIP code five digits or ZIP+4); other columns (free text such as ALIEN_CITY) take any
   value. An empty value (or NUL bytes only) is valid everywhere.
4. Exactly one distinct valid removal reading and no valid join reading: the row is repaired to it. No valid
   reading: ``extra_field_unrepairable``; only join readings: ``extra_field_in_value``; two or more readings:
   ``extra_field_ambiguous``. All three are quarantined with their line.

Hence a repaired row is always the row as written without its stray TAB whenever the written row was valid
by these rules (the true reading is then among the valid ones, and it is the only one).
tests/eoir/test_stray_tab_property.py checks this with Hypothesis.

Rows with two or more extra fields, rows with too few fields and blank lines are always quarantined.
The generator uses :func:`repair_extra_field` to know, for each stray tab it injects, whether the reader
will repair or quarantine the row, and records the expected counts in the release marker.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from orchestration.eoir.release import TableSpec

#: What a date value looks like: ``2019-03-14`` optionally followed by `` 00:00:00`` and fractional seconds.
DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d{1,7})?)?")
#: The same pattern for DuckDB's regexp_full_match.
DATE_TEXT_SQL = r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d{1,7})?)?"


def is_date_text(value: str) -> bool:
    """True when ``value`` (already trimmed) is a date in the release's format with a valid calendar date."""
    if not DATE_TEXT.fullmatch(value):
        return False
    try:
        date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class ColumnRule:
    """What a value of one column must look like for a stray-TAB reading to be valid (module docstring).

    kind: ``id`` (digits), ``key`` (digits, never empty), ``date`` (:func:`is_date_text`), ``domain`` (one of
    ``values``) or ``pattern`` (fully matches the regular expression ``values``)."""

    kind: str
    values: str = ""

    def accepts(self, value: str) -> bool:
        """True when ``value`` (trimmed, non-empty) is valid in the column."""
        if self.kind in ("id", "key"):
            return value.isdigit()
        if self.kind == "date":
            return is_date_text(value)
        if self.kind == "domain":
            return value in self._domain
        return re.fullmatch(self.values, value) is not None

    @property
    def _domain(self) -> frozenset[str]:
        return _split_domain(self.values)


@functools.cache
def _split_domain(values: str) -> frozenset[str]:
    return frozenset(values.split("|"))


RULES_CSV = Path(__file__).with_name("column_rules.csv")


def load_column_rules(path: Path = RULES_CSV) -> dict[str, dict[str, ColumnRule]]:
    """``{table name lower-cased: {COLUMN: ColumnRule}}`` from ``column_rules.csv``.

    Raises :class:`ValueError` naming the file and line for an unknown rule, an empty domain, a pattern that
    does not compile, or a column listed twice."""
    out: dict[str, dict[str, ColumnRule]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for ln, row in enumerate(csv.DictReader(fh), start=2):
            table, column, kind, values = row["table"].lower(), row["column"].upper(), row["rule"], row["values"]
            if kind not in ("domain", "pattern", "key") or (not values) != (kind == "key"):
                raise ValueError(f"{path}: line {ln}: rule must be key (no values), domain or pattern (with "
                                 f"values), got {kind!r} with {values!r}")
            if kind == "pattern":
                try:
                    re.compile(values)
                except re.error as exc:
                    raise ValueError(f"{path}: line {ln}: pattern {values!r} does not compile ({exc})") from exc
            if column in out.setdefault(table, {}):
                raise ValueError(f"{path}: line {ln}: {table}.{column} is listed twice")
            out[table][column] = ColumnRule(kind, values)
    return out


#: The per-column rules of ``column_rules.csv``: {table lower-cased: {COLUMN: ColumnRule}}.
COLUMN_RULES: dict[str, dict[str, ColumnRule]] = load_column_rules()
_ID, _DATE = ColumnRule("id"), ColumnRule("date")


def row_rules(spec: TableSpec, header: Sequence[str]) -> list[ColumnRule | None]:
    """The rule of each column of a file's header (upper-cased names, file order): the ``column_rules.csv``
    rule, else ``id`` for the spec's id columns and ``date`` for its date columns, else None (any value)."""
    listed = COLUMN_RULES.get(spec.name.lower(), {})
    return [listed.get(h) or (_ID if h in spec.id_columns else _DATE if h in spec.date_columns else None)
            for h in header]


def _empty(value: str) -> bool:
    return value.replace("\x00", "").strip(" ") == ""


def _valid(fields: Sequence[str], rules: Sequence[ColumnRule | None]) -> bool:
    for v, rule in zip(fields, rules, strict=True):
        if rule is None:
            continue
        if _empty(v):
            if rule.kind == "key":
                return False
        elif not rule.accepts(v.strip(" ")):
            return False
    return True


def repair_extra_field(
    fields: Sequence[str], rules: Sequence[ColumnRule | None]
) -> tuple[list[str] | None, str]:
    """Apply the stray-tab rule (module docstring) to a row with one field too many.

    fields: the row split on TAB (length = header width + 1); rules: :func:`row_rules` of the header.
    Returns ``(repaired_fields, "repaired")`` or ``(None, reason)`` with reason ``extra_field_unrepairable``,
    ``extra_field_in_value`` or ``extra_field_ambiguous``.
    """
    removals: set[tuple[str, ...]] = set()
    joins: set[tuple[str, ...]] = set()
    for j, v in enumerate(fields):
        if _empty(v):
            cand = tuple(fields[:j]) + tuple(fields[j + 1:])
            if _valid(cand, rules):
                removals.add(cand)
        elif j + 1 < len(fields) and not _empty(fields[j + 1]):
            cand = (*fields[:j], v + fields[j + 1], *fields[j + 2:])
            if _valid(cand, rules):
                joins.add(cand)
    if len(removals) == 1 and not joins:
        return list(removals.pop()), "repaired"
    if not removals and not joins:
        return None, "extra_field_unrepairable"
    if not removals and len(joins) == 1:
        return None, "extra_field_in_value"
    return None, "extra_field_ambiguous"
