"""orchestration.eoir.reader.layout: the header checks and which columns land."""

from __future__ import annotations

import pytest

from orchestration.eoir.reader.layout import file_layout, read_header
from orchestration.eoir.reader.sql import CR_STANDIN
from orchestration.eoir.release import A_TBLCASE, TBL_COURT_APPLN, ReleaseError, lookup_spec

F = "rel/tbl_Court_Appln.csv"


def test_reordered_header_with_an_extra_column():
    # APPL_DEC first, an extra NOTE column, spaces and lower case in the names
    lay = file_layout(TBL_COURT_APPLN, "appl_dec\tIDNPROCEEDINGAPPLN\tIDNPROCEEDING\tIDNCASE\tAPPL_CODE\t"
                                       "APPL_RECD_DATE \tNote", F)
    assert lay.header == ["APPL_DEC", "IDNPROCEEDINGAPPLN", "IDNPROCEEDING", "IDNCASE", "APPL_CODE",
                          "APPL_RECD_DATE", "NOTE"]
    assert (lay.missing, lay.extra, lay.reordered) == ([], ["NOTE"], True)
    assert lay.out_columns == list(TBL_COURT_APPLN.columns) + ["NOTE"]  # all columns: published order, extras
    used = file_layout(TBL_COURT_APPLN, "\t".join(TBL_COURT_APPLN.published), F, all_columns=False)
    assert used.out_columns == [c for c in TBL_COURT_APPLN.columns if c in TBL_COURT_APPLN.used]


def test_a_lookup_lands_its_header_as_it_is():
    lay = file_layout(lookup_spec("tblLookupHloc"), "idnHearingLoc\tstrCode", "rel/tblLookupHloc.csv", False)
    assert (lay.header, lay.out_columns, lay.missing, lay.extra) == (["IDNHEARINGLOC", "STRCODE"],
                                                                   ["IDNHEARINGLOC", "STRCODE"], [], [])


def test_a_case_file_without_an_optional_column_is_null_filled():
    header = [c for c in A_TBLCASE.published if c.upper() not in A_TBLCASE.needed][:1]
    names = "\t".join(c for c in A_TBLCASE.published if c not in header)
    lay = file_layout(A_TBLCASE, names, "rel/A_TblCase.csv")
    assert lay.missing == [header[0].upper()] and header[0].upper() in lay.out_columns


@pytest.mark.parametrize("line, words", [
    ("IDNPROCEEDINGAPPLN\tIDNCASE\tIDNCASE", "duplicate column name(s) IDNCASE"),
    ("IDNPROCEEDINGAPPLN\t\tIDNCASE", "column 2 has an empty name"),
    ("\xef\xbb\xbfIDNPROCEEDINGAPPLN", "UTF-8 byte order mark"),
    ("\xff\xfeI\x00D\x00", "UTF-16 LE byte order mark"),
    ("I\x00D\x00N\x00", "UTF-16 LE text without a byte order mark"),
    ("IDNPROCEEDINGAPPLN\rIDNPROCEEDING", "carriage return (CR) without a line feed right after column 1"),
    ("IDNPROCEEDINGAPPLN\tIDNCASE", "lacks column IDNPROCEEDING"),
])
def test_a_bad_header_is_refused_naming_the_file_and_line_1(line, words):
    with pytest.raises(ReleaseError) as exc:
        file_layout(TBL_COURT_APPLN, line, F)
    assert str(exc.value).startswith(f"{F}: line 1") and words in str(exc.value)


def test_read_header_drops_the_line_ending_and_restores_inner_crs(tmp_path):
    p = tmp_path / "part.txt"
    p.write_text(f"A{CR_STANDIN}B\tC{CR_STANDIN}\n1\n", encoding="utf-8")
    assert read_header(p) == "A\rB\tC"
    p.write_text("", encoding="utf-8")
    assert read_header(p) is None
