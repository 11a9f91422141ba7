"""Land an EOIR "Case Data" release into DuckDB ``raw`` tables, exactly and in streaming fashion.

Entry point: :func:`load_release`. One raw table per file (``CREATE OR REPLACE``), one ledger row per file,
every input line accounted for: ``rows_read = rows_loaded + rows_quarantined + duplicates_collapsed``
where rows_read counts the physical lines after the header.

Raw relation shape (grain = one distinct data row of the file). ``raw.<table>`` is a view over the table
``raw.<table>__rows`` (every data line of the file as parsed, plus ``_nf``, its field count) that hides the
malformed lines and the lines listed in ``raw.<table>__excluded`` (collapsed duplicates, key rejects) and
adds the load's provenance constants; query ``raw.<table>``, never the two tables behind it. Columns:
    by default the columns the models read (:attr:`TableSpec.used`, published order; NULL-filled when the
    file lacks an optional one); with ``all_columns=True`` the spec's published columns upper-cased, in
    published order, then columns the file has beyond the spec (file order). All VARCHAR; then
    ``_source_line BIGINT`` (physical line in the file, header = 1; for collapsed duplicates the first
    occurrence) and the ledger's :data:`~orchestration.raw.ledger.LOAD_COLUMNS`.
    Rows come out in scan order (file order under preserve_insertion_order, repaired rows last); no ORDER BY
    is applied because sorting a 50M-row table of text blows the memory budget: order by ``_source_line``.

How a file is read (all row work happens in DuckDB SQL, vectorised):
1. A background thread streams the bytes once in 4 MiB chunks: sha256 of the original bytes, Latin-1
   decoding (every byte 0x00-0xFF maps to U+0000-U+00FF, so the raw text round-trips exactly; DuckDB's own
   latin-1 decoder rejects bytes 0x80-0x9F; ASCII chunks are copied as they are), and carriage returns are
   swapped for U+E00D so that DuckDB's line splitter only breaks on LF (restored in SQL: a CR right before
   a LF, or the file's last byte, ends its line and is dropped, since a CRLF file whose last line lacks its
   LF is more plausible than a value ending in CR; any other CR is data). The UTF-8 text goes to part files
   of about :data:`PART_BYTES`, cut after a LF, each with its first physical line number and line count
   (deleted after the load). The thread writes part k+1 while DuckDB works on part k.
2. Each part is read as whole lines into a temporary table: ``read_csv(columns={'line': VARCHAR},
   delim=U+E001, quote='', escape='', header=false) WITH ORDINALITY`` (U+E001 cannot occur in Latin-1 text,
   quoting is off: an unbalanced ``"`` is data). The ordinal plus the part's offset is the physical line
   number, checked against the part's line count (a mismatch raises). This read is single-threaded, hence
   the bounded parts; everything after it runs in parallel from memory.
3. One parallel INSERT per part: fields = ``string_split(line, TAB)``; values trimmed of spaces, empty ->
   NULL, a value made only of NUL bytes (and spaces) -> NULL (reason ``nul_byte``; NUL bytes inside a longer
   value are left as they are). Date columns: text not matching ``YYYY-MM-DD[ hh:mm:ss[.fff]]`` or not a
   real date -> NULL (``not_a_date``), 1900-01-01 -> NULL (``sentinel_date``), before 1950 or after
   :func:`max_plausible_date` (31 Dec ten years after the vintage; 2100 without vintage) -> NULL
   (``out_of_range_date``); other dates keep their original text (near-future hearing dates stay).
   The row also carries helper columns (all but the field count dropped before the swap): the line when
   its width is wrong, a 64-bit hash of the normalised fields, for the key its digits check and hash,
   and the original text of each nullified date.
   Columns renamed between releases are mapped to one raw column (``column_aliases.csv``).
4. Rows of the wrong width: blank lines, too few fields, two or more extra are quarantined into
   ``raw._rejects``; rows with exactly one extra field go through
   :func:`orchestration.eoir.defects.repair_extra_field` (few rows; Python) and are landed repaired or
   quarantined. A repaired row that lands is recorded in ``raw._value_nullifications`` under the pseudo
   column ``_row`` with reason ``stray_tab_repaired`` (and in :attr:`EoirLoadResult.rows_repaired`); one
   that steps 5-6 then collapse or quarantine is not counted as repaired.
   Nullifications are counted per landed column and reason over every well-formed row (before
   duplicates collapse).
5. Exact duplicates collapse to the first occurrence and are counted: rows whose fields are all equal
   after trimming (and NUL-only fields emptied), compared before date nullification. Candidates are the
   rows whose key hash occurs twice or more (duplicates share their key; the same aggregation serves step
   6), or for a lookup whose line hash does; they are confirmed on every landed value (the key among them)
   and the line hash, so a false match needs a 64-bit collision between two rows with the same key.
6. Keys (:attr:`TableSpec.key` of the five required tables): a row whose key is empty or not digits
   (``bad_key``) or whose key appears on two or more distinct rows (``duplicate_key``: every such row, since
   none can be told right; the reason reads ``on N distinct rows (M lines, first line L)``: N rows that
   differ in some value, all quarantined, over M lines carrying the key, the M - N exact repeats among them
   collapsed in step 5) is quarantined into ``raw._rejects`` with its line (re-read from its part, so a
   repaired row shows its original line, stray TAB included) and the key.
7. Nothing is deleted (a DELETE inside the load transaction makes DuckDB rewrite the table at commit):
   the rows land in ``raw.<table>__rows_incoming``, the excluded line numbers in
   ``raw.<table>__excluded_incoming``, the view ``raw.<table>__incoming`` is diffed by key against the
   previous load (orchestration/eoir/diff.py: vanished / added / changed into ``raw._release_diffs``,
   thresholds warn or block), then everything is swapped in (drop + rename + view) inside the caller's
   transaction.

Passes over each file: one Python pass (thread), one single-threaded DuckDB line read per part, one parallel
insert per part; then column-store queries on the landed rows (widths, dates, one aggregation for duplicates
and keys), which read only the few columns they need. Nothing is held in Python memory except the rare
one-extra-field rows. The release-sized benchmark (benchmarks/) measures every stage.

Errors: :class:`~orchestration.eoir.release.ReleaseError` for a missing table, a file without header, a
header lacking a needed column (names the file and the column), duplicate/empty header names, a header
starting with a UTF-8 byte order mark or holding a lone CR (CR-only line endings; see
:func:`_check_header_line`), or a line count mismatch.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

import duckdb

from orchestration.eoir.defects import DATE_TEXT_SQL, repair_extra_field, row_rules
from orchestration.eoir.diff import (
    DiffThresholds,
    ReleaseDiff,
    diff_against_previous,
    ensure_diff_table,
    record_release_load,
)
from orchestration.eoir.release import (
    COLUMN_ALIASES,
    SYNTHETIC_MARKER,
    Release,
    ReleaseError,
    ReleaseFile,
    TableSpec,
    ZipMemberStream,
    locate_release,
)
from orchestration.raw.ledger import LoadResult, ensure_ledger, record_load, table_exists

SOURCE = "eoir"
_CHUNK = 4 << 20
_CR_STANDIN = "\ue00d"  # private-use code point standing in for CR (never in Latin-1 text)
_LINE_DELIM = "\ue001"  # private-use code point used as the "column delimiter" so a line is one field
#: Pseudo column under which row repairs are recorded in ``raw._value_nullifications``.
ROW_REPAIR_COLUMN = "_row"


@dataclass
class EoirLoadResult(LoadResult):
    """A :class:`LoadResult` with what the EOIR reader found in the file's shape.

    raw_table: ``raw.<table>``; rows_repaired: stray-tab rows repaired that landed (a subset of
    rows_loaded: a repaired row then quarantined for its key or collapsed as an exact duplicate is not one);
    columns_missing: optional spec columns absent from the file (NULL-filled); columns_extra: file columns
    not in the spec (kept); columns_reordered: the spec columns appear in another order than published;
    nulls_by_reason: total nullified values per reason; columns_renamed: {header name: canonical raw column}
    for headers mapped through column_aliases.csv; key_rejects: rows quarantined for a bad or duplicate key
    (included in rows_quarantined); diff: the release-to-release diff against the previous load (None on a
    first load or for lookups); count_expected: the file's row count in the release's Count.txt (None when
    the release has none or does not list the table).
    """

    raw_table: str = ""
    rows_repaired: int = 0
    columns_missing: list[str] = field(default_factory=list)
    columns_extra: list[str] = field(default_factory=list)
    columns_reordered: bool = False
    nulls_by_reason: dict[str, int] = field(default_factory=dict)
    columns_renamed: dict[str, str] = field(default_factory=dict)
    key_rejects: int = 0
    diff: ReleaseDiff | None = None
    count_expected: int | None = None

    def metadata(self) -> dict[str, object]:
        d = super().metadata()
        d.pop("diff", None)
        d["count_expected"] = -1 if self.count_expected is None else self.count_expected
        if self.diff is not None:
            d.update(self.diff.metadata())
        return d


def _q(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _lit(value: object) -> str:
    """An SQL literal for a str / date / datetime / None."""
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def open_release_file(rf: ReleaseFile) -> IO[bytes]:
    """A binary stream of one release file (a zip member is streamed from the archive, never extracted)."""
    if rf.zip_path is not None:  # read errors of a damaged archive name the zip and the member
        return ZipMemberStream(rf.zip_path, rf.member)  # type: ignore[return-value]
    return open(rf.member, "rb")


#: UTF-8 bytes per part file: the unit of the single-threaded, line-numbered read (bounds its memory).
PART_BYTES = 256 << 20
_LONG_WINDOW = 500_000


@dataclass
class _Part:
    path: Path
    first_line: int  # physical line number (header = 1) of the part's first line
    lines: int  # physical lines in the part
    has_cr: bool  # the part may hold a CR (as U+E00D); False means it holds none
    has_nul: bool  # the part may hold a NUL byte; False means it holds none
    long_lines: bool = False  # may hold a line of 500 kB or more (DuckDB's default maximum is 2 MB): read
    # with a maximum line size of the whole part


@dataclass
class _Transcoded:
    parts: list[_Part]
    sha256: str
    lines: int
    has_nul: bool  # some part holds a NUL byte (the repaired rows are checked for NUL-only values then)


class _PartWriter:
    """Write a byte stream into part files of about ``part_bytes`` each, cut only after a LF; each finished
    part is passed to ``on_part``."""

    def __init__(self, work_dir: Path, stem: str, part_bytes: int, on_part) -> None:
        self.work_dir, self.stem, self.part_bytes, self.on_part = work_dir, stem, part_bytes, on_part
        self.parts: list[_Part] = []
        self._fh: IO[bytes] | None = None
        self._next_line = 1

    def write(self, data: bytes, *, has_cr: bool, has_nul: bool) -> None:
        while data:
            if self._fh is None:
                self._path = self.work_dir / f"{self.stem}.part{len(self.parts):04d}.txt"
                self._fh = open(self._path, "wb")  # noqa: SIM115 - closed in _close
                self._size = self._newlines = 0
                self._cr = self._nul = self._long = False
            self._cr |= has_cr
            self._nul |= has_nul
            room = self.part_bytes - self._size
            if len(data) <= room:
                self._put(data)
                return
            cut = data.rfind(b"\n", 0, room)
            if cut < 0:  # a line longer than the room left: the part ends after it
                cut = data.find(b"\n", room)
                if cut < 0:
                    self._put(data)
                    return
            self._put(data[: cut + 1])
            self._close(ends_with_lf=True)
            data = data[cut + 1 :]

    def _put(self, data: bytes) -> None:
        assert self._fh is not None
        # a line of 2 MB or more (DuckDB's default maximum line size) leaves some aligned 500 kB window of
        # one write without LF (at least half of it falls in one write): flag the part, cheaply and safely
        if not self._long and len(data) >= _LONG_WINDOW:
            self._long = any(data.find(b"\n", k, k + _LONG_WINDOW) == -1
                             for k in range(0, len(data) - _LONG_WINDOW + 1, _LONG_WINDOW))
        self._fh.write(data)
        self._size += len(data)
        self._newlines += data.count(b"\n")
        self._last = data[-1:]

    def _close(self, *, ends_with_lf: bool) -> None:
        assert self._fh is not None
        self._fh.close()
        self._fh = None
        lines = self._newlines + (0 if ends_with_lf else 1)
        part = _Part(self._path, self._next_line, lines, self._cr, self._nul, self._long)
        self.parts.append(part)
        self._next_line += lines
        self.on_part(part)

    def finish(self) -> list[_Part]:
        if self._fh is not None:
            self._close(ends_with_lf=self._last == b"\n")
        return self.parts


def _transcode(src: IO[bytes], work_dir: Path, stem: str, part_bytes: int | None = None, on_part=None,
               stop: threading.Event | None = None) -> _Transcoded:
    """Stream Latin-1 bytes into UTF-8 part files (CR -> U+E00D), hashing the original bytes on the way.

    ASCII chunks without CR are copied as they are (identical in UTF-8); others are decoded and re-encoded.
    on_part(part) is called as each part file is finished; ``stop`` set ends the work early (no result).
    """
    h = hashlib.sha256()
    has_nul = False
    writer = _PartWriter(work_dir, stem, part_bytes or PART_BYTES, on_part or (lambda part: None))
    while chunk := src.read(_CHUNK):
        if stop is not None and stop.is_set():
            writer.finish()
            raise _Stopped
        h.update(chunk)
        nul = b"\x00" in chunk
        cr = b"\r" in chunk
        has_nul |= nul
        if chunk.isascii() and not cr:
            writer.write(chunk, has_cr=False, has_nul=nul)
            continue
        text = chunk.decode("latin-1")
        if cr:
            text = text.replace("\r", _CR_STANDIN)
        writer.write(text.encode("utf-8"), has_cr=cr, has_nul=nul)
    parts = writer.finish()
    return _Transcoded(parts, h.hexdigest(), sum(p.lines for p in parts), has_nul)


class _Stopped(Exception):
    """The consumer stopped a background transcoding."""


class _BackgroundTranscode:
    """Transcode a release file in a thread so that the disk writes and hashing overlap DuckDB's work on
    the previous part. Iterate for the parts as they are finished; then :attr:`result` holds the totals.

    The part files stay until :meth:`close` (key rejects re-read their lines at the end of the load)."""

    def __init__(self, rf: ReleaseFile, work_dir: Path, part_bytes: int | None) -> None:
        self._queue: queue.Queue[_Part | None] = queue.Queue()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._produced: list[_Part] = []
        self.result: _Transcoded | None = None
        self._thread = threading.Thread(
            target=self._run, args=(rf, work_dir, part_bytes), name=f"transcode-{rf.spec.raw_table}", daemon=True
        )
        self._thread.start()

    def _run(self, rf: ReleaseFile, work_dir: Path, part_bytes: int | None) -> None:
        def on_part(part: _Part) -> None:
            self._produced.append(part)
            self._queue.put(part)

        try:
            with open_release_file(rf) as src:
                self.result = _transcode(src, work_dir, rf.spec.raw_table, part_bytes, on_part, self._stop)
        except _Stopped:
            pass
        except Exception as exc:  # noqa: BLE001 - any failure is handed to the consumer thread, which re-raises it
            self._error = exc
        finally:
            self._queue.put(None)

    def __iter__(self) -> Iterator[_Part]:
        while (part := self._queue.get()) is not None:
            yield part
        self._thread.join()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """Stop the thread (if still running), wait for it, and delete every part file."""
        self._stop.set()
        self._thread.join()
        for part in self._produced:
            part.path.unlink(missing_ok=True)


def _read_header(path: Path) -> str | None:
    """Line 1 of a part file without its line ending (LF, CRLF, or a CR at the end of the file), its other
    CRs restored."""
    with open(path, encoding="utf-8", newline="\n") as fh:
        first = fh.readline()
    if not first:
        return None
    return first.removesuffix("\n").removesuffix(_CR_STANDIN).replace(_CR_STANDIN, "\r")


def _line_scan(part: _Part) -> str:
    """SQL relation: (ln BIGINT, line VARCHAR) for every physical line of a part, line ending removed.

    ``ln`` is the physical line number in the whole file. The read is single-threaded (line numbers come
    from WITH ORDINALITY), which is why it lands in a temporary table before any per-row work. A part with
    :attr:`_Part.long_lines` is read with a maximum line size (and buffer) of the whole part."""
    size = ""
    if part.long_lines:
        n = part.path.stat().st_size + 1
        size = f", max_line_size={n}, buffer_size={n}"
    return (
        f"(select ordinality + {part.first_line - 1} as ln, line from read_csv({_lit(str(part.path))}, "
        f"columns={{'line': 'VARCHAR'}}, delim={_lit(_LINE_DELIM)}, quote='', escape='', header=false, "
        f"auto_detect=false, strict_mode=true, all_varchar=true{size}) with ordinality)"
    )


@dataclass
class _Layout:
    header: list[str]  # upper-cased header names, file order (aliases replaced by their canonical name)
    out_columns: list[str]  # raw table columns, output order (all published + extras, or the used ones)
    missing: list[str]
    extra: list[str]
    reordered: bool
    renamed: dict[str, str] = field(default_factory=dict)


#: A UTF-8 byte order mark (EF BB BF) as the reader sees it, decoded as Latin-1.
_UTF8_BOM = b"\xef\xbb\xbf".decode("latin-1")


#: Byte order marks of the UTF-16 / UTF-32 encodings (longest first), as the reader sees them (Latin-1).
_WIDE_BOMS = [(b"\xff\xfe\x00\x00", "UTF-32 LE"), (b"\x00\x00\xfe\xff", "UTF-32 BE"), (b"\xff\xfe", "UTF-16 LE"),
              (b"\xfe\xff", "UTF-16 BE")]


def _check_utf16(header_line: str, display: str) -> None:
    """Refuse a header line that shows a UTF-16 (or UTF-32) file, saying which: by its byte order mark, or
    by the pattern of NUL bytes (every second byte NUL: ``I\\0D\\0`` is UTF-16 LE, ``\\0I\\0D`` BE), or
    any other NUL byte in the header (not a text table)."""
    raw = header_line.encode("latin-1", errors="replace")
    found = next((f"a {name} byte order mark (bytes {bom.hex(' ').upper()})" for bom, name in _WIDE_BOMS
                  if raw.startswith(bom)), None)
    if found is None and b"\x00" in raw:
        body = raw.rstrip(b"\x00") if raw[:1] != b"\x00" else raw
        odd_nul = len(body) > 1 and set(body[1::2]) == {0} and 0 not in body[0::2]
        even_nul = len(raw) > 1 and set(raw[0::2]) == {0} and 0 not in raw[1::2]
        if odd_nul or even_nul:
            found = f"UTF-16 {'LE' if odd_nul else 'BE'} text without a byte order mark (every second byte is NUL)"
        else:
            found = f"{raw.count(0)} NUL byte(s), first at byte {raw.index(0) + 1} (not a text table)"
    if found is not None:
        raise ReleaseError(
            f"{display}: line 1 (header): found {found}; EOIR releases are Latin-1 text (one byte per "
            "character), so the file was saved in another encoding: export it again as Latin-1"
        )


def _check_header_line(header_line: str, display: str) -> None:
    """Refuse, saying what was found, a header line (line ending removed) that shows the file is not in
    the release's form: a UTF-8 byte order mark, or a carriage return not followed by a LF.

    A byte order mark is refused rather than stripped: EOIR releases are Latin-1 without one, so a mark
    means the file was re-saved as UTF-8 by some tool, and its accented letters (two bytes each in UTF-8)
    would land misread as Latin-1 pairs ("JOSÉ" -> "JOSÃ\x89"); re-exporting it as Latin-1 is the fix.
    A lone CR in the header is a CR-only (old Mac) line ending: the file has no LF after its header, so the
    header and rows run together as one line."""
    _check_utf16(header_line, display)
    if header_line.startswith(_UTF8_BOM):
        raise ReleaseError(
            f"{display}: line 1 (header) starts with a UTF-8 byte order mark (bytes EF BB BF, read as Latin-1: "
            f"'{_UTF8_BOM}'): EOIR releases are Latin-1 without one; the file was probably re-saved as UTF-8, "
            "whose accented letters would be misread as Latin-1, so it is refused rather than stripped "
            "(export it again as Latin-1)"
        )
    cr = header_line.find("\r")
    if cr >= 0:
        before = header_line[:cr].split("\t")
        raise ReleaseError(
            f"{display}: line 1 (header) has a carriage return (CR) without a line feed right after column "
            f"{len(before)} ({before[-1].strip(' ')}), {header_line.count(chr(13))} in the line: CR-only line "
            "endings; the release uses LF or CRLF"
        )


def _layout(spec: TableSpec, header_line: str, display: str, all_columns: bool = True) -> _Layout:
    _check_header_line(header_line, display)
    header = [h.strip(" \x00").upper() for h in header_line.split("\t")]
    for i, h in enumerate(header, start=1):
        if not h:
            raise ReleaseError(f"{display}: line 1 (header): column {i} has an empty name")
    dups = sorted({h for h in header if header.count(h) > 1})
    if dups:
        raise ReleaseError(f"{display}: line 1 (header): duplicate column name(s) {', '.join(dups)}")
    if not spec.required:
        return _Layout(header, list(header), [], [], False)
    # columns renamed between releases: every known name maps to the canonical one; two names is an error
    renamed: dict[str, str] = {}
    aliases = COLUMN_ALIASES.get(spec.name.lower(), {})
    for canonical, alts in aliases.items():
        names = (canonical, *alts)
        found = [h for h in header if h in names]
        if len(found) > 1:
            raise ReleaseError(
                f"{display}: line 1 (header): columns {' and '.join(found)} are two names of one field "
                f"{canonical} (renamed between releases, orchestration/eoir/column_aliases.csv); "
                "a file must have exactly one of them"
            )
        if found and found[0] != canonical:
            header[header.index(found[0])] = canonical
            renamed[found[0]] = canonical
    present = set(header)
    for need in spec.needed:
        if need not in present:
            alts = aliases.get(need, ())
            raise ReleaseError(
                f"{display}: line 1 (header) lacks column {need}"
                + (f" (or {' / '.join(alts)})" if alts else "")
                + f", which the project needs from {spec.name}; header has: {', '.join(header)}"
            )
    spec_cols = list(spec.columns)
    missing = [c for c in spec_cols if c not in present]
    extra = [h for h in header if h not in set(spec_cols)]
    in_file_order = [h for h in header if h in set(spec_cols)]
    reordered = in_file_order != [c for c in spec_cols if c in present]
    out = spec_cols + extra if all_columns else [c for c in spec_cols if c in set(spec.used)]
    return _Layout(header, out, missing, extra, reordered, renamed)


def max_plausible_date(vintage: date | None) -> date:
    """Latest date a release can hold: 31 December ten years after its vintage (hearings are scheduled a
    few years ahead), or 2100-12-31 when the vintage is unknown. Later dates are ``out_of_range_date``."""
    return date(vintage.year + 10, 12, 31) if vintage else date(2100, 12, 31)


def _parsed_date(v: str) -> str:
    """SQL DATE of a cleaned value expression ``v`` in the release's date format, else NULL."""
    return f"(case when regexp_full_match({v}, {_lit(DATE_TEXT_SQL)}) then try_cast(left({v}, 10) as date) end)"


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
    transcoding = _BackgroundTranscode(rf, work_dir, part_bytes)
    try:
        return _load_parts(con, rf, transcoding, vintage=vintage, input_kind=input_kind,
                           thresholds=thresholds or DiffThresholds(), all_columns=all_columns,
                           expected_rows=expected_rows)
    finally:
        transcoding.close()


