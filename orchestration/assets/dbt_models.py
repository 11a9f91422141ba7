"""Every dbt model, seed and test as Dagster assets and asset checks (dagster-dbt).

Asset keys: a dbt source table in schema ``raw`` maps to ``["raw", <table>]``, the key of its ingestion
asset, so lineage needs no extra wiring; models and seeds keep their names. Groups (orchestration/assets/
groups.py): staging models with their source system's raw tables, marts and intermediate models with their
goal, seeds in ``definitions``, the headline figures in ``publication``; a goal's assets end their description
with the goal's statement and carry the tag ``goal``.
dbt tests run as asset checks (source tests included), each described: by its ``description:`` in YAML, or,
for dbt's four built-in generic tests (not_null, unique, accepted_values, relationships), by a sentence
saying what it asserts (:func:`test_description`). The run's settings reach dbt as ``--vars``.
"""


import graphlib
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    DataVersion,
    MaterializeResult,
)
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from expectations.registry import SUITES
from orchestration import build_state, partial_parse
from orchestration.assets import groups
from orchestration.assets.common import WAREHOUSE_POOL
from orchestration.assets.published import EXTRA_UPSTREAM, PUBLISHED_LAYERS
from orchestration.checkpoints import checkpoint
from orchestration.locking import warehouse_write_lock
from orchestration.project import dbt_project
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings


class MppDbtTranslator(DagsterDbtTranslator):
    """Maps dbt nodes to this project's asset keys and groups (see module docstring)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source" and dbt_resource_props.get("schema") == "raw":
            return AssetKey(["raw", dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "seed":
            return groups.SEEDS
        if resource_type == "source":
            return groups.source_group(dbt_resource_props["source_name"])
        if resource_type == "model":
            return groups.model_group(list(dbt_resource_props["fqn"]))
        return super().get_group_name(dbt_resource_props)

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """dagster-dbt's description (the model's own, then its raw SQL) with the goal's statement right after
        the model's own description."""
        description = super().get_description(dbt_resource_props)
        own = (dbt_resource_props.get("description") or "").strip()
        note = groups.goal_note(self.get_group_name(dbt_resource_props) or "")
        if own and description.startswith(own):
            return own + note + description[len(own):]
        return note.lstrip() + ("\n\n" + description if description else "")

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        return {**super().get_tags(dbt_resource_props),
                **groups.goal_tags(self.get_group_name(dbt_resource_props) or "")}

    def get_asset_check_spec(self, asset_spec: AssetSpec, manifest: Mapping[str, Any], unique_id: str,
                             project: Any) -> AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=test_description(manifest["nodes"][unique_id]))


#: dbt's built-in generic tests and the project's grain test (macros/tests/): what each asserts, from its arguments
BUILT_IN_TESTS = {
    "unique_combination_of_columns": "{columns} of {model} identify one row: no combination occurs twice "
                                     "(NULL counting as a value).",
    "not_null": "`{column}` of {model} is never null.",
    "unique": "`{column}` of {model} identifies one row: no value occurs twice.",
    "accepted_values": "`{column}` of {model} takes only the values {values}.",
    "relationships": "Every `{column}` of {model} exists as `{field}` of {to}.",
}


def test_description(test: Mapping[str, Any]) -> str | None:
    """The description of a dbt test node: its own (YAML ``description:``), else a sentence for a built-in
    generic test; None for any other test without one (tests/foundation/test_definitions.py fails on it)."""
    if test.get("description"):
        return test["description"]
    meta = test.get("test_metadata") or {}
    template = BUILT_IN_TESTS.get(meta.get("name", ""))
    if template is None:
        return None
    kwargs = {**meta.get("kwargs", {}), **meta.get("kwargs", {}).get("arguments", {})}
    return template.format(
        column=kwargs.get("column_name", ""), model=_relation_name(kwargs.get("model", "")),
        values=", ".join(repr(v) for v in kwargs.get("values", [])), field=kwargs.get("field", ""),
        to=_relation_name(kwargs.get("to", "")),
        columns=" x ".join(f"`{c}`" for c in kwargs.get("combination_of_columns", [])),
    )


def _relation_name(jinja: str) -> str:
    """``x`` of ``ref('x')`` / ``source('s', 'x')`` (inside a test's ``model`` / ``to`` argument)."""
    names = re.findall(r"""['"]([^'"]+)['"]""", str(jinja))
    return names[-1] if names else str(jinja)


