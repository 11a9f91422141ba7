"""Fault injection for the property test: the bundled inputs as text tables, and the mutations applied to them.

A :class:`Target` is one input the test mutates: a bundled extract (``data/raw/*/provenance.yml``, one file)
or the small EOIR release (``tests/fixtures/eoir_mini_release``, one of its table files drawn per example).
A file is parsed into a :class:`TextTable` (header, rows of fields, delimiter, line ending, encoding),
mutated, and written back; ``truncate`` works on the bytes.

Mutations (:data:`MUTATIONS`), each a function ``(table, draw) -> description`` that changes the table in place
and describes what it did (the draw comes from Hypothesis, so every choice is shrinkable and reproducible):

- ``duplicate_rows``: 1-3 data rows repeated right after themselves (exact repeats).
- ``duplicate_block``: a block of 2-40 consecutive data rows appended again at the end of the file.
- ``drop_rows``: 1-3 data rows removed.
- ``shift_months``: the month of the rows of one month (or of every row) moved one month later, in the
  target's own notation (``SEP`` -> ``OCT``, ``2020-01`` -> ``2020-02``, ``01 October`` -> ``02 November``,
  fiscal month number + 1, an EOIR date + 1 month).
- ``swap_columns``: the values of two columns swapped under an unchanged header.
- ``scale_counts``: a count column multiplied (x2, x10 or x0) on one row or on every row.
- ``truncate``: the file cut at a byte offset (mid-line or at a line end).
- ``same_file_other_name``: the unchanged file delivered again under another file name (extract: as a new
  delivery of the same table; EOIR: a copy beside the original in the release folder).
- ``add_empty_column`` (benign): a new column with an empty value in every row.
- ``reorder_columns`` (benign): the columns (header and values) in another order.

Benign mutations change nothing a figure depends on: the run must publish figures equal to the unmutated
run's (a block there is a false alarm and fails the test too).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hypothesis import strategies as st

PROJECT_DIR = Path(__file__).resolve().parents[2]
EOIR_MINI_RELEASE = PROJECT_DIR / "tests" / "fixtures" / "eoir_mini_release"

MONTH_ABBREVIATIONS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
FISCAL_MONTH_NAMES = ["October", "November", "December", "January", "February", "March", "April", "May",
                      "June", "July", "August", "September"]


@dataclass
class TextTable:
    """A delimited text file as header + rows of fields, written back in the same dialect.

    ``quoting``: CSV quoting (the extracts, through the csv module); False for the EOIR TAB files, which
    have no quoting (a field is the text between two TABs).
    """

    header: list[str]
    rows: list[list[str]]
    delimiter: str
    newline: str
    encoding: str
    quoting: bool

    @classmethod
    def parse(cls, data: bytes, delimiter: str, encoding: str, quoting: bool) -> TextTable:
        text = data.decode(encoding)
        newline = "\r\n" if "\r\n" in text[:10_000] else "\n"
        if quoting:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"'))
        else:
            records = [line.split(delimiter) for line in text.split(newline) if line != ""]
        return cls(records[0], records[1:], delimiter, newline, encoding, quoting)

    def render(self) -> bytes:
        if self.quoting:
            out = io.StringIO(newline="")
            csv.writer(out, delimiter=self.delimiter, lineterminator=self.newline).writerows([self.header, *self.rows])
            return out.getvalue().encode(self.encoding)
        return "".join(self.delimiter.join(r) + self.newline for r in [self.header, *self.rows]).encode(self.encoding)

    def index(self, column: str) -> int:
        return [h.lower() for h in self.header].index(column.lower())


@dataclass(frozen=True)
class Target:
    """One input the property test mutates (module docstring).

    name: label in the verdict table. table: raw table of an extract; for the EOIR release, None (the table
    file is drawn per example from ``eoir_files``). months: (column, notation) pairs shifted together by
    ``shift_months``. counts: count columns (``scale_counts``).
    """

    name: str
    table: str | None
    delimiter: str = ","
    encoding: str = "utf-8"
    months: tuple[tuple[str, str], ...] = ()
    counts: tuple[str, ...] = ()
    eoir_files: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def is_eoir(self) -> bool:
        return self.table is None


def _eoir_dates(*columns: str) -> tuple[tuple[str, str], ...]:
    return tuple((c, "date") for c in columns)


#: The bundled extracts (one per provenance.yml entry) and the EOIR release. Count columns come from
#: provenance.yml (see harness.targets); the month notation of each is declared here.
EXTRACT_MONTHS: dict[str, tuple[tuple[str, str], ...]] = {
    "cbp_sw_encounters_dashboard": (("Month (abbv)-value", "abbv"), ("Month (abbv)-alias", "abbv")),
    "cbp_nationwide_encounters_state": (("Month (abbv)", "abbv"),),
    "cbp_usbp_monthly_encounters_sector": (("month", "number"),),
    "ohss_usbp_encounters_region_sector": (("month", "fiscal_name"),),
    "cbp_mpp_published_tables": (("month", "year_month"),),
    "trac_mpp_court_cases_by_location": (("month", "year_month"),),
}
EOIR_TARGET = Target(
    name="eoir_release",
    table=None,
    delimiter="\t",
    encoding="latin-1",
    eoir_files={
        "A_TblCase.csv": _eoir_dates("DATE_OF_ENTRY"),
        "B_TblProceeding.csv": _eoir_dates("COMP_DATE", "OSC_DATE"),
        "tbl_Court_Appln.csv": _eoir_dates("APPL_RECD_DATE"),
        "A_TblCaseIdentifier.csv": (),
        "tbl_schedule.csv": _eoir_dates("ADJ_DATE"),
    },
)


def shift_month(value: str, notation: str) -> str:
    """``value`` one month later in its notation; a value not in that notation is returned unchanged."""
    v = value.strip()
    if notation == "abbv" and v.upper() in MONTH_ABBREVIATIONS:
        return MONTH_ABBREVIATIONS[(MONTH_ABBREVIATIONS.index(v.upper()) + 1) % 12]
    if notation == "number" and v.isdigit() and 1 <= int(v) <= 12:
        return str(int(v) % 12 + 1)
    if notation == "fiscal_name" and (m := re.fullmatch(r"(\d\d) (\w+)", v)):
        i = int(m.group(1)) % 12
        return f"{i + 1:02d} {FISCAL_MONTH_NAMES[i]}"
    if notation == "year_month" and (m := re.fullmatch(r"(\d{4})-(\d\d)", v)):
        y, mo = int(m.group(1)), int(m.group(2))
        return f"{y + mo // 12}-{mo % 12 + 1:02d}"
    if notation == "date" and (m := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)(.*)", v)):
        y, mo, d = int(m.group(1)), int(m.group(2)), min(int(m.group(3)), 28)
        nxt = date(y + mo // 12, mo % 12 + 1, d)
        return value.replace(v, f"{nxt.isoformat()}{m.group(4)}")
    return value


Draw = Callable[[st.SearchStrategy], object]


def _rows(table: TextTable, draw: Draw, most: int) -> list[int]:
    n = draw(st.integers(1, most))
    return sorted(draw(st.lists(st.integers(0, len(table.rows) - 1), min_size=n, max_size=n, unique=True)))


def duplicate_rows(table: TextTable, target: Target, draw: Draw) -> str:
    picked = _rows(table, draw, min(3, len(table.rows)))
    for i in reversed(picked):
        table.rows.insert(i + 1, list(table.rows[i]))
    return f"rows {[i + 2 for i in picked]} (file lines) repeated"


def duplicate_block(table: TextTable, target: Target, draw: Draw) -> str:
    length = draw(st.integers(2, max(2, min(40, len(table.rows)))))
    start = draw(st.integers(0, max(0, len(table.rows) - length)))
    table.rows.extend(list(r) for r in table.rows[start:start + length])
    return f"lines {start + 2}-{start + length + 1} appended again"


def drop_rows(table: TextTable, target: Target, draw: Draw) -> str:
    picked = _rows(table, draw, min(3, len(table.rows) - 1))
    for i in reversed(picked):
        del table.rows[i]
    return f"lines {[i + 2 for i in picked]} dropped"


def shift_months(table: TextTable, target: Target, draw: Draw, months: tuple[tuple[str, str], ...]) -> str:
    cols = [(table.index(c), notation) for c, notation in months]
    first, _ = cols[0]
    values = sorted({r[first] for r in table.rows if first < len(r)})
    scope = draw(st.sampled_from(["one month", "every row"]))
    chosen = draw(st.sampled_from(values)) if scope == "one month" else None
    for r in table.rows:
        if chosen is None or (first < len(r) and r[first] == chosen):
            for i, notation in cols:
                if i < len(r):
                    r[i] = shift_month(r[i], notation)
    return f"month of {'rows with ' + repr(chosen) if chosen is not None else 'every row'} + 1"


def swap_columns(table: TextTable, target: Target, draw: Draw) -> str:
    a, b = draw(st.lists(st.sampled_from(table.header), min_size=2, max_size=2, unique=True))
    i, j = table.index(a), table.index(b)
    for r in table.rows:
        if max(i, j) < len(r):
            r[i], r[j] = r[j], r[i]
    return f"values of {a!r} and {b!r} swapped"


def scale_counts(table: TextTable, target: Target, draw: Draw) -> str:
    col = draw(st.sampled_from(target.counts))
    factor = draw(st.sampled_from([2, 10, 0]))
    i = table.index(col)
    rows = [r for r in table.rows if i < len(r) and r[i].replace(",", "").strip().isdigit()]
    scope = draw(st.sampled_from(["one row", "every row"]))
    if scope == "one row":
        rows = [draw(st.sampled_from(rows))]
    for r in rows:
        r[i] = str(int(r[i].replace(",", "").strip()) * factor)
    return f"{col!r} x{factor} on {scope}"


def add_empty_column(table: TextTable, target: Target, draw: Draw) -> str:
    table.header.append("notes")
    for r in table.rows:
        r.append("")
    return "empty column 'notes' added"


def reorder_columns(table: TextTable, target: Target, draw: Draw) -> str:
    order = draw(st.permutations(range(len(table.header))).filter(lambda p: list(p) != sorted(p)))
    table.header = [table.header[i] for i in order]
    table.rows = [[r[i] if i < len(r) else "" for i in order] for r in table.rows]
    return f"columns reordered {list(order)}"


#: Row/column mutations on a parsed table; truncate and same_file_other_name work on files (harness).
TABLE_MUTATIONS = {
    "duplicate_rows": duplicate_rows,
    "duplicate_block": duplicate_block,
    "drop_rows": drop_rows,
    "shift_months": shift_months,
    "swap_columns": swap_columns,
    "scale_counts": scale_counts,
    "add_empty_column": add_empty_column,
    "reorder_columns": reorder_columns,
}
FILE_MUTATIONS = ("truncate", "same_file_other_name")
MUTATIONS = (*TABLE_MUTATIONS, *FILE_MUTATIONS)
BENIGN = frozenset({"add_empty_column", "reorder_columns", "same_file_other_name"})


def truncate(data: bytes, draw: Draw) -> tuple[bytes, str]:
    """The file cut at a drawn offset after the header: mid-line, or at the end of a line."""
    header_end = data.index(b"\n") + 1
    at_line_end = draw(st.booleans())
    cut = draw(st.integers(header_end + 1, len(data) - 1))
    if at_line_end:
        cut = data.rindex(b"\n", 0, cut) + 1
        if cut <= header_end:  # keep at least one data line
            cut = data.index(b"\n", header_end) + 1
    return data[:cut], f"cut at byte {cut} of {len(data)} ({'line end' if at_line_end else 'mid-line'})"


def mutate_table(data: bytes, mutation: str, target: Target, months, draw: Draw) -> tuple[bytes, str]:
    """Apply a table mutation to a file's bytes; returns the new bytes and what was done."""
    table = TextTable.parse(data, target.delimiter, target.encoding, quoting=not target.is_eoir)
    fn = TABLE_MUTATIONS[mutation]
    description = fn(table, target, draw, months) if mutation == "shift_months" else fn(table, target, draw)
    return table.render(), description
