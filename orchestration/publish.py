"""Write-audit-publish: the analysts' read-only copy of the marts, swapped in atomically.

The build database (``Settings.warehouse``) is written by Dagster and dbt and is never opened by
analysts. After a run whose blocking checks passed, :func:`publish_warehouse` copies what analysts need
into a NEW DuckDB file built beside the published one, audits it, and swaps it into place with
``os.replace``; Parquet files are written to a new folder and swapped in through a symlink.

Published layout (under ``Settings.published_dir``, default ``var/published/``)::

    mpp_metrics.duckdb           one DuckDB file (open it with :func:`open_published`)
      marts.<table>              every table of the build's ``marts`` schema, as built
      marts.<old name>           the deprecated alias views of renamed marts (models/marts/_deprecated/,
                                 docs/architecture.md "Mart names"): recreated as views over the copied
                                 table, so analysts' saved SQL keeps working for one release; not in
                                 meta.tables and no Parquet file (:func:`_copy_mart_aliases`)
      seeds.<table>              every seed (definitions and code lists, to decode the marts)
      meta.publication           1 row: publication_id, published_at (UTC), as_of_date, variants, run_id,
                                 build_fingerprint (the dbt build it copies, orchestration/build_state.py),
                                 publication_name ('' = the analysts' copy, a name, or 'unpublished') and
                                 published (false: an exploratory run's own copy, never swapped in for analysts)
      meta.tables                1 row per published table: schema_name, table_name, row_count,
                                 carries_case_ids, case_id_note
      meta.inputs                1 row per raw table: its current load from raw._load_ledger (file,
                                 sha256, vintage, input_kind, rows read / loaded / quarantined / collapsed)
      meta.quarantine            1 row per (raw table, file, reason code): quarantined rows of the current
                                 loads, counted from raw._rejects (the rejected text itself is NOT published)
      meta.printed_total_discrepancies
                                 CBP MPP page totals that differ from the sum of their printed parts
                                 (intermediate.int_cbp_mpp_printed_total_discrepancies) and OHSS fiscal-year
                                 Totals beyond rounding of their months (int_ohss_printed_total_discrepancies;
                                 columns of both, NULL where a source has none)
      meta.inputs_document       1 row: metrics.json's ``inputs`` as read from the build
                                 (orchestration.metrics.read_inputs: files behind every current raw table,
                                 release diffs), so metrics.json written from this copy lists the same inputs
      meta.check_results         the LATEST result of every asset check of the code location (dbt tests,
                                 GE suites), from whichever run evaluated it last: this run's evaluations
                                 over the previous publication's rows (:func:`latest_check_results`), so a
                                 partial run (the sensor, a UI selection) keeps the other checks' results.
                                 Columns: asset_key, check_name, passed, severity, description, metadata
                                 (JSON text), run_id, evaluated_at (UTC)
      meta.release_diffs         1 row per EOIR table whose current load was diffed against an earlier
                                 release: status (ok / warn / baseline), lineage, rows previous / current,
                                 vanished / added / changed, vanished relief grants (no case ids)
      meta.release_diff_kinds    tbl_Court_Appln's diff by APPL_CODE and decision (APPL_DEC)
    parquet -> parquet-<id>/     symlink to the current Parquet folder: <schema>__<table>.parquet per
                                 table above, plus _publication.json (same publication_id)

Privacy: the copy holds aggregates and pseudonymous ids only. The tables that carry EOIR case ids
(IDNCASE, a pseudonymous docket number; never names, A-numbers, dates of birth or free text) are listed
in :data:`CASE_LEVEL_TABLES`; publishing fails if any other table has a ``case_id`` column or if any
table has a column matching :data:`FORBIDDEN_COLUMN` (so a new person-level mart needs a deliberate
review before analysts see it).

Guarantees: nothing is swapped in unless the whole copy was built and audited (row counts equal the
build's, headline stamped with the run's as-of date); a failed or blocked run leaves the last good
publication untouched; a reader holding the old file open keeps reading the old inode (POSIX rename
semantics) and never blocks the publish, because the published file is never written in place.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.settings import limit_memory

PUBLISHED_DB_NAME = "mpp_metrics.duckdb"
PARQUET_LINK_NAME = "parquet"

#: Tables that carry one row per EOIR case (pseudonymous case id IDNCASE), and why analysts need them.
CASE_LEVEL_TABLES: dict[str, str] = {
    "marts.court_metric_cases": "drill-down: the EOIR case ids behind each court figure (metric_id, period)",
    "marts.case_outcomes": "one row per MPP case: EOIR case id, nationality, dates, location and "
    "initial-completion outcome (goal 2/3 cohorts)",
    "marts.relief_cases": "one row per MPP case granted relief: EOIR case id, form, dates, location, nationality",
}

#: Column names that must never reach the analysts' copy (free text or person-level identifiers).
FORBIDDEN_COLUMN = re.compile(
    r"(raw_text|free_text|comment|remarks|gender|sex|birth|dob|alien_number|a_number|anumber|"
    r"first_name|last_name|full_name|person_name|address|phone|email|language|_lang)",
    re.IGNORECASE,
)

_SEED_SCHEMA = "seeds"
#: Intermediate models of printed totals that differ from their parts, published together (union by name).
PRINTED_TOTAL_DISCREPANCY_MODELS = ("int_cbp_mpp_printed_total_discrepancies", "int_ohss_printed_total_discrepancies")
_MART_SCHEMA = "marts"


class PublishError(RuntimeError):
    """The copy could not be built or failed its audit; the previous publication is untouched."""


class PublishBlocked(PublishError):
    """A blocking check of an upstream asset failed: nothing may be published."""


@dataclass
class PublishResult:
    """What one publish swapped in."""

    publication_id: str
    database: Path
    parquet_dir: Path
    tables: dict[str, int] = field(default_factory=dict)  # "schema.table" -> row count
    as_of_date: str | None = None


@dataclass(frozen=True)
class CheckResult:
    """One asset check evaluation (dbt test, GE suite, or any other asset check), with the run that made it."""

    asset_key: str
    check_name: str
    passed: bool
    severity: str  # "ERROR" (blocking) or "WARN"
    description: str = ""
    metadata: str = "{}"  # JSON text of the evaluation's metadata
    run_id: str | None = None
    evaluated_at: datetime | None = None  # UTC, naive

    @property
    def key(self) -> tuple[str, str]:
        return (self.asset_key, self.check_name)


@dataclass(frozen=True)
class PublicationTarget:
    """Where a run's audited copy goes (orchestration.resources.PipelineConfig.publication_target)."""

    directory: Path  # the publication folder: <directory>/mpp_metrics.duckdb and <directory>/parquet
    name: str  # "" = the analysts' copy; a publication name; "unpublished" = an exploratory run's own copy
    published: bool  # False: not a publication, only the run's own audited copy
    note: str = ""  # why it is not published, and how to publish

    @property
    def database(self) -> Path:
        return self.directory / PUBLISHED_DB_NAME

    def describe(self) -> str:
        if not self.published:
            return f"this run's copy (not published): {self.database}"
        return f"{self.database}" + (f" (publication {self.name})" if self.name else " (analysts' copy)")


