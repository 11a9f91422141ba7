"""The load-ledger suite on a hand-made ledger: empty tables and mostly-quarantined files block.

Ledger rows (current load of each table; worked out by hand):
- t_ok: 100 read = 99 loaded + 1 quarantined (1 %): passes.
- t_empty: 0 read, 0 loaded (a header-only file): fails ledger_table_not_empty.
- t_broken: 10 read = 2 loaded + 8 quarantined (80 %, e.g. CR-only line endings): fails
  ledger_quarantined_share_plausible (limit 10 %).
- t_edge: 10 read = 9 loaded + 1 quarantined (exactly 10 %): passes (the limit is inclusive).
"""

from __future__ import annotations

from pathlib import Path

from expectations.registry import ledger_suite
from expectations.runner import run_suite
from expectations.suites.raw import MAX_QUARANTINED_SHARE
from tests.expectations.conftest import PARAMS, make_warehouse

LEDGER = """
select table_name, load_id, timestamp '2026-11-30 10:00:00' as loaded_at, 'synthetic' as input_kind,
       rows_read::bigint as rows_read, rows_loaded::bigint as rows_loaded,
       rows_quarantined::bigint as rows_quarantined, 0::bigint as duplicates_collapsed
from (values ('t_ok', 'l1', 100, 99, 1), ('t_empty', 'l2', 0, 0, 0), ('t_broken', 'l3', 10, 2, 8),
             ('t_edge', 'l4', 10, 9, 1)) t(table_name, load_id, rows_read, rows_loaded, rows_quarantined)
"""


def test_empty_and_mostly_quarantined_tables_block_and_name_their_table(tmp_path: Path):
    assert MAX_QUARANTINED_SHARE == 0.10
    wh = make_warehouse(tmp_path / "w.duckdb", {"raw._load_ledger": LEDGER})
    outcome = run_suite(ledger_suite([]), wh, PARAMS)
    failed = {e.id: e.failing_tables for e in outcome.failed("error")}
    assert failed == {"ledger_table_not_empty": ["t_empty"], "ledger_quarantined_share_plausible": ["t_broken"]}
