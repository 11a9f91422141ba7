"""Killed runs leave nothing behind (issue 14, finding 4): dbt dies with the run, and a writer reaps orphans.

Before: SIGKILL of ``mpp-metrics run`` (the process only, as ``kill -9 <pid>`` does) while dbt built left
``dbt build`` running with parent PID 1, still writing build.duckdb; the immediate rerun failed with a
traceback ``Could not set lock on file ... build.duckdb``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from orchestration.children import ENV_PARENT, register, registry_dir
from orchestration.locking import warehouse_write_lock

CLI = str(Path(sys.executable).parent / "mpp-metrics")
SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]

# A "run": starts a child through the guard (as the dbt resource does), prints its PID, then sleeps.
PARENT = f"""
import os, subprocess, sys, time
os.environ[{ENV_PARENT!r}] = str(os.getpid())
os.environ["MPP_WAREHOUSE"] = sys.argv[1]
child = subprocess.Popen([sys.executable, "-m", "orchestration.children", *{SLEEPER!r}])
print(child.pid, flush=True)
time.sleep(600)
"""


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def test_a_child_started_through_the_guard_dies_when_its_run_is_killed(tmp_path):
    wh = tmp_path / "build.duckdb"
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(wh)], stdout=subprocess.PIPE, text=True)
    child_pid = int(parent.stdout.readline())
    deadline = time.monotonic() + 60
    while not (registry_dir(wh) / str(child_pid)).exists():  # registered, then exec'd into the sleeper
        assert time.monotonic() < deadline
        time.sleep(0.1)
    record = json.loads((registry_dir(wh) / str(child_pid)).read_text())
    assert record["parent"] == parent.pid
    try:
        assert psutil.Process(child_pid).cmdline()[-1] == SLEEPER[-1]  # the guard exec'd the real command
        parent.kill()
        parent.wait(timeout=30)
        assert gone_within(child_pid, 10), "the child survived its killed parent"
    finally:
        with_kill(child_pid)


def with_kill(pid: int) -> None:
    try:
        psutil.Process(pid).kill()
    except psutil.NoSuchProcess:
        pass


def test_a_writer_kills_an_orphan_of_a_killed_run_and_spares_a_living_runs_child(tmp_path):
    wh = tmp_path / "build.duckdb"
    ended = subprocess.Popen(["true"])
    ended.wait()
    orphan = subprocess.Popen(SLEEPER)  # plays a dbt whose run has died (no death signal: another OS)
    living = subprocess.Popen(SLEEPER)  # a dbt of a run that still runs (this test process)
    try:
        register(wh, orphan.pid, parent_pid=ended.pid)
        register(wh, living.pid, parent_pid=os.getpid())
        logs: list[str] = []
        with warehouse_write_lock(wh, log=logs.append):
            assert orphan.poll() is not None  # killed and reaped
            assert living.poll() is None
        assert any(f"PID {orphan.pid}" in line and "killed run" in line for line in logs), logs
        assert sorted(p.name for p in registry_dir(wh).iterdir()) == [str(living.pid)]
    finally:
        for proc in (orphan, living):
            proc.kill()
            proc.wait()


@pytest.mark.e2e
@pytest.mark.timeout(1200)  # two whole runs
def test_sigkill_of_the_run_during_dbt_kills_dbt_and_the_immediate_rerun_succeeds(tmp_path):
    var = tmp_path / "var"
    marker = tmp_path / "checkpoint.txt"
    env = {**os.environ, "MPP_VAR_DIR": str(var)}
    for k in ("DAGSTER_HOME", "MPP_WAREHOUSE"):
        env.pop(k, None)
    run = subprocess.Popen([CLI, "run"], env={**env, "MPP_TEST_CHECKPOINT": "dbt_mid_build",
                                              "MPP_TEST_CHECKPOINT_FILE": str(marker)},
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    children: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 900
        while not marker.exists():
            assert run.poll() is None, run.stdout.read()
            assert time.monotonic() < deadline, "the run never reached the dbt checkpoint"
            time.sleep(0.5)
        children = [c for c in psutil.Process(run.pid).children(recursive=True) if "dbt" in " ".join(c.cmdline())]
        assert children, "no dbt process at the checkpoint"
        os.kill(run.pid, signal.SIGKILL)  # the run's process only, like `kill -9 <pid>`
        run.wait(timeout=60)
        survivors = [c.pid for c in children if not gone_within(c.pid, 10)]
        rerun = subprocess.run([CLI, "run"], env=env, capture_output=True, text=True, timeout=900, check=False)
    finally:
        os.killpg(run.pid, signal.SIGKILL) if run.poll() is None else None
        for c in children:
            with_kill(c.pid)
    rerun_tail = rerun.stdout[-3000:] + rerun.stderr[-3000:]
    assert not survivors, f"dbt processes of the killed run still running: {survivors}; rerun:\n{rerun_tail}"
    assert rerun.returncode == 0, rerun_tail
    assert "Could not set lock" not in rerun.stdout + rerun.stderr
