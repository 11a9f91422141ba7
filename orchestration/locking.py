"""Cross-process reader/writer lock around the build warehouse, so that runs queue instead of failing.

DuckDB allows one writing process per database file, and any other process's connection (even read-only)
makes a writer fail with "Could not set lock on file". Dagster's run queue (orchestration/dagster.yaml:
one run at a time, pool ``warehouse`` limit 1) serializes runs launched through the Dagster daemon, but
``mpp-metrics run`` executes in-process and bypasses the queue, and an analyst's Python session is not a
Dagster run at all. This module adds one lock that every party takes:

- writers (``mpp-metrics run`` for the whole run; every warehouse step of a run launched from the UI or
  the schedule, step by step) take the **write** lock: exclusive;
- readers (:func:`read_warehouse`) take the **read** lock: shared among readers, excluded while a writer
  holds the write lock.

The lock is :class:`filelock.ReadWriteLock` (an SQLite database ``<warehouse>.lock`` beside the warehouse
file): the operating system releases it when its holder dies, even on SIGKILL, so a killed run never
leaves a stale lock. A writer first ends any dbt process that a killed run left running
(:func:`orchestration.children.reap_orphans`). Holds nest within one thread (the CLI holds the write lock for the whole run; the
in-process steps re-enter it).

A process that has to wait logs one line (``waiting for the warehouse lock ...``) and then waits up to
``timeout`` seconds (default: :data:`DEFAULT_TIMEOUT_S`, env ``MPP_LOCK_TIMEOUT``); on time-out it raises
:class:`WarehouseBusyError` naming the lock file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import duckdb
from filelock import ReadWriteLock, Timeout

from orchestration.children import reap_orphans

#: How long a writer or reader waits for the lock before giving up (seconds): 6 hours, longer than a
#: full-scale rebuild. Override with MPP_LOCK_TIMEOUT (seconds; -1 = wait forever).
DEFAULT_TIMEOUT_S = 6 * 3600.0


class WarehouseBusyError(TimeoutError):
    """The warehouse lock could not be taken within the time-out; the message names the lock file."""


def lock_path(warehouse: Path) -> Path:
    """The lock file of a warehouse: ``<warehouse>.lock`` in the same folder (created on first use)."""
    return Path(str(warehouse) + ".lock")


def _timeout(timeout: float | None) -> float:
    if timeout is not None:
        return timeout
    return float(os.environ.get("MPP_LOCK_TIMEOUT", DEFAULT_TIMEOUT_S))


@contextmanager
def _hold(warehouse: Path, mode: str, timeout: float | None, log: Callable[[str], None] | None) -> Iterator[None]:
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = ReadWriteLock(path)
    acquire = lock.acquire_write if mode == "write" else lock.acquire_read
    try:
        acquire(blocking=False)
    except Timeout:
        wait = _timeout(timeout)
        (log or print)(
            f"waiting for the warehouse lock ({mode}) {path}: another run or reader holds it"
            + (f" (time-out {wait:.0f} s)" if wait >= 0 else "")
        )
        try:
            acquire(timeout=wait)
        except Timeout as exc:
            raise WarehouseBusyError(
                f"warehouse {warehouse} is busy: could not take the {mode} lock {path} within {wait:.0f} s"
            ) from exc
    try:
        if mode == "write":  # a dbt left running by a killed run would hold the DuckDB file: end it first
            reap_orphans(warehouse, log)
        yield
    finally:
        lock.release()


def warehouse_write_lock(
    warehouse: Path, *, timeout: float | None = None, log: Callable[[str], None] | None = None
) -> AbstractContextManager[None]:
    """Context manager holding the exclusive write lock of ``warehouse`` (waits, logging one line).

    Re-entrant within a thread. Raises :class:`WarehouseBusyError` after ``timeout`` seconds (None: the
    default, see module docstring; -1: forever).
    """
    return _hold(Path(warehouse), "write", timeout, log)


def warehouse_read_lock(
    warehouse: Path, *, timeout: float | None = None, log: Callable[[str], None] | None = None
) -> AbstractContextManager[None]:
    """Context manager holding a shared read lock of ``warehouse`` (see :func:`warehouse_write_lock`)."""
    return _hold(Path(warehouse), "read", timeout, log)


def read_warehouse(
    warehouse: Path, sql: str, params: list | None = None, *, timeout: float | None = None,
    log: Callable[[str], None] | None = None,
) -> list[tuple]:
    """Rows of one read-only query against the build warehouse, taken under the shared read lock.

    Waits while a run writes (never fails with DuckDB's "Could not set lock on file") and closes its
    connection before returning, so it never blocks the next writer for longer than the query.
    ``params`` are bound, never spliced. Analysts should prefer the published copy (var/published/),
    which no run ever writes in place.
    """
    with warehouse_read_lock(warehouse, timeout=timeout, log=log):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()
