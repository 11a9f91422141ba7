"""Finding 7: meta.check_results and the report's data quality section show the latest result of EVERY
check, from whichever run evaluated it, also after a partial run.

On a copy of the ``pipeline_run`` var/ folder (a full run of mpp_main on small inputs), the sensor's kind of
run is made in-process: one raw asset (the CBP encounters dashboard) and everything downstream of it. It
re-evaluates the checks of those assets only; the checks of the court side (the EOIR suites, warnings
included) are not evaluated again and must still be listed, with the full run's run id.
"""

from __future__ import annotations

import os
import shutil

import pytest
from dagster import AssetKey, AssetSelection, DagsterInstance

from orchestration.publish import open_published
from orchestration.settings import get_settings

CBP_DASHBOARD = AssetKey(["raw", "cbp_sw_encounters_dashboard"])


def check_results(published) -> dict[tuple[str, str], tuple]:
    con = open_published(published)
    try:
        rows = con.execute("select asset_key, check_name, passed, severity, run_id from meta.check_results").fetchall()
    finally:
        con.close()
    return {(a, c): (p, s, r) for a, c, p, s, r in rows}


@pytest.fixture(scope="module")
def partial_run(pipeline_run, tmp_path_factory):
    """(check results after the full run, after the partial run, the partial run's id, its output folder)."""
    from orchestration.definitions import MAIN_JOB_NAME, defs

    full = check_results(pipeline_run.published)
    root = tmp_path_factory.mktemp("partial")
    var, output = root / "var", root / "out"
    shutil.copytree(pipeline_run.var, var, symlinks=True)
    saved = os.environ.get("MPP_VAR_DIR")
    os.environ["MPP_VAR_DIR"] = str(var)
    get_settings.cache_clear()
    try:
        graph = defs.resolve_asset_graph()
        selection = AssetSelection.assets(CBP_DASHBOARD).downstream().resolve(graph)
        config = {**pipeline_run.config, "output_dir": str(output)}
        result = defs.resolve_job_def(MAIN_JOB_NAME).execute_in_process(
            run_config={"resources": {"pipeline": {"config": config}}}, instance=DagsterInstance.ephemeral(),
            asset_selection=sorted(selection, key=lambda k: k.to_user_string()), raise_on_error=False)
        assert result.success, [str(e.event_specific_data.error) for e in result.all_events if e.is_step_failure]
        evaluated = {(e.event_specific_data.asset_key.to_user_string(), e.event_specific_data.check_name)
                     for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
        after = check_results(get_settings().published_dir / "mpp_metrics.duckdb")
    finally:
        if saved is None:
            os.environ.pop("MPP_VAR_DIR", None)
        else:
            os.environ["MPP_VAR_DIR"] = saved
        get_settings.cache_clear()
    return full, after, evaluated, result.run_id, output


def test_a_partial_run_keeps_the_latest_result_of_every_check(partial_run, pipeline_run):
    full, after, evaluated, run_id, _ = partial_run
    court = {k for k in full if "eoir" in k[0] or k[0].startswith(("marts/court", "marts/mpp_"))}
    assert {k for k in court if k[1].endswith("_warnings")}, "the full run evaluates the EOIR warning checks"
    assert evaluated and not evaluated & court, "the partial run must not re-evaluate the court side"
    assert set(after) == set(full)  # every check is still listed
    for key in court:
        assert after[key] == full[key], key  # the full run's result and run id
        assert after[key][2] == pipeline_run.run_id
    for key in evaluated:
        assert after[key][2] == run_id, key  # this run's result, with its run id


def test_the_report_of_a_partial_run_lists_the_court_side_checks(partial_run):
    full, _, _, _, output = partial_run
    html = (output / "report.html").read_text(encoding="utf-8")
    for asset_key, check_name in full:
        assert f"<td>{asset_key}</td><td>{check_name}</td>" in html, (asset_key, check_name)
