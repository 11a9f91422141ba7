"""Row accounting of a benchmark's warehouse: every line read is loaded, quarantined or collapsed.

Read from the load ledger ``raw._load_ledger`` and ``raw._rejects`` (orchestration/raw/ledger.py) of a
DuckDB file the benchmark wrote (the pipeline's build warehouse, or the file ``benchmarks.peers ours``
landed into), for the current load of every raw table:

- :func:`ledger_rows`: one dict per file load (table, file, rows read / loaded / quarantined / collapsed);
- :func:`unaccounted`: the files whose ``rows_read`` is not ``rows_loaded + rows_quarantined +
  duplicates_collapsed`` (the benchmark fails loudly when there is one);
- :func:`reject_counts`: quarantined lines by table and reason code (the text before the first ``:`` of
  ``raw._rejects.reason``), plus the collapsed duplicates, so two runs on the same release can be compared
  with :func:`compare_rejects`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_CURRENT = """
with current_loads as (
    select table_name, arg_max(load_id, loaded_at) as load_id from raw._load_ledger group by table_name
)
"""


class AccountingError(RuntimeError):
    """A file's rows are not all accounted for, or the warehouse has no ledger."""


def _query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def ledger_rows(db: Path) -> list[dict[str, Any]]:
    """The current load of every raw table, one dict per file (sorted by table, file)."""
    try:
        rows = _query(db, _CURRENT + """
            select l.table_name, l.source_file, l.rows_read, l.rows_loaded, l.rows_quarantined,
                   l.duplicates_collapsed
            from raw._load_ledger l join current_loads c using (table_name, load_id)
            order by l.table_name, l.source_file""")
    except Exception as exc:  # a missing ledger is itself a failure of the accounting
        raise AccountingError(f"{db}: cannot read raw._load_ledger: {exc}") from exc
    keys = ("table_name", "source_file", "rows_read", "rows_loaded", "rows_quarantined", "duplicates_collapsed")
    # the file's name only: results are committed, and paths name the machine they ran on
    return [{**dict(zip(keys, r, strict=True)), "source_file": Path(r[1]).name} for r in rows]


def unaccounted(rows: list[dict[str, Any]]) -> list[str]:
    """Files whose rows_read differs from rows_loaded + rows_quarantined + duplicates_collapsed."""
    bad = []
    for r in rows:
        accounted = r["rows_loaded"] + r["rows_quarantined"] + r["duplicates_collapsed"]
        if r["rows_read"] != accounted:
            bad.append(f"{r['table_name']} ({r['source_file']}): rows_read {r['rows_read']:,} != loaded "
                       f"{r['rows_loaded']:,} + quarantined {r['rows_quarantined']:,} + collapsed "
                       f"{r['duplicates_collapsed']:,} = {accounted:,}")
    return bad


def reject_counts(db: Path) -> dict[str, dict[str, int]]:
    """{table: {reason code: quarantined lines, "duplicates_collapsed": n}} of the current loads."""
    out: dict[str, dict[str, int]] = {}
    for r in ledger_rows(db):
        if r["duplicates_collapsed"]:
            entry = out.setdefault(r["table_name"], {})
            entry["duplicates_collapsed"] = entry.get("duplicates_collapsed", 0) + r["duplicates_collapsed"]
    has_rejects = _query(db, "select count(*) from information_schema.tables "
                             "where table_schema = 'raw' and table_name = '_rejects'")[0][0]
    if has_rejects:
        for table, reason, n in _query(db, _CURRENT + """
                select r.table_name, trim(split_part(r.reason, ':', 1)) as reason, count(*) as n
                from raw._rejects r join current_loads c using (table_name, load_id)
                group by all order by all"""):
            out.setdefault(table, {})[reason] = n
    return {t: dict(sorted(v.items())) for t, v in sorted(out.items())}


def account(db: Path) -> dict[str, Any]:
    """Ledger rows and reject counts of ``db``; raises AccountingError naming every unaccounted file."""
    rows = ledger_rows(db)
    if not rows:
        raise AccountingError(f"{db}: raw._load_ledger has no load")
    bad = unaccounted(rows)
    if bad:
        raise AccountingError(f"{db}: rows not accounted for:\n  " + "\n  ".join(bad))
    return {"files": rows, "rejects": reject_counts(db)}


def compare_rejects(ours: dict[str, dict[str, int]], previous: dict[str, dict[str, int]]) -> list[str]:
    """Differences between two reject counts (empty when identical): '<table> <reason>: a -> b'."""
    diffs = []
    for table in sorted(set(ours) | set(previous)):
        mine, theirs = ours.get(table, {}), previous.get(table, {})
        for reason in sorted(set(mine) | set(theirs)):
            if mine.get(reason, 0) != theirs.get(reason, 0):
                diffs.append(f"{table} {reason}: {theirs.get(reason, 0):,} -> {mine.get(reason, 0):,}")
    return diffs


def main(argv: list[str]) -> int:
    """``python -m benchmarks.accounting WAREHOUSE OUT.json``: write a warehouse's accounting in the shape of a
    benchmark result (``pipeline.accounting``), for ``benchmarks.run --compare-rejects``."""
    import json
    import sys

    if len(argv) != 2:
        print(main.__doc__, file=sys.stderr)
        return 2
    doc = {"warehouse": Path(argv[0]).name, "pipeline": {"accounting": account(Path(argv[0]))}}
    Path(argv[1]).write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
