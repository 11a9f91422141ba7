"""One tiny hand-made input per real defect, with the expected outcome worked out by hand.

Most fixtures are a ``tbl_Court_Appln.csv`` (6 columns: IDNPROCEEDINGAPPLN, IDNPROCEEDING, IDNCASE,
APPL_CODE, APPL_RECD_DATE [date], APPL_DEC); ids are columns 1-3. Line 1 is the header, so the first
data row is line 2.
"""

from __future__ import annotations

import re

import duckdb
import pytest

from orchestration.eoir.reader import landed_columns, load_release
from orchestration.eoir.release import REQUIRED_TABLES, ReleaseError, locate_release
from tests.eoir.conftest import APPLN_HDR, header, make_release

D = b"2019-03-14 00:00:00.000"


def load_appln(tmp_path, con, body: bytes):
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": APPLN_HDR + body})
    results = {r.table_name: r for r in load_release(con, rel)}
    r = results["eoir_tbl_court_appln"]
    rows = con.execute(
        "select IDNPROCEEDINGAPPLN, IDNPROCEEDING, IDNCASE, APPL_CODE, APPL_RECD_DATE, APPL_DEC, _source_line "
        "from raw.eoir_tbl_court_appln order by _source_line"
    ).fetchall()
    rejects = con.execute(
        "select line_number, raw_text, reason from raw._rejects where table_name = 'eoir_tbl_court_appln' "
        "order by line_number"
    ).fetchall()
    return r, rows, rejects


def test_tab_delimited_latin1_accents_survive(tmp_path, con):
    # ALIEN_CITY "SAN JOSÉ" is the byte 0xC9 in Latin-1; the file is TAB-delimited despite its .csv name.
    case = header("A_TblCase") + b"1\tSAN JOS\xc9\tCA" + b"\t" * 36 + b"\n"
    rel = make_release(tmp_path / "rel", {"A_TblCase.csv": case})
    load_release(con, rel, all_columns=True)  # ALIEN_CITY is not a used column: land every column
    assert con.execute("select IDNCASE, ALIEN_CITY, ALIEN_STATE from raw.eoir_a_tblcase").fetchall() == [
        ("1", "SAN JOSÉ", "CA")
    ]


def test_all_high_bytes_round_trip(tmp_path, con):
    # Every byte 0x80-0xFF (including the Windows-1252 range 0x80-0x9F that DuckDB's own latin-1 decoder
    # rejects) comes back unchanged when the landed text is encoded as Latin-1.
    high = bytes(range(0x80, 0x100))
    r, rows, _ = load_appln(tmp_path, con, b"1\t2\t3\tX" + high + b"\t" + D + b"\tG\n")
    assert rows[0][3].encode("latin-1") == b"X" + high
    assert r.rows_loaded == 1


def test_stray_tab_repaired_when_unambiguous(tmp_path, con):
    # Line 2: an empty extra field after APPL_CODE. Removing it is the only choice that leaves every id and
    # date column parsing (the only empty field), so the row is repaired.
    r, rows, rejects = load_appln(tmp_path, con, b"7\t8\t9\tASYL\t\t" + D + b"\tG\n")
    assert rows == [("7", "8", "9", "ASYL", "2019-03-14 00:00:00.000", "G", 2)]
    assert rejects == []
    assert r.rows_repaired == 1 and r.rows_loaded == 1
    assert r.nullifications["_row"] == {"stray_tab_repaired": 1}


