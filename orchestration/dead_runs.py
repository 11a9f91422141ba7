"""CLI runs that died: marked failed, and any pool claim they or finished runs left freed.

The pool ``warehouse`` (limit 1, orchestration/dagster.yaml) is enforced per run (``granularity: run``): the
run queue starts a UI or schedule run only when no run using the pool is in progress, and a step claims
nothing. (With per-step claims, a CLI run killed inside a warehouse step kept its claim and every later run
waited for it forever; and a UI step holding the claim while waiting for the warehouse write lock, which a CLI
run held while its own step waited for the claim, deadlocked both until the lock's time-out.) What a killed
CLI run still leaves is its run shown as STARTED: the run queue (one run at a time) then starts no UI or
schedule run again.

:func:`release_dead_runs` runs in the CLI while it holds the warehouse write lock (orchestration/locking.py),
before its run starts. A CLI run holds that lock for its whole life and the operating system releases it when
the process dies; so while this process holds it, no other CLI run on this warehouse is alive: every
unfinished run tagged ``mpp/launched_by=cli`` (orchestration/cli.py ``run_tags``) and this warehouse is a dead
run's. Those runs are marked failed with the reason, and any claim on the pool that they, or runs Dagster
shows finished, still hold (a ``$DAGSTER_HOME`` made with per-step claims) is freed. A UI or schedule run that
is still running is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by the CLI at start for LAUNCHED_BY: no Dagster import here
    from dagster import DagsterInstance

#: The pool every warehouse step claims (orchestration/assets/common.py WAREHOUSE_POOL).
POOL = "warehouse"
#: The tag the CLI puts on its runs (orchestration/cli.py run_tags).
LAUNCHED_BY, CLI = "mpp/launched_by", "cli"
#: The tag naming the warehouse a CLI run writes (orchestration/cli.py _run_pipeline): the write lock this
#: process holds is that warehouse's only, so a live CLI run on another warehouse (another MPP_VAR_DIR or
#: MPP_WAREHOUSE, same DAGSTER_HOME) is not excluded by it.
WAREHOUSE_TAG = "mpp/warehouse"


def release_dead_runs(
    instance: DagsterInstance, log: Callable[[str], object] = print, warehouse: Path | str | None = None
) -> list[str]:
    """Mark failed the CLI runs that cannot be running and free the ``warehouse`` pool claims of runs that
    cannot be running (see module doc); return their ids.

    Call only while holding the write lock of ``warehouse``. A CLI run tagged with another warehouse
    (:data:`WAREHOUSE_TAG`) may be alive (that lock does not exclude it) and is left alone unless finished.
    Logs one line per run."""
    from dagster import DagsterRunStatus, RunsFilter

    info = instance.event_log_storage.get_concurrency_info(POOL)
    holders = {s.run_id for s in info.claimed_slots} | {p.run_id for p in info.pending_steps}
    unfinished = [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED,
                  DagsterRunStatus.CANCELING]
    cli_runs = {r.run_id for r in instance.get_runs(filters=RunsFilter(statuses=unfinished, tags={LAUNCHED_BY: CLI}))}
    done = []
    for run_id in sorted(holders | cli_runs):
        run = instance.get_run_by_id(run_id)
        finished = run is None or run.is_finished
        if not finished and run.tags.get(LAUNCHED_BY) != CLI:
            continue  # a UI or schedule run: Dagster owns it
        other = run.tags.get(WAREHOUSE_TAG) if run is not None else None
        if not finished and warehouse is not None and other not in (None, str(warehouse)):
            continue  # a CLI run on another warehouse: our lock says nothing about whether it is alive
        if not finished:
            instance.report_run_failed(run, message="its process ended without finishing (killed?): found by the "
                                                    "next CLI run")
        if run_id in holders:
            instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        done.append(run_id)
        claim = f", its claim on the {POOL} pool freed" if run_id in holders else ""
        log(f"run {run_id}: " + ("finished" if finished else "its process ended without finishing: marked failed")
            + claim)
    return done
