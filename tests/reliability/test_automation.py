"""Declarative automation: a new release of one extract rebuilds only what depends on it.

The conditions are evaluated with Dagster's own evaluator (``evaluate_automation_conditions``) against an
ephemeral instance in which every asset has been materialized once; then one raw asset is materialized
again (a new release of that extract) and the next tick must request exactly its downstream assets.
"""

from __future__ import annotations

from dagster import AssetKey, AssetMaterialization, DagsterInstance, evaluate_automation_conditions

from orchestration.definitions import defs

CBP_DASHBOARD = AssetKey(["raw", "cbp_sw_encounters_dashboard"])
EOIR_SCHEDULE = AssetKey(["raw", "eoir_tbl_schedule"])


def _requested_after_new_release(raw_key: AssetKey) -> set[AssetKey]:
    graph = defs.resolve_asset_graph()
    keys = sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())
    instance = DagsterInstance.ephemeral()
    for key in keys:  # the state after a full run: everything materialized, upstream first
        instance.report_runless_asset_event(AssetMaterialization(asset_key=key))
    result = evaluate_automation_conditions(defs=defs, instance=instance)
    assert result.total_requested == 0, "nothing is requested when nothing changed"
    instance.report_runless_asset_event(AssetMaterialization(asset_key=raw_key))
    result = evaluate_automation_conditions(defs=defs, instance=instance, cursor=result.cursor)
    requested = {k for k in keys if result.get_num_requested(k)}
    # and the tick after that requests nothing more (no loop)
    assert evaluate_automation_conditions(defs=defs, instance=instance, cursor=result.cursor).total_requested == 0
    return requested


def test_new_cbp_extract_requests_only_its_downstream():
    requested = _requested_after_new_release(CBP_DASHBOARD)
    assert AssetKey(["staging", "stg_cbp__sw_encounters_dashboard"]) in requested
    assert AssetKey(["marts", "swb_encounters_monthly"]) in requested
    assert AssetKey(["marts", "headline_metrics"]) in requested  # goal 4 is one of the headline figures
    assert AssetKey(["outputs", "metrics_json"]) in requested
    # the court side does not depend on the CBP dashboard: not rebuilt
    assert AssetKey(["staging", "stg_eoir__hearings"]) not in requested
    assert AssetKey(["marts", "court_headline_metrics"]) not in requested
    assert not any(k.path[0] == "raw" for k in requested)
    graph = defs.resolve_asset_graph()
    downstream = {k for k in graph.get_all_asset_keys() if CBP_DASHBOARD in graph.get(k).parent_keys
                  or any(CBP_DASHBOARD in graph.get(p).parent_keys for p in graph.get(k).parent_keys)}
    assert downstream <= requested  # at least the children and grandchildren


def test_new_eoir_release_requests_the_court_side_not_the_cbp_side():
    requested = _requested_after_new_release(EOIR_SCHEDULE)
    assert AssetKey(["staging", "stg_eoir__hearings"]) in requested
    assert AssetKey(["marts", "court_headline_metrics"]) in requested
    assert AssetKey(["staging", "stg_cbp__sw_encounters_dashboard"]) not in requested
    assert AssetKey(["marts", "swb_encounters_monthly"]) not in requested