def test_stray_tab_ambiguous_or_unrepairable_is_quarantined(tmp_path, con):
    body = (
        b"1\t8\t9\tASYL\t" + D + b"\t\t\n"  # line 2: trailing empty extra AND empty APPL_DEC -> one row: repaired
        b"2\t8\t9\t\t\t" + D + b"\tG\n"  # line 3: APPL_CODE empty + extra: removing field 4 or 5 gives the same row
        b"3\t8\t9\tASYL\tnot a date\t\t\n"  # line 4: no removal makes APPL_RECD_DATE a date -> unrepairable
        b"4\t8\t9\tASYL\t\t" + D + b"\t\n"  # line 5: remove 5 -> (ASYL, date, ''); remove 7 -> (ASYL, '', date),
        #                                    but APPL_DEC cannot be a date (tblLookupCourtAppDecisions): repaired
        b"5\t8\t9\t2129\t\t" + D + b"\t\n"  # line 6: remove 5 -> (9, 2129, date, ''), or the TAB split IDNCASE
        #                                     92129 -> (92129, '', date, ''): both valid, ambiguous
        b"6\t8\t9\tAS\tYL\t" + D + b"\tG\n"  # line 7: no empty field; only AS+YL = ASYL reads: a TAB in a value
        b"7\t8\t9\tASYL\t\t\t" + D + b"\tG\n"  # line 8: two extra fields -> always quarantined
    )
    r, rows, rejects = load_appln(tmp_path, con, body)
    assert [x[0] for x in rows] == ["1", "2", "4"]
    assert rows[1] == ("2", "8", "9", None, "2019-03-14 00:00:00.000", "G", 3)
    assert rows[2] == ("4", "8", "9", "ASYL", "2019-03-14 00:00:00.000", None, 5)
    assert [(ln, reason) for ln, _, reason in rejects] == [
        (4, "extra_field_unrepairable: expected 6 fields, found 7"),
        (6, "extra_field_ambiguous: expected 6 fields, found 7"),
        (7, "extra_field_in_value: expected 6 fields, found 7"),
        (8, "too_many_fields: expected 6, found 8"),
    ]
    assert rejects[0][1] == "3\t8\t9\tASYL\tnot a date\t\t"
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined, r.duplicates_collapsed) == (7, 3, 4, 0)


def test_a_tab_inside_alien_city_is_quarantined_not_repaired_into_a_wrong_reading(tmp_path, con):
    # ALIEN_CITY 'SAN<TAB>ANTONIO', then ALIEN_STATE TX and ALIEN_ZIPCODE 78201, every later field empty.
    # Before: the empty fields form one run at the end of the line, so removing any of them gives one row,
    # which was "repaired" into ALIEN_STATE='ANTONIO', ALIEN_ZIPCODE='TX', UPDATED_ZIPCODE='78201' and counted
    # as repaired. ALIEN_STATE must be two capital letters (column_rules.csv): no removal reads validly, only
    # joining SAN and ANTONIO does, whose original (a space or a TAB) is unknown: quarantined.
    values = {"IDNCASE": "11", "ALIEN_CITY": "SAN\tANTONIO", "ALIEN_STATE": "TX", "ALIEN_ZIPCODE": "78201"}
    spec = next(s for s in REQUIRED_TABLES if s.name == "A_TblCase")
    line = "\t".join(values.get(c, "") for c in spec.published).encode("latin-1") + b"\n"
    r = {x.table_name: x for x in load_release(con, make_release(tmp_path / "rel", {
        "A_TblCase.csv": header("A_TblCase") + line}), all_columns=True)}["eoir_a_tblcase"]
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined, r.rows_repaired) == (1, 0, 1, 0)
    assert con.execute("select line_number, raw_text, reason from raw._rejects").fetchall() == [
        (2, line.decode("latin-1").rstrip("\n"), "extra_field_in_value: expected 39 fields, found 40")]


def test_too_few_fields_and_blank_lines_quarantined(tmp_path, con):
    r, rows, rejects = load_appln(tmp_path, con, b"1\t8\t9\tASYL\n\n2\t8\t9\tASYL\t" + D + b"\tG\n")
    assert rows == [("2", "8", "9", "ASYL", "2019-03-14 00:00:00.000", "G", 4)]
    assert rejects == [(2, "1\t8\t9\tASYL", "too_few_fields: expected 6, found 4"), (3, "", "blank_line")]
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined) == (3, 1, 2)


def test_unbalanced_quote_is_data_no_lines_merge(tmp_path, con):
    _r, rows, _ = load_appln(tmp_path, con, b'1\t8\t9\t"ASYL\t' + D + b"\tG\n2\t8\t9\tWCAT\t" + D + b'\tD"\n')
    assert [(x[0], x[3], x[5], x[6]) for x in rows] == [("1", '"ASYL', "G", 2), ("2", "WCAT", 'D"', 3)]


