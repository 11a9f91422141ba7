"""The load ledger: what was loaded into the ``raw`` schema, from which file, and how every row was accounted for.

Tables (schema ``raw``; created by :func:`ensure_ledger`):

``raw._load_ledger``  one row per file load (grain: load_id x table_name x source_file)
    load_id, table_name, source, source_file, sha256, vintage (DATE, the extract's release date),
    input_kind ('real' | 'synthetic'), rows_read, rows_loaded, rows_quarantined,
    duplicates_collapsed (BIGINT row counts), loaded_at (TIMESTAMP, UTC).
    Identity enforced before commit: rows_read = rows_loaded + rows_quarantined + duplicates_collapsed.

``raw._rejects``  one row per quarantined input line
    load_id, table_name, source_file, line_number (1-based physical line in the file, header = 1),
    raw_text (the line as read, decoded), reason (a short machine-readable reason plus detail).

``raw._value_nullifications``  values set to NULL during landing, counted per load, column and reason
    load_id, table_name, column_name, reason (e.g. 'sentinel_date_1900', 'nul_byte'), n (BIGINT).

Every raw table also carries the load columns ``_load_id``, ``_source_file``, ``_source_sha256``,
``_vintage``, ``_input_kind`` and ``_loaded_at`` (see :data:`LOAD_COLUMNS`).

All writes for one load happen in one DuckDB transaction (:func:`load_transaction`): a load that fails
or is killed leaves the previous state of the raw table and the ledger untouched.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import duckdb

from orchestration.checkpoints import checkpoint
from orchestration.locking import warehouse_write_lock
from orchestration.settings import cap_load_memory, limit_memory
from orchestration.state import sha256_of_stream

InputKind = Literal["real", "synthetic"]

#: Columns every raw table carries after its published columns, in this order.
LOAD_COLUMNS = ("_load_id", "_source_file", "_source_sha256", "_vintage", "_input_kind", "_loaded_at")


#: raw._load_ledger's columns in the order of :class:`LoadResult`'s fields (the one list of them).
_LEDGER_FIELDS = ("table_name", "source", "source_file", "sha256", "vintage", "input_kind", "rows_read",
                  "rows_loaded", "rows_quarantined", "duplicates_collapsed", "load_id", "loaded_at")

_LEDGER_DDL = """
create schema if not exists raw;
create table if not exists raw._load_ledger (
    load_id varchar not null,
    table_name varchar not null,
    source varchar not null,
    source_file varchar not null,
    sha256 varchar not null,
    vintage date,
    input_kind varchar not null check (input_kind in ('real', 'synthetic')),
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    duplicates_collapsed bigint not null,
    loaded_at timestamp not null,
    check (rows_read = rows_loaded + rows_quarantined + duplicates_collapsed)
);
create table if not exists raw._rejects (
    load_id varchar not null,
    table_name varchar not null,
    source_file varchar not null,
    line_number bigint,
    raw_text varchar,
    reason varchar not null
);
create table if not exists raw._value_nullifications (
    load_id varchar not null,
    table_name varchar not null,
    column_name varchar not null,
    reason varchar not null,
    n bigint not null
);
"""


class RowAccountingError(RuntimeError):
    """Rows read did not equal rows loaded + quarantined + duplicates collapsed for a file."""


@dataclass
class LoadResult:
    """The outcome of landing one file into one raw table (one ledger row).

    ``skipped`` is True when the same file (same sha256) was already the current load of the table,
    in which case nothing was written and the counts repeat the earlier load.
    """

    table_name: str
    source: str
    source_file: str
    sha256: str
    vintage: date | None
    input_kind: InputKind
    rows_read: int
    rows_loaded: int
    rows_quarantined: int = 0
    duplicates_collapsed: int = 0
    load_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    skipped: bool = False
    nullifications: dict[str, dict[str, int]] = field(default_factory=dict)

    def check_accounting(self) -> None:
        """Raise :class:`RowAccountingError` unless read = loaded + quarantined + duplicates."""
        accounted = self.rows_loaded + self.rows_quarantined + self.duplicates_collapsed
        if self.rows_read != accounted:
            raise RowAccountingError(
                f"{self.source_file}: {self.rows_read} rows read but {self.rows_loaded} loaded + "
                f"{self.rows_quarantined} quarantined + {self.duplicates_collapsed} duplicates = {accounted}"
            )

    def metadata(self) -> dict[str, object]:
        """Counts and hash as plain values, for Dagster asset metadata and logs."""
        d = asdict(self)
        d.pop("nullifications")
        d["vintage"] = self.vintage.isoformat() if self.vintage else None
        d["loaded_at"] = self.loaded_at.isoformat()
        return d


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in chunks (constant memory)."""
    with open(path, "rb") as fh:
        return sha256_of_stream(fh)


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``raw`` schema and the ledger, reject and nullification tables if missing."""
    con.execute(_LEDGER_DDL)


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """True when ``schema.table`` exists in the connected database."""
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def current_load(con: duckdb.DuckDBPyConnection, table_name: str) -> LoadResult | None:
    """The latest ledger entry of a raw table, or None when it was never loaded.

    For a table fed by several files (one load, several ledger rows) the row of the latest load whose
    source file sorts last is returned; callers that need all files use :func:`current_loads`.
    """
    loads = current_loads(con, table_name)
    return loads[-1] if loads else None


def current_loads(con: duckdb.DuckDBPyConnection, table_name: str) -> list[LoadResult]:
    """All ledger rows of the latest load of ``table_name`` (one per source file), oldest file first."""
    ensure_ledger(con)
    return _ledger_rows(con, """
        where table_name = ?
          and load_id = (select arg_max(load_id, loaded_at) from raw._load_ledger where table_name = ?)
        order by source_file""", [table_name, table_name])


def load_results(con: duckdb.DuckDBPyConnection, load_id: str) -> list[LoadResult]:
    """The ledger rows of one load (one per table and file)."""
    ensure_ledger(con)
    return _ledger_rows(con, "where load_id = ? order by table_name, source_file", [load_id])



def _ledger_rows(con: duckdb.DuckDBPyConnection, where_order: str, params: list) -> list[LoadResult]:
    """Ledger rows as LoadResults: ``select <the fields> from raw._load_ledger <where_order>``."""
    rows = con.execute(f"select {', '.join(_LEDGER_FIELDS)} from raw._load_ledger {where_order}", params)
    return [LoadResult(*r) for r in rows.fetchall()]


def is_current(con: duckdb.DuckDBPyConnection, table_name: str, sha256s: list[str]) -> bool:
    """True when the raw table exists and its latest load came from exactly these file hashes."""
    if not table_exists(con, "raw", table_name):
        return False
    return sorted(r.sha256 for r in current_loads(con, table_name)) == sorted(sha256s)


def unchanged_loads(con: duckdb.DuckDBPyConnection, hashes: dict[str, str]) -> list[LoadResult] | None:
    """"Same sha256, skip", in one place: when the current load of every table in ``hashes`` (raw table ->
    sha256 of its file) came from exactly that file, its ledger entries marked ``skipped=True`` (nothing is
    to be written: a file delivered again is never counted twice); None when any table differs or is new."""
    if not all(is_current(con, table, [sha]) for table, sha in hashes.items()):
        return None
    loads = []
    for table in hashes:
        current = current_load(con, table)
        assert current is not None
        current.skipped = True
        loads.append(current)
    return loads


def record_load(con: duckdb.DuckDBPyConnection, result: LoadResult) -> None:
    """Append one ledger row (and its nullification counts) after checking the row accounting."""
    result.check_accounting()
    con.execute(
        f"insert into raw._load_ledger ({', '.join(_LEDGER_FIELDS)}) "
        f"values ({', '.join('?' for _ in _LEDGER_FIELDS)})",
        [getattr(result, name) for name in _LEDGER_FIELDS],
    )
    for column, reasons in result.nullifications.items():
        for reason, n in reasons.items():
            if n:
                con.execute(
                    "insert into raw._value_nullifications values (?, ?, ?, ?, ?)",
                    [result.load_id, result.table_name, column, reason, n],
                )


@contextmanager
def load_transaction(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, make sure the ledger exists, and run the body in one transaction.

    Commits when the body returns, rolls back on any exception (the exception propagates), and always
    closes the connection so that dbt, run next in another process, can take the file lock. Holds the
    warehouse write lock (:mod:`orchestration.locking`) throughout: a concurrent run or reader waits.
    A process killed inside the body leaves no trace: DuckDB discards the uncommitted transaction when the
    file is next opened. The test-only checkpoint ``before_commit`` (:mod:`orchestration.checkpoints`)
    fires after the body, before COMMIT. The commit, and the checkpoint when the connection closes, run
    under :data:`~orchestration.settings.LOAD_MEMORY_LIMIT` (:func:`~orchestration.settings.cap_load_memory`).
    """
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with warehouse_write_lock(warehouse):
        con = limit_memory(duckdb.connect(str(warehouse)))
        try:
            ensure_ledger(con)
            con.execute("begin transaction")
            try:
                yield con
                checkpoint("before_commit")
            except BaseException:
                con.execute("rollback")
                raise
            cap_load_memory(con)  # the commit and the checkpoint at close hold no more than the load did
            con.execute("commit")
        finally:
            con.close()
