"""CBP encounter files a user brings (``mpp-metrics run --cbp-encounters PATH``), in CBP's official open-data
CSV layouts, turned into extract specs that land like the bundled extracts (orchestration/raw/landing.py).

Layouts (detected from the header, names matched case-insensitively, any order, extra columns kept):

``aor``    "Southwest Land Border Encounters" by area of responsibility -> raw.cbp_sw_encounters_aor
``state``  "Nationwide Encounters by State" -> raw.cbp_nationwide_encounters_state (beside the bundled file)

Fiscal years are the leading four digits of the label (``2025 (FYTD)`` = FY2025, flagged preliminary in
staging); months are JAN..DEC (OCT of FY2025 = 2024-10-01). A row with another month or a fiscal year
without four leading digits is an error naming file, line and column (landing.check_periods).

Vintage of a user file (the release date that decides which file wins a month, history.py), first match:
1. ``PATH@YYYY-MM-DD`` given explicitly;
2. a date in the file name (``YYYY-MM-DD``, ``YYYY_MM_DD`` or ``YYYYMMDD``), as CBP's and most archives'
   download names carry the release date;
3. the first day after the latest month in the file (CBP publishes a month's figures after it ends, so
   the release is no earlier). Two files with the same latest month and no date tie: the later load wins;
   give ``@YYYY-MM-DD`` to decide. The file's modification time is never used (a copy changes it).

User files are recorded by sha256 in the load ledger (and skipped when already loaded), not pinned in a
provenance.yml; their input kind is ``real``. Errors: :class:`UserFileError` (file, line, column).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from orchestration.raw.ledger import file_sha256
from orchestration.raw.registry import ExtractSpec

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


class UserFileError(ValueError):
    """A user-supplied file cannot be read as one of CBP's layouts; the message names file, line, column."""


@dataclass(frozen=True)
class Layout:
    """One official CBP open-data layout: the raw table it lands in, its published columns, and the natural
    key of a row (``key_columns``: the columns that identify one published cell; one row per key per file)."""

    name: str
    table: str
    title: str
    columns: tuple[str, ...]
    key_columns: tuple[str, ...]
    fiscal_year_column: str = "Fiscal Year"
    month_column: str = "Month (abbv)"
    count_column: str = "Encounter Count"

    @property
    def period_columns(self) -> tuple[str, ...]:
        return (self.fiscal_year_column, self.month_column)


AOR = Layout(
    name="aor",
    table="cbp_sw_encounters_aor",
    title="Southwest Land Border Encounters (by area of responsibility)",
    columns=("Fiscal Year", "Month Grouping", "Month (abbv)", "Component", "Land Border Region",
             "Area of Responsibility", "AOR (Abbv)", "Demographic", "Citizenship", "Title of Authority",
             "Encounter Count"),
    key_columns=("Fiscal Year", "Month (abbv)", "Component", "Land Border Region", "Area of Responsibility",
                 "Demographic", "Citizenship", "Title of Authority"),
)
STATE = Layout(
    name="state",
    table="cbp_nationwide_encounters_state",
    title="Nationwide Encounters by State",
    columns=("Fiscal Year", "Month Grouping", "Month (abbv)", "Land Border Region", "State", "Demographic",
             "Citizenship", "Title of Authority", "Encounter Count"),
    key_columns=("Fiscal Year", "Month (abbv)", "Land Border Region", "State", "Demographic", "Citizenship",
                 "Title of Authority"),
)
LAYOUTS = (AOR, STATE)  # AOR first: its header also holds every column the state layout shares


def split_vintage(text: str) -> tuple[Path, date | None]:
    """``PATH`` or ``PATH@YYYY-MM-DD`` -> (path, explicit vintage or None). UserFileError on a bad date."""
    m = re.fullmatch(r"(.+)@(\d{4}-\d{2}-\d{2})", text)
    if not m:
        return Path(text).expanduser(), None
    try:
        return Path(m.group(1)).expanduser(), date.fromisoformat(m.group(2))
    except ValueError as exc:
        raise UserFileError(f"{text}: the vintage after '@' is not a calendar date YYYY-MM-DD") from exc


def expand(entries: list[str]) -> list[tuple[Path, date | None]]:
    """Every file named by ``entries`` (a file, or a folder: its ``*.csv`` files, sorted), with the explicit
    vintage of its entry. UserFileError for a missing path or a folder without CSV files."""
    files: list[tuple[Path, date | None]] = []
    for entry in entries:
        path, vintage = split_vintage(entry)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
            if not found:
                raise UserFileError(f"{path}: the folder holds no .csv file")
            files += [(p.resolve(), vintage) for p in found]
        elif path.is_file():
            files.append((path.resolve(), vintage))
        else:
            raise UserFileError(f"{path}: no such file or folder")
    return files