def test_trailing_spaces_trimmed_and_empty_is_null(tmp_path, con):
    _r, rows, _ = load_appln(tmp_path, con, b"1\t8\t9\tASYL   \t" + D + b"  \t  \n")
    assert rows == [("1", "8", "9", "ASYL", "2019-03-14 00:00:00.000", None, 2)]


def test_nul_byte_value_becomes_null_and_is_counted(tmp_path, con):
    r, rows, _ = load_appln(tmp_path, con, b"1\t8\t9\t\x00\t" + D + b"\tG\n")
    assert rows[0][3] is None
    assert r.nullifications == {"APPL_CODE": {"nul_byte": 1}}
    assert con.execute("select column_name, reason, n from raw._value_nullifications").fetchall() == [
        ("APPL_CODE", "nul_byte", 1)
    ]


def test_dates(tmp_path, con):
    body = (
        b"1\t8\t9\tA\t1900-01-01 00:00:00.000\tG\n"  # sentinel -> NULL
        b"2\t8\t9\tA\t2925-03-14 00:00:00.000\tG\n"  # impossible year -> NULL
        b"3\t8\t9\tA\t1949-12-31 00:00:00.000\tG\n"  # before 1950 -> NULL
        b"4\t8\t9\tA\tUNKNOWN\tG\n"  # not a date -> NULL
        b"5\t8\t9\tA\t2019-02-30 00:00:00.000\tG\n"  # no such day -> NULL
        b"6\t8\t9\tA\t2027-05-04 00:00:00.000\tG\n"  # future date: kept
        b"7\t8\t9\tA\t2019-03-14\tG\n"  # date without time: kept as written
    )
    r, rows, _ = load_appln(tmp_path, con, body)
    assert [x[4] for x in rows] == [None, None, None, None, None, "2027-05-04 00:00:00.000", "2019-03-14"]
    assert r.nullifications == {
        "APPL_RECD_DATE": {"sentinel_date": 1, "out_of_range_date": 2, "not_a_date": 2}
    }
    assert r.rows_loaded == 7


def test_exact_duplicates_collapse_to_first_line(tmp_path, con):
    # lines 2 and 4 are equal once trimmed; line 3 differs in its key and APPL_DEC. (Two different rows with
    # the same key are quarantined as duplicate_key: tests/reliability/test_eoir_keys_and_diff.py.)
    body = b"1\t8\t9\tA\t" + D + b"\tG\n2\t8\t9\tA\t" + D + b"\tD\n1\t8\t9\tA \t" + D + b"\tG\n"
    r, rows, _ = load_appln(tmp_path, con, body)
    assert [(x[5], x[6]) for x in rows] == [("G", 2), ("D", 3)]
    assert (r.rows_read, r.rows_loaded, r.duplicates_collapsed) == (3, 2, 1)


def test_crlf_line_endings_and_lone_cr_in_value(tmp_path, con):
    # CRLF ends a line (the CR is not data); a lone CR inside a value is data and does not break the line.
    body = b"1\t8\t9\tA\rB\t" + D + b"\tG\r\n2\t8\t9\tC\t" + D + b"\tD\r\n"
    _r, rows, _ = load_appln(tmp_path, con, body)
    assert [(x[3], x[5], x[6]) for x in rows] == [("A\rB", "G", 2), ("C", "D", 3)]


def test_physical_line_numbers_hold_on_a_large_file(tmp_path, con):
    # 300,000 rows: DuckDB reads in parallel buffers; _source_line must still be the physical line.
    n = 300_000
    body = b"".join(b"%d\t8\t9\tA\t2019-03-14 00:00:00.000\tG\n" % (i + 2) for i in range(n))
    r, _, _ = load_appln(tmp_path, con, body)
    bad = con.execute(
        "select count(*) from raw.eoir_tbl_court_appln where cast(IDNPROCEEDINGAPPLN as bigint) <> _source_line"
    ).fetchone()[0]
    assert r.rows_loaded == n and bad == 0


