"""The analysts' published warehouse as a Dagster asset: ``["outputs", "published_warehouse"]``.

Write-audit-publish (orchestration/publish.py): the asset depends on EVERY mart and seed of the dbt
project (and the printed-total check model), so a failed dbt model, a failed blocking dbt test or a
failed blocking Great Expectations check upstream skips it in the same run: the last good publication
stays in place. As a second guard, when it does run it refuses to publish if the latest evaluation of a
blocking (ERROR) check on any upstream asset failed, e.g. when the asset is materialized alone after a
failed run. Pool ``warehouse``: it reads the build database, so it runs between writers, never beside one.

Where the copy goes is the run's :meth:`PipelineConfig.publication_target`: the analysts' copy, a named
publication, or (an exploratory run not asked to publish) the run's own unpublished copy in its output
folder. meta.check_results gets the latest result of every check of the code location: this run's
evaluations over the target's previous ones (a partial run keeps the other checks' results, with the run
id and time of the run that evaluated them). meta.publication records the dbt build fingerprint it copies.

When the target copy was already made from the warehouse's last dbt build (the dbt step reported the build
unchanged: same fingerprint) and is on disk as the publish step left it (run state ``published_copies``: a
copy written to, replaced or with a Parquet file deleted since is published again), it is kept as it is
(metadata ``republished = False``, the same publication id): the run's metrics.json and report are then
written from it.
"""


