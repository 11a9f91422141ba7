"""Concurrency: two writers, or a reader and a writer, in different processes queue on the warehouse lock
instead of failing with DuckDB's "Could not set lock on file". Real processes, small waits."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.locking import WarehouseBusyError, lock_path, read_warehouse, warehouse_write_lock

# A separate process that takes the write lock, opens the warehouse for writing, writes one row, holds
# both for HOLD seconds, then exits. It prints "held" once it holds them.
WRITER = """
import sys, time, duckdb
from pathlib import Path
from orchestration.locking import warehouse_write_lock
wh, tag, hold, use_lock = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4] == "1"
def work():
    con = duckdb.connect(str(wh))
    con.execute("create table if not exists t (tag varchar)")
    con.execute("insert into t values (?)", [tag])
    print("held", flush=True)
    time.sleep(hold)
    con.close()
if use_lock:
    with warehouse_write_lock(wh, log=lambda m: print(m, flush=True)):
        work()
else:
    work()
"""


def start_writer(wh: Path, tag: str, hold: float, use_lock: bool = True) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(wh), tag, str(hold), "1" if use_lock else "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_held(proc: subprocess.Popen) -> None:
    assert proc.stdout.readline().strip() == "held", proc.stderr.read()


def test_without_the_lock_a_second_writer_fails_on_duckdbs_file_lock(tmp_path):
    """The failure the lock exists to prevent (documents DuckDB's behaviour)."""
    wh = tmp_path / "w.duckdb"
    first = start_writer(wh, "a", 3, use_lock=False)
    wait_held(first)
    second = start_writer(wh, "b", 0, use_lock=False)
    _out, err = second.communicate(timeout=60)
    first.wait(timeout=60)
    assert second.returncode != 0 and "Could not set lock" in err


def test_with_the_lock_a_second_writer_waits_with_a_log_line_and_both_succeed(tmp_path):
    wh = tmp_path / "w.duckdb"
    first = start_writer(wh, "a", 2)
    wait_held(first)
    second = start_writer(wh, "b", 0)
    out, err = second.communicate(timeout=60)
    first.wait(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0), err
    assert "waiting for the warehouse lock (write)" in out
    assert duckdb.connect(str(wh), read_only=True).execute("select tag from t order by tag").fetchall() == [("a",), ("b",)]


def test_a_reader_waits_for_a_running_writer_and_then_reads_a_complete_state(tmp_path):
    wh = tmp_path / "w.duckdb"
    writer = start_writer(wh, "a", 2)
    wait_held(writer)
    waited: list[str] = []
    t0 = time.monotonic()
    rows = read_warehouse(wh, "select tag from t", log=waited.append)
    assert rows == [("a",)] and waited and time.monotonic() - t0 > 1
    writer.wait(timeout=60)


def test_a_writer_gives_up_after_its_time_out_with_a_clear_error(tmp_path):
    wh = tmp_path / "w.duckdb"
    holder = start_writer(wh, "a", 4)
    wait_held(holder)
    busy = r"w\.duckdb is busy: could not take the write lock .*w\.duckdb\.lock"
    with pytest.raises(WarehouseBusyError, match=busy), warehouse_write_lock(wh, timeout=0.5, log=lambda _m: None):
        pass
    holder.wait(timeout=60)


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path):
    wh = tmp_path / "w.duckdb"
    holder = start_writer(wh, "a", 600)
    wait_held(holder)
    holder.kill()
    holder.wait(timeout=60)
    with warehouse_write_lock(wh, timeout=5):
        assert lock_path(wh).exists()
