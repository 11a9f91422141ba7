"""Land a USCIS non-refoulement interview (NRI) referral extract into ``raw.uscis_nri_referrals``.

The extract contract is docs/contracts/uscis_nri_referrals.md (one row per referral; the columns, types,
allowed values and null rules are also in :data:`REQUIRED_COLUMNS` / :data:`OPTIONAL_COLUMNS` and
:func:`validate_row`). Shape of the raw table: every contract column as VARCHAR (as delivered, trimmed),
then the load columns of :data:`orchestration.raw.ledger.LOAD_COLUMNS`; types are cast in dbt staging.

Validation is strict and names the file, the physical line (header = line 1), the column and the value:

- file-level problems (unreadable encoding, empty file, missing / unknown / repeated header columns)
  always raise :class:`NriExtractError` and nothing is written;
- row-level problems (wrong number of fields, a bad value, a repeated referral_id with different content)
  raise :class:`NriExtractError` listing every problem when ``on_error="raise"`` (the default), or, with
  ``on_error="quarantine"``, send the line to ``raw._rejects`` with the same reason and load the rest;
- an exact repeat of an earlier line is collapsed (counted in the ledger's ``duplicates_collapsed``): a
  case-level line is one referral identified by ``referral_id``, so the repeat is the same referral and is
  counted once. (Aggregate extracts refuse any repeated key instead: orchestration/raw/landing.py
  ``check_natural_key``; there a repeated row is a figure counted twice.)

Every load writes one ``raw._load_ledger`` row, with rows_read = loaded + quarantined + duplicates.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import duckdb

from orchestration.raw.ledger import (
    InputKind,
    LoadResult,
    ensure_ledger,
    file_sha256,
    record_load,
    unchanged_loads,
)

TABLE = "uscis_nri_referrals"
SOURCE = "uscis"

#: MPP inception (guidance issued 2019-01-28): no referral can predate it.
MPP_INCEPTION = date(2019, 1, 28)

#: Contract columns every extract must have, in raw-table order.
REQUIRED_COLUMNS = (
    "referral_id",
    "subject_id",
    "idncase",
    "referral_date",
    "interview_date",
    "outcome",
    "component",
    "port_or_sector",
    "nationality",
)
#: Columns an extract may have (synthetic extracts do); absent ones land as NULL.
OPTIONAL_COLUMNS = ("count_basis", "data_origin")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

OUTCOMES = ("positive", "negative", "administratively_closed")
COMPONENTS = ("USBP", "OFO")
COUNT_BASES = ("published", "imputed")
DATA_ORIGINS = ("SYNTHETIC",)

_ID_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_IDNCASE_RE = re.compile(r"[0-9]{1,12}")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NAT_RE = re.compile(r"[A-Z0-9]{2}")

ErrorMode = Literal["raise", "quarantine"]


class NriExtractError(ValueError):
    """The extract breaks its contract; the message names file, line, column and value."""


@dataclass(frozen=True)
class RowProblem:
    """One contract violation of one line."""

    line_number: int
    column: str | None
    value: str | None
    reason: str

    def message(self, file: Path | str) -> str:
        where = f"{file}: line {self.line_number}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}" + (f" (got {self.value!r})" if self.value is not None else "")

    def reject_reason(self) -> str:
        code = self.reason.split(":", 1)[0] if ":" in self.reason else self.reason
        col = f" [{self.column}={self.value!r}]" if self.column else ""
        return f"{code}{col}: {self.reason}"


def _parse_date(value: str) -> date | None:
    if not _DATE_RE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def validate_row(values: dict[str, str], line_number: int) -> list[RowProblem]:
    """Contract checks of one row (values trimmed, '' = missing); every problem, not just the first."""
    p: list[RowProblem] = []

    def bad(column: str, reason: str) -> None:
        p.append(RowProblem(line_number, column, values.get(column), reason))

    for col in ("referral_id", "subject_id"):
        v = values[col]
        if not v:
            bad(col, "missing value: required")
        elif not _ID_RE.fullmatch(v):
            bad(col, "bad_format: expected 1-64 characters of letters, digits, '_', '-', '.'")
    if values["idncase"] and not _IDNCASE_RE.fullmatch(values["idncase"]):
        bad("idncase", "bad_format: expected the numeric EOIR IDNCASE (1-12 digits) or empty")
    referral = None
    if not values["referral_date"]:
        bad("referral_date", "missing value: required")
    else:
        referral = _parse_date(values["referral_date"])
        if referral is None:
            bad("referral_date", "bad_date: expected a calendar date YYYY-MM-DD")
        elif referral < MPP_INCEPTION:
            bad("referral_date", f"out_of_range: before MPP inception {MPP_INCEPTION.isoformat()}")
        elif referral > date.today():
            bad("referral_date", "out_of_range: in the future")
    interview = None
    if values["interview_date"]:
        interview = _parse_date(values["interview_date"])
        if interview is None:
            bad("interview_date", "bad_date: expected a calendar date YYYY-MM-DD or empty (pending)")
        elif referral is not None and interview < referral:
            bad("interview_date", f"out_of_range: before referral_date {referral.isoformat()}")
        elif interview > date.today():
            bad("interview_date", "out_of_range: in the future")
    outcome = values["outcome"]
    if outcome and outcome not in OUTCOMES:
        bad("outcome", f"not_allowed: expected one of {', '.join(OUTCOMES)} or empty (pending)")
    if bool(outcome) != bool(values["interview_date"]):
        bad("outcome", "null_rule: outcome and interview_date are both empty (pending) or both set")
    if values["component"] not in COMPONENTS:
        bad("component", f"not_allowed: expected one of {', '.join(COMPONENTS)}")
    if not values["port_or_sector"]:
        bad("port_or_sector", "missing value: required")
    if not _NAT_RE.fullmatch(values["nationality"]):
        bad("nationality", "bad_format: expected a two-character upper-case EOIR nationality code")
    if values.get("count_basis") and values["count_basis"] not in COUNT_BASES:
        bad("count_basis", f"not_allowed: expected one of {', '.join(COUNT_BASES)} or empty")
    if values.get("data_origin") and values["data_origin"] not in DATA_ORIGINS:
        bad("data_origin", f"not_allowed: expected {', '.join(DATA_ORIGINS)} or empty")
    return p


@dataclass
class _Parsed:
    header: list[str]
    good: list[dict[str, str]]
    problems: list[RowProblem]
    rejected_lines: dict[int, str]
    rows_read: int
    duplicates: int


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise NriExtractError(f"{path}: the file is empty (expected a header and data rows)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NriExtractError(
            f"{path}: line {line}: not UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); "
            "the contract requires UTF-8"
        ) from exc


def _check_header(path: Path, header: list[str]) -> list[str]:
    names = [h.strip().lower() for h in header]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise NriExtractError(f"{path}: line 1: column(s) repeated in the header: {', '.join(repeated)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise NriExtractError(
            f"{path}: line 1: required column(s) missing from the header: {', '.join(missing)} "
            f"(found: {', '.join(header)})"
        )
    unknown = [h for h, n in zip(header, names, strict=True) if n not in COLUMNS]
    if unknown:
        raise NriExtractError(
            f"{path}: line 1: column(s) not in the contract: {', '.join(unknown)} "
            "(docs/contracts/uscis_nri_referrals.md)"
        )
    return names


def _parse(path: Path) -> _Parsed:
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise NriExtractError(f"{path}: line 1: cannot read the header: {exc}") from exc
    names = _check_header(path, header)
    good: list[dict[str, str]] = []
    problems: list[RowProblem] = []
    rejected: dict[int, str] = {}
    seen_lines: set[tuple[str, ...]] = set()
    seen_ids: dict[str, int] = {}
    rows_read = duplicates = 0
    prev_end = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = reader.line_num
            rows_read += 1
            problems.append(RowProblem(line, None, None, f"unreadable: {exc}"))
            rejected[line] = ""
            prev_end = line
            continue
        line = prev_end + 1  # first physical line of this record
        prev_end = reader.line_num
        if not fields or fields == [""]:
            continue  # blank line: not a row
        rows_read += 1
        raw_text = ",".join(fields)
        if len(fields) != len(names):
            problems.append(
                RowProblem(line, None, None, f"field_count: {len(fields)} fields, header has {len(names)}")
            )
            rejected[line] = raw_text
            continue
        values = {c: "" for c in COLUMNS}
        values.update({n: f.strip() for n, f in zip(names, fields, strict=True)})
        key = tuple(values[c] for c in COLUMNS)
        if key in seen_lines:
            duplicates += 1
            continue
        row_problems = validate_row(values, line)
        rid = values["referral_id"]
        if rid and rid in seen_ids:
            row_problems.append(
                RowProblem(
                    line,
                    "referral_id",
                    rid,
                    f"duplicate_key: referral_id already on line {seen_ids[rid]} with different values",
                )
            )
        if row_problems:
            problems.extend(row_problems)
            rejected[line] = raw_text
            continue
        seen_lines.add(key)
        seen_ids[rid] = line
        good.append(values)
    return _Parsed(header, good, problems, rejected, rows_read, duplicates)


def _format_problems(path: Path, problems: Iterable[RowProblem], limit: int = 20) -> str:
    problems = list(problems)
    lines = [pr.message(path.name) for pr in problems[:limit]]
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return (
        f"{path}: {len(problems)} contract violation(s) (docs/contracts/uscis_nri_referrals.md):\n  "
        + "\n  ".join(lines)
        + more
    )


def _in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """True when an explicit transaction is open: two statements then share one transaction id.

    (Probing with ``begin`` would abort the caller's transaction in DuckDB on failure.)
    """
    first = con.execute("select txid_current()").fetchone()[0]
    return con.execute("select txid_current()").fetchone()[0] == first


def _begin(con: duckdb.DuckDBPyConnection) -> bool:
    """Begin a transaction unless the caller already holds one; True when we own it."""
    if _in_transaction(con):
        return False
    con.execute("begin transaction")
    return True


def _replace_raw_table(con: duckdb.DuckDBPyConnection, parsed: _Parsed, result: LoadResult) -> None:
    """Replace ``raw.uscis_nri_referrals`` with the extract's loadable rows: every contract column as
    VARCHAR (blank -> NULL), then the load columns (load id, file, sha256, vintage, input kind, time)."""
    import pandas as pd  # only when an extract is loaded (keeps Dagster's code location quick to load)

    frame = pd.DataFrame(
        {c: [r[c] if r[c] != "" else None for r in parsed.good] for c in COLUMNS}, dtype=object
    )
    # duckdb 2.0: a result left half-fetched by an earlier fetchone() blocks register(); drain it
    con.execute("select 1").fetchall()
    con.register("_nri_frame", frame)
    try:
        cols = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in COLUMNS)
        con.execute(
            f"""
            create or replace table raw.{TABLE} as
            select {cols},
                   ?::varchar as _load_id, ?::varchar as _source_file, ?::varchar as _source_sha256,
                   ?::date as _vintage, ?::varchar as _input_kind, ?::timestamp as _loaded_at
            from _nri_frame
            """,
            [result.load_id, result.source_file, result.sha256, result.vintage, result.input_kind,
             result.loaded_at],
        )
    finally:
        con.unregister("_nri_frame")


def _quarantine_rejects(con: duckdb.DuckDBPyConnection, parsed: _Parsed, result: LoadResult) -> None:
    """Send each rejected line to ``raw._rejects`` (load id, table, file, line, raw text) with the reasons
    of all its problems joined by ``; ``."""
    by_line: dict[int, list[RowProblem]] = {}
    for pr in parsed.problems:
        by_line.setdefault(pr.line_number, []).append(pr)
    for line, raw_text in sorted(parsed.rejected_lines.items()):
        reason = "; ".join(pr.reject_reason() for pr in by_line.get(line, []))
        con.execute(
            "insert into raw._rejects values (?, ?, ?, ?, ?, ?)",
            [result.load_id, TABLE, result.source_file, line, raw_text, reason],
        )


def _read_checked(path: Path, input_kind: InputKind, on_error: ErrorMode) -> tuple[str, _Parsed]:
    """Check the arguments and the file, hash it (sha256) and parse it: raise on any problem in ``raise``
    mode, and when no row is loadable in either mode."""
    if input_kind not in ("real", "synthetic"):
        raise ValueError(f"input_kind must be 'real' or 'synthetic', got {input_kind!r}")
    if on_error not in ("raise", "quarantine"):
        raise ValueError(f"on_error must be 'raise' or 'quarantine', got {on_error!r}")
    if not path.is_file():
        raise NriExtractError(f"{path}: no such file")
    sha256 = file_sha256(path)
    parsed = _parse(path)
    if parsed.problems and on_error == "raise":
        raise NriExtractError(_format_problems(path, parsed.problems))
    if not parsed.good:
        raise NriExtractError(f"{path}: no loadable data rows ({parsed.rows_read} read)")
    return sha256, parsed


def load_nri_extract(
    con: duckdb.DuckDBPyConnection,
    path: Path | str,
    *,
    input_kind: InputKind,
    vintage: date | None,
    on_error: ErrorMode = "raise",
) -> LoadResult:
    """Land one NRI referral extract (CSV, UTF-8, header row) into ``raw.uscis_nri_referrals``.

    Replaces the table (an extract is a full snapshot) and appends one ledger row, atomically: in the
    caller's transaction when one is open, else in one of its own. When the same file (same sha256) is
    already the table's current load, nothing is written and the current ledger entry is returned with
    ``skipped=True``. Raises :class:`NriExtractError` (file, line, column, value in the message) as
    described in the module docstring; nothing is written then.
    """
    path = Path(path)
    sha256, parsed = _read_checked(path, input_kind, on_error)
    own = _begin(con)
    try:
        ensure_ledger(con)
        same = unchanged_loads(con, {TABLE: sha256})
        if same:
            if own:
                con.execute("commit")
            return same[0]
        result = LoadResult(
            table_name=TABLE,
            source=SOURCE,
            source_file=path.name,
            sha256=sha256,
            vintage=vintage,
            input_kind=input_kind,
            rows_read=parsed.rows_read,
            rows_loaded=len(parsed.good),
            rows_quarantined=len(parsed.rejected_lines),
            duplicates_collapsed=parsed.duplicates,
        )
        _replace_raw_table(con, parsed, result)
        _quarantine_rejects(con, parsed, result)
        record_load(con, result)
        if own:
            con.execute("commit")
        return result
    except BaseException:
        if own:
            con.execute("rollback")
        raise
