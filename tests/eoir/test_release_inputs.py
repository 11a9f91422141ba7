"""A real release's quirks at the file level: two files for one table, other encodings, a damaged zip,
the publisher's Count.txt. Every fixture is built by hand in its test."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import pytest

from orchestration.assets.raw_eoir import release_file_hashes
from orchestration.eoir.reader import load_release
from orchestration.eoir.release import ReleaseError, locate_release, parse_count_file
from tests.eoir.conftest import APPLN_HDR, make_release

ROW = b"1\t8\t9\tASYL\t2019-03-14 00:00:00.000\tG\n"
VINTAGE = date(2021, 2, 15)


def _zip(folder, dest, extra: dict[str, bytes] | None = None, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(dest, "w", compression=compression) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder).as_posix())
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return dest


# -- two files for one table -------------------------------------------------------------------------------
def test_two_files_for_one_table_in_a_zip_are_refused_naming_both(tmp_path, con):
    # A_TblCase.csv and A_tblCase.csv both match the table A_TblCase (names match case-insensitively):
    # loading either one silently would lose the other's rows
    rel = make_release(tmp_path / "rel")
    z = _zip(rel, tmp_path / "EOIR Case Data.zip", extra={"A_tblCase.csv": b"IDNCASE\n"})
    with pytest.raises(ReleaseError, match=r"EOIR Case Data\.zip: 2 files map to table A_TblCase: "
                                           r"A_TblCase\.csv and A_tblCase\.csv"):
        load_release(con, z, vintage=VINTAGE)


def test_two_files_for_one_table_in_a_folder_or_one_lookup_are_refused_naming_both(tmp_path):
    rel = make_release(tmp_path / "rel", {"tbl_court_appln.csv": APPLN_HDR + ROW})
    with pytest.raises(ReleaseError, match=r"2 files map to table tbl_Court_Appln: "
                                           r"tbl_Court_Appln\.csv and tbl_court_appln\.csv"):
        locate_release(rel)
    rel2 = make_release(tmp_path / "rel2", {"Lookup/tblLookupHloc.csv": b"strCode\nSYP\n",
                                            "Lookup/TBLLOOKUPHLOC.csv": b"strCode\nENP\n"})
    with pytest.raises(ReleaseError, match=r"2 files map to lookup table .*: Lookup/TBLLOOKUPHLOC\.csv and "
                                           r"Lookup/tblLookupHloc\.csv"):
        locate_release(rel2)


# -- encodings ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "found"), [
    (APPLN_HDR.decode().encode("utf-16"), r"found a UTF-16 LE byte order mark \(bytes FF FE\)"),
    (APPLN_HDR.decode().encode("utf-16-be"), r"found UTF-16 BE text without a byte order mark"),
    (APPLN_HDR.decode().encode("utf-16-le") + ROW.decode().encode("utf-16-le"),
     r"found UTF-16 LE text without a byte order mark"),
    (b"\xfe\xff" + APPLN_HDR.decode().encode("utf-16-be"), r"found a UTF-16 BE byte order mark \(bytes FE FF\)"),
])
def test_a_utf16_table_is_refused_saying_which_encoding_was_found(tmp_path, con, data, found):
    # before: "line 1 (header) lacks column IDNPROCEEDINGAPPLN ... header has: I\x00D\x00..." (NULs on the terminal)
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": data})
    with pytest.raises(ReleaseError, match=r"rel/tbl_Court_Appln\.csv: line 1 \(header\): " + found) as err:
        load_release(con, rel, vintage=VINTAGE)
    assert "\x00" not in str(err.value) and "lacks column" not in str(err.value)


def test_a_utf8_table_with_a_byte_order_mark_is_refused_saying_so(tmp_path, con):
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": b"\xef\xbb\xbf" + APPLN_HDR + ROW})
    with pytest.raises(ReleaseError, match=r"rel/tbl_Court_Appln\.csv: line 1 \(header\) starts with a UTF-8 "
                                           r"byte order mark"):
        load_release(con, rel, vintage=VINTAGE)


# -- damaged zip -------------------------------------------------------------------------------------------
def _damaged_zip(tmp_path, compression):
    """A zip whose tbl_Court_Appln.csv member has its data bytes overwritten (header of the member intact)."""
    body = APPLN_HDR + ROW * 2000
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": body})
    z = _zip(rel, tmp_path / "EOIR Case Data.zip", compression=compression)
    data = bytearray(z.read_bytes())
    with zipfile.ZipFile(z) as zf:
        info = zf.getinfo("tbl_Court_Appln.csv")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 40:start + 80] = b"\xff" * 40
    z.write_bytes(bytes(data))
    return z


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_damaged_zip_member_names_the_zip_and_the_member(tmp_path, con, compression):
    # before: a bare BadZipFile "Bad CRC-32 for file ..." (stored) or zlib.error "Error -3 while decompressing
    # data" (deflated): neither names the zip, the second not even the member
    z = _damaged_zip(tmp_path, compression)
    expected = r"EOIR Case Data\.zip: member tbl_Court_Appln\.csv: the zip archive is damaged or unreadable \("
    with pytest.raises(ReleaseError, match=expected):
        load_release(con, z, vintage=VINTAGE)
    with pytest.raises(ReleaseError, match=expected):  # the asset hashes the release before loading it
        release_file_hashes(z)


def test_a_file_that_is_not_a_zip_names_the_file(tmp_path, con):
    z = tmp_path / "EOIR Case Data.zip"
    z.write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(ReleaseError, match=r"EOIR Case Data\.zip: not a folder and not a readable zip archive"):
        load_release(con, z, vintage=VINTAGE)


# -- Count.txt format --------------------------------------------------------------------------------------
def test_count_file_lines_header_commas_and_csv_suffix():
    got = parse_count_file(b"Table\tCount\r\nA_TblCase\t1,204\r\ntbl_Court_Appln.csv\t7\r\n\r\n", "r/Count.txt")
    assert got == {"a_tblcase": 1204, "tbl_court_appln": 7}
    with pytest.raises(ReleaseError, match=r"r/Count\.txt: line 3: expected '<table><TAB><rows>', found 'B_TblProceeding'"):
        parse_count_file(b"A_TblCase\t1\ntbl_schedule\t2\nB_TblProceeding\n", "r/Count.txt")
    with pytest.raises(ReleaseError, match=r"r/Count\.txt: line 2: table a_tblcase is listed twice"):
        parse_count_file(b"A_TblCase\t1\na_tblcase\t2\n", "r/Count.txt")


# -- Count.txt against the files ---------------------------------------------------------------------------
def _counted(tmp_path, count_txt: bytes | None, body: bytes = APPLN_HDR + ROW + ROW.replace(b"1\t", b"2\t", 1) + ROW):
    """tbl_Court_Appln with 3 data lines (keys 1, 2 and a repeat of 1: 2 loaded, 1 collapsed)."""
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": body})
    if count_txt is not None:
        (rel / "Count.txt").write_bytes(count_txt)
    return rel


ALL_FIVE = b"A_TblCase\t0\r\nA_TblCaseIdentifier\t0\r\nB_TblProceeding\t0\r\ntbl_schedule\t0\r\n"


def test_count_txt_that_understates_a_table_by_one_row_blocks_naming_the_table_and_both_numbers(tmp_path):
    from orchestration.eoir.reader import CountMismatchError
    from orchestration.raw.ledger import load_transaction

    wh = tmp_path / "w.duckdb"
    rel = _counted(tmp_path, ALL_FIVE + b"tbl_Court_Appln\t2\r\n")
    with pytest.raises(CountMismatchError, match=r"rel/tbl_Court_Appln\.csv: Count\.txt gives 2 rows for table "
                                                 r"tbl_Court_Appln but the file has 3 data lines"), \
            load_transaction(wh) as con:
        load_release(con, rel, vintage=VINTAGE)
    with load_transaction(wh) as con:  # nothing was committed
        assert con.execute("select count(*) from information_schema.tables where table_schema = 'raw' "
                           "and table_name like 'eoir_%'").fetchone()[0] == 0


def test_count_txt_that_matches_loads_and_records_the_count(tmp_path, con):
    from orchestration.eoir.diff import release_notes

    rel = _counted(tmp_path, ALL_FIVE + b"tbl_Court_Appln\t3\r\n")
    r = {x.table_name: x for x in load_release(con, rel, vintage=VINTAGE)}["eoir_tbl_court_appln"]
    assert (r.count_expected, r.rows_read, r.rows_loaded, r.duplicates_collapsed) == (3, 3, 2, 1)
    assert con.execute("select count_file, tables_not_in_count_file from raw._eoir_release_loads").fetchall() == [
        ("rel/Count.txt", [])]
    assert release_notes(con, since=datetime(2000, 1, 1)) == []


def test_a_release_without_count_txt_or_with_an_unlisted_table_loads_with_a_warning(tmp_path, con):
    from orchestration.eoir.diff import release_notes

    r = {x.table_name: x for x in load_release(con, _counted(tmp_path, None), vintage=VINTAGE)}
    assert r["eoir_tbl_court_appln"].count_expected is None and r["eoir_tbl_court_appln"].rows_loaded == 2
    assert release_notes(con, since=datetime(2000, 1, 1)) == [
        ("warning", "EOIR release rel has no Count.txt: its row counts were not checked against the publisher's")]
    con.execute("delete from raw._eoir_release_loads")
    load_release(con, _counted(tmp_path / "b", ALL_FIVE), vintage=VINTAGE)
    assert release_notes(con, since=datetime(2000, 1, 1)) == [
        ("warning", "rel/Count.txt does not list eoir_tbl_court_appln: not checked")]


def test_loaded_quarantined_and_collapsed_must_add_up_to_the_count():
    from orchestration.eoir.reader import CountMismatchError, EoirLoadResult, check_count

    r = EoirLoadResult(table_name="eoir_tbl_court_appln", source="eoir", source_file="rel/tbl_Court_Appln.csv",
                       sha256="", vintage=VINTAGE, input_kind="real", rows_read=3, rows_loaded=1,
                       rows_quarantined=1, duplicates_collapsed=0, count_expected=3)
    with pytest.raises(CountMismatchError, match=r"Count\.txt gives 3 rows for table tbl_Court_Appln but the file "
                                                 r"has 2 rows loaded \+ quarantined \+ collapsed"):
        check_count(r)
    r.duplicates_collapsed = 1
    check_count(r)


def test_count_txt_edited_on_an_already_loaded_release_blocks(tmp_path, con):
    """Break-it pass: a release whose data files were all loaded already (same sha256) is not re-read, and its
    Count.txt was then never compared: an understated count published with exit 0. The loads it matches are
    now compared with it."""
    from orchestration.assets.raw_eoir import check_counts_of_loaded_release
    from orchestration.eoir.reader import CountMismatchError

    rel = _counted(tmp_path, ALL_FIVE + b"tbl_Court_Appln\t3\r\n")
    load_release(con, rel, vintage=VINTAGE)
    check_counts_of_loaded_release(con, locate_release(rel))  # the Count.txt it was loaded with: passes
    (rel / "Count.txt").write_bytes(ALL_FIVE + b"tbl_Court_Appln\t2\r\n")
    with pytest.raises(CountMismatchError, match=r"rel/Count\.txt does not match the data of this release: .*"
                                                 r"Count\.txt gives 2 rows for table tbl_Court_Appln but the file "
                                                 r"has 3 data lines"):
        check_counts_of_loaded_release(con, locate_release(rel))
