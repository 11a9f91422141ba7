"""orchestration.eoir.reader.sql: quoting, literals and the CR stand-in restored in SQL."""

from __future__ import annotations

from datetime import date, datetime

from orchestration.eoir.reader.sql import CR_STANDIN, lit, q, restored


def test_identifiers_and_literals_are_quoted(con):
    assert q('a"b') == '"a""b"'
    assert lit(None) == "NULL"
    assert lit("O'Hare") == "'O''Hare'"
    assert lit(date(2020, 12, 31)) == "DATE '2020-12-31'"
    assert lit(datetime(2020, 12, 31, 8, 5)) == "TIMESTAMP '2020-12-31 08:05:00'"
    assert con.execute(f"select {lit(chr(39) * 2)}, {lit(date(2020, 1, 2))}").fetchone() == ("''", date(2020, 1, 2))


def test_restored_drops_only_the_cr_ending_a_line(con):
    # "A<CR>B<CR>" as transcoded: the first CR is data, the last ends the line (CRLF) and is dropped
    line = f"A{CR_STANDIN}B{CR_STANDIN}"
    assert con.execute(f"select {restored(lit(line), True)}").fetchone()[0] == "A\rB"
    assert restored("line", False) == "line"  # a part without CR is read as it is
