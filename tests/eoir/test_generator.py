"""Synthetic release generator: format, determinism, reader accounting vs injected defects, calibration."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from orchestration.eoir.generator import generate_release
from orchestration.eoir.reader import load_release
from orchestration.eoir.release import REQUIRED_TABLES

CALIBRATION_SQL = (Path(__file__).parent / "calibration.sql").read_text()


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def default_release(tmp_path_factory):
    """The default release (seed 20201231, scale 0.01, ~120k cases) generated and loaded once, every column,
    read in 1 MiB parts (so every large file crosses several part boundaries)."""
    out = tmp_path_factory.mktemp("gen") / "release"
    marker = generate_release(out)
    con = duckdb.connect()
    results = load_release(con, out, all_columns=True, part_bytes=1 << 20)
    yield out, marker, con, results
    con.close()


def test_format_header_encoding_and_marker(default_release):
    out, marker, _, _ = default_release
    for spec in REQUIRED_TABLES:
        with open(out / spec.file_name, "rb") as fh:
            assert fh.readline() == ("\t".join(spec.published) + "\n").encode("latin-1")
    assert "SYNTHETIC" in (out / "README.txt").read_text()
    assert marker["seed"] == 20201231 and marker["scale"] == 0.01 and marker["generator_version"]
    assert (out / "Lookup" / "tblLookupHloc.csv").exists()
    assert b"CIUDAD JU\xc1REZ" in (out / "A_TblCase.csv").read_bytes()  # Latin-1 accent


def test_row_accounting_matches_injected_defects(default_release):
    out, marker, con, results = default_release
    by_file = {r.source_file.rsplit("/", 1)[-1]: r for r in results}
    for fname, info in marker["tables"].items():
        r = by_file[fname]
        exp = info["expected"]
        assert r.rows_read == r.rows_loaded + r.rows_quarantined + r.duplicates_collapsed
        assert (r.rows_read, r.rows_loaded, r.rows_quarantined, r.duplicates_collapsed, r.rows_repaired) == (
            exp["rows_read"], exp["rows_loaded"], exp["rows_quarantined"], exp["duplicates_collapsed"],
            exp["rows_repaired"]), fname
        assert r.nullifications == exp["nullifications"], fname
        # every defect kind was injected at least once in every file
        assert {"duplicate_row", "stray_tab_double", "too_few_fields", "unbalanced_quote", "trailing_spaces",
                "nul_byte"} <= set(info["defects"]), fname
    rejects = con.execute("select count(*) from raw._rejects").fetchone()[0]
    assert rejects == sum(t["expected"]["rows_quarantined"] for t in marker["tables"].values())
    # the generator ships a Count.txt like EOIR's, and every file (tables and lookups) matched its count
    assert (out / "Count.txt").read_bytes().startswith(b"A_TblCase\t%d\r\n" % by_file["A_TblCase.csv"].rows_read)
    # 5 data tables + 7 lookups (Lookup/: tblLanguage, tblLookUpCaseIdentifier, tblLookupBaseCity,
    # tblLookupCaseType, tblLookupCourtDecision, tblLookupHloc, tblLookupNationality)
    assert len(results) == 12 and all(r.count_expected == r.rows_read for r in results)
    ledger = con.execute(
        "select count(*) from raw._load_ledger where rows_read <> rows_loaded + rows_quarantined + duplicates_collapsed"
    ).fetchone()[0]
    assert ledger == 0
    assert {r.input_kind for r in results} == {"synthetic"}


def test_default_load_lands_the_used_columns_with_the_same_accounting(default_release):
    # The default load (used columns only, 256 MiB parts: one part per file here) accounts for every line
    # exactly as the every-column load in 1 MiB parts, and lands the same values in the used columns.
    out, _marker, con_all, results_all = default_release
    con = duckdb.connect()
    results = {r.table_name: r for r in load_release(con, out)}
    for spec in REQUIRED_TABLES:
        full, used = {r.table_name: r for r in results_all}[spec.raw_table], results[spec.raw_table]
        assert (used.rows_read, used.rows_loaded, used.rows_quarantined, used.duplicates_collapsed,
                used.rows_repaired, used.sha256) == (full.rows_read, full.rows_loaded, full.rows_quarantined,
                                                     full.duplicates_collapsed, full.rows_repaired, full.sha256)
        assert used.nullifications == {c: v for c, v in full.nullifications.items() if c in spec.used or c == "_row"}
        cols = [d[0] for d in con.execute(f"select * from raw.{spec.raw_table} limit 0").description]
        assert [c for c in cols if not c.startswith("_")] == [c for c in spec.columns if c in spec.used]
        sel = ", ".join(f'"{c}"' for c in [c for c in spec.columns if c in spec.used] + ["_source_line"])
        mine = set(con.execute(f"select {sel} from raw.{spec.raw_table}").fetchall())
        theirs = set(con_all.execute(f"select {sel} from raw.{spec.raw_table}").fetchall())
        assert len(mine) == used.rows_loaded and mine == theirs, spec.name
    rejects = "select table_name, line_number, raw_text, reason from raw._rejects order by all"
    assert con.execute(rejects).fetchall() == con_all.execute(rejects).fetchall()
    assert {r[3].split(":")[0] for r in con.execute(rejects).fetchall()} >= {"too_few_fields", "too_many_fields"}


def test_calibration_at_default_scale(default_release):
    _, _, con, _ = default_release
    cur = con.execute(CALIBRATION_SQL)
    got = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    assert 25_000 <= got["enrolled_2019_07"] <= 27_000  # TRAC: 26,001 by 2019-07-31
    assert 57_000 <= got["enrolled_2019_12"] <= 60_000  # TRAC: 59,241 by Dec-2019
    assert 68_000 <= got["enrolled"] <= 71_000  # TRAC: 71,036 by 2021-01-31
    assert 40_500 <= got["initial_completions"] <= 43_500  # AIC: 42,012
    assert 32_000 <= got["removal_orders"] <= 33_000  # TRAC: 32,659
    assert 0.82 <= got["in_absentia"] / got["removal_orders"] <= 0.88  # TRAC: 27,898 / 32,659 = 0.854
    assert 560 <= got["relief_cases"] <= 720  # AIC 638, TRAC 641


def test_mpp_flag_mix_and_histories(default_release):
    _, marker, con, _ = default_release
    q = lambda sql: con.execute(sql).fetchone()[0]
    # identifier-only MPP cases exist (no proceeding at an MPP location), and schedule-only ones
    assert q("""select count(*) from raw.eoir_a_tblcaseidentifier i where CASE_ID in ('MP','RM') and not exists
               (select 1 from raw.eoir_b_tblproceeding p where p.IDNCASE = i.IDNCASE
                and p.HEARING_LOC_CODE in ('SYP','OPP','CIX','ENP','MPL','MPB','TUM'))""") > 1000
    assert q("""select count(distinct s.IDNCASE) from raw.eoir_tbl_schedule s where s.HEARING_LOC_CODE in
               ('SYP','OPP','CIX','ENP','MPL','MPB','TUM') and not exists (select 1 from raw.eoir_b_tblproceeding p
               where p.IDNCASE = s.IDNCASE and p.HEARING_LOC_CODE = s.HEARING_LOC_CODE)""") > 1000
    assert q("select count(*) from raw.eoir_b_tblproceeding where HEARING_LOC_CODE = 'MPP'") >= 1
    assert q("select count(*) from raw.eoir_b_tblproceeding where OTHER_COMP = 'C'") > 1000
    assert q("select count(*) from raw.eoir_b_tblproceeding where DEC_CODE = 'H'") > 10
    assert q("select count(*) from raw.eoir_tbl_schedule where ADJ_DATE >= '2027'") > 0  # future hearings kept
    assert q("select count(distinct CASE_TYPE) from raw.eoir_a_tblcase") >= 6
    assert marker["mpp"]["idncase_first"] == 20_000_001


def test_same_seed_same_bytes_different_seed_differs(tmp_path):
    a = generate_release(tmp_path / "a", seed=7, scale=0.0005)
    b = generate_release(tmp_path / "b", seed=7, scale=0.0005)
    c = generate_release(tmp_path / "c", seed=8, scale=0.0005)
    ha, hb, hc = _hashes(Path(a["path"])), _hashes(Path(b["path"])), _hashes(Path(c["path"]))
    assert ha == hb
    assert all(ha[f] != hc[f] for f in ["A_TblCase.csv", "B_TblProceeding.csv", "tbl_schedule.csv"])
    z1 = generate_release(tmp_path / "z1", seed=7, scale=0.0005, as_zip=True)
    z2 = generate_release(tmp_path / "z2", seed=7, scale=0.0005, as_zip=True)
    assert hashlib.sha256(Path(z1["path"]).read_bytes()).digest() == hashlib.sha256(
        Path(z2["path"]).read_bytes()).digest()


def test_small_scale_zip_loads_with_exact_accounting(tmp_path):
    m = generate_release(tmp_path / "small", seed=3, scale=0.0005, as_zip=True)
    con = duckdb.connect()
    results = load_release(con, m["path"])
    for r in results:
        fname = r.source_file.rsplit("!", 1)[-1]
        if fname in m["tables"]:
            exp = m["tables"][fname]["expected"]
            assert (r.rows_loaded, r.rows_quarantined, r.duplicates_collapsed) == (
                exp["rows_loaded"], exp["rows_quarantined"], exp["duplicates_collapsed"])
    # MPP population scales with min(1, scale / 0.01): about 5% of ~70,700
    assert 3_300 <= m["mpp"]["cases"] <= 3_800


#: Code columns the generator writes -> the real lookup that lists their codes (orchestration/eoir/reference).
CODE_LOOKUPS = {
    "A_TblCase": {"NAT": "tblLookupNationality", "LANG": "tblLanguage", "CUSTODY": "tblLookupCustodyStatus",
                  "CASE_TYPE": "tblLookupCaseType", "UPDATE_SITE": "tblLookupHloc",
                  "LATEST_CAL_TYPE": "tbllookupCal_Type"},
    "A_TblCaseIdentifier": {"CASE_ID": "tblLookUpCaseIdentifier"},
    "B_TblProceeding": {"BASE_CITY_CODE": "tblLookupBaseCity", "HEARING_LOC_CODE": "tblLookupHloc",
                        "CASE_TYPE": "tblLookupCaseType", "NAT": "tblLookupNationality", "LANG": "tblLanguage",
                        "CUSTODY": "tblLookupCustodyStatus", "DEC_TYPE": "tblDecType",
                        "DEC_CODE": "tblLookupCourtDecision", "OTHER_COMP": "tblLookupCourtDecision",
                        "ABSENTIA": "tblLookupAbsentia"},
    "tbl_Court_Appln": {"APPL_CODE": "tblLookUp_Appln", "APPL_DEC": "tblLookupCourtAppDecisions"},
    "tbl_schedule": {"HEARING_LOC_CODE": "tblLookupHloc", "BASE_CITY_CODE": "tblLookupBaseCity",
                     "LANG": "tblLanguage", "CAL_TYPE": "tbllookupCal_Type"},
}
#: Lookup files the generator writes (Lookup/<stem>.csv) -> their code column.
LOOKUP_CODE_COLUMNS = {"tblLookupHloc": "HEARING_LOC_CODE", "tblLookupBaseCity": "BASE_CITY_CODE",
                       "tblLookupCourtDecision": "strDecCode", "tblLookUpCaseIdentifier": "strcode",
                       "tblLookupNationality": "NAT_CODE", "tblLanguage": "strCode",
                       "tblLookupCaseType": "strCode"}


def _codes_written(path: Path, columns: dict[str, str]) -> dict[str, set[str]]:
    """Values of ``columns`` in a generated table file, rows with the table's field count only (a stray-TAB
    or truncated row shifts its fields), injected cell defects (padding, NUL, a stray quote) stripped."""
    lines = path.read_bytes().decode("latin-1").splitlines()
    header = lines[0].split("\t")
    pos = {c: header.index(c) for c in columns}
    out: dict[str, set[str]] = {c: set() for c in columns}
    for line in lines[1:]:
        f = line.split("\t")
        if len(f) != len(header):
            continue
        for c, i in pos.items():
            v = f[i].strip(' "\x00')
            if v:
                out[c].add(v)
    return out


def test_every_code_the_generator_writes_exists_in_the_real_lookups(tmp_path):
    """Issue 16 finding 6: every code of every code column (and of every Lookup/ file) of a generated release
    is a code of the real release's lookups (bundled subset, orchestration/eoir/reference/README.md), and
    the lookups are written in the release's Lookup/ layout with the real column names."""
    from orchestration.eoir.reference import real_lookup_codes
    from orchestration.eoir.release import LOOKUP_SPECS, locate_release

    out = tmp_path / "release"
    generate_release(out, seed=11, scale=0.0005)
    real = real_lookup_codes()
    unknown = {}
    for table, columns in CODE_LOOKUPS.items():
        for column, values in _codes_written(out / f"{table}.csv", columns).items():
            assert values, f"{table}.{column}: no value written"
            if values - real[columns[column]]:
                unknown[f"{table}.{column}"] = sorted(values - real[columns[column]])
    for stem, column in LOOKUP_CODE_COLUMNS.items():
        path = out / "Lookup" / f"{stem}.csv"
        header = path.read_text(encoding="latin-1").splitlines()[0].split("\t")
        assert tuple(header) == LOOKUP_SPECS[stem.lower()].published, f"{stem}: not the real column names"
        values = _codes_written(path, {column: stem})[column]
        if values - real[stem]:
            unknown[f"Lookup/{stem}.csv"] = sorted(values - real[stem])
    assert not unknown, f"codes the real lookups do not have: {unknown}"
    located = {f.spec.raw_table for f in locate_release(out).files if not f.spec.required}
    assert {"eoir_lookup_courtdecision", "eoir_lookup_language", "eoir_lookup_casetype"} <= located
