"""The benchmark's row accounting (benchmarks/accounting.py) on a small hand-made ledger."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from benchmarks.accounting import AccountingError, account, compare_rejects, reject_counts
from orchestration.raw.ledger import ensure_ledger


def _ledger(db: Path, rows: list[tuple], rejects: list[tuple]) -> Path:
    con = duckdb.connect(str(db))
    ensure_ledger(con)
    for load_id, table, read, loaded, quarantined, collapsed, at in rows:
        con.execute("insert into raw._load_ledger values (?, ?, 'eoir', ?, 'x', null, 'synthetic', ?, ?, ?, ?, ?)",
                    [load_id, table, f"{table}.csv", read, loaded, quarantined, collapsed, at])
    for load_id, table, reason in rejects:
        con.execute("insert into raw._rejects values (?, ?, ?, 2, 'text', ?)", [load_id, table, f"{table}.csv", reason])
    con.close()
    return db


def test_rejects_are_counted_by_table_and_reason_of_the_current_load(tmp_path: Path) -> None:
    db = _ledger(tmp_path / "w.duckdb",
                 [("old", "eoir_a_tblcase", 10, 9, 1, 0, "2020-01-01"),
                  ("new", "eoir_a_tblcase", 10, 6, 3, 1, "2020-02-01"),
                  ("n2", "eoir_tbl_schedule", 5, 5, 0, 0, "2020-02-01")],
                 [("old", "eoir_a_tblcase", "too_few_fields: 3 of 9"),
                  ("new", "eoir_a_tblcase", "too_few_fields: 3 of 9"),
                  ("new", "eoir_a_tblcase", "too_few_fields: 2 of 9"),
                  ("new", "eoir_a_tblcase", "duplicate_key: IDNCASE 7")])
    assert reject_counts(db) == {"eoir_a_tblcase": {"duplicate_key": 1, "duplicates_collapsed": 1, "too_few_fields": 2}}
    assert [f["rows_read"] for f in account(db)["files"]] == [10, 5]


def test_a_file_with_rows_unaccounted_for_fails_the_benchmark(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema raw")
    con.execute("""create table raw._load_ledger (load_id varchar, table_name varchar, source varchar,
        source_file varchar, sha256 varchar, vintage date, input_kind varchar, rows_read bigint, rows_loaded bigint,
        rows_quarantined bigint, duplicates_collapsed bigint, loaded_at timestamp)""")
    con.execute("insert into raw._load_ledger values ('a', 'eoir_a_tblcase', 'eoir', 'A_TblCase.csv', 'x', null, "
                "'synthetic', 10, 8, 1, 0, '2020-01-01')")
    con.close()
    with pytest.raises(AccountingError, match=r"eoir_a_tblcase \(A_TblCase.csv\): rows_read 10 != loaded 8 "
                                              r"\+ quarantined 1 \+ collapsed 0 = 9"):
        account(db)


def test_a_warehouse_without_a_ledger_fails_the_benchmark(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    with pytest.raises(AccountingError, match="cannot read raw._load_ledger"):
        account(db)


def test_compare_rejects_lists_every_difference() -> None:
    assert compare_rejects({"t": {"a": 1, "b": 2}}, {"t": {"a": 1, "b": 3}, "u": {"c": 1}}) == ["t b: 3 -> 2", "u c: 1 -> 0"]
    assert compare_rejects({"t": {"a": 1}}, {"t": {"a": 1}}) == []
