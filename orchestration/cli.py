"""``mpp-metrics``: the command line of the pipeline (Typer).

Commands:
- ``run``: materialize the whole graph in-process (job ``mpp_main``) and print the headline numbers per goal
  from the DIR/metrics.json its assets wrote (the CLI writes no output itself: the assets
  ``outputs/metrics_json`` and ``outputs/report`` do, also when the dbt build was unchanged, so a run from
  the UI or the schedule leaves the same outputs). Exit code 1 when the run fails (the failing step and
  error are printed).
- ``cases``: the case ids behind one figure of the published copy.
- ``generate eoir`` / ``generate nri``: SYNTHETIC inputs in the real formats; ``generate bundled``: the
  bundled synthetic inputs of a default run (``make setup`` runs it, so a first run does not generate them).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import uuid
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from orchestration.dead_runs import CLI, LAUNCHED_BY, WAREHOUSE_TAG
from orchestration.run_options import DEFAULTS

app = typer.Typer(add_completion=False, no_args_is_help=True, help="MPP Metrics and Measures pipeline.",
                  rich_markup_mode=None)  # click's plain help: wraps at any width, never cuts an option name
# The CLI prints to the real stdout; dbt and Dagster chatter is redirected to the run log file.
console = Console(file=sys.__stdout__, width=None if sys.__stdout__.isatty() else 120)


@app.callback()
def _root() -> None:
    """MPP Metrics and Measures pipeline: run it, generate synthetic inputs, drill into figures."""
    from pydantic import ValidationError

    from orchestration.settings import get_settings

    try:  # a bad MPP_* environment variable: one line naming it (exit 2), not a traceback
        get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "MPP_" + "_".join(str(part) for part in error["loc"]).upper()
            console.print(f"[red]error:[/red] {name}={error.get('input')!r}: {error['msg']}", soft_wrap=True)
        raise typer.Exit(code=2) from None


def _validate_as_of(value: str) -> str:
    """The run settings' own check (orchestration.configured_publication.validate_as_of), as a CLI error (exit 2)."""
    from orchestration.configured_publication import validate_as_of

    try:
        return validate_as_of(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _validate_cbp_encounters(values: list[str] | None) -> list[str]:
    """Each ``--cbp-encounters PATH[@YYYY-MM-DD]`` exists (file or folder of .csv), made absolute; exit 2 otherwise."""
    from orchestration.raw.user_files import UserFileError, absolute_entry

    try:
        return [absolute_entry(v) for v in values or []]
    except UserFileError as exc:
        raise typer.BadParameter(str(exc)) from exc


class _ProgressHandler(logging.Handler):
    """Prints one line per step start / success / failure of a Dagster run, and times the steps."""

    recorder = None  # the RunStatsRecorder of the run in progress, if any

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            return
        step = event.step_key or ""
        kind = event.event_type_value
        recorder = _ProgressHandler.recorder
        if kind == "STEP_START":
            if recorder:
                recorder.step_started(step)
            if console.is_terminal:  # a log file or CI gets one line per step, when it ends
                console.print(f"[dim]…[/dim] {step}")
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and recorder:
            recorder.step_finished(step)
        if kind == "STEP_SUCCESS":
            took = recorder.wall_seconds(step) if recorder else None
            console.print(f"[green]✓[/green] {step}" + (f" [dim]{took:.1f} s[/dim]" if took is not None else ""))
        elif kind == "STEP_FAILURE":
            console.print(f"[red]✗ {step}[/red]")
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if not data.passed:
                blocking = data.severity.value == "ERROR"
                label = "[red]check failed[/red]" if blocking else "[yellow]warning[/yellow]"
                # which expectations failed (GE checks), and where the failing rows are shown
                meta = data.metadata or {}
                failed = getattr(meta.get("failed_expectations"), "value", None)
                docs = getattr(meta.get("validation_page") or meta.get("data_docs"), "value", None)
                detail = f" ({failed}; rows in {docs})" if failed and failed != "none" and docs else ""
                console.print(f"{label}: {data.asset_key.to_user_string()} {data.check_name}{detail}",
                              soft_wrap=True)  # one line, never broken inside a path


def _progress_logger():
    from dagster import logger

    @logger(description="Compact progress lines for the CLI.")
    def progress(_init_context):
        log = logging.getLogger("mpp_metrics.progress")
        log.setLevel(logging.DEBUG)
        log.handlers = [_ProgressHandler()]
        log.propagate = False
        return log

    return progress


def print_headline(doc: dict) -> None:
    """A readable table of the headline numbers per goal."""
    from orchestration.metrics import headline_rows, unavailable_summary

    table = Table(title=f"MPP Metrics and Measures as of {doc['as_of']}")
    for col in ("goal", "metric", "period", "value"):  # a metric id is never cut: `cases` takes it as printed
        table.add_column(col, justify="right" if col == "value" else "left", no_wrap=col in ("metric", "goal"))
    for row in headline_rows(doc):
        table.add_row(*row)
    console.print(table)
    for line in unavailable_summary(doc):
        console.print(f"[yellow]not published[/yellow] {line}")
    variants = ", ".join(f"{k}={v}" for k, v in doc["variants"].items())
    console.print(f"variants: {variants}")
    synthetic = sorted({i["source"] for i in doc["inputs"] if i["kind"] == "synthetic"})
    if synthetic:
        console.print(f"[bold yellow]SYNTHETIC input:[/bold yellow] {', '.join(synthetic)} (figures built on them are demo values)")


def print_release_notes(warehouse: Path, since: datetime) -> None:
    """What the run must say about the EOIR release it loaded (orchestration.eoir.diff.release_notes): a new
    baseline, a missing Count.txt, a release diff that warns."""
    import duckdb

    from orchestration.eoir.diff import release_notes

    if not warehouse.exists():
        return
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        notes = release_notes(con, since)
    finally:
        con.close()
    for level, text in notes:
        console.print(f"{'[bold cyan]note[/bold cyan]' if level == 'note' else '[yellow]warning[/yellow]'}: {text}")


def print_quarantine(rows: list[dict]) -> None:
    """One line per file of the current loads with quarantined rows: count and count per reason."""
    for r in rows:
        reasons = ", ".join(f"{k} {v:,}" for k, v in r["reasons"].items())
        console.print(
            f"[yellow]quarantined[/yellow] {r['rows_quarantined']:,} of {r['rows_read']:,} rows of "
            f"{r['source_file']} -> raw._rejects ({reasons})"
        )


@app.command(short_help="Run the whole pipeline; write metrics.json and the report.")
def run(
    as_of: Annotated[str, typer.Option(metavar="YYYY-MM-DD", help="As-of date of every figure; default: the configured publication's (dbt_project.yml vars).", callback=_validate_as_of)] = DEFAULTS.as_of,
    output: Annotated[Path | None, typer.Option(file_okay=False, metavar="DIR", help="Folder for metrics.json and the report (default var/output).")] = None,
    eoir_release: Annotated[Path | None, typer.Option(exists=True, metavar="PATH", help="EOIR FOIA release (folder or .zip); default: the bundled synthetic release.")] = None,
    uscis_nri: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, metavar="FILE", help="Case-level USCIS NRI extract (CSV, docs/contracts/uscis_nri_referrals.md); default: synthetic.")] = None,
    cbp_encounters: Annotated[list[str] | None, typer.Option(callback=_validate_cbp_encounters, metavar="PATH[@YYYY-MM-DD]", help="CBP encounter file in CBP's official open-data layout (Southwest Land Border Encounters by AOR, or Nationwide Encounters by State), or a folder of them; PATH@YYYY-MM-DD gives its vintage. Repeatable.")] = None,
    eoir_diff_block_vanished: Annotated[float, typer.Option(min=0.0, max=1.0, metavar="FRACTION", help="Refuse an EOIR release in which more than this fraction of the previous release's rows vanished.")] = DEFAULTS.eoir_diff_block_vanished,
    eoir_diff_block_changed: Annotated[float, typer.Option(min=0.0, max=1.0, metavar="FRACTION", help="Refuse an EOIR release in which more than this fraction of rows changed.")] = DEFAULTS.eoir_diff_block_changed,
    eoir_all_columns: Annotated[bool, typer.Option(help="Land every column of the EOIR tables in raw.eoir_* (default: only the columns the models read).")] = DEFAULTS.eoir_all_columns,
    admin_closures_are_completions: Annotated[bool, typer.Option(help="Count administrative closures as completions.")] = DEFAULTS.admin_closures_are_completions,
    relief_after_reopening_counts: Annotated[bool, typer.Option(help="Count relief won only after a reopening.")] = DEFAULTS.relief_after_reopening_counts,
    publish: Annotated[bool, typer.Option("--publish", help="Replace the analysts' published copy even though --as-of or a switch differs from the configured publication (otherwise such a run keeps its copy in OUTPUT/unpublished/).")] = DEFAULTS.publish,
    publication: Annotated[str, typer.Option(help="Publish into the named publication var/published/NAME/ instead of the analysts' copy.", metavar="NAME")] = DEFAULTS.publication,
) -> None:
    """Materialize the whole pipeline in-process and write OUTPUT/metrics.json and the report.

    A run at the configured publication's as-of date and switches replaces the analysts' published copy;
    any other run is exploratory and publishes only with --publish, or into --publication NAME.

    A run whose inputs, options and code are those of the last successful run into the same output folder,
    whose outputs are still as it left them, is answered before Dagster starts (orchestration/unchanged_run.py)."""
    from orchestration.settings import get_settings

    settings = get_settings()
    output_dir = (output or settings.output_dir).expanduser().resolve()
    options = {
        "as_of": as_of,
        "output_dir": str(output_dir),
        "eoir_release": str(eoir_release.resolve()) if eoir_release else "",
        "uscis_nri": str(uscis_nri.resolve()) if uscis_nri else "",
        "cbp_encounters": list(cbp_encounters or []),
        "eoir_diff_block_vanished": eoir_diff_block_vanished,
        "eoir_diff_block_changed": eoir_diff_block_changed,
        "eoir_all_columns": eoir_all_columns,
        "admin_closures_are_completions": admin_closures_are_completions,
        "relief_after_reopening_counts": relief_after_reopening_counts,
        "publish": publish,
        "publication": publication,
    }
    if publish and publication:  # --publication publishes into NAME; --publish would be ignored
        console.print("[red]error:[/red] --publish replaces the analysts' copy and --publication NAME publishes into "
                      f"var/published/{publication}/: give one of them", soft_wrap=True)
        raise typer.Exit(code=2)
    _ensure_writable(output_dir)  # refused in one line before anything is said or run
    fingerprint = _answer_if_unchanged(options, output_dir)
    if fingerprint is None:
        return
    _run_pipeline(options, output_dir, fingerprint)


def _answer_if_unchanged(options: dict, output_dir: Path) -> str | None:
    """Answer an unchanged run from its outputs without importing Dagster, dbt or GE (print the headline,
    write the run's log and run_stats.json) and return None; otherwise return the run's fingerprint (taken
    now, before anything runs) for the normal run to record when it succeeds."""
    from orchestration import unchanged_run
    from orchestration.bundled import make_bundled_inputs
    from orchestration.configured_publication import publication_target
    from orchestration.locking import warehouse_write_lock
    from orchestration.runlog import finish_run, format_line, open_run_log
    from orchestration.runstats import RunStatsRecorder
    from orchestration.settings import get_settings

    settings = get_settings()
    target = publication_target(options["as_of"], options["admin_closures_are_completions"],
                                options["relief_after_reopening_counts"], publish=options["publish"],
                                publication=options["publication"], output_dir=output_dir)
    with RunStatsRecorder() as recorder, warehouse_write_lock(settings.warehouse, log=console.print):
        recorder.step_started("unchanged_check")
        # under the lock, as the run's own assets would: two first runs never generate the same files at once
        make_bundled_inputs(options["eoir_release"], options["uscis_nri"])  # so a first run's inputs are the next's
        fingerprint = unchanged_run.run_fingerprint(options)
        verdict = unchanged_run.check(options, fingerprint, output_dir, target.database)
        recorder.step_finished("unchanged_check")
        if not verdict.unchanged:
            console.print(f"[dim]running: {verdict.reason}[/dim]")
            return fingerprint
        log_files, log_file = open_run_log(unchanged_run.new_run_id())
        with log_file:
            log_file.write(format_line(datetime.now(UTC).timestamp(), None, "INFO",
                                       f"{verdict.reason}: answered from run {verdict.run_id}; nothing run"))
    stats = {"success": True, **recorder.as_dict(), "materialized": [], "unchanged": True,
             "answered_from_run": verdict.run_id}
    # var/logs only: OUTPUT/run.log and run_stats.json stay those of the run that wrote metrics.json
    finish_run(log_files, stats, None)
    console.print(f"[dim]{verdict.reason} (run {verdict.run_id}): nothing run, outputs left as they are[/dim]")
    _print_outputs(output_dir, target, settings.published_dir, log_files.log)
    return None


def _run_pipeline(options: dict, output_dir: Path, fingerprint: str) -> None:
    """The normal run: materialize the job in-process under the warehouse write lock (see :func:`run`)."""
    from dagster import DagsterInstance

    from orchestration import unchanged_run
    from orchestration.dead_runs import release_dead_runs
    from orchestration.definitions import MAIN_JOB_NAME, defs
    from orchestration.locking import warehouse_write_lock
    from orchestration.raw.quarantine import quarantine_summary
    from orchestration.resources import PipelineConfig
    from orchestration.settings import get_settings

    settings = get_settings()
    run_config = {"resources": {"pipeline": {"config": options}}, "loggers": {"progress": {}, "run_log": {}}}
    try:
        pipeline = PipelineConfig(**run_config["resources"]["pipeline"]["config"])
    except ValueError as exc:  # e.g. a bad --publication name
        raise typer.BadParameter(str(exc)) from exc
    target = pipeline.publication_target()
    job = defs.resolve_job_def(MAIN_JOB_NAME)
    console.print(f"warehouse: {settings.warehouse}")
    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    from orchestration.runlog import finish_run, open_run_log, run_log_logger
    from orchestration.runstats import RunStatsRecorder

    run_id = str(uuid.uuid4())
    # One writer at a time across processes: a second run (or a UI run's warehouse step) waits here.
    with warehouse_write_lock(settings.warehouse, log=console.print):
        if not instance.is_ephemeral:  # a killed CLI run's claim on the warehouse pool would block this run
            release_dead_runs(instance, log=console.print, warehouse=settings.warehouse)
        unchanged_run.start_run(output_dir, run_id)
        # this run's own log (var/logs/<time>_<run id>.log): Dagster events with tracebacks, and dbt's output
        log_files, log_file = open_run_log(run_id)
        with log_file, redirect_stdout(log_file), RunStatsRecorder() as recorder:
            _ProgressHandler.recorder = recorder
            started = datetime.now(UTC).replace(tzinfo=None)
            try:
                result = job.with_logger_defs(
                    {"progress": _progress_logger(), "run_log": run_log_logger(log_file)}
                ).execute_in_process(run_config=run_config, instance=instance, raise_on_error=False, run_id=run_id,
                                     tags=run_tags(pipeline, output_dir, settings.warehouse))
            finally:
                _ProgressHandler.recorder = None
        quarantine = quarantine_summary(settings.warehouse) if settings.warehouse.exists() else []
        materialized = sorted(
            e.asset_key.to_user_string()
            for e in result.all_events
            if e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key is not None
        )
        stats = {"success": result.success, **recorder.as_dict(), "materialized": materialized}
        finish_run(log_files, stats, output_dir)  # + run.log and run_stats.json in OUTPUT after a success
        unchanged_run.finish_run(output_dir, run_id, result.success, fingerprint, target.database)
    if result.success:
        print_release_notes(settings.warehouse, started)
        print_quarantine(quarantine)
    else:  # the current loads may be an earlier release's: its quarantine is not reported as this run's
        _print_failure(result, log_files.log)
        raise typer.Exit(code=1)
    _print_outputs(output_dir, target, settings.published_dir, log_files.log)


def run_tags(pipeline, output_dir: Path, warehouse: Path) -> dict[str, str]:
    """Tags of a CLI run in Dagster (the UI's run list tells runs apart by them): who launched it, its as-of
    date, where its outputs went, which copy it published (``exploratory``: its own, not published) and the
    warehouse it writes (orchestration/dead_runs.py tells a dead CLI run from a live one on another warehouse)."""
    target = pipeline.publication_target()
    copy = (target.name or "analysts' copy") if target.published else "exploratory"
    return {LAUNCHED_BY: CLI, "mpp/as_of": str(pipeline.as_of), "mpp/output": str(output_dir),
            "mpp/publication": copy, WAREHOUSE_TAG: str(warehouse)}


def _ensure_writable(folder: Path) -> None:
    """Create ``folder`` and write a probe file in it; refuse a folder that cannot be written in one line
    naming it (exit 2), before anything runs (issue 18: a read-only --output ended in a traceback)."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".mpp-metrics-write-test-"):
            pass
    except OSError as exc:
        console.print(f"[red]error:[/red] --output {folder} is not writable: {exc.strerror or exc}", soft_wrap=True)
        raise typer.Exit(code=2) from None


def _print_failure(result, log_path: Path) -> None:
    """The run's failure message and each failed step's innermost error."""
    for event in result.all_events:
        if event.event_type_value == "RUN_FAILURE" and event.message:
            console.print(f"[red]run failed:[/red] {event.message.strip()}")
        if event.is_step_failure:
            error = event.event_specific_data.error  # type: ignore[union-attr]
            while error.cause is not None and "executing op" in error.message:
                error = error.cause
            console.print(f"[red]{event.step_key} failed:[/red] {error.message.strip()}")
    console.print(f"full log: {log_path}", soft_wrap=True)


def _print_outputs(output_dir: Path, target, published_dir: Path, log: Path) -> None:
    """The headline table, where metrics.json and the report are, what was (not) published, and the run's log."""
    doc = json.loads((output_dir / "metrics.json").read_text(encoding="utf-8"))
    print_headline(doc)
    console.print(f"metrics.json: {output_dir / 'metrics.json'}")
    if (output_dir / "report.html").is_file():
        console.print(f"report:       {output_dir / 'report.html'} (charts in {output_dir / 'charts'})")
    if target.published:
        console.print(f"published:    {target.describe()}; open it read-only")
    else:
        console.print(f"[bold yellow]{target.note}[/bold yellow]")
        console.print(f"copy:         {target.describe()}")
        console.print(f"published:    {published_dir / 'mpp_metrics.duckdb'} (unchanged)")
    console.print(f"log:          {log}", soft_wrap=True)


@app.command(short_help="List the EOIR cases behind a court headline figure.")
def cases(
    metric_id: Annotated[str, typer.Argument(metavar="METRIC_ID", help="Court metric id, e.g. g2_removal_orders_in_absentia.")],
    period: Annotated[str | None, typer.Option(metavar="YYYY-MM", help="'YYYY-MM' for a month; omit for the cumulative figure.")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", dir_okay=False, metavar="FILE", help="Write all case ids to this CSV.")] = None,
    limit: Annotated[int, typer.Option(min=1, metavar="N", help="Case ids to print (all go to --csv).")] = 20,
) -> None:
    """List the EOIR cases behind a court headline figure (goals 1a, 2, 3), from the published copy."""
    import csv as csv_module
    import re

    from orchestration.drilldown import FigureNotFound, FigureUnavailable, figure_cases
    from orchestration.publish import open_published

    if period is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        console.print(f"[red]--period must be a month YYYY-MM, got {period!r}[/red]")
        raise typer.Exit(code=2)
    try:
        con = open_published()
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=1) from exc
    try:
        answer = figure_cases(con, metric_id, period)
    except FigureNotFound as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from exc
    except FigureUnavailable as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=1) from exc
    finally:
        con.close()
    rows, as_of = [(c,) for c in answer.case_ids], answer.as_of
    console.print(f"{metric_id} {period or 'cumulative'} as of {as_of}: {len(rows):,} cases"
                  + (" (the figure is 0: no case counts toward it)" if not rows else ""))
    for (case_id,) in rows[:limit]:
        console.print(f"  {case_id}")
    if len(rows) > limit:
        console.print(f"  ... {len(rows) - limit:,} more" + ("" if csv_out else " (use --csv FILE for all)"))
    if csv_out:
        with open(csv_out, "w", newline="", encoding="utf-8") as fh:
            writer = csv_module.writer(fh)
            writer.writerow(["metric_id", "period", "case_id"])
            writer.writerows([metric_id, period or "", r[0]] for r in rows)
        console.print(f"wrote {csv_out}")


generate_app = typer.Typer(no_args_is_help=True, help="Generate synthetic inputs in the real formats.", rich_markup_mode=None)
app.add_typer(generate_app, name="generate")


@generate_app.command("eoir", short_help="Write a synthetic EOIR case-data release.")
def generate_eoir(
    out: Annotated[Path, typer.Option(metavar="PATH", help="Release folder (or .zip with --zip) to write.")],
    seed: Annotated[int, typer.Option(metavar="N", help="Random seed (same seed and scale -> same bytes).")] = 20201231,
    scale: Annotated[float, typer.Option(min=1e-6, max=1.0, metavar="FRACTION", help="Fraction of the full release (1.0 = ~12M cases).")] = 0.01,
    as_zip: Annotated[bool, typer.Option("--zip", help="Write the release as one zip, like EOIR publishes it.")] = False,
    corrupt_rate: Annotated[float, typer.Option(min=0.0, max=0.5, metavar="FRACTION", help="Fraction of rows per file broken on purpose (quarantined on load), e.g. 0.01.")] = 0.0,
) -> None:
    """Write a SYNTHETIC EOIR case-data release in the published file format."""
    from orchestration.eoir.generator import generate_release

    meta = generate_release(out, seed=seed, scale=scale, as_zip=as_zip, corrupt_rate=corrupt_rate)
    rows = {name: t["rows_generated"] for name, t in meta["tables"].items()}
    console.print(f"SYNTHETIC EOIR release written to {meta['path']}: {rows}")


@generate_app.command("nri", short_help="Write a synthetic case-level USCIS NRI extract.")
def generate_nri(
    out: Annotated[Path, typer.Option(dir_okay=False, metavar="FILE", help="CSV file to write.")],
    seed: Annotated[int, typer.Option(metavar="N", help="Random seed.")] = 20190128,
    eoir_release: Annotated[Path | None, typer.Option(exists=True, metavar="PATH", help="Synthetic EOIR release to link referrals to.")] = None,
) -> None:
    """Write a SYNTHETIC case-level USCIS NRI referral extract (contract: docs/contracts/uscis_nri_referrals.md)."""
    from orchestration.uscis.generator import generate_nri_extract

    summary = generate_nri_extract(out, seed=seed, eoir_release=eoir_release)
    console.print(f"SYNTHETIC NRI extract written to {out}: {summary['rows']} referrals")


@generate_app.command("bundled", short_help="Generate the bundled synthetic inputs, if missing.")
def generate_bundled() -> None:
    """Generate the bundled SYNTHETIC inputs a default run reads, if missing (make setup calls this).

    The bundled EOIR release (var/generated/eoir_release_v<generator>_seed<seed>_scale<scale>/) and the NRI
    extract linked to it (var/generated/uscis/): the same files, by the same functions, that the first default
    run would otherwise generate (about 10 s); already generated files of the same generator version are kept.
    """
    from orchestration.bundled import ensure_bundled_release, synthetic_nri_extract

    release = ensure_bundled_release()
    nri = synthetic_nri_extract(release)
    console.print(f"bundled SYNTHETIC inputs: EOIR release {release}; NRI extract {nri}")


def main() -> None:  # pragma: no cover - console entry point
    app()
