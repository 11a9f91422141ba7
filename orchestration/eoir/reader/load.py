"""Entry points of the reader: :func:`load_release` (every file of a release) and :func:`load_file` (one
file, its steps in order), the DuckDB settings held during a load, and queries over landed tables."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration.eoir.diff import DiffThresholds, ensure_diff_table, record_release_load
from orchestration.eoir.reader.context import FileLoad
from orchestration.eoir.reader.keys import collapse_duplicates, quarantine_keys
from orchestration.eoir.reader.layout import file_layout, read_header
from orchestration.eoir.reader.parse import count_date_nullifications, land_parts
from orchestration.eoir.reader.quarantine import count_repaired, quarantine_malformed
from orchestration.eoir.reader.result import EoirLoadResult
from orchestration.eoir.reader.sql import lit, q, relation_columns
from orchestration.eoir.reader.swap import swap_in
from orchestration.eoir.reader.transcode import BackgroundTranscode, Part
from orchestration.eoir.release import SYNTHETIC_MARKER, Release, ReleaseError, ReleaseFile, locate_release
from orchestration.raw.ledger import ensure_ledger, table_exists
from orchestration.settings import load_memory_limit

SOURCE = "eoir"


def load_release(
    con: duckdb.DuckDBPyConnection,
    release_path: Path | str,
    *,
    vintage: date | None = None,
    input_kind: str | None = None,
    work_dir: Path | None = None,
    memory_limit: str | None = "3GB",
    thresholds: DiffThresholds | None = None,
    all_columns: bool = False,
    part_bytes: int | None = None,
    tables: Iterable[str] | None = None,
) -> list[EoirLoadResult]:
    """Land every required table and every lookup of an EOIR release; return one result per file.

    Runs inside the caller's open transaction on ``con`` (see ``ledger.load_transaction``): it creates or
    replaces ``raw.eoir_*`` tables, appends to ``raw._rejects``, ``raw._load_ledger`` and
    ``raw._value_nullifications``, and commits nothing itself.

    release_path: a folder or a ``.zip``. vintage: release date; default from the synthetic marker, else the
    release's modification date (UTC). input_kind: ``'synthetic'`` when the marker file is present (passing
    ``'real'`` then raises), else ``'real'``. work_dir: where per-file UTF-8 part files go (one file at a
    time; about the size of the largest uncompressed file); default: the system temp folder. memory_limit:
    DuckDB memory limit set for the duration of the load (restored after), capped at
    :data:`~orchestration.settings.LOAD_MEMORY_LIMIT`; None leaves it unchanged.
    all_columns: land every column of the required tables (published ones, then extras); default: only the
    columns the models read (:attr:`TableSpec.used`), which is most of the speed and disk of a release-sized
    load (the schedule has 30 columns, the models read 7). Lookups always land every column.
    part_bytes: size of the single-threaded line-numbered read unit (default :data:`PART_BYTES`).
    tables: load only these files, by table name (e.g. ``["B_TblProceeding"]``, any case); default: all.

    Count.txt: when the release has one, every file's rows are checked against its count
    (:func:`check_count`); a release without one loads (the run reports it). One row per call goes to the
    release load history ``raw._eoir_release_loads`` (:func:`~orchestration.eoir.diff.record_release_load`).

    Raises :class:`ReleaseError` (missing table, bad header, a count that differs from Count.txt, ...); the
    ledger raises ``RowAccountingError`` if a file's rows do not add up (cannot happen by construction).
    """
    release = locate_release(Path(release_path))
    kind, vint = _resolve_kind_and_vintage(release, vintage, input_kind)
    wanted = None if tables is None else {t.lower() for t in tables}
    files = [rf for rf in release.files if wanted is None or rf.spec.name.lower() in wanted]
    ensure_ledger(con)
    ensure_diff_table(con)
    settings = _push_settings(con, memory_limit)
    tmpdir = Path(tempfile.mkdtemp(prefix="eoir_load_", dir=work_dir))
    counts = release.counts or {}
    try:
        results = [load_file(con, rf, vintage=vint, input_kind=kind, work_dir=tmpdir, thresholds=thresholds,
                             all_columns=all_columns, part_bytes=part_bytes,
                             expected_rows=counts.get(rf.spec.name.lower()))
                   for rf in files]
        record_release_load(con, release.path.name, kind, release.count_file, results)
        return results
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
        try:
            con.execute("drop table if exists _eoir_repaired")
            con.execute("drop table if exists _eoir_dups")
            con.execute("drop table if exists _eoir_keyrej")
            con.execute("drop table if exists _eoir_cand")
            con.execute("drop table if exists _eoir_lines")
        except duckdb.Error:
            pass
        _pop_settings(con, settings)


def _push_settings(con, memory_limit: str | None) -> dict[str, str]:
    memory_limit = load_memory_limit(memory_limit)
    names = ["preserve_insertion_order"] + (["memory_limit"] if memory_limit else [])
    old = {k: con.execute(f"select current_setting('{k}')").fetchone()[0] for k in names}
    con.execute("set preserve_insertion_order = true")
    if memory_limit:
        con.execute(f"set memory_limit = {lit(memory_limit)}")
    return old


def _pop_settings(con, old: dict[str, str]) -> None:
    for k, v in old.items():
        try:
            con.execute(f"set {k} = {lit(str(v))}")
        except duckdb.Error:
            pass


def _resolve_kind_and_vintage(release: Release, vintage: date | None, input_kind: str | None):
    marker = release.marker
    if marker is not None:
        if input_kind not in (None, "synthetic"):
            raise ReleaseError(
                f"{release.path}: contains {SYNTHETIC_MARKER} (a synthetic release) but input_kind={input_kind!r}"
            )
        kind = "synthetic"
    else:
        kind = input_kind or "real"
    if vintage is None and marker is not None and marker.get("vintage"):
        vintage = date.fromisoformat(marker["vintage"])
    if vintage is None:
        vintage = datetime.fromtimestamp(release.path.stat().st_mtime, UTC).date()
    return kind, vintage


def load_file(
    con: duckdb.DuckDBPyConnection,
    rf: ReleaseFile,
    *,
    vintage: date | None,
    input_kind: str,
    work_dir: Path,
    thresholds: DiffThresholds | None = None,
    all_columns: bool = False,
    part_bytes: int | None = None,
    expected_rows: int | None = None,
) -> EoirLoadResult:
    """Land one release file into ``raw.<spec.raw_table>`` and record its ledger row (see module doc).

    thresholds: release-diff thresholds (default :class:`DiffThresholds`); a blocking diff raises
    :class:`~orchestration.eoir.diff.ReleaseDiffError` before anything is committed.
    all_columns: land every column of a required table (default: the used ones, :attr:`TableSpec.used`).
    part_bytes: size of the line-numbered read unit (default :data:`PART_BYTES`).
    expected_rows: the file's data rows by the release's Count.txt; a file whose lines, or whose loaded +
    quarantined + collapsed rows, differ from it raises :class:`CountMismatchError` before the commit.
    """
    transcoding = BackgroundTranscode(rf, work_dir, part_bytes)
    try:
        return _load_parts(con, rf, transcoding, vintage=vintage, input_kind=input_kind,
                           thresholds=thresholds or DiffThresholds(), all_columns=all_columns,
                           expected_rows=expected_rows)
    finally:
        transcoding.close()


def _load_parts(con, rf: ReleaseFile, transcoding: BackgroundTranscode, *, vintage, input_kind,
                thresholds: DiffThresholds, all_columns: bool, expected_rows: int | None = None) -> EoirLoadResult:
    """The steps of one file's load, in order (see the package docstring)."""
    parts_in = iter(transcoding)
    first = next(parts_in, None)
    ctx = _open_file_load(con, rf, first, vintage=vintage, input_kind=input_kind, thresholds=thresholds,
                          all_columns=all_columns, expected_rows=expected_rows)
    land_parts(ctx, itertools.chain([first], parts_in))
    tc = transcoding.result
    assert tc is not None  # the iteration ended without error
    ctx.result.sha256 = tc.sha256
    ctx.result.rows_read = tc.lines - 1
    repaired_ln = quarantine_malformed(ctx, tc)
    count_date_nullifications(ctx)
    collapse_duplicates(ctx)
    excluded = quarantine_keys(ctx, tc)
    count_repaired(ctx, repaired_ln, excluded)
    return swap_in(ctx, excluded)


