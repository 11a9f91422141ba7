"""Runs that died holding the ``warehouse`` pool: their slots freed, so the next run does not wait forever.

Every step that touches the warehouse claims the pool ``warehouse`` (limit 1, orchestration/dagster.yaml),
and Dagster records the claim in the instance (``$DAGSTER_HOME``). A run killed while it holds the claim
(``kill -9``, the out-of-memory killer, a closed terminal) never gives it back: the next run's first
warehouse step then waits for the slot forever ("Step blocked by limit for pool warehouse"). For a run launched
from the UI or the schedule, Dagster's own run monitoring gives such a claim back; a CLI run executes in its
own process, which nobody monitors.

:func:`release_dead_runs` runs in the CLI while it holds the warehouse write lock
(orchestration/locking.py), before its run starts. A CLI run holds that lock for its whole life and the
operating system releases it when the process dies; so while this process holds it, no other CLI run is
alive: every claim of a run tagged ``mpp/launched_by=cli`` (orchestration/cli.py ``run_tags``) is a dead
run's. Those claims are freed and the run, if Dagster still shows it running, is marked failed with the
reason. Claims of runs that Dagster shows finished are freed too. A claim of a UI or schedule run that
is still running is left alone (its step waits for the write lock, then goes on).
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
    """Free the ``warehouse`` pool claims of runs that cannot be running (see module doc); return their ids.

    Call only while holding the write lock of ``warehouse``. A CLI run tagged with another warehouse
    (:data:`WAREHOUSE_TAG`) may be alive (that lock does not exclude it) and is left alone unless finished.
    Logs one line per run freed."""
    info = instance.event_log_storage.get_concurrency_info(POOL)
    holders = {s.run_id for s in info.claimed_slots} | {p.run_id for p in info.pending_steps}
    freed = []
    for run_id in sorted(holders):
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished and run.tags.get(LAUNCHED_BY) != CLI:
            continue  # a UI or schedule run: Dagster's run monitoring owns it
        other = run.tags.get(WAREHOUSE_TAG) if run is not None else None
        if run is not None and not run.is_finished and warehouse is not None and other not in (None, str(warehouse)):
            continue  # a CLI run on another warehouse: our lock says nothing about whether it is alive
        if run is not None and not run.is_finished:
            instance.report_run_failed(
                run, message="its process ended without finishing (killed?): found by the next CLI run, which "
                             f"freed its claim on the {POOL} pool")
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        freed.append(run_id)
        log(f"freed the {POOL} pool claim of run {run_id}: "
            + ("it is finished" if run is not None and run.is_finished else "its process ended without finishing"))
    return freed
