"""Land sheets of a published Excel workbook (the DHS OHSS monthly tables) into raw DuckDB tables, with openpyxl.

The workbook is read as its publisher ships it (no re-save, no CSV export). Configuration lives in
``data/raw/<source>/provenance.yml`` under ``workbooks:`` (one entry per vintage: path, sha256, vintage,
origin) and ``sheets:`` (one entry per sheet landed: raw table, sheet name, layout rows, rounding, the
not-applicable marker, natural key and period columns). The CSV registry (registry.py) ignores these keys.

Layout read (:func:`read_fiscal_year_blocks`, OHSS's "by fiscal year and month" sheets):
    row ``group_row``: group headers (``Total CBP`` / ``USBP`` / ``OFO``), merged across their columns;
    row ``header_row``: ``Fiscal Year``, ``Month``, then one label per column, with footnote digits stuck to
    the label (``Migrant Protection Protocols3``: the measure is the label without them);
    then fiscal-year blocks: a row ``<FY>, 'Total', ...`` (``2024 YTD`` for the open year) and month rows
    ``None, 'October' .. 'September'``; the table ends at the first legend line (``X Not applicable.``).

Shape of a raw table (one long row per data cell, all published values as VARCHAR):
    sheet, fiscal_year (the four digits of the label), fiscal_year_label (as printed), month (month name,
    or ``Total`` for the fiscal-year total row), column_group (the group header over the column, footnote
    digits removed, e.g. ``Total CBP`` / ``USBP``; NULL for a column without one), measure (label without footnote
    digits), measure_label (as printed), value (digits, or the not-applicable marker ``X`` as printed),
    cell (the cell reference, e.g. ``F76``: the "line" of a workbook), rounded_to (the source's disclosure
    rounding, from provenance), ``_source_line`` (the sheet row number) and the load columns
    (orchestration/raw/ledger.py). History and "newest vintage per period" as for CSV extracts
    (orchestration/raw/history.py): a new vintage is a new file.

Errors (:class:`WorkbookFormatError`, naming file, sheet and cell; nothing is written): a sheet or header
missing, a data cell holding anything but a non-negative count or the marker (text, a negative number, an
empty cell), a row that is neither a block row nor the legend, two cells with the same natural key, an X
cell in a sheet whose legend does not define X as not applicable, rounding declared but not in the notes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import yaml

from orchestration.raw import history
from orchestration.raw.ledger import (
    InputKind,
    LoadResult,
    file_sha256,
    load_transaction,
    record_load,
)
from orchestration.raw.registry import ProvenanceError

MONTHS = ("October", "November", "December", "January", "February", "March",
          "April", "May", "June", "July", "August", "September")
TOTAL_LABEL = "Total"
#: The published columns of every workbook raw table, in order.
COLUMNS = ("sheet", "fiscal_year", "fiscal_year_label", "month", "column_group", "measure", "measure_label",
           "value", "cell", "rounded_to")
_NUMBER_WORDS = {10: "ten", 5: "five", 100: "hundred"}
_INCOMING = "_workbook_incoming"


class WorkbookFormatError(ValueError):
    """A workbook sheet cannot be read as declared; the message names the file, the sheet and the cell."""


@dataclass(frozen=True)
class WorkbookFile:
    """One vintage of a workbook: the file, its hash, the month-end its data run through, its origin."""

    source: str
    path: Path
    sha256: str
    vintage: date
    input_kind: InputKind = "real"
    origin: dict[str, str] = field(default_factory=dict)
    licence: str = ""
    published: date | None = None

    @property
    def relative_path(self) -> str:
        """The path as stored in the ledger: relative to the raw data folder (as for CSV extracts)."""
        parts = self.path.parts
        return "/".join(parts[parts.index("raw") + 1 :]) if "raw" in parts else self.path.name


@dataclass(frozen=True)
class SheetSpec:
    """One sheet landed into one raw table (see the module docstring for the layout and the shape)."""

    table: str
    source: str
    sheet: str
    description: str = ""
    group_row: int = 3
    header_row: int = 4
    rounded_to: int | None = None
    not_applicable_marker: str = "X"
    key_columns: tuple[str, ...] = ("fiscal_year", "month", "column_group", "measure")
    period_columns: tuple[str, ...] = ("fiscal_year", "month")


@dataclass(frozen=True)
class WorkbookSource:
    """Every vintage of one workbook and the sheets landed from it (one provenance.yml)."""

    source: str
    files: tuple[WorkbookFile, ...]
    sheets: tuple[SheetSpec, ...]


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _parse_source(provenance: Path, doc: dict) -> WorkbookSource:
    source = doc.get("source") or provenance.parent.name
    files = []
    for entry in doc["workbooks"]:
        missing = [k for k in ("path", "sha256", "vintage") if k not in entry]
        if missing:
            raise ProvenanceError(f"{provenance}: workbook entry {entry.get('path', '?')} lacks {', '.join(missing)}")
        path = provenance.parent / entry["path"]
        if not path.is_file():
            raise ProvenanceError(f"{provenance}: listed file {path} does not exist")
        files.append(WorkbookFile(
            source=source, path=path, sha256=str(entry["sha256"]), vintage=_as_date(entry["vintage"]),
            input_kind=entry.get("input_kind", doc.get("input_kind", "real")),
            origin={k: str(v) for k, v in (entry.get("origin") or {}).items()},
            licence=str(entry.get("licence", doc.get("licence", ""))), published=_as_date(entry.get("published")),
        ))
    sheets = []
    for entry in doc.get("sheets", []):
        if "table" not in entry or "sheet" not in entry:
            raise ProvenanceError(f"{provenance}: a sheet entry lacks table or sheet")
        sheets.append(SheetSpec(
            table=entry["table"], source=source, sheet=entry["sheet"],
            description=" ".join(str(entry.get("description", "")).split()),
            group_row=int(entry.get("group_row", 3)), header_row=int(entry.get("header_row", 4)),
            rounded_to=entry.get("rounded_to"), not_applicable_marker=str(entry.get("not_applicable_marker", "X")),
            key_columns=tuple(entry.get("key_columns") or SheetSpec.key_columns),
            period_columns=tuple(entry.get("period_columns") or SheetSpec.period_columns),
        ))
    return WorkbookSource(source, tuple(sorted(files, key=lambda f: f.vintage)), tuple(sheets))


def load_workbook_registry(raw_data_dir: Path) -> list[WorkbookSource]:
    """Every workbook source of ``<raw_data_dir>/*/provenance.yml`` (those with a ``workbooks:`` key)."""
    out = []
    for provenance in sorted(raw_data_dir.glob("*/provenance.yml")):
        doc = yaml.safe_load(provenance.read_text(encoding="utf-8")) or {}
        if doc.get("workbooks"):
            out.append(_parse_source(provenance, doc))
    return out


