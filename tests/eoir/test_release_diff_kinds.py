"""The release diff by kind: tbl_Court_Appln by APPL_CODE and decision, and relief grants that vanished
(granted ASYL / ASYW / WCAT in the previous release, seeds eoir_relief_applications and
eoir_application_decisions) as a WARN listing their cases."""

from __future__ import annotations

from datetime import date, datetime

from orchestration.eoir.diff import release_notes, relief_grant_codes
from orchestration.eoir.reader import load_release
from tests.eoir.conftest import APPLN_HDR, make_release

VINTAGE = date(2021, 2, 15)
D = b"2019-03-14 00:00:00.000"


def _appln(rows) -> bytes:
    """rows: (IDNPROCEEDINGAPPLN, IDNCASE, APPL_CODE, APPL_DEC)."""
    return APPLN_HDR + b"".join(b"%d\t8\t%d\t%s\t%s\t%s\n" % (k, c, a.encode(), D, d.encode()) for k, c, a, d in rows)


FILLER = [(k, 1000 + k, "VD", "D") for k in range(10, 205)]  # 195 applications that stay as they are


def _load(con, tmp_path, name, rows):
    rel = make_release(tmp_path / name, {"tbl_Court_Appln.csv": _appln(rows)})
    return {r.table_name: r for r in load_release(con, rel, vintage=VINTAGE)}["eoir_tbl_court_appln"].diff


def test_relief_grant_codes_come_from_the_seeds():
    relief, grant = relief_grant_codes()
    assert relief == ["ASYL", "ASYW", "WCAT"]
    assert grant == ["C", "F", "G", "I", "L", "P"]


def test_applications_diffed_by_code_and_decision_and_a_vanished_relief_grant_warns_with_its_case(tmp_path, con):
    r1 = [(1, 101, "ASYL", "G"), (2, 102, "ASYW", "D"), (3, 103, "WCAT", "L"), (4, 104, "42B", "G"),
          (5, 105, "ASYL", "D")] + FILLER
    assert _load(con, tmp_path, "r1", r1) is None  # first load: nothing to diff
    # r2: key 1 (an asylum grant of case 101) and key 4 (a 42B grant: not a relief application) vanished;
    # key 5 (an asylum denial) vanished too; key 2 changed from a denial to a grant; key 300 is a new WCAT
    # grant. 3 of 200 vanished = 1.5%: over the 1% warn threshold anyway, so check a second release below.
    r2 = [(2, 102, "ASYW", "G"), (3, 103, "WCAT", "L"), (300, 300, "WCAT", "G")] + FILLER
    d = _load(con, tmp_path, "r2", r2)
    assert (d.vanished, d.added, d.changed, d.vanished_relief_grants) == (3, 1, 1, 1)
    assert d.sample_vanished_relief_cases == ["101"]
    assert [(k["kind_value"], k["decision"], k["vanished"], k["added"], k["changed"]) for k in d.by_kind] == [
        ("42B", "G", 1, 0, 0), ("ASYL", "D", 1, 0, 0), ("ASYL", "G", 1, 0, 0), ("ASYW", "D", 0, 0, 1),
        ("WCAT", "G", 0, 1, 0)]
    assert con.execute("select key_value, idncase, kind_value, decision from raw._release_diff_vanished_grants"
                       ).fetchall() == [("1", "101", "ASYL", "G")]
    assert con.execute("select count(*) from raw._release_diff_kinds").fetchone()[0] == 5
    warnings = [t for level, t in release_notes(con, datetime(2000, 1, 1)) if level == "warning"]
    assert ("release diff: 1 relief grant(s) of the previous release vanished from eoir_tbl_court_appln (relief "
            "applications granted: seeds eoir_relief_applications, eoir_application_decisions; they no longer "
            "count for goal 1a): IDNCASE 101 (every one in raw._release_diff_vanished_grants)") in warnings


def test_a_single_vanished_relief_grant_makes_an_otherwise_ok_diff_a_warn(tmp_path, con):
    _load(con, tmp_path, "r1", [(1, 101, "WCAT", "L")] + FILLER)
    d = _load(con, tmp_path, "r2", FILLER)  # 1 of 196 vanished: 0.5%, under every threshold
    assert (d.vanished, d.vanished_relief_grants, d.status) == (1, 1, "warn")
    d = _load(con, tmp_path, "r3", FILLER[1:])  # a non-relief application vanished: ok
    assert (d.vanished, d.vanished_relief_grants, d.status) == (1, 0, "ok")


def test_the_diff_by_kind_is_in_metrics_json_inputs_and_the_published_meta(tmp_path):
    import duckdb

    from orchestration.metrics import build_metrics_document
    from orchestration.publish import open_published, publish_warehouse
    from tests.report_publish.conftest import make_small_build

    wh = tmp_path / "build.duckdb"
    make_small_build(wh)
    con = duckdb.connect(str(wh))
    try:
        _load(con, tmp_path, "r1", [(1, 101, "WCAT", "L"), (2, 102, "ASYL", "D")] + FILLER)
        _load(con, tmp_path, "r2", [(2, 102, "ASYL", "G")] + FILLER)
    finally:
        con.close()
    doc = build_metrics_document(wh, "2020-12-31")
    files = {f["name"]: f for i in doc["inputs"] for f in i["files"]}
    diff = files["r2/tbl_Court_Appln.csv"]["release_diff"]
    assert (diff["status"], diff["vanished"], diff["added"], diff["changed"], diff["vanished_relief_grants"]) == (
        "warn", 1, 0, 1, 1)
    assert [(k["kind_value"], k["decision"], k["vanished"], k["changed"]) for k in diff["by_kind"]] == [
        ("ASYL", "D", 0, 1), ("WCAT", "L", 1, 0)]
    assert files["r2/A_TblCase.csv"]["release_diff"]["by_kind"] == []  # only applications are diffed by kind
    result = publish_warehouse(wh, tmp_path / "published", as_of_date="2020-12-31", run_id="r1")
    pub = open_published(result.database)
    try:
        assert pub.execute("select table_name, status, vanished, changed, vanished_relief_grants "
                           "from meta.release_diffs where table_name = 'eoir_tbl_court_appln'").fetchall() == [
            ("eoir_tbl_court_appln", "warn", 1, 1, 1)]
        assert pub.execute("select kind_value, decision, vanished, added, changed from meta.release_diff_kinds"
                           ).fetchall() == [("ASYL", "D", 0, 0, 1), ("WCAT", "L", 1, 0, 0)]
        # the report reads them as traceable cells (meta table, column, key)
        from orchestration.report.data import ReportData, _load_release_diffs

        data = ReportData(publication={})
        _load_release_diffs(pub, data)
        [appln] = [r for r in data.release_diffs if r["table_name"] == "eoir_tbl_court_appln"]
        assert (appln["status"], appln["vanished_relief_grants"].text, appln["vanished"].key) == (
            "warn", "1", {"table_name": "eoir_tbl_court_appln"})
        assert [(r["kind_value"], r["changed"].text) for r in data.release_diff_kinds] == [("ASYL", "1"), ("WCAT", "0")]
    finally:
        pub.close()
