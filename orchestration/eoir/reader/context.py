"""What the steps of one file's load share (:class:`FileLoad`): the connection, the file's layout, the
result being filled in, and the names derived from them (relations, column positions, the key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from orchestration.eoir.diff import DiffThresholds
from orchestration.eoir.reader.layout import Layout
from orchestration.eoir.reader.result import EoirLoadResult
from orchestration.eoir.reader.sql import BAD, ROWS, q
from orchestration.eoir.release import TableSpec


@dataclass
class FileLoad:
    """One file's load in progress.

    pos: 1-based position of each header column (the index into the split line); key: the spec's key when
    the file has it (required tables only); key_ok: the key is landed (always, for a required table);
    in_file: landed columns the file has (file order); dates_in_file: the date columns among them."""

    con: duckdb.DuckDBPyConnection
    spec: TableSpec
    display: str
    lay: Layout
    result: EoirLoadResult
    vintage: date | None
    input_kind: str
    thresholds: DiffThresholds
    pos: dict[str, int] = field(init=False)
    key: str | None = field(init=False)
    key_ok: bool = field(init=False)
    in_file: list[str] = field(init=False)
    dates_in_file: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.pos = {h: i + 1 for i, h in enumerate(self.lay.header)}
        landed = set(self.lay.out_columns)
        self.key = self.spec.key if self.spec.required and self.spec.key in self.pos else None
        self.key_ok = self.key is not None and self.key in landed
        self.in_file = [h for h in self.lay.header if h in landed]
        self.dates_in_file = [h for h in self.in_file if h in self.spec.date_columns]

    @property
    def n(self) -> int:
        """The header's width: the number of fields of a well-formed row."""
        return len(self.lay.header)

    @property
    def tbl(self) -> str:
        """The raw table name, e.g. ``eoir_tbl_court_appln``."""
        return self.spec.raw_table

    @property
    def parsed(self) -> str:
        """The table of values + helper columns, every data line of the file (renamed at the swap)."""
        return f"raw.{q(self.tbl + ROWS + '_incoming')}"

    @property
    def good(self) -> str:
        """The well-formed (and repaired) rows of :attr:`parsed`."""
        return f"(select * from {self.parsed} where {BAD} is null)"

    def add_nullifications(self, column: str, reason: str, count: int) -> None:
        """Add ``count`` nullified values of ``column`` for ``reason`` to the result."""
        per = self.result.nullifications.setdefault(column, {})
        per[reason] = per.get(reason, 0) + count
