"""Land one delimited extract file into a raw DuckDB table, through DuckDB's own CSV reader.

Shape of a raw table: every published column as VARCHAR, named exactly as the published header (the
header decides the mapping, matched to the declared columns case-insensitively), then extra columns,
``_source_line`` and the load columns of :data:`orchestration.raw.ledger.LOAD_COLUMNS`. Types are cast in
dbt staging, never here, so raw keeps what was published; count columns are checked here
(:func:`check_counts`), and so is the natural key (:func:`check_natural_key`). Every load is kept in
``raw.<table>__history``; ``raw.<table>`` holds the newest vintage per period (orchestration/raw/history.py).

Reading is strict (no ignore_errors, no null_padding): a malformed line stops the load with an
:class:`ExtractFormatError` naming the file, the line and DuckDB's reason, and nothing is written.

Errors raised:
- :class:`ExtractFormatError`: empty file, unreadable line, declared column missing from the header, a
  count column holding a negative number or a symbol (``D``, ``*``, ``<10``, ``-``), a duplicate natural
  key (two lines of one file with the same ``key_columns`` values, identical lines included).
- :class:`orchestration.raw.registry.ProvenanceError`: a bundled file whose sha256 differs from its
  provenance entry (the file changed without its provenance being updated), or a spec that declares no
  natural key (``ExtractSpec.key_problem``).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb

from orchestration.raw import history
from orchestration.raw.ledger import (
    LOAD_COLUMNS,
    LoadResult,
    file_sha256,
    load_transaction,
    record_load,
)
from orchestration.raw.registry import ExtractSpec, ProvenanceError
from orchestration.raw.sql import quote_ident


class ExtractFormatError(ValueError):
    """An extract file cannot be read as declared; the message names file, line or column."""


def read_header(spec: ExtractSpec) -> list[str]:
    """The column names of the file's first line, in file order (Python's csv module, declared dialect).

    The header is read explicitly rather than sniffed: DuckDB's sniffer can take a long data row for
    the header. An empty name becomes ``column<i>`` (DuckDB's convention, i = its position), except that
    a file's only unnamed column takes the spec's only declared ``column<i>`` name wherever it stands
    (:func:`name_unnamed_columns`): a file with its columns reordered lands as before.
    """
    try:
        with open(spec.path, encoding=spec.encoding, newline="") as fh:
            first = fh.readline()
    except UnicodeDecodeError as exc:
        raise ExtractFormatError(f"{spec.path}: line 1 is not {spec.encoding} text: {exc}") from exc
    if not first.strip():
        raise ExtractFormatError(f"{spec.path}: the file is empty (expected a header and data rows)")
    names = next(csv.reader([first.lstrip("\ufeff").rstrip("\r\n")], delimiter=spec.delimiter, quotechar='"'))
    return name_unnamed_columns(spec, [n.strip() for n in names])


def name_unnamed_columns(spec: ExtractSpec, names: list[str]) -> list[str]:
    """Header names with every empty one named (see :func:`read_header`)."""
    unnamed = [i for i, n in enumerate(names) if not n]
    declared = [c for c in spec.columns if re.fullmatch(r"column[0-9]+", c) and c.lower() not in map(str.lower, names)]
    if len(unnamed) == 1 and len(declared) == 1:
        return [n or declared[0] for n in names]
    return [n or f"column{i}" for i, n in enumerate(names)]


def _reader_sql(spec: ExtractSpec, header: list[str]) -> tuple[str, list[object]]:
    """The read_csv call with every option explicit (no sniffing, strict) and its bound parameters:
    path, delimiter, encoding and the header's columns (all VARCHAR); nothing is spliced into SQL."""
    sql = (
        "read_csv(?, delim = ?, encoding = ?, header = true, columns = ?, auto_detect = false,"
        " quote = '\"', escape = '\"', strict_mode = true, null_padding = false, ignore_errors = false)"
    )
    return sql, [str(spec.path), spec.delimiter, spec.encoding, {h: "VARCHAR" for h in header}]


def _column_mapping(spec: ExtractSpec, header: list[str]) -> list[tuple[str, str]]:
    """(file column, published name) pairs in declared order; a declared column absent is an error."""
    by_lower = {h.lower(): h for h in header}
    missing = [c for c in spec.columns if c.lower() not in by_lower]
    if missing:
        raise ExtractFormatError(
            f"{spec.path}: column(s) {', '.join(repr(c) for c in missing)} missing from the header "
            f"(found: {', '.join(repr(h) for h in header)})"
        )
    return [(by_lower[c.lower()], c) for c in spec.columns]


#: A count as published: digits, optionally with thousands separators (``1,234``).
COUNT_TEXT_SQL = r"[0-9]+|[0-9]{1,3}(,[0-9]{3})+"
#: How many problems an error message lists before "... and N more".
MAX_LISTED = 20
_INCOMING = "_extract_incoming"


def check_counts(con: duckdb.DuckDBPyConnection, spec: ExtractSpec, relation: str) -> None:
    """Raise :class:`ExtractFormatError` when a count column holds anything but a non-negative count.

    Allowed in a count column: a count (:data:`COUNT_TEXT_SQL`, spaces trimmed), an empty value, or one of
    the spec's ``empty_markers`` (e.g. ``%null%``). Refused, with file, line, column and value: negative
    numbers (``negative_count``) and any other text (``not_a_count``), in particular suppression or
    rounding symbols such as ``D``, ``*``, ``<10`` or ``-``, which must never become NULL or 0 unnoticed.
    """
    if not spec.count_columns:
        return
    parts = []
    for col in spec.count_columns:
        v = f'trim("{col}")'
        parts.append(
            f"""select _source_line, ? as col, "{col}" as val,
                   case when regexp_full_match({v}, '-[ ]*[0-9][0-9,]*') then 'negative_count'
                        else 'not_a_count' end as reason
            from {relation}
            where {v} <> '' and not list_contains(?::varchar[], {v})
              and not regexp_full_match({v}, '{COUNT_TEXT_SQL}')"""
        )
    params: list[object] = []
    for col in spec.count_columns:
        params += [col, list(spec.empty_markers)]
    problems = con.execute(
        f"select * from ({' union all '.join(parts)}) order by _source_line, col", params
    ).fetchall()
    if not problems:
        return
    listed = [
        f"line {ln}, column {col!r}: {reason} (got {val!r})" for ln, col, val, reason in problems[:MAX_LISTED]
    ]
    more = f"\n  ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    allowed = ", ".join(repr(m) for m in spec.empty_markers) or "none"
    raise ExtractFormatError(
        f"{spec.path}: {len(problems)} value(s) in count columns are not non-negative counts "
        f"(allowed: digits with optional thousands commas, empty, empty markers {allowed}; a suppressed or "
        f"symbolic value is never turned into NULL or 0):\n  " + "\n  ".join(listed) + more
    )


#: How many line numbers a duplicate-key message lists per key before "...".
MAX_LINES_PER_KEY = 10


def _key_sql(spec: ExtractSpec, column: str) -> str:
    """The comparable form of one key cell: trimmed, upper-cased; a period column also drops a trailing
    note such as ``(FYTD)`` (history.period_key_sql), so ``2022 (FYTD)`` / ``2022`` and ``oct`` / ``OCT``
    are one key."""
    if column.lower() in {c.lower() for c in spec.period_columns}:
        return history.period_key_sql(column)
    return f"upper(trim(coalesce({quote_ident(column)}, '')))"


def check_natural_key(con: duckdb.DuckDBPyConnection, spec: ExtractSpec, relation: str) -> None:
    """Raise :class:`ExtractFormatError` when two data lines of the file share the natural key.

    ``spec.key_columns`` (provenance.yml) identify one row of an aggregate extract; the same key twice
    means the figure is in the file twice, and summing it doubles the count, so an exact repeat of a line
    is refused as well as a key with different values (never collapsed, never "the first wins"). The
    message starts ``duplicate natural key`` and names the file, the key columns and, per repeated key,
    its values, every line holding it (up to :data:`MAX_LINES_PER_KEY`) and whether the lines are
    identical; up to :data:`MAX_LISTED` keys. A spec without key (``no_key_reason``) is not checked; a spec
    that declares neither is refused with :class:`ProvenanceError`.
    """
    problem = spec.key_problem()
    if problem:
        raise ProvenanceError(f"{spec.path}: extract {spec.table} {problem}")
    if not spec.key_columns:
        return
    keys = ", ".join(_key_sql(spec, c) for c in spec.key_columns)
    shown = ", ".join(quote_ident(c) for c in spec.key_columns)
    columns = [d[0] for d in con.execute(f"select * from {relation} limit 0").description]
    published = [c for c in columns if c not in (history.SOURCE_LINE, *LOAD_COLUMNS)]
    row = "[" + ", ".join(f"coalesce({quote_ident(c)}, '<NULL>')" for c in published) + "]"
    groups = con.execute(
        f"""select list(_source_line order by _source_line), arg_min([{shown}]::varchar[], _source_line),
                   count(distinct {row}) = 1
            from {relation} group by {keys} having count(*) > 1 order by min(_source_line)"""
    ).fetchall()
    if not groups:
        return
    listed = []
    for lines, values, identical in groups[:MAX_LISTED]:
        more = f" ... ({len(lines)} in all)" if len(lines) > MAX_LINES_PER_KEY else ""
        shown_values = ", ".join("NULL" if v is None else repr(v) for v in values)
        listed.append(
            f"key ({shown_values}) on lines {', '.join(str(n) for n in lines[:MAX_LINES_PER_KEY])}{more}"
            + (" (identical lines)" if identical else " (different values)")
        )
    extra = sum(len(lines) - 1 for lines, _v, _i in groups)
    more = f"\n  ... and {len(groups) - MAX_LISTED} more key(s)" if len(groups) > MAX_LISTED else ""
    raise ExtractFormatError(
        f"{spec.path}: duplicate natural key: {len(groups)} key(s) of ({', '.join(spec.key_columns)}) occur on "
        f"more than one line ({extra} repeated line(s)); each row of an aggregate extract is one figure, so a "
        f"repeated row, even an identical one, would count it twice. Nothing was loaded:\n  "
        + "\n  ".join(listed) + more
    )
def check_periods(con: duckdb.DuckDBPyConnection, spec: ExtractSpec, relation: str) -> None:
    """Raise :class:`ExtractFormatError` naming file, line and column for the first rows whose fiscal year has
    no four leading digits (``2025 (FYTD)`` is FY2025) or whose month is not JAN..DEC (any case). Only for
    specs declaring ``fiscal_year_column`` and ``month_column`` (CBP's fiscal-month layouts)."""
    if not (spec.fiscal_year_column and spec.month_column):
        return
    fy, month = f'"{spec.fiscal_year_column}"', f'"{spec.month_column}"'
    problems = con.execute(
        f"""select _source_line, ? as col, {fy} as val, 'fiscal year without four leading digits' as reason
            from {relation} where not regexp_matches(coalesce({fy}, ''), '^ *[0-9]{{4}}')
            union all
            select _source_line, ?, {month}, 'unknown month (expected JAN .. DEC)'
            from {relation}
            where not list_contains(['JAN','FEB','MAR','APR','MAY','JUN','JUL','AUG','SEP','OCT','NOV','DEC'],
                                    upper(trim(coalesce({month}, ''))))
            order by 1, 2 limit {MAX_LISTED}""",
        [spec.fiscal_year_column, spec.month_column],
    ).fetchall()
    if problems:
        listed = [f"line {ln}, column {col!r}: {reason} (got {val!r})" for ln, col, val, reason in problems]
        raise ExtractFormatError(f"{spec.path}: rows with an unreadable period:\n  " + "\n  ".join(listed))


def land_extract(con: duckdb.DuckDBPyConnection, spec: ExtractSpec, sha256: str) -> LoadResult:
    """Land the file into the history of ``raw.<spec.table>`` and rebuild the current table, inside the
    caller's transaction (orchestration/raw/history.py).

    Returns the :class:`LoadResult` (rows read = rows loaded = data records of the file; this reader
    quarantines nothing: a bad line is an error). Columns in the file beyond the declared ones (schema
    drift) are kept after the declared ones, under their published names. ``_source_line`` is the record
    number + 1 (the physical line when no quoted value spans lines). Raises :class:`ExtractFormatError`
    (file, line, column) for an empty or unreadable file, a missing column, a bad count value or a
    duplicate natural key.
    """
    if spec.path.stat().st_size == 0:
        raise ExtractFormatError(f"{spec.path}: the file is empty (expected a header and data rows)")
    header = read_header(spec)
    if len({h.lower() for h in header}) != len(header):
        raise ExtractFormatError(f"{spec.path}: duplicate column names in the header: {header}")
    mapping = _column_mapping(spec, header)
    declared = {f.lower() for f, _ in mapping}
    extras = [h for h in header if h.lower() not in declared]
    select_cols = [f'"{f}" as "{p}"' for f, p in mapping] + [f'"{h}"' for h in extras]
    result = LoadResult(
        table_name=spec.table,
        source=spec.source,
        source_file=spec.relative_path,
        sha256=sha256,
        vintage=spec.vintage,
        input_kind=spec.input_kind,
        rows_read=0,
        rows_loaded=0,
    )
    reader, params = _reader_sql(spec, header)
    try:
        con.execute(
            f"""
            create or replace temp table {_INCOMING} as
            select {", ".join(select_cols)}, ordinality + 1 as _source_line,
                   ?::varchar as _load_id, ?::varchar as _source_file, ?::varchar as _source_sha256,
                   ?::date as _vintage, ?::varchar as _input_kind, ?::timestamp as _loaded_at
            from {reader} with ordinality
            """,
            [result.load_id, result.source_file, sha256, spec.vintage, spec.input_kind, result.loaded_at, *params],
        )
    except duckdb.Error as exc:
        raise ExtractFormatError(f"{spec.path}: {exc}") from exc
    try:
        n = con.execute(f"select count(*) from {_INCOMING}").fetchone()[0]
        if n == 0:
            raise ExtractFormatError(f"{spec.path}: the file has a header but no data rows")
        check_counts(con, spec, _INCOMING)
        check_natural_key(con, spec, _INCOMING)
        check_periods(con, spec, _INCOMING)
        history.append(con, spec.table, _INCOMING)
        history.rebuild_current(con, spec.table, spec.columns, spec.period_columns)
    finally:
        con.execute(f"drop table if exists {_INCOMING}")
    result.rows_read = result.rows_loaded = n
    record_load(con, result)
    return result


def ingest_extract(warehouse: Path, spec: ExtractSpec, *, verify_provenance: bool = True) -> LoadResult:
    """Land one bundled extract atomically, or skip it when the same file (same sha256) was loaded before.

    Returns the new :class:`LoadResult`, or the ledger entry of the earlier load of the same file with
    ``skipped=True`` (nothing written: the same file delivered twice, even after another release, is never
    counted twice). Raises :class:`ProvenanceError` when ``verify_provenance`` and the file's sha256
    differs from the provenance entry; :class:`ExtractFormatError` for unreadable input (the warehouse is
    unchanged).
    """
    sha256 = file_sha256(spec.path)
    if verify_provenance and sha256 != spec.sha256:
        raise ProvenanceError(
            f"{spec.path}: sha256 is {sha256} but provenance.yml records {spec.sha256}; "
            "update the provenance entry (origin, vintage, hash) when an extract changes"
        )
    with load_transaction(warehouse) as con:
        return (history.load_of_same_file(con, spec.table, sha256, spec.columns, spec.period_columns)
                or land_extract(con, spec, sha256))


def create_empty(warehouse: Path, table: str, columns: tuple[str, ...]) -> None:
    """Create ``raw.<table>`` and its history with the published ``columns`` (VARCHAR), ``_source_line`` and the
    load columns, when they do not exist yet: the raw table of a layout no file was given for (dbt's source
    must exist). No ledger row is written: nothing was loaded."""
    published = ", ".join(f'"{c}" varchar' for c in columns)
    load = "_source_line bigint, _load_id varchar, _source_file varchar, _source_sha256 varchar, _vintage date, " \
           "_input_kind varchar, _loaded_at timestamp"
    with load_transaction(warehouse) as con:
        for name in (table, history.history_table(table)):
            con.execute(f'create table if not exists raw."{name}" ({published}, {load})')