def test_small_parts_give_the_same_load_as_one_part(tmp_path, con):
    # The file is read in parts (PART_BYTES) with line numbers carried across; with 40-byte parts every line
    # below is in its own part, so each rule that looks across rows (duplicates, repeated keys, re-reading a
    # rejected key's line) crosses part boundaries. Hand-worked outcome, identical for both part sizes:
    body = (
        b"1\t2\t3\tASYL\t" + D + b"\tG\n"            # 2 loaded
        b"5\t2\t3\tASYL\t" + D + b"\tG\n"            # 3 duplicate_key 5 (with line 5)
        b"\n"                                        # 4 blank_line
        b"5\t2\t3\tWCAT\t" + D + b"\tD\n"            # 5 duplicate_key 5
        b"1\t2\t3\tASYL\t" + D + b"\tG\n"            # 6 exact duplicate of line 2: collapsed
        b"x9\t2\t3\tASYL\t" + D + b"\tG\n"           # 7 bad_key
        b"7\t8\t9\tASYL\t\t" + D + b"\tG\n"          # 8 stray tab: repaired
        b"10\t2\t3\tA\rB\t" + D + b"\tG\n"           # 9 CR inside a value: kept
        b"11\t2\t3\t\x00\t" + D + b"\tG\n"           # 10 NUL-only value: NULL (nul_byte)
        b"12\t2\t3\n"                                # 11 too_few_fields
        b"13\t2\t3\tASYL\t1900-01-01 00:00:00.000\tG\n"  # 12 sentinel date: NULL
        b"14\t2\t3\tASYL\t" + D + b"\tG\r\n"         # 13 CRLF ending
    )
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": APPLN_HDR + body})
    outcomes = []
    for part_bytes in (None, 40):
        r = {x.table_name: x for x in load_release(con, rel, part_bytes=part_bytes)}["eoir_tbl_court_appln"]
        rows = con.execute("select IDNPROCEEDINGAPPLN, APPL_CODE, APPL_RECD_DATE, APPL_DEC, _source_line "
                           "from raw.eoir_tbl_court_appln order by _source_line").fetchall()
        rejects = con.execute(
            "select line_number, raw_text, split_part(reason, ':', 1) from raw._rejects "
            "where load_id = ? order by line_number", [r.load_id]).fetchall()
        outcomes.append(((r.rows_read, r.rows_loaded, r.rows_quarantined, r.duplicates_collapsed,
                          r.rows_repaired, r.key_rejects, r.nullifications), rows, rejects))
    assert outcomes[0] == outcomes[1]
    counts, rows, rejects = outcomes[1]
    assert counts == (12, 6, 5, 1, 1, 3, {"APPL_CODE": {"nul_byte": 1},
                                          "APPL_RECD_DATE": {"sentinel_date": 1},
                                          "_row": {"stray_tab_repaired": 1}})
    d = D.decode()
    assert rows == [("1", "ASYL", d, "G", 2), ("7", "ASYL", d, "G", 8), ("10", "A\rB", d, "G", 9),
                    ("11", None, d, "G", 10), ("13", "ASYL", None, "G", 12), ("14", "ASYL", d, "G", 13)]
    assert rejects == [(3, f"5\t2\t3\tASYL\t{d}\tG", "duplicate_key"), (4, "", "blank_line"),
                       (5, f"5\t2\t3\tWCAT\t{d}\tD", "duplicate_key"), (7, f"x9\t2\t3\tASYL\t{d}\tG", "bad_key"),
                       (11, "12\t2\t3", "too_few_fields")]


def test_a_line_over_duckdbs_2_mb_line_limit_is_quarantined_not_fatal(tmp_path, con):
    # A 3 MB line (one field: too few) between two good rows, with the default part size and with 1 kB parts
    # (the long line then has a part of its own): quarantined with its line number; the rows around it land.
    body = b"1\t2\t3\tASYL\t" + D + b"\tG\n" + b"Y" * 3_000_000 + b"\n" + b"4\t5\t6\tASYL\t" + D + b"\tG\n"
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": APPLN_HDR + body})
    for part_bytes in (None, 1024):
        r = {x.table_name: x for x in load_release(con, rel, part_bytes=part_bytes)}["eoir_tbl_court_appln"]
        assert (r.rows_read, r.rows_loaded, r.rows_quarantined) == (3, 2, 1)
        rejects = con.execute("select line_number, length(raw_text), split_part(reason, ':', 1) from raw._rejects "
                              "where load_id = ?", [r.load_id]).fetchall()
        assert rejects == [(3, 3_000_000, "too_few_fields")]
        rows = con.execute("select IDNPROCEEDINGAPPLN, _source_line from raw.eoir_tbl_court_appln order by 2").fetchall()
        assert rows == [("1", 2), ("4", 4)]


