"""Bad inputs for the EOIR release reader beyond tests/eoir/: empty and truncated files, wrong delimiter or
encoding, a zip missing a table, columns renamed between releases, bad and duplicate keys, far-future
dates, and the release-to-release diff (warn / block, warehouse unchanged when blocked)."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import duckdb
import pytest

from orchestration.eoir.diff import DiffThresholds, ReleaseDiffError
from orchestration.eoir.reader import load_release
from orchestration.eoir.release import ReleaseError
from tests.eoir.conftest import APPLN_HDR, header, make_release

D = b"2019-03-14 00:00:00.000"
VINTAGE = date(2021, 2, 15)


def appln(rows: list[tuple[int, str]]) -> bytes:
    """tbl_Court_Appln body: one line per (IDNPROCEEDINGAPPLN, APPL_DEC)."""
    return APPLN_HDR + b"".join(b"%d\t8\t9\tASYL\t%s\t%s\n" % (k, D, dec.encode()) for k, dec in rows)


def load(con, rel, **kw):
    return {r.table_name: r for r in load_release(con, rel, vintage=VINTAGE, **kw)}


def rejects(con) -> list[tuple]:
    return con.execute("select line_number, reason from raw._rejects order by line_number").fetchall()


def test_a_completely_empty_table_file_names_the_file_and_line_1(tmp_path, con):
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": b""})
    with pytest.raises(ReleaseError, match=r"tbl_Court_Appln\.csv: empty file or empty header line \(line 1\)"):
        load(con, rel)


def test_truncated_last_line_is_quarantined_with_its_line_number(tmp_path, con):
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": APPLN_HDR + b"1\t8\t9\tASYL\t" + D + b"\tG\n2\t8\t9\tAS"})
    r = load(con, rel)["eoir_tbl_court_appln"]
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined) == (2, 1, 1)
    assert rejects(con) == [(3, "too_few_fields: expected 6, found 4")]


def test_comma_delimited_file_is_refused_naming_the_missing_column(tmp_path, con):
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": APPLN_HDR.replace(b"\t", b",") + b"1,8,9,ASYL,,G\n"})
    with pytest.raises(ReleaseError, match=r"tbl_Court_Appln\.csv: line 1 \(header\) lacks column IDNPROCEEDINGAPPLN"):
        load(con, rel)


def test_utf16_file_is_refused_not_misread(tmp_path, con):
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": APPLN_HDR.decode().encode("utf-16")})
    with pytest.raises(ReleaseError, match=r"tbl_Court_Appln\.csv: line 1 \(header\)"):
        load(con, rel)


def test_zip_missing_a_required_table_names_the_zip_and_the_table(tmp_path, con):
    rel = make_release(tmp_path / "rel")
    (rel / "tbl_schedule.csv").unlink()
    z = tmp_path / "EOIR Case Data.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in rel.iterdir():
            zf.write(p, p.name)
    with pytest.raises(ReleaseError, match=r"EOIR Case Data\.zip lacks required table\(s\): tbl_schedule\.csv"):
        load(con, z)


def _case_release(tmp_path, name: str, sex_header: bytes, sex_value: bytes):
    hdr = header("A_TblCase").replace(b"\tSex\t", b"\t" + sex_header + b"\t")
    ncols = hdr.count(b"\t") + 1
    sex_pos = hdr.rstrip(b"\n").split(b"\t").index(sex_header)
    fields = [b""] * ncols
    fields[0] = b"1001"
    fields[sex_pos] = sex_value
    return make_release(tmp_path / name, {"A_TblCase.csv": hdr + b"\t".join(fields) + b"\n"})


def test_column_renamed_between_releases_maps_old_and_new_name_to_one_field(tmp_path, con):
    load(con, _case_release(tmp_path, "r1", b"Sex", b"F"))
    assert con.execute("select SEX from raw.eoir_a_tblcase").fetchall() == [("F",)]
    r = load(con, _case_release(tmp_path, "r2", b"GENDER", b"M"))["eoir_a_tblcase"]
    assert r.columns_renamed == {"GENDER": "SEX"}
    assert con.execute("select SEX from raw.eoir_a_tblcase").fetchall() == [("M",)]
    assert "GENDER" not in [d[0] for d in con.execute("select * from raw.eoir_a_tblcase limit 0").description]


def test_both_names_of_a_renamed_column_is_an_error(tmp_path, con):
    hdr = header("A_TblCase").replace(b"\n", b"\tGENDER\n")
    rel = make_release(tmp_path / "rel", {"A_TblCase.csv": hdr})
    with pytest.raises(ReleaseError, match=r"A_TblCase\.csv: line 1 \(header\): columns SEX and GENDER are two names of one field SEX"):
        load(con, rel)


def test_neither_name_of_a_needed_renamed_column_is_an_error(tmp_path, con):
    hdr = header("A_TblCase").replace(b"\tSex\t", b"\tGENDER_CODE\t")
    rel = make_release(tmp_path / "rel", {"A_TblCase.csv": hdr})
    with pytest.raises(ReleaseError, match=r"A_TblCase\.csv: line 1 \(header\) lacks column SEX \(or GENDER\)"):
        load(con, rel)


def test_duplicate_and_bad_keys_are_quarantined_with_line_and_key(tmp_path, con):
    body = appln([(1, "G"), (2, "G"), (1, "D")]) + b"\t8\t9\tASYL\t\tG\nA7\t8\t9\tASYL\t\tG\n"
    r = load(con, make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": body}))["eoir_tbl_court_appln"]
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined, r.key_rejects) == (5, 1, 4, 4)
    assert rejects(con) == [
        (2, "duplicate_key: IDNPROCEEDINGAPPLN=1 on 2 distinct rows (2 lines, first line 2)"),
        (4, "duplicate_key: IDNPROCEEDINGAPPLN=1 on 2 distinct rows (2 lines, first line 2)"),
        (5, "bad_key: IDNPROCEEDINGAPPLN is empty"),
        (6, "bad_key: IDNPROCEEDINGAPPLN is not digits (got A7)"),
    ]
    assert con.execute("select IDNPROCEEDINGAPPLN from raw.eoir_tbl_court_appln").fetchall() == [("2",)]


def test_dates_far_after_the_vintage_and_1900_are_nulled_and_counted(tmp_path, con):
    body = APPLN_HDR + b"1\t8\t9\tA\t2099-06-30 00:00:00.000\tG\n2\t8\t9\tA\t1900-01-01 00:00:00.000\tG\n" \
        b"3\t8\t9\tA\t2024-06-30 00:00:00.000\tG\n"
    r = load(con, make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": body}))["eoir_tbl_court_appln"]
    assert r.nullifications == {"APPL_RECD_DATE": {"out_of_range_date": 1, "sentinel_date": 1}}
    assert con.execute("select APPL_RECD_DATE from raw.eoir_tbl_court_appln order by 1 nulls first").fetchall() == [
        (None,), (None,), ("2024-06-30 00:00:00.000",)]


def test_release_diff_reports_vanished_added_and_changed_rows(tmp_path, con):
    load(con, make_release(tmp_path / "r1", {"tbl_Court_Appln.csv": appln([(k, "G") for k in range(1, 201)])}))
    # r2: 1 vanished (key 1), 3 changed (2, 3, 4), 2 added (201, 202): 0.5% vanished, under the thresholds;
    # but key 1 was a granted asylum application (a relief grant), so the diff warns
    rows = [(k, "D" if k in (2, 3, 4) else "G") for k in range(2, 203)]
    r = load(con, make_release(tmp_path / "r2", {"tbl_Court_Appln.csv": appln(rows)}))["eoir_tbl_court_appln"]
    d = r.diff
    assert (d.rows_previous, d.rows_current, d.vanished, d.added, d.changed, d.status) == (200, 201, 1, 2, 3, "warn")
    assert d.vanished_relief_grants == 1
    assert (d.sample_vanished, d.sample_added, d.sample_changed) == (["1"], ["201", "202"], ["2", "3", "4"])
    stored = con.execute("select table_name, vanished, added, changed, status from raw._release_diffs "
                         "where table_name = 'eoir_tbl_court_appln'").fetchall()
    assert stored == [("eoir_tbl_court_appln", 1, 2, 3, "warn")]
    assert r.metadata()["diff_vanished"] == 1


def test_release_diff_warns_above_the_warn_threshold(tmp_path, con):
    load(con, make_release(tmp_path / "r1", {"tbl_Court_Appln.csv": appln([(k, "G") for k in range(1, 101)])}))
    r = load(con, make_release(tmp_path / "r2", {"tbl_Court_Appln.csv": appln([(k, "G") for k in range(6, 101)])}))
    assert (r["eoir_tbl_court_appln"].diff.vanished, r["eoir_tbl_court_appln"].diff.status) == (5, "warn")


def test_release_diff_blocks_above_the_block_threshold_and_the_warehouse_is_unchanged(tmp_path):
    wh = tmp_path / "w.duckdb"
    from orchestration.raw.ledger import load_transaction

    with load_transaction(wh) as con:
        load(con, make_release(tmp_path / "r1", {"tbl_Court_Appln.csv": appln([(k, "G") for k in range(1, 101)])}))
    before = _snapshot(wh)
    blocked = r"r2/tbl_Court_Appln\.csv: release diff blocked the load: eoir_tbl_court_appln .* 30 of 100 rows vanished"
    with pytest.raises(ReleaseDiffError, match=blocked), load_transaction(wh) as con:
        load(con, make_release(tmp_path / "r2", {"tbl_Court_Appln.csv": appln([(k, "G") for k in range(31, 101)])}))
    assert _snapshot(wh) == before
    # a knowingly higher threshold accepts it
    with load_transaction(wh) as con:
        r = load(con, make_release(tmp_path / "r2", {"tbl_Court_Appln.csv": appln([(k, "G") for k in range(31, 101)])}),
                 thresholds=DiffThresholds(vanished_block=0.5))
    assert r["eoir_tbl_court_appln"].diff.status == "warn"


def _snapshot(wh) -> tuple:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return (
            con.execute("select * from raw.eoir_tbl_court_appln order by _source_line").fetchall(),
            con.execute("select load_id, table_name from raw._load_ledger order by all").fetchall(),
            con.execute("select count(*) from raw._release_diffs").fetchall(),
            con.execute("select table_name from information_schema.tables where table_schema = 'raw' order by 1").fetchall(),
        )
    finally:
        con.close()


def test_a_1_percent_corrupted_release_loads_and_accounts_for_every_row(tmp_path, con):
    from orchestration.eoir.generator import generate_release

    meta = generate_release(tmp_path / "corrupt", seed=7, scale=0.001, corrupt_rate=0.01)
    results = load(con, tmp_path / "corrupt")
    for name, t in meta["tables"].items():
        r = results["eoir_" + name.removesuffix(".csv").lower()]
        exp = t["expected"]
        assert (r.rows_read, r.rows_loaded, r.rows_quarantined, r.duplicates_collapsed) == (
            exp["rows_read"], exp["rows_loaded"], exp["rows_quarantined"], exp["duplicates_collapsed"]), name
        assert r.rows_quarantined >= 0.009 * r.rows_read, name
    reasons = dict(con.execute("select split_part(reason, ':', 1), count(*) from raw._rejects group by 1").fetchall())
    assert {"too_few_fields", "too_many_fields", "bad_key"} <= set(reasons)
    assert json.loads((tmp_path / "corrupt" / "_SYNTHETIC_RELEASE.json").read_text())["corrupt_rate"] == 0.01
