"""What the current raw loads quarantined, per file and reason (printed by ``mpp-metrics run``).

:func:`quarantine_summary` reads ``raw._load_ledger`` and ``raw._rejects`` for the latest load of every
raw table and returns one dict per file with quarantined rows::

    {"table_name": "eoir_a_tblcase", "source_file": ".../A_TblCase.csv", "load_id": "...",
     "rows_read": 120345, "rows_quarantined": 1203,
     "reasons": {"too_few_fields": 600, "duplicate_key": 4, ...}}   # reason = text before the first ':'

Sorted by table then file. Files with nothing quarantined are left out. The reason counts add up to
``rows_quarantined`` (one reject row per quarantined line).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.raw.ledger import table_exists


def quarantine_summary(warehouse: Path) -> list[dict]:
    """Quarantined rows per file of the current loads (see module docstring); [] for a fresh warehouse."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        if not table_exists(con, "raw", "_load_ledger"):
            return []
        rows = con.execute(
            """
            with current_loads as (
                select table_name, arg_max(load_id, loaded_at) as load_id
                from raw._load_ledger group by table_name
            )
            select l.table_name, l.source_file, l.load_id, l.rows_read, l.rows_quarantined,
                   split_part(r.reason, ':', 1) as reason, count(r.reason) as n
            from raw._load_ledger l
            join current_loads c using (table_name, load_id)
            left join raw._rejects r
              on r.load_id = l.load_id and r.table_name = l.table_name and r.source_file = l.source_file
            where l.rows_quarantined > 0
            group by all
            order by l.table_name, l.source_file, n desc, reason
            """
        ).fetchall()
    finally:
        con.close()
    out: dict[tuple[str, str], dict] = {}
    for table, source_file, load_id, read, quarantined, reason, n in rows:
        entry = out.setdefault(
            (table, source_file),
            {"table_name": table, "source_file": source_file, "load_id": load_id, "rows_read": read,
             "rows_quarantined": quarantined, "reasons": {}},
        )
        if reason is not None:
            entry["reasons"][reason.strip()] = n
    return list(out.values())
