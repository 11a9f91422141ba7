"""Child processes of a run (dbt) die with the run; a writer of the warehouse reaps any that survived.

dagster-dbt starts ``dbt`` with a plain ``subprocess.Popen``. When the run's process was SIGKILLed, that dbt
went on writing the build database with parent PID 1, and the next run failed on DuckDB's file lock. Two
layers prevent that:

1. **Die with the parent.** dbt is started through this module (``python -m orchestration.children
   <dbt> <args>``, the ``dbt_executable`` / ``global_config_flags`` of
   :class:`orchestration.resources.MppDbtCliResource`): on Linux it asks the kernel to SIGKILL it when its
   parent dies (``prctl(PR_SET_PDEATHSIG)``), exits at once if the parent is already gone, registers itself
   and then ``exec``\\ s dbt (same PID, the death signal is kept across exec).
2. **Reap orphans before writing.** Each child is registered as a file ``<warehouse>.children/<pid>`` with
   its start time and its parent's PID and start time. :func:`reap_orphans`, called by every taker of the
   warehouse write lock (orchestration/locking.py), SIGKILLs and waits for every registered child that is
   still alive while its parent is gone. This covers the instant between the parent's death (which frees
   the warehouse lock) and the kernel's signal, and systems without ``PR_SET_PDEATHSIG``. A child whose
   parent still runs is never touched; files of finished children are removed.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

#: The run's PID, set by the resource before it starts dbt (the child checks its parent against it).
ENV_PARENT = "MPP_CHILD_PARENT_PID"
PR_SET_PDEATHSIG = 1


def registry_dir(warehouse: Path | str) -> Path:
    """Folder of the registered children of runs on ``warehouse``: ``<warehouse>.children``."""
    return Path(str(warehouse) + ".children")


def _start_time(pid: int) -> float | None:
    import psutil  # imported when needed: orchestration.locking imports this module in every process

    try:
        return psutil.Process(pid).create_time()
    except psutil.NoSuchProcess:
        return None


def register(warehouse: Path | str, pid: int, parent_pid: int) -> Path:
    """Record child ``pid`` of ``parent_pid`` (both with their start times, against PID reuse)."""
    folder = registry_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / str(pid)
    record = {"started": _start_time(pid), "parent": parent_pid, "parent_started": _start_time(parent_pid)}
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def _alive(pid: int, started: float | None):
    """The process ``pid`` if it runs and is the one started at ``started``, else None."""
    import psutil

    try:
        proc = psutil.Process(pid)
        if started is None or abs(proc.create_time() - started) > 0.01 or proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return proc
    except psutil.NoSuchProcess:
        return None


def reap_orphans(warehouse: Path | str, log: Callable[[str], None] | None = None) -> list[int]:
    """SIGKILL (and wait for) every registered child of a run on ``warehouse`` whose parent is gone.

    Returns the PIDs killed; forgets children that have ended. See the module docstring."""
    folder = registry_dir(warehouse)
    killed: list[int] = []
    paths = sorted(folder.glob("*")) if folder.is_dir() else []
    if not paths:
        return killed
    import psutil

    for path in paths:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # being written by a child that starts right now
        child = _alive(int(path.name), record.get("started"))
        if child is None:
            path.unlink(missing_ok=True)
            continue
        if _alive(record["parent"], record.get("parent_started")) is not None:
            continue  # its run is alive: not an orphan
        (log or print)(f"killing {' '.join(child.cmdline()[:3])} (PID {child.pid}), left running by a killed run")
        try:
            child.kill()
            child.wait(timeout=60)
        except psutil.NoSuchProcess:
            pass
        path.unlink(missing_ok=True)
        killed.append(child.pid)
    return killed


def die_with_parent(parent_pid: int) -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux); False if the parent is gone."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    return os.getppid() == parent_pid


def main(argv: list[str]) -> None:
    """``python -m orchestration.children <executable> <args>``: see the module docstring."""
    executable, *args = argv
    parent = int(os.environ.get(ENV_PARENT) or os.getppid())
    if not die_with_parent(parent):
        sys.exit(f"{executable}: the run that started it (PID {parent}) has ended; not starting")
    warehouse = os.environ.get("MPP_WAREHOUSE")
    if warehouse:
        register(warehouse, os.getpid(), parent)
    os.execv(executable, [executable, *args])


if __name__ == "__main__":  # pragma: no cover - exercised through the dbt resource
    main(sys.argv[1:])
