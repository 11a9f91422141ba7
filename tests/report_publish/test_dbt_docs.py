"""dbt documentation: every model and every column in model YAML is described; exposures are declared.

Reads the project's parsed manifest (target/manifest.json, written by `make setup` / `dbt parse`).
"""

from __future__ import annotations

import json

import pytest

from orchestration.project import dbt_project

EXPECTED_EXPOSURES = {"metrics_json", "published_warehouse", "metrics_report"}


@pytest.fixture(scope="module")
def manifest() -> dict:
    path = dbt_project.manifest_path
    if not path.is_file():
        pytest.fail(f"{path} missing: run `make setup` (dbt parse) first")
    return json.loads(path.read_text(encoding="utf-8"))


def project_nodes(manifest: dict, resource_type: str) -> dict[str, dict]:
    return {uid: n for uid, n in manifest["nodes"].items()
            if n["resource_type"] == resource_type and n["package_name"] == manifest["metadata"].get("project_name", "mpp_metrics")}


def test_every_model_and_column_is_described(manifest):
    models = project_nodes(manifest, "model")
    assert len(models) > 30
    undocumented = [uid for uid, n in models.items() if not (n.get("description") or "").strip()]
    undocumented += [f"{uid}.{c}" for uid, n in models.items() for c, col in n["columns"].items()
                     if not (col.get("description") or "").strip()]
    # a deprecated alias of a renamed mart (models/marts/_deprecated) documents its columns on the new mart
    no_columns = [uid for uid, n in models.items() if not n["columns"] and not n.get("deprecation_date")]
    assert not undocumented, undocumented
    assert not no_columns, f"models with no column documentation: {no_columns}"


def test_every_seed_is_described(manifest):
    seeds = project_nodes(manifest, "seed")
    assert [uid for uid, n in seeds.items() if not (n.get("description") or "").strip()] == []


def test_report_published_copy_and_metrics_json_are_exposures_on_the_marts(manifest):
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert EXPECTED_EXPOSURES <= set(exposures)
    for name in EXPECTED_EXPOSURES:
        e = exposures[name]
        assert e["description"].strip() and e["owner"]["name"]
        assert e["depends_on"]["nodes"], name
    assert "model.mpp_metrics.headline_metrics" in exposures["metrics_json"]["depends_on"]["nodes"]
    marts = {uid for uid, n in project_nodes(manifest, "model").items()
             if n["fqn"][1] == "marts" and not n.get("deprecation_date")}
    published = set(exposures["published_warehouse"]["depends_on"]["nodes"])
    assert marts <= published, f"published warehouse exposure misses {sorted(marts - published)}"
    report_reads = set(exposures["metrics_report"]["depends_on"]["nodes"])
    for mart in ("headline_metrics", "swb_encounters_monthly", "court_metrics_history", "published_figures_reconciliation"):
        assert f"model.mpp_metrics.{mart}" in report_reads
