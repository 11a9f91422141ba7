"""Run status sensors that record every finished run of this code location (its log and run_stats.json in
var/logs), whoever launched it: the UI, the nightly schedule, a sensor (orchestration/runlog.py does the
recording; ``mpp-metrics run`` records its own runs)."""

from __future__ import annotations

from orchestration.runlog import record_finished_run


def run_record_sensors() -> list:
    """Run status sensors (success, failure, canceled) that record every finished run of this code location
    (:func:`record_finished_run`); on by default, evaluated by the Dagster daemon."""
    from dagster import DagsterRunStatus, DefaultSensorStatus, run_status_sensor

    sensors = []
    for status in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED):

        @run_status_sensor(run_status=status, name=f"record_run_log_on_{status.value.lower()}",
                           default_status=DefaultSensorStatus.RUNNING,
                           description="Writes the run's log and run_stats.json to var/logs (orchestration/runlog.py).")
        def record(context):
            record_finished_run(context.instance, context.dagster_run)

        sensors.append(record)
    return sensors
