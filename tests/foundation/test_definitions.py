"""The Dagster code location loads, with the schedule, groups, lineage to raw assets and run settings."""

from __future__ import annotations

import pytest
from dagster import AssetCheckKey, AssetKey, DefaultScheduleStatus

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


def test_every_dbt_test_is_an_asset_check_so_its_warnings_are_reported():
    """Issue 16 finding 6: dagster-dbt turns a dbt test into an asset check only when it can attach it to one
    model; a singular test reading several models (without ``meta.dagster.ref``) ran, but its result was
    logged as an observation: a warning printed nothing, was not in ``meta.check_results`` nor the report.
    Every test of the manifest must map to a check of the dbt assets (the CLI prints ``warning:`` for a
    failed WARN check, publish.py records every check evaluation)."""
    import json

    from dagster_dbt.asset_utils import get_asset_check_key_for_test

    from orchestration.assets.dbt_models import mpp_dbt_models, translator
    from orchestration.project import dbt_project

    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    check_keys = set(mpp_dbt_models.check_keys)
    tests = [uid for uid in manifest["nodes"] if uid.startswith("test.")]
    assert len(tests) > 100
    unmapped = [uid for uid in tests
                if get_asset_check_key_for_test(manifest, translator, uid, project=dbt_project) not in check_keys]
    assert not unmapped, f"dbt tests that are not asset checks (add meta.dagster.ref): {unmapped}"
    names = {k.name for k in check_keys}
    assert {"eoir_completion_codes_cover_mpp_proceedings", "warn_mpp_case_type_mismatches",
            "court_headline_identities"} <= names


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


def test_great_expectations_checks_are_in_the_main_job_with_their_severities():
    from orchestration.definitions import ge_checks

    specs = {(s.asset_key, s.name): s for c in ge_checks for s in c.check_specs}
    # blocking (ERROR) and warning (WARN, non-blocking) checks of the definitional suites
    assert specs[(AssetKey(["intermediate", "int_initial_completions"]), "ge_initial_completions")].blocking
    assert specs[(AssetKey(["marts", "mpp_relief_cases"]), "ge_relief_grants")].blocking
    assert specs[(AssetKey(["marts", "mpp_case_outcomes"]), "ge_enrolled_cases")].blocking
    assert specs[(AssetKey(["marts", "swb_encounters_monthly"]), "ge_swb_encounters_monthly")].blocking
    assert specs[(AssetKey(["marts", "cbp_enrollments_monthly"]), "ge_cbp_enrollments")].blocking
    assert specs[(AssetKey(["marts", "nri_referrals_monthly"]), "ge_nri_referrals_monthly")].blocking
    assert specs[(AssetKey(["raw", "eoir_b_tblproceeding"]), "ge_raw_load_ledger")].blocking
    assert not specs[(AssetKey(["marts", "court_headline_metrics"]), "ge_court_headline_warnings")].blocking
    assert not specs[(AssetKey(["intermediate", "int_cbp_mpp_printed_totals_checked"]),
                      "ge_cbp_page_totals_warnings")].blocking
    # the publishing gate waits for every blocking suite
    gate = specs[(AssetKey(["marts", "headline_metrics"]), "ge_headline_metrics")]
    assert gate.blocking
    assert AssetKey(["intermediate", "int_initial_completions"]) in {d.asset_key for d in gate.additional_deps}
    # ... and all of them run in mpp_main ("Materialize all" selects the same)
    job_checks = defs.resolve_job_def(MAIN_JOB_NAME).asset_layer.asset_graph.asset_check_keys
    assert {AssetCheckKey(k, n) for k, n in specs} <= set(job_checks)


def test_old_per_run_dbt_target_folders_are_pruned(tmp_path):
    import os

    from orchestration.assets.dbt_models import prune_run_targets

    (tmp_path / "manifest.json").write_text("{}")
    for i in range(7):
        folder = tmp_path / f"mpp_dbt_models-{i:07d}-abc"
        folder.mkdir()
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    removed = prune_run_targets(tmp_path, keep=5)
    assert sorted(p.name for p in removed) == ["mpp_dbt_models-0000000-abc", "mpp_dbt_models-0000001-abc"]
    assert (tmp_path / "manifest.json").is_file() and len(list(tmp_path.glob("*-*"))) == 5


def test_dbt_resource_skips_dagster_dbts_in_process_dbt_start_up():
    """MppDbtCliResource overrides two private members of dagster-dbt's resource: they must still exist
    there (an upgrade that renames them would silently bring the ~4 s per command back), the version must be
    the installed dbt's, and no dbt adapter is built in the Dagster process."""
    import functools
    from importlib.metadata import version

    from dagster_dbt import DbtCliResource

    from orchestration.definitions import defs
    from orchestration.resources import MppDbtCliResource

    assert isinstance(DbtCliResource.__dict__["_cli_version"], functools.cached_property)
    assert callable(DbtCliResource.__dict__["_initialize_dbt_core_adapter"])
    resource = defs.resources["dbt"]
    assert isinstance(resource, MppDbtCliResource)
    assert str(resource._cli_version) == version("dbt-core")
    assert resource._cli_version.major == 1
    assert resource._initialize_dbt_core_adapter(["build"]) is None
