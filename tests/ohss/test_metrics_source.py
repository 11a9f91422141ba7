"""metrics.json carries `source` on a figure whose headline row names one (shared METRICS.md), and only there."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.metrics import build_metrics_document
from orchestration.raw.ledger import ensure_ledger


def test_source_is_written_where_the_headline_row_has_one(tmp_path: Path):
    wh = tmp_path / "w.duckdb"
    con = duckdb.connect(str(wh))
    ensure_ledger(con)
    con.execute("create schema marts")
    con.execute("""
        create table marts.headline_metrics as select * from (values
            ('g3_cbp_enrollments', null, 67229, 'real', 'cbp_mpp_pages, ohss_monthly_tables'),
            ('g3_cbp_enrollments', '2019-03', 590, 'real', 'ohss_monthly_tables'),
            ('g2_initial_completions', null, 42, 'synthetic', null)
        ) t(metric_id, period, value, input_kind, source),
        (select date '2020-12-31' as as_of_date, true as admin_closures_are_completions,
                true as relief_after_reopening_counts)""")
    con.execute("create table marts.headline_unavailable (metric_id varchar, period varchar, reason varchar, "
                "source varchar, as_of_date date)")
    con.close()
    doc = build_metrics_document(wh, "2020-12-31")
    by_key = {(m["id"], m["period"]): m for m in doc["metrics"]}
    assert by_key[("g3_cbp_enrollments", None)] == {"id": "g3_cbp_enrollments", "period": None, "value": 67229,
                                                    "input": "real", "source": "cbp_mpp_pages, ohss_monthly_tables"}
    assert by_key[("g3_cbp_enrollments", "2019-03")]["source"] == "ohss_monthly_tables"
    assert "source" not in by_key[("g2_initial_completions", None)]


def test_a_workbook_landed_into_several_tables_is_listed_once_in_inputs(tmp_path: Path):
    from orchestration.metrics import read_inputs

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_ledger(con)
    for i, table in enumerate(("ohss_swb_book_outs_by_agency", "ohss_cbp_encounters_by_type_region")):
        con.execute("insert into raw._load_ledger values (?, ?, 'ohss_ielp', 'ohss_ielp/w.xlsx', 'abc', "
                    "date '2024-08-31', 'real', 1, 1, 0, 0, timestamp '2026-01-01 00:00:00' + ?::integer * interval 1 second)",
                    [f"l{i}", table, i])
    assert read_inputs(con) == [{"source": "ohss_ielp", "kind": "real",
                                 "files": [{"name": "ohss_ielp/w.xlsx", "sha256": "abc", "vintage": "2024-08-31"}]}]
    con.close()