def _header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            first = fh.readline()
    except UnicodeDecodeError as exc:
        raise UserFileError(f"{path}: line 1 is not UTF-8 text: {exc}") from exc
    return [h.strip() for h in next(csv.reader([first.lstrip("\ufeff")]), [])]


def detect_layout(path: Path) -> Layout:
    """The layout whose columns all appear in the file's header (line 1); UserFileError otherwise."""
    have = {h.lower() for h in _header(path)}
    for layout in LAYOUTS:
        if {c.lower() for c in layout.columns} <= have:
            return layout
    wanted = "; ".join(f"{lay.title}: {', '.join(lay.columns)}" for lay in LAYOUTS)
    raise UserFileError(f"{path}: line 1 (header) matches no CBP encounter layout (expected the columns of {wanted})")


def fiscal_month_start(fiscal_year: int, month: str) -> date:
    """First day of a fiscal month: OCT of FY2025 = 2024-10-01, SEP of FY2025 = 2025-09-01."""
    number = MONTHS.index(month) + 1
    return date(fiscal_year - 1 if number >= 10 else fiscal_year, number, 1)


def latest_month(path: Path, layout: Layout) -> date:
    """The latest fiscal month in the file; UserFileError naming file, line and column for a row whose
    fiscal year has no four leading digits or whose month is not JAN..DEC."""
    latest = None
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        by_lower = {n.strip().lower(): n for n in reader.fieldnames or []}
        fy_col, month_col = by_lower[layout.fiscal_year_column.lower()], by_lower[layout.month_column.lower()]
        for line, row in enumerate(reader, start=2):
            fy = re.match(r"\s*(\d{4})", row[fy_col] or "")
            if not fy:
                raise UserFileError(f"{path}: line {line}, column {layout.fiscal_year_column!r}: fiscal year "
                                    f"{row[fy_col]!r} has no four leading digits (e.g. '2025 (FYTD)')")
            month = (row[month_col] or "").strip().upper()
            if month not in MONTHS:
                raise UserFileError(f"{path}: line {line}, column {layout.month_column!r}: unknown month "
                                    f"{row[month_col]!r} (expected JAN .. DEC)")
            start = fiscal_month_start(int(fy.group(1)), month)
            latest = start if latest is None or start > latest else latest
    if latest is None:
        raise UserFileError(f"{path}: the file has a header but no data rows")
    return latest


def name_date(path: Path) -> date | None:
    """A release date written in the file name (YYYY-MM-DD, YYYY_MM_DD or YYYYMMDD), if any and valid."""
    for m in re.finditer(r"(?<!\d)(20\d{2})[-_]?(\d{2})[-_]?(\d{2})(?!\d)", path.name):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def file_vintage(path: Path, layout: Layout, explicit: date | None) -> tuple[date, str]:
    """(vintage, basis) of a user file: explicit, else the date in its name, else the day after its latest
    month (module docstring). The file is scanned either way, so an unknown month fails here first."""
    last = latest_month(path, layout)
    if explicit:
        return explicit, "given as PATH@YYYY-MM-DD"
    named = name_date(path)
    if named:
        return named, "date in the file name"
    after = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return after, f"first day after the latest month in the file ({last:%Y-%m})"


def user_spec(path: Path, explicit: date | None = None) -> ExtractSpec:
    """The extract spec of one user file: its layout's table and columns, its vintage and sha256."""
    layout = detect_layout(path)
    vintage, basis = file_vintage(path, layout, explicit)
    return ExtractSpec(
        table=layout.table,
        source="cbp",
        path=path,
        sha256=file_sha256(path),
        vintage=vintage,
        input_kind="real",
        description=f"user-supplied CBP file, {layout.title} layout; vintage {vintage} ({basis})",
        columns=layout.columns,
        origin={"user_file": str(path), "layout": layout.name, "vintage_basis": basis},
        period_columns=layout.period_columns,
        count_columns=(layout.count_column,),
        key_columns=layout.key_columns,
        fiscal_year_column=layout.fiscal_year_column,
        month_column=layout.month_column,
    )


def user_specs(entries: list[str], table: str) -> list[ExtractSpec]:
    """The specs of the user files for raw ``table``, oldest vintage first (so the newest lands last)."""
    specs = [user_spec(path, vintage) for path, vintage in expand(entries)]
    return sorted((s for s in specs if s.table == table), key=lambda s: (s.vintage, s.path.name))


def absolute_entry(text: str) -> str:
    """``PATH[@YYYY-MM-DD]`` with PATH made absolute (the run may execute elsewhere); UserFileError when the
    path does not exist or the vintage is not a date."""
    path, vintage = split_vintage(text)
    expand([text])
    return str(path.resolve()) + (f"@{vintage.isoformat()}" if vintage else "")
