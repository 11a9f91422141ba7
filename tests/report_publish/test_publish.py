"""Write-audit-publish on small hand-made build warehouses (orchestration/publish.py and its asset).

- the copy holds marts, seeds and meta.* (inputs, quarantine counts), never the rejected text;
- a reader holding the published file open in another process keeps its consistent old view while a new
  publication is swapped in, and the publish does not fail;
- a failed audit, a privacy violation or a failed blocking check upstream leaves the last good
  publication untouched (same bytes, same Parquet link).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetCheckResult,
    AssetKey,
    AssetSelection,
    DagsterInstance,
    Definitions,
    asset,
    asset_check,
    define_asset_job,
)

from orchestration.assets.published import PUBLISHED_WAREHOUSE_KEY, build_published_warehouse_asset
from orchestration.publish import (
    PARQUET_LINK_NAME,
    PUBLISHED_DB_NAME,
    CheckResult,
    PublishBlocked,
    PublishError,
    open_published,
    publish_warehouse,
)
from orchestration.resources import PipelineConfig

from .conftest import make_small_build


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(published_dir: Path) -> tuple[str, str, list[str]]:
    """(sha256 of the DuckDB file, Parquet link target, sorted folder listing) of a publication."""
    return (
        sha256(published_dir / PUBLISHED_DB_NAME),
        os.readlink(published_dir / PARQUET_LINK_NAME),
        sorted(p.name for p in published_dir.iterdir()),
    )


def test_publish_copies_marts_seeds_and_metadata_without_rejected_text(small_build):
    result = publish_warehouse(small_build.warehouse, small_build.published_dir, as_of_date="2020-12-31", run_id="r1")
    assert result.database == small_build.published_dir / PUBLISHED_DB_NAME
    con = open_published(result.database)
    try:
        assert con.execute("select value from marts.headline_metrics where period is null").fetchone()[0] == 42
        assert con.execute("select count(*) from seeds.mpp_phases").fetchone()[0] == 1
        assert con.execute("select source_file, rows_quarantined from meta.inputs").fetchall() == [("A_TblCase.csv", 2)]
        assert con.execute("select reason_code, rows_quarantined from meta.quarantine").fetchall() == [("too_many_fields", 2)]
        assert con.execute("select publication_id, run_id from meta.publication").fetchone() == (result.publication_id, "r1")
        case_level = con.execute("select schema_name || '.' || table_name from meta.tables where carries_case_ids").fetchall()
        assert case_level == [("marts.court_metric_cases",)]
        schemas = {r[0] for r in con.execute("select distinct table_schema from information_schema.tables").fetchall()}
        assert schemas == {"marts", "seeds", "meta"}, "raw / staging / intermediate are never published"
        columns = {r[0] for r in con.execute("select column_name from information_schema.columns").fetchall()}
        assert "raw_text" not in columns
    finally:
        con.close()
    parquet = small_build.published_dir / PARQUET_LINK_NAME
    assert parquet.is_symlink()
    rows = duckdb.execute(f"select value from read_parquet('{parquet}/marts__headline_metrics.parquet') where period is null").fetchall()
    assert rows == [(42,)]
    assert json.loads((parquet / "_publication.json").read_text())["publication_id"] == result.publication_id
    leftovers = [p.name for p in small_build.published_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []


READER = textwrap.dedent(
    """
    import json, sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    def view():
        return [con.execute("select value from marts.headline_metrics where period is null").fetchone()[0],
                con.execute("select publication_id from meta.publication").fetchone()[0],
                con.execute("select count(*) from marts.court_metric_cases").fetchone()[0]]
    print(json.dumps(view()), flush=True)
    sys.stdin.readline()  # hold the connection open until the test has published again
    print(json.dumps(view()), flush=True)
    """
)


def test_reader_holding_the_published_file_does_not_block_or_see_a_torn_publish(small_build):
    first = publish_warehouse(small_build.warehouse, small_build.published_dir, as_of_date="2020-12-31")
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(first.database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        before = json.loads(reader.stdout.readline())
        assert before == [42, first.publication_id, 3]
        # a new build: other value, more case rows; the reader still holds the old file open
        make_small_build(small_build.warehouse, value=43)
        small_build.sql("insert into marts.court_metric_cases select 'g2_initial_completions', null, 100 + range from range(5)")
        second = publish_warehouse(small_build.warehouse, small_build.published_dir, as_of_date="2020-12-31")
        reader.stdin.write("\n")
        reader.stdin.flush()
        after = json.loads(reader.stdout.readline())
        assert reader.wait(timeout=30) == 0, reader.stderr.read()
    finally:
        if reader.poll() is None:
            reader.kill()
    assert after == before, "an open reader keeps its consistent view of the old publication"
    con = open_published(second.database)
    try:
        got = con.execute("select (select value from marts.headline_metrics where period is null), "
                          "(select publication_id from meta.publication), (select count(*) from marts.court_metric_cases)").fetchone()
    finally:
        con.close()
    assert got == (43, second.publication_id, 8)
    # the Parquet folder of the previous publication is kept for readers in flight, older ones pruned
    folders = sorted(p.name for p in small_build.published_dir.glob(f"{PARQUET_LINK_NAME}-*"))
    assert folders == sorted([f"{PARQUET_LINK_NAME}-{first.publication_id}", f"{PARQUET_LINK_NAME}-{second.publication_id}"])


@pytest.mark.parametrize(
    "breakage, error",
    [
        ("create table marts.free_text_notes as select 1 as case_ref, 'x' as raw_text", "forbidden column"),
        ("create table marts.person_level as select 1 as case_id", "not in CASE_LEVEL_TABLES"),
        ("update marts.headline_metrics set as_of_date = '2020-11-30'", "not 2020-12-31"),
        ("drop table marts.headline_metrics", "headline_metrics is missing"),
    ],
)
def test_failed_publish_leaves_the_last_good_publication_untouched(small_build, breakage, error):
    publish_warehouse(small_build.warehouse, small_build.published_dir, as_of_date="2020-12-31")
    before = snapshot(small_build.published_dir)
    small_build.sql(breakage)
    with pytest.raises(PublishError, match=error):
        publish_warehouse(small_build.warehouse, small_build.published_dir, as_of_date="2020-12-31")
    assert snapshot(small_build.published_dir) == before


def test_failed_blocking_check_result_refuses_to_publish(small_build):
    with pytest.raises(PublishBlocked, match="marts/headline_metrics:not_null"):
        publish_warehouse(small_build.warehouse, small_build.published_dir,
                          checks=[CheckResult("marts/headline_metrics", "not_null", False, "ERROR")])
    assert not (small_build.published_dir / PUBLISHED_DB_NAME).exists()
    # a failed WARN check is recorded, not blocking
    publish_warehouse(small_build.warehouse, small_build.published_dir,
                      checks=[CheckResult("marts/headline_metrics", "warn_only", False, "WARN")])
    con = open_published(small_build.published_dir / PUBLISHED_DB_NAME)
    try:
        assert con.execute("select check_name, passed from meta.check_results").fetchall() == [("warn_only", False)]
    finally:
        con.close()


def _toy_job(passes: bool):
    """Job ``toy`` of a mart with a blocking check and the real publish asset downstream of it."""
    mart_key = AssetKey(["marts", "headline_metrics"])

    @asset(key=mart_key)
    def headline_metrics() -> None:
        """Stands for the dbt model (the small build already holds the table)."""

    @asset_check(asset=mart_key, blocking=True)
    def headline_is_sane() -> AssetCheckResult:
        return AssetCheckResult(passed=passes)

    defs = Definitions(
        assets=[headline_metrics, build_published_warehouse_asset([mart_key])],
        asset_checks=[headline_is_sane],
        jobs=[define_asset_job("toy", AssetSelection.all())],
        resources={"pipeline": PipelineConfig()},
    )
    return defs.resolve_job_def("toy")


def test_blocking_check_failing_upstream_skips_the_publish_asset(small_build):
    instance = DagsterInstance.ephemeral()
    ok = _toy_job(passes=True).execute_in_process(instance=instance)
    assert ok.asset_materializations_for_node("outputs__published_warehouse")
    before = snapshot(small_build.published_dir)

    make_small_build(small_build.warehouse, value=999)  # a new build whose check fails
    failed = _toy_job(passes=False).execute_in_process(instance=instance, raise_on_error=False)
    assert not failed.asset_materializations_for_node("outputs__published_warehouse")
    assert snapshot(small_build.published_dir) == before
    con = open_published(small_build.published_dir / PUBLISHED_DB_NAME)
    try:
        assert con.execute("select value from marts.headline_metrics where period is null").fetchone()[0] == 42
    finally:
        con.close()

    # materializing the publish asset alone afterwards is refused too: the latest evaluation failed
    alone = _toy_job(passes=False).execute_in_process(
        instance=instance, asset_selection=[PUBLISHED_WAREHOUSE_KEY], raise_on_error=False
    )
    assert not alone.success
    [failure] = [e for e in alone.all_events if e.is_step_failure]
    assert "blocking check(s) failed" in str(failure.event_specific_data.error)
    assert snapshot(small_build.published_dir) == before


def test_check_results_keep_the_latest_result_of_every_check(small_build):
    """meta.check_results: this run's evaluations over the previous publication's, removed checks dropped;
    meta.publication records the build fingerprint, the publication name and whether it is published."""
    from datetime import datetime

    from orchestration.publish import latest_check_results, previous_check_results

    t1, t2 = datetime(2026, 1, 1, 2), datetime(2026, 1, 2, 2)
    first = [CheckResult("raw/eoir_tbl_schedule", "ge_eoir_warnings", False, "WARN", "orphans", '{"failed_count": 1}',
                         "run1", t1),
             CheckResult("raw/cbp_x", "ge_cbp", True, "ERROR", run_id="run1", evaluated_at=t1),
             CheckResult("raw/gone", "ge_gone", True, "ERROR", run_id="run1", evaluated_at=t1)]
    publish_warehouse(small_build.warehouse, small_build.published_dir, checks=first, build_fingerprint="fp1")
    previous = previous_check_results(small_build.published_dir)
    assert sorted(previous, key=lambda c: c.key) == sorted(first, key=lambda c: c.key)
    partial = [CheckResult("raw/cbp_x", "ge_cbp", True, "ERROR", run_id="run2", evaluated_at=t2)]
    known = {c.key for c in first} - {("raw/gone", "ge_gone")}
    latest = latest_check_results(previous, partial, known)
    publish_warehouse(small_build.warehouse, small_build.published_dir, checks=latest, build_fingerprint="fp2",
                      publication_name="", published=True)
    con = open_published(small_build.published_dir / PUBLISHED_DB_NAME)
    try:
        rows = con.execute("select asset_key, check_name, passed, run_id, evaluated_at, metadata "
                           "from meta.check_results order by 1").fetchall()
        publication = con.execute("select build_fingerprint, publication_name, published from meta.publication").fetchone()
    finally:
        con.close()
    assert rows == [("raw/cbp_x", "ge_cbp", True, "run2", t2, "{}"),
                    ("raw/eoir_tbl_schedule", "ge_eoir_warnings", False, "run1", t1, '{"failed_count": 1}')]
    assert publication == ("fp2", "", True)


def test_a_killed_publishs_temporary_files_are_removed_by_a_later_publish(tmp_path):
    """Break-it pass: a publish SIGKILLed after it began writing left .mpp_metrics.duckdb.<id>.tmp (and its
    .wal, ~10 MB) for good. A later publish removes such files once they are hours old; fresh ones stay
    (another publish may be writing them)."""
    from orchestration.publish import STALE_TEMPORARY_SECONDS, remove_stale_temporaries

    old_db = tmp_path / ".mpp_metrics.duckdb.20261201T000000Z-aaaa.tmp"
    old_wal = tmp_path / ".mpp_metrics.duckdb.20261201T000000Z-aaaa.tmp.wal"
    fresh = tmp_path / ".mpp_metrics.duckdb.20261205T000000Z-bbbb.tmp"
    keep = tmp_path / "mpp_metrics.duckdb"
    for path in (old_db, old_wal, fresh, keep):
        path.write_bytes(b"x")
    hours_ago = os.stat(fresh).st_mtime - STALE_TEMPORARY_SECONDS - 60
    for path in (old_db, old_wal, keep):
        os.utime(path, (hours_ago, hours_ago))
    removed = remove_stale_temporaries(tmp_path)
    assert sorted(p.name for p in removed) == sorted([old_db.name, old_wal.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fresh.name, keep.name])


def test_a_copy_held_open_for_writing_reads_as_no_build_not_an_error(tmp_path):
    """Break-it pass: an analyst holding a write connection on the published copy made the dbt step fail
    (IOException from build_state.published_build). It reads as a copy of no known build: publish again."""
    from orchestration import build_state

    db = tmp_path / "mpp_metrics.duckdb"
    holder = duckdb.connect(str(db))  # read-write, kept open (another connection mode is then refused)
    holder.execute("create schema meta; create table meta.publication as select 'b1' as build_fingerprint")
    try:
        assert build_state.published_build(db) is None
    finally:
        holder.close()
    assert build_state.published_build(db) == "b1"
