"""The row-repair rule for stray tabs, shared by the reader and the synthetic generator.

Rule (applied only to a data row with exactly ONE field more than the header):

1. Candidates are the positions whose field is empty after trimming spaces.
2. Removing a candidate gives a row of the header's width. It is *valid* when every id column
   (:attr:`TableSpec.id_columns`, e.g. IDNCASE) is empty or all digits and every date column is empty or
   matches :data:`DATE_TEXT` with a real calendar date (any year: sentinel and out-of-range dates still
   count as dates here; they are nulled later like in any other row).
3. If the valid candidates give exactly one distinct row (removing either of two adjacent empty fields gives
   the same row), the row is repaired to it. With none, it is quarantined as ``extra_field_unrepairable``;
   with two or more distinct rows, as ``extra_field_ambiguous``.

Rows with two or more extra fields, rows with too few fields and blank lines are always quarantined.
The generator uses :func:`repair_extra_field` to know, for each stray tab it injects, whether the reader
will repair or quarantine the row, and records the expected counts in the release marker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

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


def _valid(fields: Sequence[str], date_idx: Sequence[int], id_idx: Sequence[int]) -> bool:
    for i in id_idx:
        v = fields[i].strip(" ")
        if v and not v.isdigit():
            return False
    for i in date_idx:
        v = fields[i].strip(" ")
        if v and not is_date_text(v):
            return False
    return True


def repair_extra_field(
    fields: Sequence[str], date_idx: Sequence[int], id_idx: Sequence[int]
) -> tuple[list[str] | None, str]:
    """Apply the stray-tab rule to a row with one field too many.

    fields:   the row split on TAB (length = header width + 1).
    date_idx: 0-based positions of date columns in the header; id_idx: of id columns.
    Returns ``(repaired_fields, "repaired")`` or ``(None, reason)`` with reason
    ``extra_field_unrepairable`` or ``extra_field_ambiguous``.
    """
    outcomes: set[tuple[str, ...]] = set()
    for j, v in enumerate(fields):
        if v.strip(" ") != "":
            continue
        cand = tuple(fields[:j]) + tuple(fields[j + 1:])
        if _valid(cand, date_idx, id_idx):
            outcomes.add(cand)
    if len(outcomes) == 1:
        return list(outcomes.pop()), "repaired"
    if not outcomes:
        return None, "extra_field_unrepairable"
    return None, "extra_field_ambiguous"
