"""Real `mpp-metrics run` processes: killed mid-ingestion, then two runs at once (one on a release with 1%
corrupted rows) against the same var/ folder.

1. A run is SIGKILLed inside the EOIR load transaction (test-only checkpoint ``eoir_before_commit``,
   orchestration/checkpoints.py): the warehouse opens, no raw table is partial (no EOIR table, no
   leftover ``__incoming`` table, every extract's history rows = its ledger rows), no metrics.json.
2. Two runs then start at the same moment: the rerun on the bundled release and a run on a 1%-corrupted
   release (same seed and scale). Both succeed (the second waits on the warehouse lock instead of failing
   on DuckDB's file lock), both write metrics.json, and the corrupted run prints how many rows were
   quarantined per file and why, matching the generator's expected counts.
3. A run at another as-of date (``--publish``) is SIGKILLed in the middle of its dbt build (checkpoint
   ``dbt_mid_build``): the analysts' published copy is byte-identical afterwards, and the rerun completes
   and publishes.
(A run SIGKILLed as soon as dbt finished, checkpoint ``after_dbt_build``, is in tests/e2e/test_cli_run.py, on
that module's baseline run.)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.eoir.generator import generate_release

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).parent / "mpp-metrics")


def env_for(var: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "MPP_VAR_DIR": str(var), **extra}
    for k in ("DAGSTER_HOME", "MPP_WAREHOUSE"):
        env.pop(k, None)
    return env


def start(var: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([CLI, "run", *args], env=env_for(var, **extra), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("interrupt")
    var = root / "var"
    marker = root / "checkpoint.txt"
    killed = start(var, MPP_TEST_CHECKPOINT="eoir_before_commit", MPP_TEST_CHECKPOINT_FILE=str(marker))
    deadline = time.monotonic() + 600
    while not marker.exists():
        assert killed.poll() is None, killed.stdout.read()
        assert time.monotonic() < deadline, "the run never reached the checkpoint"
        time.sleep(0.5)
    os.killpg(killed.pid, signal.SIGKILL)  # the run and everything it started (its own session)
    killed.wait(timeout=60)
    after_kill = inspect_warehouse(var / "warehouse" / "build.duckdb")
    metrics_after_kill = (var / "output" / "metrics.json").exists()

    corrupt = root / "corrupt_release"
    meta = generate_release(corrupt, seed=20201231, scale=0.01, corrupt_rate=0.01)
    rerun = start(var)
    corrupted = start(var, "--eoir-release", str(corrupt), "--output", str(root / "out_corrupt"))
    out_rerun, _ = rerun.communicate(timeout=1800)
    out_corrupt, _ = corrupted.communicate(timeout=1800)
    return {"var": var, "root": root, "after_kill": after_kill, "metrics_after_kill": metrics_after_kill,
            "killed_rc": killed.returncode, "rerun": (rerun.returncode, out_rerun),
            "corrupt": (corrupted.returncode, out_corrupt), "meta": meta}


def inspect_warehouse(wh: Path) -> dict:
    con = duckdb.connect(str(wh))  # opening replays or discards the WAL of the killed process
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' order by 1").fetchall()]
        ledger = con.execute("select table_name, load_id, rows_read, rows_loaded, rows_quarantined, "
                             "duplicates_collapsed from raw._load_ledger").fetchall()
        history_counts = {}
        for table, load_id, *_ in ledger:
            if f"{table}__history" in tables:
                history_counts[table, load_id] = con.execute(
                    f'select count(*) from raw."{table}__history" where _load_id = ?', [load_id]).fetchone()[0]
        return {"tables": tables, "ledger": ledger, "history_counts": history_counts}
    finally:
        con.close()


def test_killed_run_leaves_no_partial_raw_table(runs):
    state = runs["after_kill"]
    assert runs["killed_rc"] == -signal.SIGKILL
    assert not [t for t in state["tables"] if t.startswith("eoir_")], "uncommitted EOIR tables survived the kill"
    assert not [t for t in state["tables"] if t.endswith("__incoming")]
    assert not [r for r in state["ledger"] if r[0].startswith("eoir_")]
    for table, load, read, loaded, quarantined, dups in state["ledger"]:
        assert read == loaded + quarantined + dups
        if (table, load) in state["history_counts"]:  # per load: a workbook sheet lands two vintages
            assert state["history_counts"][table, load] == loaded, table
    assert not runs["metrics_after_kill"]


def test_rerun_and_concurrent_run_both_succeed_one_waiting_for_the_other(runs):
    (rc1, out1), (rc2, out2) = runs["rerun"], runs["corrupt"]
    assert rc1 == 0, out1[-3000:]
    assert rc2 == 0, out2[-3000:]
    assert "Could not set lock" not in out1 + out2
    assert "waiting for the warehouse lock" in out1 + out2
    assert json.loads((runs["var"] / "output" / "metrics.json").read_text())["metrics"]
    assert json.loads((runs["root"] / "out_corrupt" / "metrics.json").read_text())["metrics"]


def test_corrupted_release_reports_quarantined_rows_per_file_and_reason(runs):
    _rc, out = runs["corrupt"]
    text = " ".join(out.split())  # undo the console's line wrapping
    for name, t in runs["meta"]["tables"].items():
        exp = t["expected"]
        m = re.search(rf"quarantined ([\d,]+) of ([\d,]+) rows of \S*{re.escape(name)} -> raw\._rejects \(([^)]*)\)", text)
        assert m, f"no quarantine line for {name}"
        assert int(m[1].replace(",", "")) == exp["rows_quarantined"]
        assert int(m[2].replace(",", "")) == exp["rows_read"]
        assert "bad_key" in m[3] and "too_few_fields" in m[3]
        assert exp["rows_quarantined"] >= 0.008 * exp["rows_read"]  # 1% corrupted (binomial) + the usual defects


@pytest.fixture(scope="module")
def killed_during_dbt(runs):
    """After the runs above (a publication exists), a run at another as-of date is SIGKILLed in the middle
    of its dbt build (checkpoint ``dbt_mid_build``), then run again."""
    var, root = runs["var"], runs["root"]
    published = var / "published" / "mpp_metrics.duckdb"
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    marker = root / "checkpoint_dbt.txt"
    killed = start(var, "--as-of", "2020-11-30", "--publish", MPP_TEST_CHECKPOINT="dbt_mid_build",
                   MPP_TEST_CHECKPOINT_FILE=str(marker))
    deadline = time.monotonic() + 600
    while not marker.exists():
        assert killed.poll() is None, killed.stdout.read()
        assert time.monotonic() < deadline, "the run never reached the dbt checkpoint"
        time.sleep(0.5)
    os.killpg(killed.pid, signal.SIGKILL)  # the CLI and the dbt process it started
    killed.wait(timeout=60)
    after = hashlib.sha256(published.read_bytes()).hexdigest()
    con = duckdb.connect(str(published), read_only=True)
    as_of_after_kill = con.execute("select cast(as_of_date as varchar) from meta.publication").fetchone()[0]
    con.close()
    rerun = start(var, "--as-of", "2020-11-30", "--publish")
    out, _ = rerun.communicate(timeout=1800)
    con = duckdb.connect(str(published), read_only=True)
    as_of_rerun = con.execute("select cast(as_of_date as varchar) from meta.publication").fetchone()[0]
    con.close()
    return {"before": before, "after": after, "as_of_after_kill": as_of_after_kill,
            "rerun": (rerun.returncode, out), "as_of_rerun": as_of_rerun, "killed_rc": killed.returncode}


def test_killed_dbt_build_leaves_the_publication_untouched_and_the_rerun_publishes(killed_during_dbt):
    k = killed_during_dbt
    assert k["killed_rc"] == -signal.SIGKILL
    assert k["after"] == k["before"], "the published copy changed although the run was killed mid-build"
    assert k["as_of_after_kill"] == "2020-12-31"
    rc, out = k["rerun"]
    assert rc == 0, out[-3000:]
    assert k["as_of_rerun"] == "2020-11-30"

