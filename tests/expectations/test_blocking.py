"""Blocking in Dagster: a failing ERROR expectation stops publishing in the same run; a WARNING does not.

A small in-process graph mirrors production: one step (like dbt's) materializes
intermediate/int_initial_completions and marts/headline_metrics into a tiny warehouse; the real GE checks
come from ``build_ge_checks`` (ge_initial_completions, and the publishing gate ge_headline_metrics with
``additional_deps``); ``outputs/metrics_json`` is a stub downstream of marts/headline_metrics, as in
orchestration/assets/outputs.py.
"""

from __future__ import annotations

import json

import duckdb
from dagster import (
    AssetCheckSeverity,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    asset,
    materialize,
    multi_asset,
)

from orchestration.assets.ge_checks import build_ge_checks
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings
from tests.expectations import fixtures as fx
from tests.expectations.conftest import make_warehouse

INITIAL = AssetKey(["intermediate", "int_initial_completions"])
HEADLINE = AssetKey(["marts", "headline_metrics"])
CBP = AssetKey(["marts", "cbp_page_enrollments_monthly"])
PUBLISHED = AssetKey(["outputs", "metrics_json"])

HEADLINE_ROWS = ("select * from (values ('g2_initial_completions', null, 2::bigint, 'synthetic', date '2020-12-31')) "
                 "t(metric_id, period, value, input_kind, as_of_date)")


def court_graph(initial_rows: str):
    @multi_asset(specs=[AssetSpec(INITIAL), AssetSpec(HEADLINE)], name="fake_dbt_build")
    def fake_dbt_build():
        make_warehouse(get_settings().warehouse, {
            "staging.stg_eoir__proceedings": fx.PROCEEDINGS,
        "seeds.eoir_case_types": fx.CASE_TYPES,
            "intermediate.int_proceedings_completed": fx.COMPLETED,
            "intermediate.int_initial_completions": fx.initial_completions(initial_rows),
            "marts.headline_metrics": HEADLINE_ROWS,
            "seeds.court_metrics": "select 'g2_initial_completions' as metric_id",
            # the current EOIR release's vintage is after the as-of date: court figures may be published
            "raw._load_ledger": "select 'l1' as load_id, 'eoir_b_tblproceeding' as table_name, 'eoir' as source, "
                                "'B_TblProceeding.csv' as source_file, 'x' as sha256, date '2021-02-15' as vintage, "
                                "'synthetic' as input_kind, 1 as rows_read, 1 as rows_loaded, 0 as rows_quarantined, "
                                "0 as duplicates_collapsed, timestamp '2026-01-01' as loaded_at",
        })
        yield MaterializeResult(asset_key=INITIAL)
        yield MaterializeResult(asset_key=HEADLINE)

    @asset(key=PUBLISHED, deps=[HEADLINE])
    def metrics_json_stub():
        return MaterializeResult()

    assets = [fake_dbt_build, metrics_json_stub]
    return [*assets, *build_ge_checks(assets)]


def run(defs):
    return materialize(defs, resources={"pipeline": PipelineConfig()}, raise_on_error=False)


def materialized(result) -> set[AssetKey]:
    return {e.event_specific_data.materialization.asset_key for e in result.get_asset_materialization_events()}


def evaluations(result):
    return {(e.asset_key, e.check_name): e for e in result.get_asset_check_evaluations()}


def test_gate_waits_for_every_blocking_suite():
    defs = court_graph(fx.CORRECT_INITIAL)
    [gate] = [c for c in defs[2:] if any(k.name == "ge_headline_metrics" for k in c.check_keys)]
    [spec] = list(gate.check_specs)
    assert spec.blocking and {d.asset_key for d in spec.additional_deps} == {INITIAL}


def test_correct_rows_publish(var_dir):
    result = run(court_graph(fx.CORRECT_INITIAL))
    assert result.success
    assert PUBLISHED in materialized(result)
    evals = evaluations(result)
    assert evals[(INITIAL, "ge_initial_completions")].passed
    assert evals[(HEADLINE, "ge_headline_metrics")].passed
    results = json.loads((var_dir.data_docs_dir / "results" / "initial_completions.json").read_text())
    assert all(e["success"] for e in results["expectations"])
    assert (var_dir.data_docs_dir / "suites.html").is_file()
    assert (var_dir.data_docs_dir / "index.html").is_file()


def test_reopened_completion_blocks_publishing(var_dir):
    # fault: case 1's completion after reopening (proceeding 11) reported as its initial completion
    result = run(court_graph("(1, 11, date '2019-09-01'), (2, 21, date '2019-08-01')"))
    assert not result.success
    done = materialized(result)
    assert INITIAL in done and HEADLINE in done  # built, like dbt's tables
    assert PUBLISHED not in done  # ... but not published
    evals = evaluations(result)
    check = evals[(INITIAL, "ge_initial_completions")]
    assert not check.passed and check.severity == AssetCheckSeverity.ERROR
    assert "ic_not_after_reopening_or_remand" in check.metadata["failed_expectations"].value
    sample = check.metadata["failing_rows_sample"].value["ic_not_after_reopening_or_remand"]
    assert sample["unexpected_count"] == 1 and sample["rows"][0]["case_id"] == 1
    assert (HEADLINE, "ge_headline_metrics") not in evals  # the gate never ran
    assert str(check.metadata["data_docs"].value).endswith("suites.html")


def test_warning_does_not_block(var_dir):
    # CBP printed a Jan-2020 USBP total of 101 over sectors summing to 100: a page error, reported only
    monthly = fx.CBP_MONTHLY_OK.replace("(date '2020-01-01', 105, 100, 5, 100, 5, true)",
                                        "(date '2020-01-01', 106, 101, 5, 100, 5, false)")

    @asset(key=CBP)
    def cbp_monthly():
        make_warehouse(get_settings().warehouse, {
            "marts.cbp_page_enrollments_monthly": fx.cbp_monthly(monthly),
            "marts.cbp_page_enrollments_by_location_monthly": fx.cbp_locations(fx.CBP_LOCATIONS_OK),
        })

    @asset(key=PUBLISHED, deps=[CBP])
    def downstream():
        return MaterializeResult()

    result = run([cbp_monthly, downstream, *build_ge_checks([cbp_monthly, downstream])])
    assert result.success
    assert PUBLISHED in materialized(result)
    evals = evaluations(result)
    assert evals[(CBP, "ge_cbp_enrollments")].passed
    warn = evals[(CBP, "ge_cbp_enrollments_warnings")]
    assert not warn.passed and warn.severity == AssetCheckSeverity.WARN
    assert "cbp_usbp_sectors_sum_to_printed_usbp_total" in warn.metadata["failed_expectations"].value
    con = duckdb.connect(str(get_settings().warehouse))  # a writer can open it: the check closed its connection
    con.close()