CHECK_RESULT_COLUMNS = ("asset_key varchar, check_name varchar, passed boolean, severity varchar, description varchar, "
                        "metadata varchar, run_id varchar, evaluated_at timestamp")


def previous_check_results(published_dir: Path) -> list[CheckResult]:
    """meta.check_results of the publication in ``published_dir`` (empty when there is none)."""
    db_path = published_paths(published_dir)[0]
    if not db_path.is_file():
        return []
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cursor = con.execute("select * from meta.check_results")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    except duckdb.Error:
        return []
    finally:
        con.close()
    fields = set(CheckResult.__dataclass_fields__)
    return [CheckResult(**{k: v for k, v in r.items() if k in fields and v is not None}) for r in rows]


def latest_check_results(previous: Iterable[CheckResult], current: Iterable[CheckResult],
                         known: set[tuple[str, str]] | None = None) -> list[CheckResult]:
    """The latest result of every check: ``current`` (this run's, in event order) over ``previous``;
    with ``known``, only checks that still exist (a renamed or removed check is dropped)."""
    latest = {c.key: c for c in previous}
    latest.update({c.key: c for c in current})
    return sorted((c for k, c in latest.items() if known is None or k in known), key=lambda c: c.key)


def published_paths(published_dir: Path) -> tuple[Path, Path]:
    """(DuckDB file, Parquet symlink) of a publication folder."""
    return published_dir / PUBLISHED_DB_NAME, published_dir / PARQUET_LINK_NAME