def _open_file_load(con, rf: ReleaseFile, first: Part | None, *, vintage, input_kind, thresholds: DiffThresholds,
                    all_columns: bool, expected_rows: int | None) -> FileLoad:
    """Check the header (in the first part) and set up the file's load: layout and an empty result."""
    spec, display = rf.spec, rf.display
    header_line = read_header(first.path) if first is not None else None
    if header_line is None or header_line.strip() == "":
        raise ReleaseError(f"{display}: empty file or empty header line (line 1)")
    lay = file_layout(spec, header_line, display, all_columns or not spec.required)
    result = EoirLoadResult(
        table_name=spec.raw_table, source=SOURCE, source_file=display, sha256="", vintage=vintage,
        input_kind=input_kind, rows_read=0, rows_loaded=0, raw_table=f"raw.{spec.raw_table}",
        columns_missing=lay.missing, columns_extra=lay.extra, columns_reordered=lay.reordered,
        columns_renamed=lay.renamed, count_expected=expected_rows,
    )
    return FileLoad(con, spec, display, lay, result, vintage, input_kind, thresholds)


def value_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Value columns of ``raw.<table>`` (those not starting with ``_``), in table order; [] if it is absent."""
    if not table_exists(con, "raw", table):
        return []
    return [c for c in relation_columns(con, f"raw.{q(table)}") if not c.startswith("_")]


def lookup_codes(con: duckdb.DuckDBPyConnection, lookup: str, code_column: str | None = None) -> set[str]:
    """Distinct codes of a landed lookup table, e.g. ``lookup_codes(con, 'hloc')`` -> {'SYP', 'ENP', ...}.

    lookup: the suffix of ``raw.eoir_lookup_<lookup>`` (or the full raw table name).
    code_column: which column holds the code; default: the first column whose name does not start with
    ``IDN`` (EOIR lookups put the code first, sometimes after a numeric surrogate key).
    Returns an empty set when the lookup was not in the release.
    """
    table = lookup if lookup.startswith("eoir_lookup_") else f"eoir_lookup_{lookup.lower()}"
    cols = [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
            "order by ordinal_position",
            [table],
        ).fetchall()
    ]
    if not cols:
        return set()
    if code_column is None:
        code_column = next(c for c in cols if not c.upper().startswith("IDN") and not c.startswith("_"))
    rows = con.execute(f"select distinct {q(code_column.upper())} from raw.{q(table)} where {q(code_column.upper())} is not null").fetchall()
    return {r[0] for r in rows}
