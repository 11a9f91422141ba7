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


#: the source system of a raw table / staging model, by name (first prefix that matches)
SOURCE_OF_TABLE = [("cbp_mpp_", "mpp_pages"), ("trac_", "mpp_pages"), ("cbp_", "cbp"), ("ohss_", "ohss"),
                   ("eoir_", "eoir"), ("uscis_", "uscis")]
GOALS = {"goal_1a_relief", "goal_1b_nri", "goal_2_completions", "goal_3_enrollments", "goal_4_encounters"}


def expected_group(key: AssetKey, folder: str | None) -> str | None:
    """The group an asset belongs to, worked out from its name and dbt folder (None: any goal/publication)."""
    layer, name = key.path[0], key.path[-1]
    if layer in ("raw", "staging"):
        table = name.removeprefix("stg_").replace("__", "_", 1)
        return next(group for prefix, group in SOURCE_OF_TABLE if table.startswith(prefix))
    if layer == "seeds":
        return "definitions"
    if layer == "outputs" or folder in ("metrics", "reconciliation", "history", "_deprecated"):
        return "publication"
    return folder if layer == "marts" else None


def test_assets_are_grouped_by_source_system_and_goal():
    """Issue 18 item 5: the global lineage showed 22 groups (raw_<source>, staging_<source>, intermediate,
    one per mart folder, default). Now: one group per source system with its raw and staging assets, one
    per goal, the seeds, the publication: 12 at most, every asset where its name and folder say."""
    import json

    from orchestration.project import dbt_project

    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    folder = {n["name"]: n["fqn"][2] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    graph = defs.resolve_asset_graph()
    group = {k: graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert set(group.values()) == {"cbp", "mpp_pages", "ohss", "eoir", "uscis", *GOALS, "definitions", "publication"}
    assert len(set(group.values())) <= 12
    wrong = {k.to_user_string(): g for k, g in group.items()
             if (expected_group(k, folder.get(k.path[-1])) or g) != g}
    assert not wrong, wrong
    by_name = {k.path[-1]: g for k, g in group.items()}
    # intermediate models sit with the goal whose rule they implement
    assert by_name["int_relief_grants"] == "goal_1a_relief"
    assert by_name["int_initial_completions"] == by_name["int_mpp_cases_identified"] == "goal_2_completions"
    assert by_name["int_ohss_book_out_totals_checked"] == by_name["int_cbp_mpp_rows_classified"] == "goal_3_enrollments"
    assert by_name["int_swb_encounters_unioned"] == "goal_4_encounters"
    assert by_name["int_nri_referrals_as_of"] == "goal_1b_nri"
    assert by_name["int_headline_figures"] == "publication"
    assert {g for k, g in group.items() if k.path[0] == "intermediate"} <= GOALS | {"publication"}
    # the load history of a raw table is with that table, not in 'default'
    assert by_name["cbp_sw_encounters_aor__history"] == "cbp"


def test_each_goal_group_explains_its_goal():
    """Dagster has no group descriptions: every asset of a goal group states its goal (the DHS document's
    measure) right after its own description, before its SQL, and carries the tag goal=<id>, so the group
    view of a goal says what the goal is; assets of other groups carry neither."""
    from orchestration.assets.groups import GROUPS

    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node, group = graph.get(key), graph.get(key).group_name
        if group in GOALS:
            goal = group.split("_")[1]
            description, note = node.description or "", f"**{group}**: {GROUPS[group]}"
            assert note in description.split("\n\n")[:2], key  # right after the asset's own description
            sql = description.find("#### Raw SQL")
            assert sql == -1 or description.find(note) < sql, key
            assert GROUPS[group].startswith(f"Goal {goal}: ") and node.tags.get("goal") == goal, key
        else:
            assert "goal" not in node.tags and "**goal_" not in (node.description or ""), key
    assert "in absentia" not in GROUPS["goal_4_encounters"] and "Southwest Border" in GROUPS["goal_4_encounters"]


def test_every_dbt_test_has_a_description_in_the_ui():
    """Issue 18 item 5: 320 of 331 dbt tests had no description, so their asset checks showed none. Every
    test node of target/manifest.json is described: singular and custom generic tests by ``description:`` in
    their YAML, dbt's built-in generic tests and the project's grain test by a sentence from their arguments; and the asset check of
    every test carries that description."""
    import json

    from orchestration.assets.dbt_models import BUILT_IN_TESTS, mpp_dbt_models, test_description
    from orchestration.project import dbt_project

    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    tests = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "test"}
    custom = [n["name"] for n in tests.values() if not (n.get("description") or "").strip()
              and (n.get("test_metadata") or {}).get("name") not in BUILT_IN_TESTS]
    assert not custom, f"singular / custom generic dbt tests without description: (add description: in YAML) {custom}"
    assert all(test_description(n) for n in tests.values())
    checks = {s.metadata["dagster_dbt/unique_id"]: s.description for s in mpp_dbt_models.check_specs}
    assert set(checks) == set(tests) and all(checks.values())
    unique = next(uid for uid, n in tests.items() if n["name"] == "unique_swb_encounters_monthly_month_start")
    assert checks[unique] == "`month_start` of swb_encounters_monthly identifies one row: no value occurs twice."
    [values] = [d for uid, d in checks.items() if tests[uid]["name"].startswith("accepted_values_swb_encounters_source_re")]
    assert values == "`check_status` of swb_encounters_source_reconciliation takes only the values 'agrees', 'warns', 'blocks'."


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
    assert specs[(AssetKey(["marts", "relief_cases"]), "ge_relief_grants")].blocking
    assert specs[(AssetKey(["marts", "case_outcomes"]), "ge_enrolled_cases")].blocking
    assert specs[(AssetKey(["marts", "swb_encounters_monthly"]), "ge_swb_encounters_monthly")].blocking
    assert specs[(AssetKey(["marts", "cbp_page_enrollments_monthly"]), "ge_cbp_enrollments")].blocking
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


def test_the_cli_writes_no_output_itself():
    """Issue 18 item 3: metrics.json and the report are written by their assets only (outputs/metrics_json,
    outputs/report), also for an unchanged build; the CLI runs the job and reads what it wrote."""
    import ast
    from pathlib import Path

    from orchestration import cli

    tree = ast.parse(Path(cli.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not imported & {"write_metrics_json", "write_report", "build_metrics_document", "build_report",
                           "write_json_atomically", "write_atomically"}, imported
    assert not modules & {"orchestration.assets.outputs", "orchestration.assets.report", "orchestration.report",
                          "orchestration.files"}, modules
    # the asset writing metrics.json is the one function doing it
    from orchestration.assets import outputs

    assert "write_metrics_json" in Path(outputs.__file__).read_text(encoding="utf-8")


def test_an_unchanged_build_reports_what_the_outputs_stand_on():
    """The dbt step of an unchanged build reports the assets publication stands on (every mart and seed, the
    printed-total check models, every dbt asset a GE suite validates), so the publish step and the output
    assets run; no staging model (nothing is rebuilt, no dbt test runs again) and not every model, so the
    dbt docs step (downstream of every model) is skipped as before."""
    from orchestration.assets.dbt_docs import DBT_DOCS_KEY
    from orchestration.assets.dbt_models import mpp_dbt_models, outputs_stand_on, topological_order
    from orchestration.assets.published import PUBLISHED_WAREHOUSE_KEY

    reported = outputs_stand_on(mpp_dbt_models.keys)
    graph = defs.resolve_asset_graph()
    publish_deps = set(graph.get(PUBLISHED_WAREHOUSE_KEY).parent_keys)
    assert publish_deps <= reported
    assert AssetKey(["intermediate", "int_initial_completions"]) in reported  # validated by a blocking GE suite
    assert AssetKey(["marts", "headline_metrics"]) in reported
    assert not [k for k in reported if k.path[0] == "staging"]
    docs_deps = set(graph.get(DBT_DOCS_KEY).parent_keys)
    assert docs_deps - reported  # the dbt docs wait for models that are not reported: skipped
    # reported upstream first (Dagster refuses a multi-asset yielding an asset before one it depends on)
    order = {k: i for i, k in enumerate(topological_order(mpp_dbt_models.specs))}
    assert set(order) == set(mpp_dbt_models.keys)
    late = [(s.key, d.asset_key) for s in mpp_dbt_models.specs for d in s.deps
            if d.asset_key in order and order[d.asset_key] > order[s.key]]
    assert late == []
    checked = AssetKey(["intermediate", "int_cbp_mpp_printed_totals_checked"])
    assert order[checked] < order[AssetKey(["intermediate", "int_cbp_mpp_printed_total_discrepancies"])]