import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from dagster import (
    AssetCheckKey,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    DagsterEventType,
    DataVersion,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from orchestration import build_state
from orchestration.assets import groups
from orchestration.assets.common import WAREHOUSE_POOL
from orchestration.publish import (
    CheckResult,
    PublishBlocked,
    latest_check_results,
    previous_check_results,
    publish_warehouse,
    published_paths,
)
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings

PUBLISHED_WAREHOUSE_KEY = AssetKey(["outputs", "published_warehouse"])
#: Layers of the dbt project that are published (or read for the metadata tables).
PUBLISHED_LAYERS = ("marts", "seeds")
EXTRA_UPSTREAM = (AssetKey(["intermediate", "int_cbp_mpp_printed_total_discrepancies"]),
                  AssetKey(["intermediate", "int_ohss_printed_total_discrepancies"]))


def published_upstream_keys(dbt_assets_def: AssetsDefinition) -> list[AssetKey]:
    """Every mart and seed asset of the dbt assets definition (plus the printed-total check model)."""
    keys = [k for k in dbt_assets_def.keys if k.path[0] in PUBLISHED_LAYERS]
    keys += [k for k in EXTRA_UPSTREAM if k in dbt_assets_def.keys]
    return sorted(keys, key=lambda k: k.to_user_string())


def _metadata_json(metadata) -> str:
    """JSON text of a check evaluation's metadata (each MetadataValue by its plain value)."""
    plain = {k: getattr(v, "value", v) for k, v in (metadata or {}).items()}
    return json.dumps(plain, sort_keys=True, default=str)


def _evaluation(event_log_entry) -> CheckResult | None:
    event = getattr(event_log_entry, "dagster_event", None)
    data = getattr(event, "event_specific_data", None)
    if data is None or not hasattr(data, "passed"):
        return None
    evaluated_at = datetime.fromtimestamp(event_log_entry.timestamp, UTC).replace(tzinfo=None)
    return CheckResult(data.asset_key.to_user_string(), data.check_name, bool(data.passed), data.severity.value,
                       description=data.description or "", metadata=_metadata_json(data.metadata),
                       run_id=event_log_entry.run_id, evaluated_at=evaluated_at)


def run_check_results(context: AssetExecutionContext) -> list[CheckResult]:
    """Every asset check evaluated so far in this run (dbt tests, GE suites), in event order."""
    records = context.instance.get_records_for_run(
        run_id=context.run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION, limit=100_000
    ).records
    results = [_evaluation(r.event_log_entry) for r in records]
    return [r for r in results if r is not None]


def _full_asset_graph(context: AssetExecutionContext):
    """The asset graph of the whole job, also when this run materializes a subset of it."""
    job = context.job_def
    while job.asset_selection_data is not None:  # a subset run: walk up to the job it was selected from
        job = job.asset_selection_data.parent_job_def
    return job.asset_layer.asset_graph


def known_check_keys(context: AssetExecutionContext) -> set[tuple[str, str]]:
    """(asset, check name) of every check of the code location's asset graph."""
    return {(k.asset_key.to_user_string(), k.name) for k in _full_asset_graph(context).asset_check_keys}


def latest_failed_blocking_checks(context: AssetExecutionContext, upstream: Sequence[AssetKey]) -> list[str]:
    """Checks on ``upstream`` assets whose latest evaluation (any run) failed with severity ERROR."""
    wanted = set(upstream)
    check_keys: list[AssetCheckKey] = [ck for ck in _full_asset_graph(context).asset_check_keys if ck.asset_key in wanted]
    if not check_keys:
        return []
    latest = context.instance.event_log_storage.get_latest_asset_check_execution_by_key(check_keys)
    failed = []
    for key, record in latest.items():
        if record.status != AssetCheckExecutionRecordStatus.FAILED or record.event is None:
            continue
        result = _evaluation(record.event)
        if result is not None and result.severity == "ERROR":
            failed.append(f"{key.asset_key.to_user_string()}:{key.name}")
    return sorted(failed)


def _publication_of_this_build(database: Path, warehouse: Path) -> str | None:
    """The publication id of the copy ``database`` when it was made from the warehouse's last successful dbt
    build (same build fingerprint in meta.publication); None otherwise (nothing to keep: publish)."""
    build = build_state.last_build(warehouse)
    if build is None or build_state.published_build(database) != build:
        return None
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute("select publication_id from meta.publication").fetchone()[0]
    except duckdb.Error:
        return None
    finally:
        con.close()


def build_published_warehouse_asset(upstream: Sequence[AssetKey]) -> AssetsDefinition:
    """The publish asset, downstream of ``upstream`` (the real graph: every mart and seed)."""
    upstream = list(upstream)

    @asset(
        key=PUBLISHED_WAREHOUSE_KEY,
        group_name=groups.PUBLICATION,
        deps=upstream,
        kinds={"duckdb", "parquet"},
        pool=WAREHOUSE_POOL,
        description=(
            "The analysts' read-only copy: var/published/mpp_metrics.duckdb (marts, seeds, meta.*) and "
            "var/published/parquet/, built beside the old copy and swapped in atomically only when every "
            "blocking check upstream passed (orchestration/publish.py)."
        ),
    )
    def published_warehouse(context: AssetExecutionContext, pipeline: PipelineConfig) -> MaterializeResult:
        """Copy, audit and swap in the published warehouse; raise PublishBlocked on a failed blocking check."""
        settings = get_settings()
        target = pipeline.publication_target()
        checks = run_check_results(context)
        stale_failures = latest_failed_blocking_checks(context, upstream)
        if stale_failures:
            raise PublishBlocked(
                "latest evaluation of blocking check(s) failed, nothing published: " + ", ".join(stale_failures)
            )
        db, parquet = published_paths(target.directory)
        kept = _publication_of_this_build(target.database, settings.warehouse)
        if kept is not None and not build_state.copy_untouched(target.directory, build_state.copy_identity(db, parquet)):
            context.log.warning(f"{target.describe()} was changed since it was published: published again")
            kept = None
        if kept is not None:  # the dbt step reported its build unchanged: this copy was made from it, untouched
            context.log.info(f"{target.describe()} already holds this build ({kept}): kept as it is")
            return MaterializeResult(
                data_version=DataVersion(kept),
                metadata={"path": MetadataValue.path(str(db)), "parquet": MetadataValue.path(str(parquet)),
                          "publication_id": kept, "published": target.published, "as_of": pipeline.as_of,
                          "republished": False, "checks_evaluated_in_run": len(checks)},
            )
        latest = latest_check_results(previous_check_results(target.directory), checks, known_check_keys(context))
        result = publish_warehouse(
            settings.warehouse,
            target.directory,
            as_of_date=pipeline.as_of,
            run_id=context.run.run_id,
            checks=latest,
            build_fingerprint=build_state.last_build(settings.warehouse),
            publication_name=target.name,
            published=target.published,
        )
        build_state.record_copy(target.directory, build_state.copy_identity(db, parquet))
        if target.published:
            context.log.info(f"published {len(result.tables)} tables to {target.describe()} ({result.publication_id})")
        else:
            context.log.warning(f"{target.note}; {target.describe()}")
        return MaterializeResult(
            data_version=DataVersion(result.publication_id),
            metadata={
                "path": MetadataValue.path(str(result.database)),
                "parquet": MetadataValue.path(str(result.parquet_dir)),
                "publication_id": result.publication_id,
                "published": target.published,
                "as_of": pipeline.as_of,
                "tables": len(result.tables),
                "checks_evaluated_in_run": len(checks),
                "checks_recorded": len(latest),
                "republished": True,
            }
        )

    return published_warehouse