def open_published(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the analysts' copy read-only (default ``Settings.published_dir/mpp_metrics.duckdb``).

    Readers use this (or ``duckdb.connect(path, read_only=True)``); never the build database. A
    connection keeps seeing the publication it opened, even after a newer one is swapped in: reconnect
    to see the new one. Raises FileNotFoundError when nothing was published yet.
    """
    if path is None:
        from orchestration.settings import get_settings

        path = published_paths(get_settings().published_dir)[0]
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no publication yet (run `make run` or `mpp-metrics run` first)")
    return duckdb.connect(str(path), read_only=True)


def _tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        [catalog, schema],
    ).fetchall()
    return [r[0] for r in rows]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return [r[0] for r in rows]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_privacy(columns_by_table: dict[str, list[str]]) -> None:
    """Raise PublishError if a table would publish a forbidden column or case ids without review."""
    problems = []
    for table, columns in columns_by_table.items():
        bad = [c for c in columns if FORBIDDEN_COLUMN.search(c)]
        if bad:
            problems.append(f"{table}: forbidden column(s) {bad} (free text / person-level)")
        if "case_id" in columns and table not in CASE_LEVEL_TABLES:
            problems.append(f"{table}: carries case_id but is not in CASE_LEVEL_TABLES (review it first)")
    if problems:
        raise PublishError("refusing to publish:\n  " + "\n  ".join(problems))


def _write_metadata(
    con: duckdb.DuckDBPyConnection,
    publication_id: str,
    as_of_date: str | None,
    run_id: str | None,
    checks: Iterable[CheckResult],
    about: dict[str, object],
) -> None:
    """Fill schema ``meta`` of the new file (connection has the build attached as ``build``); ``about``:
    build_fingerprint, publication_name, published (meta.publication)."""
    con.execute("create schema meta")
    has_ledger = "_load_ledger" in _tables(con, "build", "raw")
    if has_ledger:
        con.execute(
            """
            create table meta.inputs as
            select table_name, source, source_file, sha256, vintage, input_kind,
                   rows_read, rows_loaded, rows_quarantined, duplicates_collapsed, loaded_at, load_id
            from build.raw._load_ledger
            qualify load_id = arg_max(load_id, loaded_at) over (partition by table_name)
            order by source, table_name
            """
        )
        has_rejects = "_rejects" in _tables(con, "build", "raw")
        rejects = (
            """
            select r.table_name, r.source_file, split_part(r.reason, ':', 1) as reason_code,
                   count(*)::bigint as rows_quarantined
            from build.raw._rejects r
            join meta.inputs i on i.load_id = r.load_id
            group by all
            """
            if has_rejects
            else "select null::varchar table_name, null::varchar source_file, null::varchar reason_code, "
            "null::bigint rows_quarantined where false"
        )
        con.execute(f"create table meta.quarantine as {rejects} order by 1, 2, 3")
    else:
        con.execute(
            "create table meta.inputs (table_name varchar, source varchar, source_file varchar, sha256 varchar, "
            "vintage date, input_kind varchar, rows_read bigint, rows_loaded bigint, rows_quarantined bigint, "
            "duplicates_collapsed bigint, loaded_at timestamp, load_id varchar)"
        )
        con.execute(
            "create table meta.quarantine (table_name varchar, source_file varchar, reason_code varchar, "
            "rows_quarantined bigint)"
        )
    _write_release_diffs(con, has_ledger)
    _write_inputs_document(con, has_ledger)
    discrepancy_models = [t for t in PRINTED_TOTAL_DISCREPANCY_MODELS if t in _tables(con, "build", "intermediate")]
    if discrepancy_models:
        union = " union all by name ".join(f"select * from build.intermediate.{t}" for t in discrepancy_models)
        con.execute(f"create table meta.printed_total_discrepancies as {union} order by month_start, check_id")
    con.execute(f"create table meta.check_results ({CHECK_RESULT_COLUMNS})")
    rows = [(c.asset_key, c.check_name, c.passed, c.severity, c.description, c.metadata, c.run_id, c.evaluated_at)
            for c in checks]
    if rows:
        con.executemany("insert into meta.check_results values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    variants = (None, None)
    if "headline_metrics" in _tables(con, "build", _MART_SCHEMA):
        got = con.execute(
            "select any_value(admin_closures_are_completions), any_value(relief_after_reopening_counts) "
            "from build.marts.headline_metrics"
        ).fetchone()
        variants = (got[0], got[1]) if got else variants
    con.execute(
        "create table meta.publication as select ?::varchar publication_id, ?::timestamp published_at, "
        "?::date as_of_date, ?::boolean admin_closures_are_completions, ?::boolean relief_after_reopening_counts, "
        "?::varchar run_id, ?::varchar build_fingerprint, ?::varchar publication_name, ?::boolean published",
        [publication_id, datetime.now(UTC).replace(tzinfo=None), as_of_date, variants[0], variants[1], run_id,
         about.get("build_fingerprint"), about.get("publication_name", ""), about.get("published", True)],
    )


_RELEASE_DIFF_COLUMNS = (
    "table_name varchar, source_file varchar, status varchar, lineage varchar, previous_lineage varchar, "
    "rows_previous bigint, rows_current bigint, vanished bigint, added bigint, changed bigint, "
    "vanished_relief_grants bigint"
)
_RELEASE_DIFF_KIND_COLUMNS = (
    "table_name varchar, kind_column varchar, kind_value varchar, decision_column varchar, decision varchar, "
    "vanished bigint, added bigint, changed bigint"
)


def _write_release_diffs(con: duckdb.DuckDBPyConnection, has_ledger: bool) -> None:
    """meta.release_diffs (the EOIR release diff of each current load: status, lineage, counts, vanished
    relief grants; counts only, no case ids) and meta.release_diff_kinds (tbl_Court_Appln by APPL_CODE and
    decision); empty when the build has no release diff."""
    raw = set(_tables(con, "build", "raw"))
    if has_ledger and {"_release_diffs", "_release_diff_kinds", "_release_diff_vanished_grants"} <= raw:
        con.execute(
            """
            create table meta.release_diffs as
            select d.table_name, d.source_file, d.status, d.lineage, d.previous_lineage, d.rows_previous,
                   d.rows_current, d.vanished, d.added, d.changed,
                   (select count(*) from build.raw._release_diff_vanished_grants g
                    where g.load_id = d.load_id)::bigint as vanished_relief_grants
            from build.raw._release_diffs d join meta.inputs i on i.load_id = d.load_id
            order by d.table_name
            """
        )
        con.execute(
            """
            create table meta.release_diff_kinds as
            select k.table_name, k.kind_column, k.kind_value, k.decision_column, k.decision, k.vanished, k.added,
                   k.changed
            from build.raw._release_diff_kinds k join meta.inputs i on i.load_id = k.load_id
            order by 1, 3 nulls last, 5 nulls last
            """
        )
        return
    con.execute(f"create table meta.release_diffs ({_RELEASE_DIFF_COLUMNS})")
    con.execute(f"create table meta.release_diff_kinds ({_RELEASE_DIFF_KIND_COLUMNS})")


def _write_inputs_document(con: duckdb.DuckDBPyConnection, has_ledger: bool) -> None:
    """meta.inputs_document: metrics.json's ``inputs`` read from the attached build (``use build`` so that
    :func:`orchestration.metrics.read_inputs` sees the build's ``raw`` schema), as JSON text; ``[]`` for a
    build without a ledger."""
    import json

    from orchestration.metrics import read_inputs

    inputs: list = []
    if has_ledger:
        here = con.execute("select current_database()").fetchone()[0]
        con.execute("use build")
        try:
            inputs = read_inputs(con)
        finally:
            con.execute(f'use "{here}"')
    con.execute("create table meta.inputs_document (inputs varchar)")
    con.execute("insert into meta.inputs_document values (?)", [json.dumps(inputs)])


def _audit(con: duckdb.DuckDBPyConnection, expected: dict[str, int], as_of_date: str | None) -> None:
    """The publish-time audit of the NEW file: same row counts as the build, headline of this as-of date."""
    problems = []
    for name, n in expected.items():
        schema, table = name.split(".")
        got = con.execute(f"select count(*) from {_ident(schema)}.{_ident(table)}").fetchone()[0]
        if got != n:
            problems.append(f"{name}: {got} rows published, {n} in the build")
    if "marts.headline_metrics" not in expected:
        problems.append("marts.headline_metrics is missing from the build")
    elif expected["marts.headline_metrics"] == 0:
        problems.append("marts.headline_metrics is empty")
    elif as_of_date is not None:
        stamped = {r[0].isoformat() for r in con.execute("select distinct as_of_date from marts.headline_metrics").fetchall()}
        if stamped != {as_of_date}:
            problems.append(f"marts.headline_metrics is as of {sorted(stamped)}, not {as_of_date}")
    if problems:
        raise PublishError("audit of the new copy failed:\n  " + "\n  ".join(problems))


def _swap_parquet(published_dir: Path, new_dir: Path) -> Path:
    """Point ``published_dir/parquet`` at ``new_dir`` atomically (symlink + os.replace); prune old folders.

    The folder the link pointed at before is kept (a reader may be listing it); older ones are removed.
    """
    link = published_dir / PARQUET_LINK_NAME
    tmp_link = published_dir / f".{PARQUET_LINK_NAME}.{uuid.uuid4().hex}.link"
    os.symlink(new_dir.name, tmp_link)
    previous = None
    if link.is_symlink():
        previous = (published_dir / os.readlink(link)).name
    elif link.exists():  # a plain folder from elsewhere: move it aside so the link can take its place
        aside = published_dir / f"{PARQUET_LINK_NAME}-legacy-{uuid.uuid4().hex[:8]}"
        os.replace(link, aside)
        previous = aside.name
    os.replace(tmp_link, link)
    for old in published_dir.glob(f"{PARQUET_LINK_NAME}-*"):
        if old.name not in (new_dir.name, previous) and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return link


def _copy_marts_and_seeds(con: duckdb.DuckDBPyConnection, build: Path) -> dict[str, int]:
    """Copy every table of the attached build's marts and seeds (privacy-checked); "schema.table" -> rows."""
    names: list[tuple[str, str]] = [(_MART_SCHEMA, t) for t in _tables(con, "build", _MART_SCHEMA)]
    names += [(_SEED_SCHEMA, t) for t in _tables(con, "build", _SEED_SCHEMA)]
    if not any(s == _MART_SCHEMA for s, _ in names):
        raise PublishError(f"{build}: schema marts is empty; run dbt build first")
    check_privacy({f"{s}.{t}": _columns(con, "build", s, t) for s, t in names})
    for schema in (_MART_SCHEMA, _SEED_SCHEMA):
        con.execute(f"create schema if not exists {_ident(schema)}")
    counts = {}
    for schema, table in names:
        src = f"build.{_ident(schema)}.{_ident(table)}"
        con.execute(f"create table {_ident(schema)}.{_ident(table)} as select * from {src}")
        counts[f"{schema}.{table}"] = con.execute(f"select count(*) from {src}").fetchone()[0]
    return counts


#: A view of the build's marts that is a deprecated alias: ``select * from [<catalog>.]marts.<table>`` (dbt model
#: ``select * from {{ ref('<table>') }}``, comments allowed before it).
_ALIAS_VIEW = re.compile(
    r'^\s*(?:--[^\n]*\n\s*)*select\s+\*\s+from\s+(?:"?\w+"?\.)?"?marts"?\."?(\w+)"?\s*\)?\s*;?\s*$',
    re.IGNORECASE,
)


def mart_aliases(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, str]:
    """The alias views of ``catalog``'s marts schema: old name -> the mart table it selects from.
    Raises PublishError for a view of schema marts that is not a plain alias (review it before publishing)."""
    rows = con.execute(
        "select view_name, sql from duckdb_views() where database_name = ? and schema_name = ? and not internal "
        "order by view_name", [catalog, _MART_SCHEMA]).fetchall()
    aliases, problems = {}, []
    for name, sql in rows:
        body = re.sub(r"^\s*create\s+(?:or\s+replace\s+)?view\s+\S+\s+as\s*\(?", "", sql, flags=re.IGNORECASE)
        match = _ALIAS_VIEW.match(body)
        if match is None:
            problems.append(f"marts.{name}: a view that is not a plain alias (select * from marts.<table>)")
        else:
            aliases[name] = match.group(1)
    if problems:
        raise PublishError("; ".join(problems))
    return aliases


def _copy_mart_aliases(con: duckdb.DuckDBPyConnection, counts: dict[str, int]) -> dict[str, str]:
    """Recreate the build's deprecated alias views of marts in the new file, over the copied tables."""
    aliases = mart_aliases(con, "build")
    for alias, table in aliases.items():
        if f"{_MART_SCHEMA}.{table}" not in counts:
            raise PublishError(f"marts.{alias} is an alias of marts.{table}, which is not a published table")
        con.execute(f"create view {_ident(_MART_SCHEMA)}.{_ident(alias)} as "
                    f"select * from {_ident(_MART_SCHEMA)}.{_ident(table)}")
    return aliases


def _write_tables_index(con: duckdb.DuckDBPyConnection, counts: dict[str, int]) -> None:
    """Add the meta tables' row counts to ``counts`` and write meta.tables (one row per published table)."""
    for table in _tables(con, _catalog_name(con), "meta"):
        counts[f"meta.{table}"] = con.execute(f"select count(*) from meta.{_ident(table)}").fetchone()[0]
    con.execute(
        "create table meta.tables (schema_name varchar, table_name varchar, row_count bigint, "
        "carries_case_ids boolean, case_id_note varchar)"
    )
    con.executemany(
        "insert into meta.tables values (?, ?, ?, ?, ?)",
        [
            (name.split(".")[0], name.split(".")[1], n, name in CASE_LEVEL_TABLES, CASE_LEVEL_TABLES.get(name))
            for name, n in sorted(counts.items())
        ],
    )


#: a temporary file of a publish older than this was left by a publish that was killed (one takes seconds)
STALE_TEMPORARY_SECONDS = 6 * 3600


def remove_stale_temporaries(published_dir: Path, older_than: float = STALE_TEMPORARY_SECONDS) -> list[Path]:
    """Remove what a killed publish left in ``published_dir`` (``.mpp_metrics.duckdb.<id>.tmp``, its ``.wal``,
    ``.parquet.<id>.tmp`` links) when older than ``older_than`` seconds; return what was removed."""
    removed = []
    cutoff = time.time() - older_than
    for path in published_dir.glob(".*.tmp*"):
        try:
            if path.lstat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError:  # gone meanwhile, or a folder: left alone
            continue
    return removed


def publish_warehouse(
    build: Path,
    published_dir: Path,
    *,
    as_of_date: str | None = None,
    run_id: str | None = None,
    checks: Iterable[CheckResult] = (),
    build_fingerprint: str | None = None,
    publication_name: str = "",
    published: bool = True,
) -> PublishResult:
    """Copy marts + seeds + metadata of ``build`` into a new file and Parquet folder, audit, swap in.

    ``checks`` go to meta.check_results as given (pass :func:`latest_check_results`); ``build_fingerprint``,
    ``publication_name`` and ``published`` to meta.publication (see the module docstring).

    ``build`` is opened read-only (the caller holds the single-writer pool, so no writer is active).
    Raises PublishBlocked if ``checks`` holds a failed ERROR-severity check, PublishError on any problem
    found before the swap; in both cases the existing publication is left as it was.
    """
    checks = list(checks)
    failed = [c for c in checks if not c.passed and c.severity == "ERROR"]
    if failed:
        names = ", ".join(f"{c.asset_key}:{c.check_name}" for c in failed)
        raise PublishBlocked(f"blocking check(s) failed, nothing published: {names}")
    if not Path(build).is_file():
        raise PublishError(f"build warehouse {build} does not exist")
    published_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(published_dir)
    db_path, _ = published_paths(published_dir)
    publication_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]
    tmp_db = published_dir / f".{PUBLISHED_DB_NAME}.{publication_id}.tmp"
    tmp_parquet = published_dir / f".{PARQUET_LINK_NAME}.{publication_id}.tmp"
    final_parquet = published_dir / f"{PARQUET_LINK_NAME}-{publication_id}"
    counts: dict[str, int] = {}
    try:
        con = limit_memory(duckdb.connect(str(tmp_db)), build=True)
        try:
            con.execute(f"attach {duckdb_literal(str(build))} as build (read_only)")
            counts.update(_copy_marts_and_seeds(con, build))
            _copy_mart_aliases(con, counts)
            about = {"build_fingerprint": build_fingerprint, "publication_name": publication_name,
                     "published": published}
            _write_metadata(con, publication_id, as_of_date, run_id, checks, about)
            con.execute("detach build")
            _write_tables_index(con, counts)
            _audit(con, counts, as_of_date)
            # Parquet: one file per table, into a private folder first.
            tmp_parquet.mkdir()
            for name in sorted(counts) + ["meta.tables"]:
                schema, table = name.split(".")
                target = tmp_parquet / f"{schema}__{table}.parquet"
                con.execute(f"copy (select * from {_ident(schema)}.{_ident(table)}) to {duckdb_literal(str(target))} (format parquet)")
            con.execute("checkpoint")
        finally:
            con.close()
        (tmp_parquet / "_publication.json").write_text(
            json.dumps({"publication_id": publication_id, "as_of_date": as_of_date, "run_id": run_id, "tables": counts}, indent=2)
            + "\n",
            encoding="utf-8",
        )
        # Publish: the database first (one rename), then the Parquet folder (one symlink rename).
        os.replace(tmp_parquet, final_parquet)
        os.replace(tmp_db, db_path)
        link = _swap_parquet(published_dir, final_parquet)
    except BaseException:
        tmp_db.unlink(missing_ok=True)
        Path(str(tmp_db) + ".wal").unlink(missing_ok=True)
        shutil.rmtree(tmp_parquet, ignore_errors=True)
        if final_parquet.exists() and (published_dir / PARQUET_LINK_NAME).resolve() != final_parquet.resolve():
            shutil.rmtree(final_parquet, ignore_errors=True)
        raise
    return PublishResult(publication_id, db_path, link, counts, as_of_date)


def _catalog_name(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchone()[0]


def duckdb_literal(text: str) -> str:
    """A SQL string literal (single quotes doubled) for paths in ATTACH / COPY statements."""
    return "'" + text.replace("'", "''") + "'"
