"""The benchmark's row accounting (benchmarks/accounting.py) on a small hand-made ledger."""

from __future__ import annotations

import json
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


def _run(wall: float, rss: float, steps: dict[str, tuple[float, float]] | None = None, tree: float = 0.0) -> dict:
    return {"wall_seconds": wall, "peak_rss_mb": rss,
            "stats": {"peak_rss_mb": tree, "steps": {k: {"wall_seconds": w, "peak_rss_mb": r}
                                                      for k, (w, r) in (steps or {}).items()}}}


def test_the_benchmark_table_judges_every_target_of_issue_17_against_the_floor() -> None:
    from benchmarks.run import markdown, stage_rows, targets

    files = {"files": [{"table_name": "eoir_a_tblcase"}], "rejects": {"eoir_a_tblcase": {"too_few_fields": 3}}}
    doc = {
        "date": "2026-12-05 12:00 UTC", "scale": 1.0, "release_rows": 1000, "release_gib": 1.5,
        "machine": {"cores": 2, "cpu": "cpu", "memory_gib": 23.5, "python": "3.11", "duckdb": "2"},
        "generate": None, "floor": {"wall_seconds": 40.0, "peak_rss_mb": 300.0},
        "ingestion": {"ours": {"wall_seconds": 100.0, "peak_rss_mb": 900.0, "accounting": files},      # 2.5x: met
                      "ours_all_columns": {"wall_seconds": 141.0, "peak_rss_mb": 960.0, "accounting": files}},  # 3.53x
        "pipeline": {"first": _run(199.0, 1500.0, {"raw_eoir_release": (110.0, 1200.0), "mpp_dbt_models": (40.0, 1900.0),
                                                  "ge_raw_eoir_cases": (5.0, 800.0), "outputs__report": (3.0, 700.0)},
                                   tree=1910.0),
                     "second": _run(4.9, 350.0), "accounting": files},
        "demo": {"first": _run(30.5, 900.0), "second": _run(3.0, 300.0)},
    }
    doc["rows"], doc["targets"] = stage_rows(doc), targets(doc)
    met = {t["target"]: t["met"] for t in doc["targets"]}
    assert met == {
        "EOIR ingestion, all columns": False,            # 141 / 40 = 3.53x > 3.5x
        "EOIR ingestion, default columns": True,         # 2.5x
        "peak RSS of ingestion": False,                  # 960 MiB > 1 GB = 953.7 MiB
        "whole pipeline, first run: time": True,         # 199 / 40 = 4.98x
        "whole pipeline, first run: peak RSS": False,    # the sampled tree, 1910 MiB > 2 GB = 1907.3 MiB
        "default demo run after make setup": False,      # 30.5 s
        "unchanged-input run, including process start": True,  # 4.9 s
        "row accounting exact": True,
    }
    dbt = next(r for r in doc["rows"] if r["stage"].startswith("pipeline: dbt build"))
    assert (dbt["wall_seconds"], dbt["x_floor"], dbt["peak_rss_mb"]) == (40.0, 1.0, 1900.0)
    md = markdown(doc)
    assert "| EOIR ingestion, all columns | 141.0 s | <= 3.5x the floor | 3.52x floor | **NOT met** |" in md
    # a target not set against the floor: its ratio is to the target (960 MiB / 953.7 MiB; 30.5 s / 30 s)
    assert "| peak RSS of ingestion | 960 MiB | <= 1 GB (954 MiB) | 1.01x target | **NOT met** |" in md
    assert "| default demo run after make setup | 30.5 s | <= 30 s | 1.02x target | **NOT met** |" in md
    assert "eoir_a_tblcase: too_few_fields = 3" in md


def test_an_unchanged_run_answered_before_dagster_is_not_given_the_earlier_runs_figures(tmp_path):
    """The fast path writes no run_stats.json: the benchmark must not take the first run's peak RSS for it."""
    from benchmarks.run import own_stats, pipeline_peak

    first = {"success": True, "wall_seconds": 647.6, "peak_rss_mb": 1965.4, "steps": {}}
    path = tmp_path / "run_stats.json"
    path.write_text(json.dumps(first))
    second = {"wall_seconds": 1.96, "peak_rss_mb": 103.3, "stats": own_stats(path, first)}
    assert second["stats"] == {}
    assert pipeline_peak(second) == 103.3
    rebuilt = {**first, "wall_seconds": 80.0, "peak_rss_mb": 1200.0}  # a run that did write its own stats
    path.write_text(json.dumps(rebuilt))
    assert pipeline_peak({"wall_seconds": 80.5, "peak_rss_mb": 900.0, "stats": own_stats(path, first)}) == 1200.0
