"""CLI runs that died: marked failed, and their claims on the ``warehouse`` pool freed.

Every step that touches the warehouse claims the pool ``warehouse`` (limit 1, per step, orchestration/dagster.yaml),
and Dagster records the claim in the instance (``$DAGSTER_HOME``). A CLI run killed while it holds a claim
(``kill -9``, the out-of-memory killer, a closed terminal) never gives it back: every later run's first
warehouse step then waited for the slot forever ("Step blocked by limit for pool warehouse"); and its run,
shown STARTED for ever, kept the run queue (one run at a time) from starting any UI or schedule run. A CLI run
executes in its own process, which no Dagster daemon monitors.

:func:`release_dead_runs` runs in the CLI while it holds the warehouse write lock (orchestration/locking.py),
before its run starts. A CLI run holds that lock for its whole life and the operating system releases it when
the process dies; so while this process holds it, no other CLI run on this warehouse is alive: every
unfinished run tagged ``mpp/launched_by=cli`` (orchestration/cli.py ``run_tags``) and this warehouse is a dead
run's. Those runs are marked failed with the reason and their claims freed; claims of runs Dagster shows
finished are freed too. A UI or schedule run that is still running is left alone.

Known, not solved here: a UI run's warehouse step that holds the claim while it waits for the write lock,
and a CLI run that holds the write lock while its own step waits for the claim, wait for each other until the
lock's time-out (``MPP_LOCK_TIMEOUT``, 6 hours). Enforcing the pool per run instead (Dagster's
``granularity: run``) removes that wait but lets a UI step open the warehouse while a CLI run writes it (some
steps read it without the lock), so it was not done.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by the CLI at start for LAUNCHED_BY: no Dagster import here
    from dagster import DagsterInstance

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

    from orchestration.assets.common import WAREHOUSE_POOL as POOL

    info = instance.event_log_storage.get_concurrency_info(POOL)
    holders = {s.run_id for s in info.claimed_slots} | {p.run_id for p in info.pending_steps}
    unfinished = [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED,
                  DagsterRunStatus.CANCELING]
    cli_runs = {r.run_id: r for r in instance.get_runs(filters=RunsFilter(statuses=unfinished, tags={LAUNCHED_BY: CLI}))}
    done = []
    for run_id in sorted(holders | cli_runs.keys()):
        run = cli_runs.get(run_id) or instance.get_run_by_id(run_id)
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
