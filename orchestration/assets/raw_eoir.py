"""Raw ingestion of the EOIR court release: one multi-asset that lands the five required tables.

Keys ``["raw", "eoir_a_tblcase"]`` ... ``["raw", "eoir_tbl_schedule"]`` (group ``raw_eoir``, pool
``warehouse``); release lookup tables, when present, land beside them as ``raw.eoir_lookup_*``.

Which release: the run's ``pipeline.eoir_release`` (``mpp-metrics run --eoir-release PATH``: a folder or
the published zip), else the bundled synthetic release, generated deterministically on first use into
``var/generated/`` (it is always labelled synthetic: marker file -> ``_input_kind = 'synthetic'``).

Columns: by default only the columns the models read land (``TableSpec.used``; the dbt source declares the
same list); ``pipeline.eoir_all_columns`` (``--eoir-all-columns``) lands every column of the release.

Count.txt and lineage: the reader checks every file against the release's Count.txt (a release without
one loads with a warning) and diffs each table only against a previous load of the same lineage (the first
real release after the demo is a new baseline); metadata ``count_txt_rows`` (-1: not listed) and ``diff_*``.

Incremental: when every file of the release has the sha256 of the current load and the current raw tables
hold the columns the column policy asks for, nothing is read again; the assets report the current load with
``skipped_same_hash = True`` and the same data version, so nothing downstream is stale.
"""

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

from dagster import AssetExecutionContext, AssetKey, AssetSpec, DataVersion, MaterializeResult, multi_asset

from orchestration.assets import groups
from orchestration.assets.common import WAREHOUSE_POOL, load_metadata
from orchestration.bundled import ensure_bundled_release
from orchestration.checkpoints import checkpoint
from orchestration.eoir.reader import (
    CountMismatchError,
    check_count,
    landed_columns,
    load_release,
    open_release_file,
    value_columns,
)
from orchestration.eoir.release import REQUIRED_TABLES, locate_release
from orchestration.raw.ledger import LoadResult, current_load, load_transaction, unchanged_loads
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings
from orchestration.state import cached_sha256


def release_file_hashes(release_path: Path) -> dict[str, str]:
    """sha256 of every file of a release (zip members hashed from the archive), keyed by raw table.

    Hashes are cached by file size and mtime (orchestration.state), so an unchanged release is not re-read.
    """
    hashes = {}
    for rf in locate_release(release_path).files:
        if rf.zip_path is not None:
            digest = cached_sha256(rf.zip_path, lambda rf=rf: open_release_file(rf), member=rf.member)
        else:
            digest = cached_sha256(Path(rf.member))
        hashes[rf.spec.raw_table] = digest
    return hashes


REQUIRED_RAW_TABLES = [spec.raw_table for spec in REQUIRED_TABLES]


def check_counts_of_loaded_release(con, release) -> None:
    """An unchanged release (every file's sha256 already loaded) is not re-read, but its Count.txt is still
    compared with the loads its files match (reader.check_count), so a Count.txt that disagrees with the data
    blocks as it would on a first load. Raises CountMismatchError naming Count.txt, the table and both
    numbers."""
    for rf in release.files:
        expected = (release.counts or {}).get(rf.spec.name.lower())
        current = current_load(con, rf.spec.raw_table)
        if expected is None or current is None:
            continue
        try:
            check_count(SimpleNamespace(**vars(current), count_expected=expected))
        except CountMismatchError as exc:
            raise CountMismatchError(f"{release.count_file} does not match the data of this release: {exc}") from exc


@multi_asset(
    name="raw_eoir_release",
    specs=[
        AssetSpec(
            key=AssetKey(["raw", table]),
            group_name=groups.source_group("eoir"),
            kinds={"duckdb", "csv"},
            description=(
                f"raw.{table}: the EOIR FOIA release table (TAB-delimited Latin-1 text), the columns the models "
                "read (or every column with eoir_all_columns), VARCHAR, one row per distinct data row; repaired "
                "or quarantined rows accounted for in raw._load_ledger / raw._rejects."
            ),
        )
        for table in REQUIRED_RAW_TABLES
    ],
    pool=WAREHOUSE_POOL,
)
def raw_eoir_release(context: AssetExecutionContext, pipeline: PipelineConfig) -> Iterator[MaterializeResult]:
    """Land the chosen EOIR release (see module docstring); one materialization per required table."""
    release_path = Path(pipeline.eoir_release).expanduser().resolve() if pipeline.eoir_release else ensure_bundled_release()
    context.log.info(f"EOIR release: {release_path}")
    hashes = release_file_hashes(release_path)
    with load_transaction(get_settings().warehouse) as con:
        columns_ok = all(
            value_columns(con, rf.spec.raw_table) == landed_columns(rf, pipeline.eoir_all_columns)
            for rf in locate_release(release_path).files if rf.spec.required
        )
        same = unchanged_loads(con, hashes) if columns_ok else None
        if same is not None:
            check_counts_of_loaded_release(con, locate_release(release_path))
            results: list[LoadResult] = [r for r in same if r.table_name in REQUIRED_RAW_TABLES]
            context.log.info("EOIR release unchanged (same sha256 for every file): nothing re-read")
        else:
            results = list(load_release(con, release_path, thresholds=pipeline.diff_thresholds(),
                                        all_columns=pipeline.eoir_all_columns,
                                        memory_limit=get_settings().duckdb_memory_limit))
            if locate_release(release_path).count_file is None:
                context.log.warning(f"EOIR release {release_path.name} has no Count.txt: row counts not checked")
            checkpoint("eoir_before_commit")
    for result in results:
        if result.table_name not in REQUIRED_RAW_TABLES:
            continue
        meta = load_metadata(result)
        meta["release"] = str(release_path)
        meta["rows_repaired"] = getattr(result, "rows_repaired", 0)
        count = getattr(result, "count_expected", None)
        meta["count_txt_rows"] = -1 if count is None else count
        diff = getattr(result, "diff", None)
        if diff is not None:
            meta.update(diff.metadata())
            log = context.log.warning if diff.status != "ok" else context.log.info
            log(f"release diff ({diff.status}): {diff.summary()}")
        if result.rows_quarantined:
            context.log.warning(f"raw.{result.table_name}: {result.rows_quarantined} rows quarantined (raw._rejects)")
        yield MaterializeResult(
            asset_key=AssetKey(["raw", result.table_name]),
            metadata=meta,
            data_version=DataVersion(result.sha256),
        )
