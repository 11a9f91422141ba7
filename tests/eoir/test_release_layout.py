"""Release layout: zip vs folder, case-insensitive names, missing tables/columns, extra/reordered columns."""

from __future__ import annotations

import json
import zipfile

import pytest

from orchestration.eoir.reader import load_release, lookup_codes
from orchestration.eoir.release import ReleaseError, locate_release
from tests.eoir.conftest import APPLN_HDR, header, make_release

ROW = b"1\t8\t9\tASYL\t2019-03-14 00:00:00.000\tG\n"
PUBLISHED = "IDNPROCEEDINGAPPLN, IDNPROCEEDING, IDNCASE, APPL_CODE, APPL_RECD_DATE, APPL_DEC, _source_line, _source_sha256"


def _zip(folder, dest, top: str = ""):
    with zipfile.ZipFile(dest, "w") as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, (top + "/" if top else "") + p.relative_to(folder).as_posix())
    return dest


def test_zip_and_folder_give_the_same_raw_tables(tmp_path, con):
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": APPLN_HDR + ROW,
                                          "Lookup/tblLookupHloc.csv": b"strCode\tstrDescription\nSYP\tSAN YSIDRO\n"})
    z = _zip(rel, tmp_path / "EOIR Case Data.zip", top="EOIR Case Data")
    load_release(con, rel)
    folder_rows = con.execute(f"select {PUBLISHED} from raw.eoir_tbl_court_appln").fetchall()
    load_release(con, z)
    zip_rows = con.execute(f"select {PUBLISHED} from raw.eoir_tbl_court_appln").fetchall()
    assert folder_rows == zip_rows and len(zip_rows) == 1
    src = con.execute("select distinct _source_file from raw.eoir_tbl_court_appln").fetchone()[0]
    assert src.endswith("EOIR Case Data.zip!EOIR Case Data/tbl_Court_Appln.csv")
    assert lookup_codes(con, "hloc") == {"SYP"}


def test_case_insensitive_file_and_column_names(tmp_path, con):
    rel = tmp_path / "rel"
    make_release(rel)
    (rel / "tbl_Court_Appln.csv").rename(rel / "TBL_COURT_APPLN.CSV")
    (rel / "TBL_COURT_APPLN.CSV").write_bytes(APPLN_HDR.lower() + ROW)
    (rel / "lookup").mkdir()
    (rel / "lookup" / "TBLLOOKUPNATIONALITY.csv").write_bytes(b"strCode\tstrDescription\nHO\tHONDURAS\n")
    results = load_release(con, rel)
    assert con.execute("select IDNCASE, APPL_CODE from raw.eoir_tbl_court_appln").fetchall() == [("9", "ASYL")]
    assert "eoir_lookup_nationality" in [r.table_name for r in results]


def test_missing_required_table_names_release_and_tables(tmp_path, con):
    rel = make_release(tmp_path / "rel")
    (rel / "tbl_schedule.csv").unlink()
    (rel / "A_TblCaseIdentifier.csv").unlink()
    with pytest.raises(ReleaseError) as exc:
        load_release(con, rel)
    msg = str(exc.value)
    assert str(rel) in msg and "A_TblCaseIdentifier.csv" in msg and "tbl_schedule.csv" in msg


def test_missing_needed_column_names_file_and_column(tmp_path, con):
    hdr = b"IDNPROCEEDINGAPPLN\tIDNPROCEEDING\tIDNCASE\tAPPL_RECD_DATE\tAPPL_DEC\n"
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": hdr})
    with pytest.raises(ReleaseError, match=r"tbl_Court_Appln\.csv: line 1 \(header\) lacks column APPL_CODE"):
        load_release(con, rel)


def test_extra_and_reordered_columns_accepted_and_reported(tmp_path, con):
    hdr = b"IDNCASE\tIDNPROCEEDING\tIDNPROCEEDINGAPPLN\tAPPL_CODE\tAPPL_RECD_DATE\tAPPL_DEC\tNEW_COL\n"
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": hdr + b"9\t8\t1\tASYL\t\tG\tz\n"})
    r = {x.table_name: x for x in load_release(con, rel, all_columns=True)}["eoir_tbl_court_appln"]
    assert r.columns_reordered and r.columns_extra == ["NEW_COL"] and r.columns_missing == []
    row = con.execute("select IDNPROCEEDINGAPPLN, IDNCASE, NEW_COL from raw.eoir_tbl_court_appln").fetchone()
    assert row == ("1", "9", "z")
    # by default only the used columns land (published order), the extra one is reported, not kept
    r = {x.table_name: x for x in load_release(con, rel)}["eoir_tbl_court_appln"]
    assert r.columns_extra == ["NEW_COL"]
    cols = [d[0] for d in con.execute("select * from raw.eoir_tbl_court_appln").description]
    assert cols[:7] == ["IDNPROCEEDINGAPPLN", "IDNPROCEEDING", "IDNCASE", "APPL_CODE", "APPL_RECD_DATE", "APPL_DEC",
                        "_source_line"]
    assert con.execute("select IDNPROCEEDINGAPPLN, IDNCASE from raw.eoir_tbl_court_appln").fetchone() == ("1", "9")


