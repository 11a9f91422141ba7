"""No import races: nothing imports Great Expectations in the background while a run's steps work.

Issue 14, finding 2: a new CBP extract landing on a built warehouse crashed a Great Expectations step in 3 of
4 tries with ``AttributeError: partially initialized module 'sqlalchemy.orm.exc' has no attribute
'UnmappedClassError'``. The CLI imported GE in a background thread as soon as a raw asset landed new data.
GE imports ``sqlalchemy.orm``, whose ``base`` module registers an inspector for *every* object with
SQLAlchemy while ``sqlalchemy.orm.exc`` is still initializing; meanwhile the run's main thread writes every
Dagster event through SQLAlchemy (the event log storage), and statement construction inspects objects, so
the main thread hit the half-built module. No lock around GE's import sites can prevent that (the main thread
does not import anything: it only uses SQLAlchemy), so the background import is gone (README: it saved at
most the ~4 s GE import of runs that land new data).

The test repeats the crash path in fresh processes (the race needs a process where GE is not imported yet):
a Dagster job run in-process with the CLI's progress logger, whose first asset lands new data
(``skipped_same_hash`` False, what the CLI reacted to), whose next asset makes SQLAlchemy inspect objects in
the main thread (as statement coercion does) for 3 s and for as long as GE is being imported, and whose last
asset builds a GE context as a suite does. Before the fix, 3 of 3 processes failed with the error above.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import sys, time
    import sqlalchemy
    from dagster import AssetKey, DagsterInstance, MaterializeResult, asset, define_asset_job, Definitions
    from orchestration.cli import _progress_logger

    @asset(key=AssetKey(["raw", "landed"]))
    def landed():
        return MaterializeResult(metadata={"skipped_same_hash": False})

    def ge_importing():
        started = any(name.startswith("great_expectations") for name in tuple(sys.modules))
        done = sys.modules.get("great_expectations.expectations")
        return started and (done is None or getattr(done.__spec__, "_initializing", False))

    @asset(deps=[landed])
    def next_steps():
        # what SQLAlchemy does with a non-SQL object (coercions, inspect()), as the run's event writes do;
        # for 3 s, and as long as Great Expectations is being imported in this process (at most 120 s)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 120 and (time.monotonic() - t0 < 3 or ge_importing()):
            sqlalchemy.inspect(object(), raiseerr=False)

    @asset(deps=[next_steps])
    def ge_suite():
        from expectations.runner import _build_context
        _build_context()

    job = Definitions(assets=[landed, next_steps, ge_suite], jobs=[define_asset_job("j")]).resolve_job_def("j")
    job = job.with_logger_defs({"progress": _progress_logger()})
    result = job.execute_in_process(instance=DagsterInstance.ephemeral(), raise_on_error=False,
                                    run_config={"loggers": {"progress": {}}})
    for event in result.all_events:
        if event.is_step_failure:
            error = event.event_specific_data.error
            while error.cause is not None:
                error = error.cause
            print("STEP FAILED", event.step_key, error.message.strip())
    print("SUCCESS" if result.success else "FAILURE")
    """
)


def test_landing_new_data_starts_no_background_import_that_races_the_run():
    failures = []
    for _ in range(3):
        proc = subprocess.run([sys.executable, "-c", PROBE], check=False, capture_output=True, text=True, timeout=300)
        lines = proc.stdout.strip().splitlines()
        if proc.returncode != 0 or not lines or lines[-1] != "SUCCESS":
            failures.append(proc.stdout[-2000:] + proc.stderr[-2000:])
    assert not failures, f"{len(failures)} of 3 runs failed; first:\n{failures[0]}"
