"""orchestration.eoir.reader.swap: the landed view hides excluded and malformed lines; the ledger row."""

from __future__ import annotations

from orchestration.eoir.reader.sql import relation_columns
from orchestration.eoir.reader.swap import swap_in
from tests.eoir.conftest import appln_through_keys

D = "2019-03-14 00:00:00.000"


def _land(con, tmp_path, body: str):
    return swap_in(*appln_through_keys(con, tmp_path, body))


def test_swap_in_lands_the_view_and_records_the_ledger_row(tmp_path, con):
    body = f"1\t2\t3\tASYL\t{D}\tG\n1\t2\t3\tASYL\t{D}\tG\n7\t8\n2\t2\t3\tWCAT\t{D}\tD\n"
    r = _land(con, tmp_path, body)
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined, r.duplicates_collapsed) == (4, 2, 1, 1)
    rows = con.execute("select IDNPROCEEDINGAPPLN, APPL_CODE, _source_line, _input_kind, _source_file "
                       "from raw.eoir_tbl_court_appln order by _source_line").fetchall()
    assert rows == [("1", "ASYL", 2, "synthetic", "rel/tbl_Court_Appln.csv"),
                    ("2", "WCAT", 5, "synthetic", "rel/tbl_Court_Appln.csv")]
    # the table behind the view keeps every line (nothing deleted) but no helper column except _nf
    behind = relation_columns(con, "raw.eoir_tbl_court_appln__rows")
    assert [c for c in behind if c.startswith("_")] == ["_source_line", "_nf"]
    assert con.execute("select count(*) from raw.eoir_tbl_court_appln__rows").fetchone()[0] == 4
    assert con.execute("select ln from raw.eoir_tbl_court_appln__excluded").fetchall() == [(3,)]
    assert con.execute("select rows_read, rows_loaded, rows_quarantined, duplicates_collapsed from raw._load_ledger"
                       ).fetchall() == [(4, 2, 1, 1)]


def test_a_second_load_replaces_the_first_and_is_diffed_by_key(tmp_path, con):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _land(con, tmp_path / "a", f"1\t2\t3\tASYL\t{D}\tG\n2\t2\t3\tWCAT\t{D}\tD\n")
    # key 1 changed (APPL_DEC), key 2 the same, key 3 added
    r = _land(con, tmp_path / "b", f"1\t2\t3\tASYL\t{D}\tD\n2\t2\t3\tWCAT\t{D}\tD\n3\t2\t3\tWCAT\t{D}\tD\n")
    assert r.diff is not None and (r.diff.vanished, r.diff.added, r.diff.changed) == (0, 1, 1)
    assert con.execute("select IDNPROCEEDINGAPPLN, APPL_DEC from raw.eoir_tbl_court_appln order by 1").fetchall() == [
        ("1", "D"), ("2", "D"), ("3", "D")]
