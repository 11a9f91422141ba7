"""Release lineage: a release is diffed only against the previous load of its own lineage (real EOIR releases
or synthetic ones); the first real release after the demo is a new baseline, said and recorded; the
thresholds still guard consecutive real releases."""

from __future__ import annotations

import json
from datetime import date, datetime

import duckdb
import pytest

from orchestration.eoir.diff import ReleaseDiffError, ensure_diff_table, release_notes
from orchestration.eoir.reader import load_release
from orchestration.raw.ledger import load_transaction
from tests.eoir.conftest import APPLN_HDR, make_release

VINTAGE = date(2021, 2, 15)
D = b"2019-03-14 00:00:00.000"


def _appln(keys) -> bytes:
    return APPLN_HDR + b"".join(b"%d\t8\t9\tASYL\t%s\tG\n" % (k, D) for k in keys)


def _synthetic(folder, keys):
    rel = make_release(folder, {"tbl_Court_Appln.csv": _appln(keys)})
    (rel / "_SYNTHETIC_RELEASE.json").write_text(json.dumps({"synthetic": True, "vintage": "2021-02-15"}))
    return rel


def _appln_diff(results):
    return {r.table_name: r for r in results}["eoir_tbl_court_appln"].diff


def test_first_real_release_after_the_demo_is_a_new_baseline_and_the_next_real_one_is_still_guarded(tmp_path):
    wh = tmp_path / "w.duckdb"
    start = datetime(2000, 1, 1)
    with load_transaction(wh) as con:  # the demo: a synthetic release of 100 applications
        load_release(con, _synthetic(tmp_path / "demo", range(1, 101)), vintage=VINTAGE)
    # the first real release shares no key with the demo: 100 of 100 rows "vanish" (100% > the 10% block).
    # Before: ReleaseDiffError "100 of 100 rows vanished (100.00%) ... blocked the load". Now: a new baseline.
    with load_transaction(wh) as con:
        d = _appln_diff(load_release(con, make_release(tmp_path / "real1", {
            "tbl_Court_Appln.csv": _appln(range(5001, 5041))}), vintage=VINTAGE))
        assert (d.status, d.lineage, d.previous_lineage) == (
            "baseline", "real: EOIR FOIA case data", "synthetic: mpp-metrics generator")
        assert (d.rows_previous, d.rows_current, d.vanished, d.added, d.changed) == (100, 40, None, None, None)
        assert "new baseline" in d.summary()
        stored = con.execute("select status, vanished, lineage, previous_lineage from raw._release_diffs "
                             "where table_name = 'eoir_tbl_court_appln'").fetchall()
        assert stored == [("baseline", None, "real: EOIR FOIA case data", "synthetic: mpp-metrics generator")]
        history = con.execute("select release_name, lineage, previous_lineage, new_baseline "
                              "from raw._eoir_release_loads order by loaded_at").fetchall()
        assert history == [("demo", "synthetic: mpp-metrics generator", None, False),
                           ("real1", "real: EOIR FOIA case data", "synthetic: mpp-metrics generator", True)]
        notes = [text for level, text in release_notes(con, start) if level == "note"]
        assert notes == [("EOIR release real1 is a new baseline: the first real: EOIR FOIA case data release after a "
                         "synthetic: mpp-metrics generator one; not diffed against it (later releases of this lineage "
                         "are diffed against this one and the thresholds guard them)")]
    # a later real release that loses half of the table is still blocked, and nothing is committed
    blocked = r"real2/tbl_Court_Appln\.csv: release diff blocked the load: .* 20 of 40 rows vanished \(50\.00%\)"
    with pytest.raises(ReleaseDiffError, match=blocked), load_transaction(wh) as con:
        load_release(con, make_release(tmp_path / "real2", {"tbl_Court_Appln.csv": _appln(range(5021, 5041))}),
                     vintage=VINTAGE)
    with load_transaction(wh) as con:
        assert con.execute("select count(*) from raw.eoir_tbl_court_appln").fetchone()[0] == 40
        # and a real release that keeps its records is diffed normally (same lineage: ok)
        d = _appln_diff(load_release(con, make_release(tmp_path / "real3", {
            "tbl_Court_Appln.csv": _appln(range(5001, 5042))}), vintage=VINTAGE))
        assert (d.status, d.vanished, d.added, d.previous_lineage) == ("ok", 0, 1, "real: EOIR FOIA case data")


def test_synthetic_releases_are_diffed_against_each_other(tmp_path, con):
    load_release(con, _synthetic(tmp_path / "s1", range(1, 101)), vintage=VINTAGE)
    with pytest.raises(ReleaseDiffError, match="50 of 100 rows vanished"):
        load_release(con, _synthetic(tmp_path / "s2", range(51, 101)), vintage=VINTAGE)


def test_a_diff_table_from_before_the_lineage_columns_is_migrated_with_its_rows(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema raw")
    con.execute("""create table raw._release_diffs (load_id varchar not null, table_name varchar not null,
        source_file varchar not null, previous_load_id varchar, previous_source_file varchar,
        key_column varchar not null, rows_previous bigint not null, rows_current bigint not null,
        vanished bigint not null, added bigint not null, changed bigint not null, vanished_fraction double not null,
        changed_fraction double not null, status varchar not null check (status in ('ok', 'warn', 'block')),
        sample_vanished varchar[], sample_added varchar[], sample_changed varchar[], diffed_at timestamp not null)""")
    con.execute("insert into raw._release_diffs values ('L1', 't', 'f', null, null, 'K', 10, 11, 0, 1, 0, 0, 0, "
                "'ok', [], ['11'], [], timestamp '2025-01-01')")
    ensure_diff_table(con)
    ensure_diff_table(con)  # idempotent
    assert con.execute("select load_id, added, status, lineage from raw._release_diffs").fetchall() == [
        ("L1", 1, "ok", None)]
    con.execute("insert into raw._release_diffs (load_id, table_name, source_file, key_column, rows_previous, "
                "rows_current, vanished_fraction, changed_fraction, status, diffed_at) "
                "values ('L2', 't', 'f', 'K', 1, 1, 0, 0, 'baseline', now())")
    con.close()