def strip_footnote(label: str) -> str:
    """A column label without the footnote digits OHSS sticks to it: ``'Migrant Protection Protocols3'``
    -> ``'Migrant Protection Protocols'``, ``'T8 repatriations1'`` -> ``'T8 repatriations'``; digits after a
    space are part of the label (``'Title 42'`` stays)."""
    return re.sub(r"(?<=[A-Za-z)])[0-9]+$", "", " ".join(str(label).split()))


def group_headers(ws, row: int) -> dict[int, str]:
    """Column index -> group header of row ``row`` (footnote digits removed): a merged cell's value applies to
    every column it spans; an empty cell outside a merged range inherits the group on its left (centred-across
    headers); columns left of the first group have none."""
    groups: dict[int, str] = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row:
            value = ws.cell(rng.min_row, rng.min_col).value
            for col in range(rng.min_col, rng.max_col + 1):
                if value is not None:
                    groups[col] = strip_footnote(value)
    current = None
    for col in range(1, ws.max_column + 1):
        value = ws.cell(row, col).value
        if col in groups:
            current = groups[col]
        elif value is not None:
            current = groups[col] = strip_footnote(value)
        elif current is not None:
            groups[col] = current
    return groups


def _where(path: Path, spec: SheetSpec, coordinate: str) -> str:
    return f"{path.name}: sheet {spec.sheet!r}, cell {coordinate}"


def cell_text(value: object, marker: str, where: str) -> str:
    """A data cell as landed: the count as digits, or the not-applicable marker as printed.

    Raises :class:`WorkbookFormatError` (naming ``where``) for an empty cell, a negative or fractional
    number, and any text but a count or the marker: a symbol never becomes NULL or 0 unnoticed.
    """
    if isinstance(value, bool) or value is None:
        raise WorkbookFormatError(f"{where}: {'empty cell' if value is None else repr(value)} is not a count "
                                  f"or the not-applicable marker {marker!r}")
    if isinstance(value, int | float):
        if value < 0 or value != int(value):
            raise WorkbookFormatError(f"{where}: {value!r} is not a non-negative whole count")
        return str(int(value))
    text = str(value).strip()
    if text == marker:
        return marker
    if re.fullmatch(r"[0-9]+|[0-9]{1,3}(,[0-9]{3})+", text):
        return text.replace(",", "")
    raise WorkbookFormatError(f"{where}: {value!r} is neither a count nor the not-applicable marker {marker!r}")