def test_a_repaired_row_quarantined_for_its_key_keeps_its_original_line_and_is_not_counted_repaired(tmp_path, con):
    # Rows 3, 5 and 7 have one stray TAB and are repaired; then row 3 is quarantined for its key and row 7
    # collapses into row 6. Row 4 (stray TAB and an empty key) cannot be repaired: no reading gives it a key. The rejects show each line once, as written in the file (with its
    # stray TAB), and rows_repaired / the _row nullification count only the repaired row that landed (5).
    body = (
        b"1\t8\t9\tASYL\t" + D + b"\tG\n"        # 2 duplicate_key 1 (with line 3)
        b"1\t8\t9\tWCAT\t\t" + D + b"\tD\n"      # 3 repaired to (1, 8, 9, WCAT, D, D): duplicate_key 1
        b"\t8\t9\tASYL\t\t" + D + b"\tG\n"       # 4 the key IDNPROCEEDINGAPPLN is empty in every reading (a
                                                 #   key is never empty, column_rules.csv): unrepairable
        b"7\t8\t9\tASYL\t\t" + D + b"\tG\n"      # 5 repaired: lands
        b"2\t8\t9\tASYL\t" + D + b"\tG\n"        # 6 lands
        b"2\t8\t9\tASYL\t\t" + D + b"\tG\n"      # 7 repaired to line 6's row: exact duplicate, collapsed
    )
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": APPLN_HDR + body})
    d = D.decode()
    for part_bytes in (None, 40):  # one part; one line per part (the reject lines re-read part by part)
        r = {x.table_name: x for x in load_release(con, rel, part_bytes=part_bytes)}["eoir_tbl_court_appln"]
        assert (r.rows_read, r.rows_loaded, r.rows_quarantined, r.duplicates_collapsed, r.key_rejects) == (
            6, 2, 3, 1, 2)
        assert r.rows_repaired == 1
        assert r.nullifications == {"_row": {"stray_tab_repaired": 1}}
        assert con.execute("select column_name, reason, n from raw._value_nullifications where load_id = ?",
                           [r.load_id]).fetchall() == [("_row", "stray_tab_repaired", 1)]
        rows = con.execute("select IDNPROCEEDINGAPPLN, APPL_CODE, APPL_DEC, _source_line "
                           "from raw.eoir_tbl_court_appln order by _source_line").fetchall()
        assert rows == [("7", "ASYL", "G", 5), ("2", "ASYL", "G", 6)]
        rejects = con.execute("select line_number, raw_text, split_part(reason, ':', 1) from raw._rejects "
                              "where load_id = ? order by line_number", [r.load_id]).fetchall()
        assert rejects == [
            (2, f"1\t8\t9\tASYL\t{d}\tG", "duplicate_key"),
            (3, f"1\t8\t9\tWCAT\t\t{d}\tD", "duplicate_key"),
            (4, f"\t8\t9\tASYL\t\t{d}\tG", "extra_field_unrepairable"),
        ]