#: The rows of ``raw.<table>`` live in the table ``raw.<table>__rows``; ``raw.<table>`` is a view adding the
#: load's provenance constants. Parsed rows are written straight into the database file (compressed, as
#: they come) rather than into a temporary table (uncompressed: a release-sized file spills tens of GB).
_ROWS = "__rows"
#: Line numbers of the rows of ``raw.<table>__rows`` not landed (collapsed duplicates, key rejects).
_EXCLUDED = "__excluded"

#: Helper columns of the parsed rows (dropped before the swap).
_H, _NF, _BAD, _KEY_OK, _KH = "_h", "_nf", "_bad_line", "_key_ok", "_key_hash"


def _drop_relation(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Drop ``raw.<table>``, a view (this reader) or a table (an older load), if it exists."""
    row = con.execute(
        "select table_type from information_schema.tables where table_schema = 'raw' and table_name = ?", [table]
    ).fetchone()
    if row is not None:
        con.execute(f"drop {'view' if row[0] == 'VIEW' else 'table'} raw.{_q(table)}")


def _x(i: int) -> str:
    """Helper column holding the original text of a nullified date (column position i), else NULL."""
    return f"_x_{i}"


def _load_parts(con, rf: ReleaseFile, transcoding: _BackgroundTranscode, *, vintage, input_kind,
                thresholds: DiffThresholds, all_columns: bool, expected_rows: int | None = None) -> EoirLoadResult:
    spec = rf.spec
    display = rf.display
    parts_in = iter(transcoding)
    first = next(parts_in, None)
    header_line = _read_header(first.path) if first is not None else None
    if header_line is None or header_line.strip() == "":
        raise ReleaseError(f"{display}: empty file or empty header line (line 1)")
    all_columns = all_columns or not spec.required
    lay = _layout(spec, header_line, display, all_columns)
    n = len(lay.header)
    pos = {h: i + 1 for i, h in enumerate(lay.header)}  # 1-based list index
    result = EoirLoadResult(
        table_name=spec.raw_table, source=SOURCE, source_file=display, sha256="", vintage=vintage,
        input_kind=input_kind, rows_read=0, rows_loaded=0, raw_table=f"raw.{spec.raw_table}",
        columns_missing=lay.missing, columns_extra=lay.extra, columns_reordered=lay.reordered,
        columns_renamed=lay.renamed, count_expected=expected_rows,
    )
    tbl = spec.raw_table
    incoming = f"raw.{_q(tbl + '__incoming')}"
    # values + helper columns, every row of the file but the header (dropped after landing)
    parsed = f"raw.{_q(tbl + _ROWS + '_incoming')}"
    good = f"(select * from {parsed} where {_BAD} is null)"  # the well-formed (and repaired) rows
    max_date = _lit(max_plausible_date(vintage))
    landed = set(lay.out_columns)
    key = spec.key if spec.required and spec.key in pos else None
    key_ok = key is not None and key in landed  # the key is always a used column of a required table
    in_file = [h for h in lay.header if h in landed]  # landed columns the file has (file order)
    dates_in_file = [h for h in in_file if h in spec.date_columns]

    def restored(col: str, has_cr: bool) -> str:
        # the line with its CRs back, but for the one ending it: before its LF (CRLF) or, on the file's last
        # line, before the end of the file (a CRLF file whose last LF is missing)
        if not has_cr:
            return col
        return f"replace(regexp_replace({col}, '{_CR_STANDIN}$', ''), '{_CR_STANDIN}', chr(13))"

    def landing_select(lines_rel: str, has_nul: bool) -> str:
        """SELECT producing incoming rows (final values + helpers) from a relation (ln, line)."""
        # normalised fields: trimmed of spaces, NUL-only emptied. Only "dirty" lines (a space next to a TAB
        # or at an end, or a NUL byte) go through the per-field list transform.
        dirty = "(contains(line, ' ' || chr(9)) or contains(line, chr(9) || ' ') or starts_with(line, ' ') " \
                "or ends_with(line, ' ')" + (" or contains(line, chr(0))" if has_nul else "") + ")"
        fix = "case when trim(replace(x, chr(0), '')) = '' then '' else trim(x) end" if has_nul else "trim(x)"
        lvl1 = (f"select ln, line, len(g) as nf, {dirty} as dirty, case when {dirty} then "
                f"list_transform(g, lambda x: {fix}) else g end as ng from (select ln, line, "
                f"string_split(line, chr(9)) as g from {lines_rel} where ln > 1)")
        # hash of the normalised line: a clean line is its own normalisation (one string hash, no list)
        lvl2 = [f"ln, nf, hash(case when dirty then array_to_string(ng, chr(9)) else line end) as {_H}",
                f"case when coalesce(line, '') = '' or coalesce(nf, 0) <> {n} then coalesce(line, '') end as {_BAD}"]
        lvl2 += [f"nullif(ng[{pos[h]}], '') as v_{pos[h]}" for h in in_file]
        lvl3 = [f"*, {_parsed_date(f'v_{pos[h]}')} as d_{pos[h]}" for h in dates_in_file[:1]] or ["*"]
        lvl3 += [f"{_parsed_date(f'v_{pos[h]}')} as d_{pos[h]}" for h in dates_in_file[1:]]
        cols, xcols = [], []
        for c in lay.out_columns:
            if c not in pos:
                cols.append(f"cast(null as varchar) as {_q(c)}")
            elif c in dates_in_file:
                i = pos[c]
                bad_date = (f"(d_{i} is null or d_{i} = date '1900-01-01' or d_{i} > {max_date} "
                            f"or d_{i} < date '1950-01-01')")
                cols.append(f"case when {bad_date} then null else v_{i} end as {_q(c)}")
                xcols.append(f"case when v_{i} is not null and {bad_date} then v_{i} end as {_x(i)}")
            else:
                cols.append(f"v_{pos[c]} as {_q(c)}")
        return (
            f"select {', '.join(cols)}, ln as _source_line, {_H}, nf as {_NF}, {_BAD}"
            + (f", regexp_full_match(coalesce(v_{pos[key]}, ''), '[0-9]+') as {_KEY_OK}, hash(v_{pos[key]}) as {_KH}"
               if key_ok else "")
            + "".join(f", {x}" for x in xcols)
            + f" from (select {', '.join(lvl3)} from (select {', '.join(lvl2)} from ({lvl1})))"
        )

    def count_nul_only(lines_rel: str) -> None:
        """nul_byte nullifications per column over the well-formed rows of a relation (ln, line)."""
        sel = ", ".join(
            f"count(*) filter (where contains(f[{pos[h]}], chr(0)) and trim(replace(f[{pos[h]}], chr(0), '')) = '')"
            for h in in_file
        )
        counts = con.execute(
            f"select {sel} from (select string_split(line, chr(9)) as f from {lines_rel} "
            f"where ln > 1 and contains(line, chr(0))) where len(f) = {n}"
        ).fetchone()
        for h, c in zip(in_file, counts, strict=True):
            if c:
                per = result.nullifications.setdefault(h, {})
                per["nul_byte"] = per.get("nul_byte", 0) + int(c)

    # -- 1. every part: line-numbered read into a temporary table (single-threaded), exactness check, then
    #       the parallel per-row work from memory into raw.<table>__rows_incoming
    for k, part in enumerate(itertools.chain([first], parts_in)):
        lines_rel = f"(select ln, {restored('line', part.has_cr)} as line from _eoir_lines)"
        con.execute(f"create or replace temp table _eoir_lines as select * from {_line_scan(part)}")
        got = con.execute("select count(*), coalesce(max(ln), 0) from _eoir_lines").fetchone()
        last = part.first_line + part.lines - 1
        if got[0] != part.lines or got[1] != last:
            raise ReleaseError(
                f"{display}: DuckDB read {got[0]} lines ending at line {got[1]} where the file has {part.lines} "
                f"physical lines ending at line {last} (part {k + 1})"
            )
        if part.has_nul:
            count_nul_only(lines_rel)
        verb = f"create or replace table {parsed} as" if k == 0 else f"insert into {parsed}"
        con.execute(f"{verb} {landing_select(lines_rel, part.has_nul)}")
    con.execute("drop table if exists _eoir_lines")
    tc = transcoding.result
    assert tc is not None  # the iteration ended without error
    result.sha256 = tc.sha256
    result.rows_read = tc.lines - 1

    # -- 2. malformed rows: blank lines, too few fields, two or more extra -> quarantine; one extra -> repair
    con.execute("create or replace temp table _eoir_repaired (ln bigint, line varchar)")
    con.execute(
        f"""
        insert into raw._rejects
        select {_lit(result.load_id)}, {_lit(tbl)}, {_lit(display)}, _source_line, {_BAD},
               case when {_BAD} = '' then 'blank_line'
                    when {_NF} < {n} then 'too_few_fields: expected {n}, found ' || {_NF}
                    else 'too_many_fields: expected {n}, found ' || {_NF} end
        from {parsed}
        where {_BAD} is not null and ({_BAD} = '' or {_NF} < {n} or {_NF} > {n + 1})
        order by _source_line
        """
    )
    quarantined = con.execute(
        f"select count(*) from {parsed} where {_BAD} is not null and ({_BAD} = '' or {_NF} <> {n + 1})"
    ).fetchone()[0]
    one_extra = con.execute(
        f"select _source_line, {_BAD} from {parsed} where {_BAD} <> '' and {_NF} = {n + 1} order by 1"
    ).fetchall()
    repaired_ln, repaired_f, rej_ln, rej_text, rej_reason = _repair_one_extra(one_extra, row_rules(spec, lay.header))
    if rej_ln:
        con.execute(
            f"insert into raw._rejects select {_lit(result.load_id)}, {_lit(tbl)}, {_lit(display)}, "
            "unnest(?::bigint[]), unnest(?::varchar[]), unnest(?::varchar[])",
            [rej_ln, rej_text, rej_reason],
        )
    if repaired_ln:
        con.execute(
            "insert into _eoir_repaired select unnest(?::bigint[]), unnest(?::varchar[])",
            [repaired_ln, ["\t".join(x) for x in repaired_f]],
        )
        if tc.has_nul:
            count_nul_only("_eoir_repaired")
        con.execute(f"insert into {parsed} {landing_select('_eoir_repaired', tc.has_nul)}")
    result.rows_quarantined = quarantined + len(rej_ln)

    # -- 3. date nullification counts over the well-formed rows (repaired included, duplicates not collapsed)
    count_exprs: list[tuple[str, str, str]] = []
    for h in dates_in_file:
        x = _x(pos[h])
        d = _parsed_date(x)
        count_exprs += [
            (h, "not_a_date", f"{x} is not null and {d} is null"),
            (h, "sentinel_date", f"{d} = date '1900-01-01'"),
            (h, "out_of_range_date", f"{d} <> date '1900-01-01'"),
        ]
    if count_exprs:
        sel = ", ".join(f"count(*) filter (where {e})" for _, _, e in count_exprs)
        counts = con.execute(f"select {sel} from {good}").fetchone()
        for (col, reason, _), c in zip(count_exprs, counts, strict=True):
            if c:
                result.nullifications.setdefault(col, {})[reason] = int(c)
    for reasons in result.nullifications.values():
        for reason, c in reasons.items():
            result.nulls_by_reason[reason] = result.nulls_by_reason.get(reason, 0) + c

    # -- 4. exact duplicates: equal normalised fields (dates before nullification). Candidates: with a key,
    #       the rows whose key hash occurs twice or more (exact duplicates share their key, so this one
    #       aggregation also finds the repeated keys of step 5); without one (lookups), the rows whose line
    #       hash does. Confirmed on every landed value plus the line hash (see module docstring).
    same = [_q(c) for c in in_file] + [_x(pos[h]) for h in dates_in_file] + [_H]
    group = _KH if key_ok else _H
    con.execute(
        f"create or replace temp table _eoir_cand as select * from {good} "
        f"where {group} in (select {group} from {good} group by 1 having count(*) > 1)"
    )
    con.execute(
        f"""
        create or replace temp table _eoir_dups as
        select ln from (
            select _source_line as ln, row_number() over (partition by {', '.join(same)} order by _source_line) as k
            from _eoir_cand
        ) where k > 1
        """
    )
    result.duplicates_collapsed = con.execute("select count(*) from _eoir_dups").fetchone()[0]

    # -- 5. keys: a row whose key is empty, not digits, or repeated (with different values) is quarantined.
    #       A duplicate_key reason counts the key's distinct rows (those quarantined) and all its lines
    #       (exact repeats included, which collapsed in step 4).
    excluded = ["_eoir_dups"]
    if key_ok:
        con.execute(
            f"""
            create or replace temp table _eoir_keyrej as
            with bad as (select _source_line as ln, {_q(key)} as k from {good}
                         where not {_KEY_OK} and _source_line not in (select ln from _eoir_dups)),
            c as (select _source_line as ln, {_q(key)} as k, _source_line in (select ln from _eoir_dups) as dup
                  from _eoir_cand where {_KEY_OK}),
            dupkeys as (select k, count(*) filter (where not dup) as n, count(*) as lines, min(ln) as first_ln
                        from c group by k having count(*) filter (where not dup) > 1)
            select ln, case when coalesce(k, '') = '' then 'bad_key: {key} is empty'
                            else 'bad_key: {key} is not digits (got ' || k || ')' end as reason
            from bad
            union all
            select c.ln, 'duplicate_key: {key}=' || c.k || ' on ' || d.n || ' distinct rows (' || d.lines
                         || ' lines, first line ' || d.first_ln || ')'
            from c join dupkeys d using (k) where not c.dup
            """
        )
        result.key_rejects = con.execute("select count(*) from _eoir_keyrej").fetchone()[0]
        if result.key_rejects:
            _quarantine_key_rejects(con, tc, result, tbl, display, restored)
            result.rows_quarantined += result.key_rejects
            excluded.append("_eoir_keyrej")
    # repaired rows count as repaired only when they land (not quarantined for their key, not collapsed)
    if repaired_ln:
        result.rows_repaired = con.execute(
            "select count(*) from _eoir_repaired where "
            + " and ".join(f"ln not in (select ln from {rel})" for rel in excluded)
        ).fetchone()[0]
    if result.rows_repaired:
        result.nullifications[ROW_REPAIR_COLUMN] = {"stray_tab_repaired": result.rows_repaired}

    # -- 6. land. Nothing is deleted (a DELETE in a load transaction makes DuckDB rewrite the table at
    #       commit): the malformed originals stay hidden by their field count, and the line numbers of the
    #       collapsed duplicates and key rejects go to raw.<table>__excluded. raw.<table> is the view that
    #       hides both and adds the load's provenance constants. Diff against the previous load; swap.
    excluded_tbl = f"raw.{_q(tbl + _EXCLUDED + '_incoming')}"
    con.execute(f"create or replace table {excluded_tbl} as " + " union all ".join(f"select ln from {rel}" for rel in excluded))
    for col in [_H, _BAD, *([_KEY_OK, _KH] if key_ok else []), *[_x(pos[h]) for h in dates_in_file]]:
        con.execute(f"alter table {parsed} drop column {col}")

    def view_sql(rows: str, excluded_lines: str) -> str:
        return (
            f"select {', '.join(_q(c) for c in lay.out_columns)}, _source_line, "
            f"{_lit(result.load_id)} as _load_id, {_lit(display)} as _source_file, "
            f"{_lit(result.sha256)} as _source_sha256, cast({_lit(vintage)} as date) as _vintage, "
            f"{_lit(input_kind)} as _input_kind, {_lit(result.loaded_at)} as _loaded_at\n"
            f"from {rows}\nwhere {_NF} = {n} and _source_line not in (select ln from {excluded_lines})"
        )

    con.execute(f"create or replace view {incoming} as {view_sql(parsed, excluded_tbl)}")
    result.rows_loaded = con.execute(f"select count(*) from {incoming}").fetchone()[0]
    if key is not None and table_exists(con, "raw", tbl) and key in _relation_columns(con, f"raw.{_q(tbl)}"):
        result.diff = diff_against_previous(con, f"raw.{_q(tbl)}", incoming, key, tbl, input_kind=input_kind,
                                            thresholds=thresholds, load_id=result.load_id, source_file=display)
    con.execute(f"drop view {incoming}")
    _drop_relation(con, tbl)
    for suffix in (_ROWS, _EXCLUDED):
        con.execute(f"drop table if exists raw.{_q(tbl + suffix)}")
        con.execute(f"alter table raw.{_q(tbl + suffix + '_incoming')} rename to {_q(tbl + suffix)}")
    con.execute(f"create view raw.{_q(tbl)} as {view_sql(f'raw.{_q(tbl + _ROWS)}', f'raw.{_q(tbl + _EXCLUDED)}')}")
    check_count(result)
    record_load(con, result)
    return result


def _repair_one_extra(one_extra: list[tuple[int, str]], rules) -> tuple[list, list, list, list, list]:
    """The stray-tab rule (:func:`~orchestration.eoir.defects.repair_extra_field`) over the rows with one
    field too many, ``(line number, line)``: (repaired line numbers, their fields, rejected line numbers,
    their lines, their reasons)."""
    repaired_ln, repaired_f, rej_ln, rej_text, rej_reason = [], [], [], [], []
    n = len(rules)
    for ln, text in one_extra:
        fixed, reason = repair_extra_field(text.split("\t"), rules)
        if fixed is not None:
            repaired_ln.append(ln)
            repaired_f.append(fixed)
        else:
            rej_ln.append(ln)
            rej_text.append(text)
            rej_reason.append(f"{reason}: expected {n} fields, found {n + 1}")
    return repaired_ln, repaired_f, rej_ln, rej_text, rej_reason


class CountMismatchError(ReleaseError):
    """A file's rows differ from the release's Count.txt (nothing of the release is committed)."""


def check_count(result: EoirLoadResult) -> None:
    """Compare a file's rows with its Count.txt count (``result.count_expected``; nothing when None): its
    physical data lines, and its loaded + quarantined + collapsed rows, must both equal it. Raises
    :class:`CountMismatchError` naming the file, the table and both numbers."""
    expected = result.count_expected
    if expected is None:
        return
    accounted = result.rows_loaded + result.rows_quarantined + result.duplicates_collapsed
    for what, got in (("data lines (after the header)", result.rows_read),
                      ("rows loaded + quarantined + collapsed", accounted)):
        if got != expected:
            table = Path(result.source_file.rsplit("!", 1)[-1]).stem
            raise CountMismatchError(
                f"{result.source_file}: Count.txt gives {expected:,} rows for table {table} but the "
                f"file has {got:,} {what} ({result.rows_loaded:,} loaded, {result.rows_quarantined:,} "
                f"quarantined, {result.duplicates_collapsed:,} collapsed): the file or Count.txt is incomplete; "
                "nothing of this release was committed"
            )


def _quarantine_key_rejects(con, tc: _Transcoded, result: EoirLoadResult, tbl: str, display: str,
                            restored) -> None:
    """Write the rows of ``_eoir_keyrej`` to ``raw._rejects`` with their line text as in the file: re-read
    from the parts holding them (the landed table keeps values, not lines; a repaired row too, so that its
    reject shows the line with its stray TAB, not the repaired text)."""
    con.execute("create or replace temp table _eoir_keyrej_lines (ln bigint, line varchar)")
    wanted = [r[0] for r in con.execute("select ln from _eoir_keyrej order by ln").fetchall()]
    for part in tc.parts:  # re-read only the parts holding a wanted line (binary search in the sorted list)
        i = bisect.bisect_left(wanted, part.first_line)
        if i < len(wanted) and wanted[i] <= part.first_line + part.lines - 1:
            con.execute(
                f"insert into _eoir_keyrej_lines select ln, {restored('line', part.has_cr)} from {_line_scan(part)} "
                "where ln in (select ln from _eoir_keyrej)"
            )
    con.execute(
        f"""
        insert into raw._rejects
        select {_lit(result.load_id)}, {_lit(tbl)}, {_lit(display)}, r.ln, s.line, r.reason
        from _eoir_keyrej r join _eoir_keyrej_lines s using (ln) order by r.ln
        """
    )
    con.execute("drop table if exists _eoir_keyrej_lines")


def landed_columns(rf: ReleaseFile, all_columns: bool = False) -> list[str]:
    """The value columns (raw table order) a load of ``rf`` lands under the given column policy; reads the
    header line only. Raises :class:`ReleaseError` for a header :func:`load_file` would refuse."""
    with open_release_file(rf) as fh:
        first = fh.readline()
    header = first.decode("latin-1").removesuffix("\n").removesuffix("\r")  # as _read_header
    if not header.strip():
        raise ReleaseError(f"{rf.display}: empty file or empty header line (line 1)")
    return _layout(rf.spec, header, rf.display, all_columns or not rf.spec.required).out_columns


def value_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Value columns of ``raw.<table>`` (those not starting with ``_``), in table order; [] if it is absent."""
    if not table_exists(con, "raw", table):
        return []
    return [c for c in _relation_columns(con, f"raw.{_q(table)}") if not c.startswith("_")]


def _relation_columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from {relation} limit 0").description]


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
    DuckDB memory limit set for the duration of the load (restored after); None leaves it unchanged.
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
    names = ["preserve_insertion_order"] + (["memory_limit"] if memory_limit else [])
    old = {k: con.execute(f"select current_setting('{k}')").fetchone()[0] for k in names}
    con.execute("set preserve_insertion_order = true")
    if memory_limit:
        con.execute(f"set memory_limit = {_lit(memory_limit)}")
    return old


def _pop_settings(con, old: dict[str, str]) -> None:
    for k, v in old.items():
        try:
            con.execute(f"set {k} = {_lit(str(v))}")
        except duckdb.Error:
            pass


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
    rows = con.execute(f"select distinct {_q(code_column.upper())} from raw.{_q(table)} where {_q(code_column.upper())} is not null").fetchall()
    return {r[0] for r in rows}


def summarize(results: Iterable[EoirLoadResult]) -> dict[str, dict[str, object]]:
    """Per raw table counts for Dagster metadata: {raw_table: result.metadata() + nullification totals}."""
    out = {}
    for r in results:
        md = r.metadata()
        out[r.raw_table] = md
    return out


__all__ = ["PART_BYTES", "ROW_REPAIR_COLUMN", "EoirLoadResult", "landed_columns", "load_file", "load_release",
           "lookup_codes", "summarize", "value_columns"]