def test_gender_header_satisfies_sex(tmp_path, con):
    # GENDER is an alias of SEX (orchestration/eoir/column_aliases.csv): it lands in raw column SEX
    spec_hdr = header("A_TblCase").replace(b"\tSex\t", b"\tGENDER\t")
    rel = make_release(tmp_path / "rel", {"A_TblCase.csv": spec_hdr})
    r = {x.table_name: x for x in load_release(con, rel)}["eoir_a_tblcase"]
    assert r.columns_missing == [] and r.columns_extra == [] and r.columns_renamed == {"GENDER": "SEX"}


def test_marker_makes_it_synthetic_and_sets_vintage(tmp_path, con):
    rel = make_release(tmp_path / "rel", {"_SYNTHETIC_RELEASE.json": json.dumps({"vintage": "2021-02-15"}).encode()})
    results = load_release(con, rel)
    assert {(r.input_kind, r.vintage.isoformat()) for r in results} == {("synthetic", "2021-02-15")}
    with pytest.raises(ReleaseError, match="synthetic"):
        load_release(con, rel, input_kind="real")
    assert locate_release(rel).marker == {"vintage": "2021-02-15"}


def test_real_release_kind_and_mtime_vintage(tmp_path, con):
    rel = make_release(tmp_path / "rel")
    results = load_release(con, rel)
    assert {r.input_kind for r in results} == {"real"}
    assert con.execute("select count(*) from raw._load_ledger").fetchone()[0] == 5


def test_dbt_source_declares_exactly_the_used_columns():
    # One list of "columns the models read" per table: TableSpec.used decides what lands by default, and the
    # dbt source (models/staging/eoir/_eoir__sources.yml) must declare the same value columns.
    import yaml

    from orchestration.eoir.release import REQUIRED_TABLES
    from orchestration.settings import PROJECT_DIR

    doc = yaml.safe_load((PROJECT_DIR / "models/staging/eoir/_eoir__sources.yml").read_text())
    tables = {t["name"]: t for s in doc["sources"] for t in s["tables"]}
    for spec in REQUIRED_TABLES:
        declared = [c["name"] for c in tables[spec.raw_table]["columns"] if not c["name"].startswith("_")]
        assert sorted(declared) == sorted(spec.used), spec.name
        assert set(spec.needed) <= set(spec.used) <= set(spec.columns), spec.name


def test_lookups_the_models_need_land_from_the_lookup_folder(tmp_path, con):
    """Issue 16 finding 6: tblLanguage and tblDecCode (no ``tblLookup`` prefix) were ignored; every lookup of
    LOOKUP_SPECS in Lookup/ now lands (raw.eoir_lookup_language, raw.eoir_lookup_deccode), other files of the
    Lookup/ folder without the prefix stay ignored, and a release without lookups still loads."""
    rel = make_release(tmp_path / "rel", {
        "tbl_Court_Appln.csv": APPLN_HDR + ROW,
        "Lookup/tblLanguage.csv": b"idnLang\tstrCode\tstrDescription\tblnActive\n1\tSP\tSPANISH\t1\n2\tMAM\tMAM\t1\n",
        "Lookup/tblDecCode.csv": b"idnDecCode\tstrCode\tstrDescription\tblnActive\n1\tX\tREMOVED\t1\n",
        "Lookup/tblLookupCourtDecision.csv": b"idnCourtDecision\tstrCaseType\tstrDecCode\tstrDecType\n1\tRMV\tX\tC\n",
        "Lookup/tblInmateHousing.csv": b"a\tb\n1\t2\n",
    })
    located = locate_release(rel)
    assert [f.spec.raw_table for f in located.files if not f.spec.required] == [
        "eoir_lookup_courtdecision", "eoir_lookup_deccode", "eoir_lookup_language"]
    assert any(m.endswith("tblInmateHousing.csv") for m in located.ignored)
    load_release(con, rel)
    assert con.execute("select STRCODE from raw.eoir_lookup_language order by 1").fetchall() == [("MAM",), ("SP",)]
    assert lookup_codes(con, "deccode") == {"X"}
    bare = make_release(tmp_path / "bare", {"tbl_Court_Appln.csv": APPLN_HDR + ROW})
    assert all(f.spec.required for f in locate_release(bare).files)