def test_duplicate_key_reason_counts_distinct_rows_and_lines(tmp_path, con):
    # Key 5 is on four lines: 2, 3, 5 differ from each other; line 4 repeats line 2 once trimmed (collapsed,
    # counted in duplicates_collapsed, not rejected). So 5 is on 3 distinct rows over 4 lines, and the three
    # distinct rows are quarantined. Key 6 is on two different lines, no repeat.
    body = (
        b"5\t2\t3\tASYL\t" + D + b"\tG\n"     # 2 duplicate_key 5
        b"5\t2\t3\tWCAT\t" + D + b"\tD\n"     # 3 duplicate_key 5
        b"5\t2\t3\tASYL \t" + D + b"\tG\n"    # 4 exact duplicate of line 2: collapsed
        b"5\t2\t3\tASYL\t" + D + b"\tD\n"     # 5 duplicate_key 5
        b"6\t2\t3\tASYL\t" + D + b"\tG\n"     # 6 duplicate_key 6
        b"6\t2\t3\tWCAT\t" + D + b"\tG\n"     # 7 duplicate_key 6
        b"9\t2\t3\tASYL\t" + D + b"\tG\n"     # 8 lands
    )
    r, rows, rejects = load_appln(tmp_path, con, body)
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined, r.duplicates_collapsed, r.key_rejects) == (
        7, 1, 5, 1, 5)
    assert [(x[0], x[6]) for x in rows] == [("9", 8)]
    five = "duplicate_key: IDNPROCEEDINGAPPLN=5 on 3 distinct rows (4 lines, first line 2)"
    six = "duplicate_key: IDNPROCEEDINGAPPLN=6 on 2 distinct rows (2 lines, first line 6)"
    assert [(ln, reason) for ln, _, reason in rejects] == [(2, five), (3, five), (5, five), (6, six), (7, six)]


def _header_error(tmp_path, con, name: str, data: bytes) -> tuple[str, str]:
    """The ReleaseError of a load of a tbl_Court_Appln.csv holding ``data`` and of landed_columns on it."""
    rel = make_release(tmp_path / name, {"tbl_Court_Appln.csv": data})
    with pytest.raises(ReleaseError) as load_err:
        load_release(con, rel)
    rf = next(f for f in locate_release(rel).files if f.spec.name == "tbl_Court_Appln")
    with pytest.raises(ReleaseError) as cols_err:
        landed_columns(rf)
    return str(load_err.value), str(cols_err.value)


def test_header_with_a_utf8_byte_order_mark_is_refused_naming_the_file_line_and_mark(tmp_path, con):
    # EF BB BF (read as Latin-1: "ï»¿") before the first column name: a file re-saved as UTF-8. Refused, with
    # the file, line 1 and what was found (not "lacks column IDNPROCEEDINGAPPLN").
    data = b"\xef\xbb\xbf" + APPLN_HDR + b"1\t8\t9\tASYL\t" + D + b"\tG\n"
    for msg in _header_error(tmp_path, con, "bom", data):
        assert re.fullmatch(
            r"bom/tbl_Court_Appln\.csv: line 1 \(header\) starts with a UTF-8 byte order mark "
            r"\(bytes EF BB BF, read as Latin-1: 'ï»¿'\): EOIR releases are Latin-1 without one; .*", msg), msg


def test_header_with_cr_only_line_endings_is_refused_naming_the_file_line_and_ending(tmp_path, con):
    # A CR-only file (old Mac line endings): no LF, so the whole file is line 1. Found right after column 6.
    data = (APPLN_HDR + b"1\t8\t9\tASYL\t" + D + b"\tG\n2\t8\t9\tASYL\t" + D + b"\tG\n").replace(b"\n", b"\r")
    for msg in _header_error(tmp_path, con, "cr", data):
        assert re.fullmatch(
            r"cr/tbl_Court_Appln\.csv: line 1 \(header\) has a carriage return \(CR\) without a line feed "
            r"right after column 6 \(APPL_DEC\), 2 in the line: CR-only line endings; the release uses LF or "
            r"CRLF", msg), msg
    # A header ending CR CR LF: the last CR ends the line (CRLF), the one before it is a lone CR, here too.
    for msg in _header_error(tmp_path, con, "crcr", APPLN_HDR.replace(b"\n", b"\r\r\n")):
        assert msg.endswith("tbl_Court_Appln.csv: line 1 (header) has a carriage return (CR) without a line feed "
                            "right after column 6 (APPL_DEC), 1 in the line: CR-only line endings; the release "
                            "uses LF or CRLF"), msg


