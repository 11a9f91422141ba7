"""orchestration.eoir.reader.parse: numbered lines, cleaned fields, dates nullified with their reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from orchestration.eoir.reader.parse import count_date_nullifications, land_parts, max_plausible_date
from orchestration.eoir.release import ReleaseError
from tests.eoir.conftest import appln_load

D = b"2019-03-14 00:00:00.000"


def test_max_plausible_date():
    assert max_plausible_date(date(2020, 12, 31)) == date(2030, 12, 31)
    assert max_plausible_date(None) == date(2100, 12, 31)


def test_fields_are_trimmed_nul_only_emptied_and_bad_lines_flagged(tmp_path, con):
    body = (b" 1 \t2\t3\t\x00 \t" + D + b"\tG\n"   # 2: trimmed key, NUL-only APPL_CODE -> NULL (nul_byte)
            b"4\t5\t6\tA\x00B\t\tD\n"             # 3: NUL inside a value stays; empty date -> NULL (no reason)
            b"7\t8\n"                              # 4: too few fields: flagged with its line (values kept, hidden later)
            b"\n")                                 # 5: blank line (no field count): flagged as ''
    ctx, tc = appln_load(con, tmp_path, body)
    land_parts(ctx, tc.parts)
    rows = con.execute(f"select IDNPROCEEDINGAPPLN, APPL_CODE, APPL_RECD_DATE, _source_line, _nf, _bad_line "
                       f"from {ctx.parsed} order by _source_line").fetchall()
    assert rows == [("1", None, D.decode(), 2, 6, None), ("4", "A\x00B", None, 3, 6, None),
                    ("7", None, None, 4, 2, "7\t8"), (None, None, None, 5, None, "")]
    assert ctx.result.nullifications == {"APPL_CODE": {"nul_byte": 1}}


def test_dates_are_nullified_with_their_reason(tmp_path, con):
    # vintage 2020: latest plausible date 2030-12-31
    dates = [b"1900-01-01 00:00:00.000", b"2031-01-01", b"1949-12-31", b"2019-02-30", b"14/03/2019",
             b"2030-12-31", b"1950-01-01 00:00:00"]
    body = b"".join(b"%d\t2\t3\tA\t%s\tG\n" % (i, d) for i, d in enumerate(dates, start=1))
    ctx, tc = appln_load(con, tmp_path, body, vintage=date(2020, 6, 1))
    land_parts(ctx, tc.parts)
    count_date_nullifications(ctx)
    kept = con.execute(f"select APPL_RECD_DATE from {ctx.parsed} order by _source_line").fetchall()
    assert [k[0] for k in kept] == [None] * 5 + ["2030-12-31", "1950-01-01 00:00:00"]
    assert ctx.result.nullifications == {"APPL_RECD_DATE": {"sentinel_date": 1, "out_of_range_date": 2,
                                                            "not_a_date": 2}}
    assert ctx.result.nulls_by_reason == {"sentinel_date": 1, "out_of_range_date": 2, "not_a_date": 2}


def test_a_part_whose_line_count_disagrees_raises(tmp_path, con):
    ctx, tc = appln_load(con, tmp_path, b"1\t2\t3\tA\t\tG\n")
    wrong = replace(tc.parts[0], lines=tc.parts[0].lines + 1)
    with pytest.raises(ReleaseError, match="DuckDB read 2 lines ending at line 2 where the file has 3 physical"):
        land_parts(ctx, [wrong])


def test_line_numbers_continue_across_parts(tmp_path, con):
    body = b"".join(b"%d\t2\t3\tA\t\tG\n" % (i + 2) for i in range(50))
    ctx, tc = appln_load(con, tmp_path, body, part_bytes=64)
    assert len(tc.parts) > 5
    land_parts(ctx, tc.parts)
    bad = con.execute(f"select count(*) from {ctx.parsed} where cast(IDNPROCEEDINGAPPLN as int) <> _source_line")
    assert bad.fetchone()[0] == 0
