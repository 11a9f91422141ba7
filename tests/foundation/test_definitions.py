"""The Dagster code location loads, with the schedule, groups, lineage to raw assets and run settings."""

from __future__ import annotations

import pytest
from dagster import AssetKey, DefaultScheduleStatus

from orchestration.definitions import MAIN_JOB_NAME, defs
from orchestration.resources import PipelineConfig


def test_definitions_load_with_job_and_running_nightly_schedule():
    job = defs.resolve_job_def(MAIN_JOB_NAME)
    assert job.executor_def.name == "in_process"
    schedule = defs.resolve_schedule_def("nightly_rebuild")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "UTC"
    assert schedule.default_status == DefaultScheduleStatus.RUNNING


def test_dbt_sources_line_up_with_raw_ingestion_assets():
    graph = defs.resolve_asset_graph()
    staging = graph.get(AssetKey(["staging", "stg_cbp__sw_encounters_dashboard"]))
    assert AssetKey(["raw", "cbp_sw_encounters_dashboard"]) in staging.parent_keys
    raw = graph.get(AssetKey(["raw", "cbp_sw_encounters_dashboard"]))
    assert raw.is_materializable, "the dbt source must be the ingestion asset, not an external stub"


def test_assets_are_grouped_by_layer_and_goal():
    graph = defs.resolve_asset_graph()
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert {"raw_cbp", "raw_mpp", "raw_eoir", "raw_uscis", "staging_cbp", "staging_eoir", "intermediate", "definitions",
            "goal_1a_relief", "goal_2_completions", "goal_3_enrollments", "goal_4_encounters", "outputs"} <= groups


def test_every_warehouse_step_is_in_the_single_writer_pool():
    for node in defs.resolve_job_def(MAIN_JOB_NAME).graph.node_defs:
        assert node.pool == "warehouse", node.name


def test_dbt_tests_are_asset_checks():
    checks = defs.resolve_asset_graph().asset_check_keys
    assert any(c.asset_key == AssetKey(["marts", "swb_encounters_monthly"]) for c in checks)


@pytest.mark.parametrize("bad", ["2020-13-01", "31/12/2020", "2020-12-31; drop table x", "2018-12-31", ""])
def test_run_settings_reject_bad_as_of_dates(bad: str):
    with pytest.raises(Exception, match="as_of"):
        PipelineConfig(as_of=bad)


def test_run_settings_give_dbt_vars():
    cfg = PipelineConfig(as_of="2021-01-31", admin_closures_are_completions=False)
    assert cfg.dbt_vars() == {
        "as_of_date": "2021-01-31",
        "admin_closures_are_completions": False,
        "relief_after_reopening_counts": True,
    }