translator = MppDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def mpp_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineConfig) -> Iterator[Any]:
    """``dbt build`` of the selected models with this run's vars (as-of date and open-choice switches).

    Incremental: when the build's fingerprint (current raw loads, dbt vars, dbt project files, selection)
    equals that of the last successful build AND of the copy this run publishes to (so the build was
    checked and published, build_state.published_build), nothing is rebuilt: the step reports the build
    unchanged (:func:`unchanged_build_results`), so the steps that write this run's outputs still run.
    """
    warehouse = get_settings().warehouse
    # profiles.yml reads the warehouse path from MPP_WAREHOUSE; the dbt subprocess inherits it.
    os.environ["MPP_WAREHOUSE"] = str(warehouse)
    # the write lock of the warehouse for the whole build (re-entered when the CLI already holds it)
    with warehouse_write_lock(warehouse, log=context.log.info):
        selection = sorted(k.to_user_string() for k in context.selected_asset_keys)
        build_fingerprint = build_state.build_fingerprint(warehouse, pipeline.dbt_vars(), selection)
        done = build_state.published_build(pipeline.publication_target().database) == build_fingerprint
        if done and build_state.last_build(warehouse) == build_fingerprint and build_state.marts_match(
            warehouse, pipeline.dbt_vars()
        ):
            context.log.info("inputs, settings and dbt project unchanged since the last build: nothing to rebuild")
            yield from unchanged_build_results(context, build_fingerprint,
                                               build_state.check_results(warehouse, build_fingerprint))
            return
        # unit tests check the SQL on fixed fixtures, not the data: they run in the test suite
        # (tests/e2e/test_dbt_unit_tests.py), as dbt advises, not in every production build
        args = ["build", "--exclude-resource-type", "unit_test", "--vars", pipeline.dbt_vars_json()]
        invocation = dbt.cli(args, context=context)
        checks: list[dict] = []
        try:
            for i, event in enumerate(invocation.stream()):
                if isinstance(event, AssetCheckResult):
                    checks.append(check_record(event))
                yield event
                if i == 0:
                    checkpoint("dbt_mid_build")
        except BaseException:
            # never leave a dbt process writing to the warehouse after this step has failed
            if invocation.process.poll() is None:
                invocation.process.terminate()
                invocation.process.wait(timeout=30)
            raise
        build_state.record_build(warehouse, build_fingerprint)
        build_state.record_check_results(warehouse, build_fingerprint, checks)
        partial_parse.keep(invocation.target_path, args)
        checkpoint("after_dbt_build")
    prune_run_targets(dbt_project.project_dir / "target", keep=KEEP_RUN_TARGETS)


def outputs_stand_on(dbt_keys: Iterable[AssetKey]) -> set[AssetKey]:
    """The dbt assets the run's outputs stand on: what the published copy is made of (every mart and seed,
    the printed-total check models: published.published_upstream_keys) and every dbt asset a Great
    Expectations suite validates (the publishing gate waits for their blocking checks)."""
    keys = set(dbt_keys)
    validated = {AssetKey(list(s.asset_key)) for s in SUITES}
    return {k for k in keys if k.path[0] in PUBLISHED_LAYERS or k in EXTRA_UPSTREAM or k in validated}


def check_record(result: AssetCheckResult) -> dict:
    """What the run state keeps of a dbt test's result (:func:`unchanged_build_results` reports it again)."""
    return {"asset": result.asset_key.to_user_string(), "check": result.check_name, "passed": bool(result.passed),
            "severity": result.severity.value}


def unchanged_build_results(context: AssetExecutionContext, build_fingerprint: str,
                            checks: Iterable[dict] = ()) -> Iterator[MaterializeResult | AssetCheckResult]:
    """An unchanged build, reported: one result per selected asset the outputs stand on (:func:`outputs_stand_on`),
    metadata ``rebuilt = False`` and the build fingerprint as data version, so nothing downstream is stale.

    Why report anything: a dbt asset the step does not yield counts as skipped, and Dagster skips every step
    downstream of a skipped asset (conditional outputs); the run's metrics.json and report, downstream of the
    publish step, would then not be written (a run into a new output folder, or from the UI). So the step
    reports the assets publication stands on: their Great Expectations checks answer from the run state
    (keyed on this build), the publish step keeps the copy already made from this build, and metrics.json and
    the report are written from it. The other models (staging, most intermediates) are not reported, so
    steps that need all of them (the dbt docs) are skipped as before, and no dbt test is evaluated again:
    the results the dbt tests had in that build (``checks``, the run state's ``dbt_check_results``, sources'
    tests included) are reported again, marked ``rerun = False``, so a warning test still shows as such and
    no blocking check is left without a result (Dagster warned once per check and downstream step).
    """
    reported = outputs_stand_on(context.selected_asset_keys)
    for key in topological_order(context.assets_def.specs):  # Dagster wants upstream assets first
        if key not in reported:
            continue
        yield MaterializeResult(asset_key=key, data_version=DataVersion(build_fingerprint),
                                metadata={"rebuilt": False, "build_fingerprint": build_fingerprint})
    selected_checks = context.selected_asset_check_keys
    for check in checks:
        key = AssetKey.from_user_string(check["asset"])
        if AssetCheckKey(key, check["check"]) in selected_checks:
            yield AssetCheckResult(asset_key=key, check_name=check["check"], passed=check["passed"],
                                   severity=AssetCheckSeverity(check["severity"]),
                                   metadata={"rerun": False, "build_fingerprint": build_fingerprint})


def topological_order(specs: Iterable[AssetSpec]) -> list[AssetKey]:
    """The keys of ``specs``, every asset after the assets of ``specs`` it depends on (directly or not); ties
    by key, so the order is always the same."""
    specs = sorted(specs, key=lambda spec: spec.key.to_user_string())
    own = {spec.key for spec in specs}
    sorter = graphlib.TopologicalSorter(
        {spec.key: sorted((d.asset_key for d in spec.deps if d.asset_key in own), key=lambda k: k.to_user_string())
         for spec in specs})
    return list(sorter.static_order())


#: dagster-dbt writes one target folder per invocation (target/<asset>-<id>); keep the newest few.
KEEP_RUN_TARGETS = 5


def prune_run_targets(target_dir: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest per-run dbt target folders (``<target>/mpp_dbt_models-*``,
    ``<target>/*-*`` made by dagster-dbt); the project's own manifest (``target/manifest.json``) stays.
    Returns the folders removed."""
    runs = sorted((p for p in target_dir.glob("*-*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = runs[keep:]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed
