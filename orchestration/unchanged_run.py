"""Answer an unchanged ``mpp-metrics run`` before Dagster, dbt or Great Expectations are imported.

A run is *unchanged* when everything that decides its figures is what the last successful run into the
same output folder saw, and what that run left behind is still there, untouched:

- the **inputs**: every bundled extract (``data/raw``), the EOIR release (the given one, or the bundled
  synthetic one), the NRI extract (the given one, or the generated one the run reads) and every ``--cbp-encounters``
  file, by sha256 (through the run state's size/mtime hash cache: a file is re-hashed only when its size or
  modification time changed);
- the **options** of the run (as-of date, switches, paths, diff thresholds, column policy, publication)
  and the settings (``MPP_*``: warehouse, published folder, ...; not those that change no figure:
  Data Docs HTML on/off, the DuckDB memory limit, the sensor's landing folder);
- the **code**: every file of orchestration/ and expectations/, the dbt project (dbt_project.yml,
  selectors.yml, profiles.yml, models, seeds, macros, dbt_tests), pyproject.toml and uv.lock, and the
  installed versions of the packages that compute (dbt-core, dbt-duckdb, duckdb, great-expectations,
  dagster, dagster-dbt);
- what the run left: metrics.json and the report (sha256), the charts (names and sizes), the copy it
  published (same file: inode, size, mtime; and ``meta.publication`` still carrying the publication id
  and build fingerprint it was built with), and the build warehouse (same inode, size, mtime);
- no run failed or died since: a normal run marks itself pending when it starts and clears the mark when
  it succeeds; while a mark of a failed or killed run is there nothing is answered unchanged, and the next
  normal run forgets every record when it starts.

Then the CLI prints what it found and the headline from the existing metrics.json, writes the run's log
and run_stats.json (``"unchanged": true``) in var/logs and exits 0, leaving metrics.json, the report, the
published copy and the output folder's run.log / run_stats.json (the run that wrote metrics.json) as they are. Anything else (no record, a difference, an unreadable file) means a normal run: a wrong
"unchanged" is impossible by construction, a wrong "changed" only costs the normal run.

The record is the run state's ``runs`` section (orchestration/state.py), keyed by output folder; the
fingerprint is computed BEFORE a normal run starts (a file changed during the run is seen by the next).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from orchestration import build_state, state
from orchestration.settings import PROJECT_DIR, get_settings

CODE_FOLDERS = ("orchestration", "expectations", "models", "seeds", "macros", "dbt_tests")
CODE_FILES = ("dbt_project.yml", "selectors.yml", "profiles.yml", "pyproject.toml", "uv.lock")
PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb", "great-expectations", "dagster", "dagster-dbt")
_PENDING = "pending:"
#: Environment variables that change what a run does (test checkpoints): never answered as unchanged.
_NEVER_SKIP_ENV = ("MPP_TEST_CHECKPOINT",)
#: Settings that change no figure nor the copy (Data Docs HTML, memory limit, the sensor's landing folder).
_NOT_FIGURE_SETTINGS = ("build_data_docs", "duckdb_memory_limit", "eoir_landing_dir", "eoir_landing_settle_seconds",
                        "eoir_release_url")


def _files_under(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"))


def code_paths(project_dir: Path | None = None) -> list[Path]:
    """Every file of the code and the dbt project that can change a figure (see module docstring)."""
    root = project_dir or PROJECT_DIR
    paths = [root / f for f in CODE_FILES if (root / f).is_file()]
    for folder in CODE_FOLDERS:
        paths += _files_under(root / folder)
    return paths


def input_paths(options: dict[str, Any]) -> list[Path]:
    """Every input file a run with these options reads (bundled extracts, EOIR release, NRI, CBP files)."""
    settings = get_settings()
    paths = _files_under(settings.raw_data_dir)
    if options.get("eoir_release"):
        paths += _files_under(Path(options["eoir_release"]).expanduser().resolve())
    else:
        from orchestration.bundled import bundled_release_path

        paths += _files_under(bundled_release_path())
    if options.get("uscis_nri"):
        paths += _files_under(Path(options["uscis_nri"]).expanduser().resolve())
    else:  # the generated extract linked to the run's release (made before the check), or its unlinked twin
        from orchestration.bundled import synthetic_nri_path, synthetic_release_to_link

        nri = synthetic_nri_path(synthetic_release_to_link(options.get("eoir_release", "")))
        paths += [p for p in (nri, nri.with_name(nri.stem + "_unlinked.csv")) if p.is_file()]
    if options.get("cbp_encounters"):
        from orchestration.raw.user_files import expand

        paths += [p for p, _ in expand(list(options["cbp_encounters"]))]
    return paths


def _packages() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def run_fingerprint(options: dict[str, Any]) -> str:
    """The fingerprint of everything that decides a run's figures: inputs, options, settings, code."""
    settings = get_settings()
    hashes = state.cached_sha256_many([*input_paths(options), *code_paths()])
    figures = settings.model_dump(mode="json", exclude=set(_NOT_FIGURE_SETTINGS))
    return state.fingerprint({
        "options": options,
        "settings": figures,
        "files": sorted(hashes.items()),
        "packages": _packages(),
    })


def _sha(path: Path) -> str | None:
    return state.cached_sha256_many([path])[str(path.resolve())] if path.is_file() else None


def _charts(output_dir: Path) -> dict[str, int]:
    folder = output_dir / "charts"
    return {p.name: p.stat().st_size for p in sorted(folder.glob("*"))} if folder.is_dir() else {}


def _publication(database: Path) -> list[str] | None:
    """[publication_id, build_fingerprint] of a published copy's meta.publication, None when unreadable."""
    if not database.is_file():
        return None
    import duckdb

    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute("select publication_id, build_fingerprint from meta.publication").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return [row[0], row[1]] if row and row[1] else None


def leftovers(output_dir: Path, database: Path) -> dict[str, Any]:
    """What a successful run left behind, as the record compares it (see module docstring)."""
    return {
        "metrics_json": _sha(output_dir / "metrics.json"),
        "report": _sha(output_dir / "report.html"),
        "charts": _charts(output_dir),
        "database": str(database),
        "database_file": build_state.file_identity(database),
        # the copy's Parquet files (a link swapped or a file deleted since): as the publish step records them
        "parquet_files": build_state.copy_identity(database, database.parent / "parquet")["parquet_files"],
        "publication": _publication(database),
        "warehouse": build_state.file_identity(get_settings().warehouse),
    }


#: Why a run is not answered unchanged, for the leftovers whose name alone would not say it.
_CHANGED = {
    # one build warehouse serves every run: a run with another --as-of, switch or input rebuilt it since
    "warehouse": "the build warehouse was rebuilt since by another run (other --as-of, switches or inputs), or "
                 "changed: rebuilding it for this run",
}


@dataclass(frozen=True)
class Verdict:
    """The check's answer: ``unchanged`` (the run may be answered from its outputs) and why (not)."""

    unchanged: bool
    reason: str
    run_id: str | None = None  # the run whose outputs answer this one


def check(options: dict[str, Any], fingerprint: str, output_dir: Path, database: Path) -> Verdict:
    """Is this run (``fingerprint``: :func:`run_fingerprint` of its options) unchanged since the last successful
    run into ``output_dir``? (module docstring)"""
    if any(os.environ.get(name) for name in _NEVER_SKIP_ENV):
        return Verdict(False, "a test checkpoint is set")
    runs = state.read("runs")
    if any(key.startswith(_PENDING) for key in runs):
        return Verdict(False, "a run started since did not finish")
    record = runs.get(str(output_dir))
    if not isinstance(record, dict) or not isinstance(record.get("leftovers", {}), dict):
        record = None  # a damaged record (edited by hand): as if none, never a crash nor a skip
    if not record:
        return Verdict(False, "no successful run into this output folder is recorded")
    if record.get("fingerprint") != fingerprint:
        return Verdict(False, "inputs, options, settings or code changed")
    now = leftovers(output_dir, database)
    if now["metrics_json"] is None or now["publication"] is None:
        return Verdict(False, "metrics.json or the published copy is missing")
    for name, value in now.items():
        if record.get("leftovers", {}).get(name) != value:
            return Verdict(False, _CHANGED.get(name, f"{name.replace('_', ' ')} differs from what the last run left"))
    return Verdict(True, "inputs, options, code and outputs unchanged since the last successful run",
                   record.get("run_id"))


def start_run(output_dir: Path, run_id: str) -> None:
    """A normal run starts: forget this output folder's record and mark the run pending; a mark left by a
    run that died (this one holds the write lock, so no other run is going) forgets every record."""
    def change(runs: dict[str, Any]) -> None:
        if any(key.startswith(_PENDING) for key in runs):
            runs.clear()
        runs.pop(str(output_dir), None)
        runs[_PENDING + run_id] = {"output_dir": str(output_dir)}

    state.update("runs", change)


def finish_run(output_dir: Path, run_id: str, success: bool, fingerprint: str | None, database: Path) -> None:
    """A normal run ended: on success remember it (``fingerprint`` computed before it started; None: do not
    remember) and clear its pending mark; a failed run keeps its mark, as a killed run does (the warehouse
    or a copy may be half-way): no run is answered unchanged until a normal run succeeds again."""
    if not success:
        return
    found = leftovers(output_dir, database) if fingerprint else None

    def change(runs: dict[str, Any]) -> None:
        runs.pop(_PENDING + run_id, None)
        if found is not None:
            runs[str(output_dir)] = {"fingerprint": fingerprint, "leftovers": found, "run_id": run_id,
                                     "finished_at": datetime.now(UTC).isoformat(timespec="seconds")}

    state.update("runs", change)


def new_run_id() -> str:
    """A run id (the same form as Dagster's)."""
    return str(uuid.uuid4())