def _data_columns(ws, path: Path, spec: SheetSpec) -> list[tuple[int, str, str, str]]:
    """(column index, group, measure, printed label) of every data column; checks the two key headers."""
    first, second = ws.cell(spec.header_row, 1).value, ws.cell(spec.header_row, 2).value
    if (str(first).strip(), str(second).strip()) != ("Fiscal Year", "Month"):
        raise WorkbookFormatError(f"{_where(path, spec, f'A{spec.header_row}')}: expected the headers "
                                  f"'Fiscal Year', 'Month', found {first!r}, {second!r}")
    groups = group_headers(ws, spec.group_row)
    out = []
    for col in range(3, ws.max_column + 1):
        label = ws.cell(spec.header_row, col).value
        if label is not None:
            out.append((col, groups.get(col), strip_footnote(label), " ".join(str(label).split())))
    return out


def _check_notes(notes: list[str], saw_marker: bool, path: Path, spec: SheetSpec) -> None:
    text = " ".join(notes).lower()
    marker = spec.not_applicable_marker.lower()
    if saw_marker and not any(n.strip().lower().startswith(f"{marker} not applicable") for n in notes):
        raise WorkbookFormatError(f"{path.name}: sheet {spec.sheet!r} prints {spec.not_applicable_marker!r} cells "
                                  f"but its legend does not define {spec.not_applicable_marker!r} as 'Not applicable'")
    if spec.rounded_to:
        words = (f"nearest {_NUMBER_WORDS.get(spec.rounded_to, spec.rounded_to)}", f"nearest {spec.rounded_to}")
        if not any(w in text for w in words):
            raise WorkbookFormatError(f"{path.name}: sheet {spec.sheet!r}: provenance declares rounding to "
                                      f"{spec.rounded_to} but the sheet's notes do not say so")


def _row_cells(ws, r: int, columns, block: tuple[str, str], month: str, path: Path, spec: SheetSpec) -> list[dict]:
    fy, fy_label = block
    rows = []
    for col, group, measure, label in columns:
        cell = ws.cell(r, col)
        rows.append({
            "sheet": spec.sheet, "fiscal_year": fy, "fiscal_year_label": fy_label, "month": month,
            "column_group": group, "measure": measure, "measure_label": label,
            "value": cell_text(cell.value, spec.not_applicable_marker, _where(path, spec, cell.coordinate)),
            "cell": cell.coordinate, "rounded_to": str(spec.rounded_to) if spec.rounded_to else None,
            "_source_line": r,
        })
    return rows


@functools.lru_cache(maxsize=2)
def _open_workbook(path: Path, mtime_ns: int, size: int):
    """The workbook parsed once per file version (path, mtime, size) and process: its sheets are landed by
    one asset each, run one after the other (openpyxl needs the full, not the read-only, mode for merged
    cells; about 2 s per vintage). Cells are only read, never written."""
    import openpyxl

    return openpyxl.load_workbook(path, data_only=True)


def read_fiscal_year_blocks(path: Path, spec: SheetSpec) -> list[dict]:
    """Every data cell of the sheet's fiscal-year blocks as a long row (module docstring), in sheet order.

    Raises :class:`WorkbookFormatError` naming file, sheet and cell (see the module docstring).
    """
    wb = _open_workbook(path, path.stat().st_mtime_ns, path.stat().st_size)
    if spec.sheet not in wb.sheetnames:
        raise WorkbookFormatError(f"{path.name}: no sheet {spec.sheet!r} (sheets: {', '.join(wb.sheetnames)})")
    ws = wb[spec.sheet]
    columns = _data_columns(ws, path, spec)
    rows: list[dict] = []
    block: tuple[str, str] | None = None
    notes: list[str] = []
    for r in range(spec.header_row + 1, ws.max_row + 1):
        a, b = ws.cell(r, 1).value, ws.cell(r, 2).value
        b_text = str(b).strip() if b is not None else None
        if notes or (isinstance(a, str) and b is None and block is not None):
            if a is not None:
                notes.append(str(a))
            continue
        if a is None and b is None and all(ws.cell(r, c).value is None for c, *_ in columns):
            continue
        if b_text == TOTAL_LABEL and re.match(r"^\s*([0-9]{4})\b", str(a)):
            block = (re.match(r"^\s*([0-9]{4})", str(a)).group(1), " ".join(str(a).split()))
        elif not (a is None and b_text in MONTHS and block is not None):
            raise WorkbookFormatError(f"{_where(path, spec, f'A{r}')}: row {r} is neither a fiscal-year Total row, "
                                      f"a month row of a fiscal-year block nor the legend (A={a!r}, B={b!r})")
        rows += _row_cells(ws, r, columns, block, b_text, path, spec)
    if not rows:
        raise WorkbookFormatError(f"{path.name}: sheet {spec.sheet!r} has no fiscal-year block")
    _check_notes(notes, any(x["value"] == spec.not_applicable_marker for x in rows), path, spec)
    check_keys(rows, path, spec)
    return rows


