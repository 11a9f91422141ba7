"""SQL building blocks shared by the reader's steps: identifier and literal quoting, the stand-in
characters of the transcoding, and the names of the helper columns and relations of a load.

The rows of ``raw.<table>`` live in the table ``raw.<table>__rows``; ``raw.<table>`` is a view adding the
load's provenance constants. Parsed rows are written straight into the database file (compressed, as they
come) rather than into a temporary table (uncompressed: a release-sized file spills tens of GB).
"""

from __future__ import annotations

# the project's one quoting and columns helper (orchestration/raw/sql.py), under the reader's short names
from orchestration.raw.sql import quote_ident as q  # noqa: F401
from orchestration.raw.sql import relation_columns  # noqa: F401
from orchestration.raw.sql import sql_literal as lit  # noqa: F401

#: Private-use code point standing in for CR (never in Latin-1 text): DuckDB's line splitter then only
#: breaks on LF.
CR_STANDIN = "\ue00d"
#: Private-use code point used as the "column delimiter" so that a whole line is one field.
LINE_DELIM = "\ue001"

#: Suffix of the table holding every parsed data line of a file.
ROWS = "__rows"
#: Suffix of the table listing the line numbers of ``raw.<table>__rows`` not landed (collapsed duplicates,
#: key rejects).
EXCLUDED = "__excluded"

#: Helper columns of the parsed rows: line hash, field count, the line when malformed, key digits check,
#: key hash (all but the field count dropped before the swap).
H, NF, BAD, KEY_OK, KH = "_h", "_nf", "_bad_line", "_key_ok", "_key_hash"


def x(i: int) -> str:
    """Helper column holding the original text of a nullified date (column position i), else NULL."""
    return f"_x_{i}"


def restored(col: str, has_cr: bool) -> str:
    """SQL: the line ``col`` with its CRs back, but for the one ending it: before its LF (CRLF) or, on the
    file's last line, before the end of the file (a CRLF file whose last LF is missing)."""
    if not has_cr:
        return col
    return f"replace(regexp_replace({col}, '{CR_STANDIN}$', ''), '{CR_STANDIN}', chr(13))"
