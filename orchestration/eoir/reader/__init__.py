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

How a file is read (all row work happens in DuckDB SQL, vectorised), one module per step:

1. :mod:`~orchestration.eoir.reader.transcode`: a background thread streams the bytes once (sha256,
   Latin-1 to UTF-8, CR swapped for a stand-in) into UTF-8 part files of about :data:`PART_BYTES`.
   :mod:`~orchestration.eoir.reader.layout` checks the header (line 1) and decides the landed columns.
2. :mod:`~orchestration.eoir.reader.parse`: each part is read as numbered lines (single-threaded,
   line count checked), then
3. split, cleaned (trim, empty and NUL-only -> NULL, implausible dates -> NULL with their reason) and
   landed by one parallel INSERT per part.
4. :mod:`~orchestration.eoir.reader.quarantine`: rows of the wrong width are quarantined into
   ``raw._rejects``, or repaired when one stray TAB can be told (:mod:`orchestration.eoir.defects`).
5-6. :mod:`~orchestration.eoir.reader.keys`: exact duplicates collapse to their first line; rows with a bad
   or repeated key are quarantined.
7. :mod:`~orchestration.eoir.reader.swap`: diff against the previous load, swap in (nothing deleted),
   Count.txt check (:mod:`~orchestration.eoir.reader.result`), ledger row.
:mod:`~orchestration.eoir.reader.load` runs the steps in order (:func:`load_file`) over every file.

Passes over each file: one Python pass (thread), one single-threaded DuckDB line read per part, one parallel
insert per part; then column-store queries on the landed rows (widths, dates, one aggregation for duplicates
and keys), which read only the few columns they need. Nothing is held in Python memory except the rare
one-extra-field rows. The release-sized benchmark (benchmarks/) measures every stage.

Errors: :class:`~orchestration.eoir.release.ReleaseError` for a missing table, a file without header, a
header lacking a needed column (names the file and the column), duplicate/empty header names, a header
starting with a UTF-8 byte order mark or holding a lone CR (CR-only line endings; see
:func:`~orchestration.eoir.reader.layout.check_header_line`), or a line count mismatch;
:class:`CountMismatchError` for a file that disagrees with the release's Count.txt.
"""

from orchestration.eoir.reader.layout import landed_columns
from orchestration.eoir.reader.load import load_file, load_release, lookup_codes, value_columns
from orchestration.eoir.reader.parse import max_plausible_date
from orchestration.eoir.reader.result import (
    ROW_REPAIR_COLUMN,
    CountMismatchError,
    EoirLoadResult,
    check_count,
    summarize,
)
from orchestration.eoir.reader.transcode import PART_BYTES, open_release_file

__all__ = ["PART_BYTES", "ROW_REPAIR_COLUMN", "CountMismatchError", "EoirLoadResult", "check_count",
           "landed_columns", "load_file", "load_release", "lookup_codes", "max_plausible_date",
           "open_release_file", "summarize", "value_columns"]