def check_keys(rows: list[dict], path: Path, spec: SheetSpec) -> None:
    """Raise :class:`WorkbookFormatError` when two cells share the natural key (``spec.key_columns``),
    naming both cells: a duplicated month or column would otherwise be counted twice."""
    seen: dict[tuple, str] = {}
    for row in rows:
        key = tuple(row[k] for k in spec.key_columns)
        if key in seen:
            raise WorkbookFormatError(
                f"{_where(path, spec, row['cell'])}: duplicate natural key "
                f"({', '.join(f'{k}={v!r}' for k, v in zip(spec.key_columns, key, strict=True))}), "
                f"first at cell {seen[key]}"
            )
        seen[key] = row["cell"]


def land_sheet(con: duckdb.DuckDBPyConnection, wb: WorkbookFile, spec: SheetSpec, sha256: str) -> LoadResult:
    """Read one sheet of one workbook vintage and land it into ``raw.<spec.table>`` (history + current),
    inside the caller's transaction; one ledger row. Raises :class:`WorkbookFormatError`."""
    rows = read_fiscal_year_blocks(wb.path, spec)
    result = LoadResult(table_name=spec.table, source=spec.source, source_file=wb.relative_path, sha256=sha256,
                        vintage=wb.vintage, input_kind=wb.input_kind, rows_read=len(rows), rows_loaded=len(rows))
    cols = [*COLUMNS, "_source_line"]
    select = ", ".join(f"unnest(${i + 1})::{'bigint' if c == '_source_line' else 'varchar'} as {c}"
                       for i, c in enumerate(cols))
    n = len(cols)
    con.execute(
        f"""create or replace temp table {_INCOMING} as
            select {select}, ${n + 1}::varchar as _load_id, ${n + 2}::varchar as _source_file,
                   ${n + 3}::varchar as _source_sha256, ${n + 4}::date as _vintage,
                   ${n + 5}::varchar as _input_kind, ${n + 6}::timestamp as _loaded_at""",
        [*([row[c] for row in rows] for c in cols),
         result.load_id, result.source_file, sha256, wb.vintage, wb.input_kind, result.loaded_at],
    )
    try:
        history.append(con, spec.table, _INCOMING)
        history.rebuild_current(con, spec.table, COLUMNS, spec.period_columns)
    finally:
        con.execute(f"drop table if exists {_INCOMING}")
    record_load(con, result)
    return result


def ingest_sheet(warehouse: Path, files: tuple[WorkbookFile, ...] | list[WorkbookFile], spec: SheetSpec,
                 *, verify_provenance: bool = True) -> list[LoadResult]:
    """Land one sheet from every vintage of the workbook, oldest first, in one transaction.

    A vintage whose file (same sha256) is already in the table's history is skipped (``skipped=True``:
    the same file delivered twice is never counted twice). Raises :class:`ProvenanceError` when
    ``verify_provenance`` and a file's sha256 differs from provenance.yml; :class:`WorkbookFormatError` for
    an unreadable sheet (the warehouse is unchanged).
    """
    hashes = [file_sha256(f.path) for f in files]
    for f, sha in zip(files, hashes, strict=True):
        if verify_provenance and sha != f.sha256:
            raise ProvenanceError(f"{f.path}: sha256 is {sha} but provenance.yml records {f.sha256}; "
                                  "update the provenance entry (origin, vintage, hash) when a workbook changes")
    results = []
    with load_transaction(warehouse) as con:
        for f, sha in sorted(zip(files, hashes, strict=True), key=lambda p: p[0].vintage):
            results.append(history.load_of_same_file(con, spec.table, sha, COLUMNS, spec.period_columns)
                           or land_sheet(con, f, spec, sha))
    return results