def test_cr_at_end_of_file_without_lf_ends_the_last_line_like_crlf(tmp_path, con):
    # A CRLF file whose last line lacks its LF: the final CR is what is left of the line ending, not data,
    # so the last row lands as if the file ended CRLF (APPL_DEC 'G', not 'G\r'), in its row and in the text of
    # a reject. Only that one CR goes: 'D\r\r' at the end of the file keeps one CR as data, as 'D\r\r\n' would
    # mid-file. Same outcome with one line per part (the last part then holds only the last line).
    d = D.decode()
    body = (
        b"1\t8\t9\tASYL\t" + D + b"\tG\r\n"     # 2 lands
        b"4\t8\t9\tASYL\t" + D + b"\tD\r\r\n"   # 3 lands, APPL_DEC 'D\r' (a lone CR, then CRLF)
        b"2\t8\t9\tASYL\t" + D + b"\tG\r"       # 4 lands, APPL_DEC 'G'
    )
    ends = {
        b"": [("1", "G", 2), ("4", "D\r", 3), ("2", "G", 4)],
        b"\n5\t8\t9\tWCAT\t" + D + b"\tD\r\r": [("1", "G", 2), ("4", "D\r", 3), ("2", "G", 4), ("5", "D\r", 5)],
    }
    for i, (tail, want) in enumerate(ends.items()):
        rel = make_release(tmp_path / f"rel{i}", {"tbl_Court_Appln.csv": APPLN_HDR + body + tail})
        for part_bytes in (None, 40):
            r = {x.table_name: x for x in load_release(con, rel, part_bytes=part_bytes)}["eoir_tbl_court_appln"]
            assert (r.rows_read, r.rows_loaded) == (len(want), len(want))
            assert con.execute("select IDNPROCEEDINGAPPLN, APPL_DEC, _source_line from raw.eoir_tbl_court_appln "
                               "order by _source_line").fetchall() == want
    # the last line quarantined: for its width (text from the parsed row) and for its key (re-read from its
    # part): the reject text has no CR
    for i, tail in enumerate([b"\n12\t2\t3\r", b"\n2\t8\t9\tWCAT\t" + D + b"\tD\r"]):
        rel = make_release(tmp_path / f"rej{i}", {"tbl_Court_Appln.csv": APPLN_HDR + body + tail})
        con = duckdb.connect()  # a fresh database each: no release diff against the previous load
        r = {x.table_name: x for x in load_release(con, rel)}["eoir_tbl_court_appln"]
        rejects = con.execute("select line_number, raw_text, split_part(reason, ':', 1) from raw._rejects "
                              "where load_id = ? order by 1", [r.load_id]).fetchall()
        assert rejects == ([(5, "12\t2\t3", "too_few_fields")] if i == 0 else
                           [(4, f"2\t8\t9\tASYL\t{d}\tG", "duplicate_key"), (5, f"2\t8\t9\tWCAT\t{d}\tD", "duplicate_key")])
        con.close()
    # a header-only file ending in a CR: the header's last column is APPL_DEC, for the load and landed_columns
    rel = make_release(tmp_path / "hdr", {"tbl_Court_Appln.csv": APPLN_HDR.replace(b"\n", b"\r")})
    con = duckdb.connect()
    r = {x.table_name: x for x in load_release(con, rel)}["eoir_tbl_court_appln"]
    assert (r.rows_read, r.rows_loaded) == (0, 0)
    rf = next(f for f in locate_release(rel).files if f.spec.name == "tbl_Court_Appln")
    assert landed_columns(rf) == ["IDNPROCEEDINGAPPLN", "IDNPROCEEDING", "IDNCASE", "APPL_CODE", "APPL_RECD_DATE",
                                  "APPL_DEC"]
    # ... but with two CRs at the end only the last one is the line ending: both refuse the lone CR before it
    for msg in _header_error(tmp_path, con, "hdr2", APPLN_HDR.replace(b"\n", b"\r\r")):
        assert msg.endswith("tbl_Court_Appln.csv: line 1 (header) has a carriage return (CR) without a line feed "
                            "right after column 6 (APPL_DEC), 1 in the line: CR-only line endings; the release "
                            "uses LF or CRLF"), msg
    con.close()
