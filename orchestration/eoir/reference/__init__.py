"""Real EOIR codes and value frequencies bundled with the project (provenance in README.md here).

:func:`real_lookup_codes` answers "is this a real code of that lookup?"; :func:`real_value_frequencies`
gives the real counts the generator's weights follow.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

HERE = Path(__file__).resolve().parent


@functools.cache
def real_lookup_codes() -> dict[str, frozenset[str]]:
    """``{lookup file stem: codes}`` of the real release's lookups (e.g. ``'tblLanguage' -> {'SP', ...}``)."""
    out: dict[str, set[str]] = {}
    with open(HERE / "eoir_lookup_codes.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(r["table"], set()).add(r["code"])
    return {k: frozenset(v) for k, v in out.items()}


@functools.cache
def real_lookup_descriptions(table: str) -> dict[str, str]:
    """``{code: description}`` of one real lookup (first description met; see README.md's caveat)."""
    with open(HERE / "eoir_lookup_codes.csv", encoding="utf-8", newline="") as fh:
        return {r["code"]: r["description"] for r in csv.DictReader(fh) if r["table"] == table}


@functools.cache
def real_value_frequencies(table: str, field: str) -> dict[str, int]:
    """``{value: rows}`` of one field of the real release (every value, dirty ones included)."""
    with open(HERE / "eoir_value_frequencies.csv", encoding="utf-8", newline="") as fh:
        return {r["value"]: int(r["n"]) for r in csv.DictReader(fh) if (r["table"], r["field"]) == (table, field)}
