"""Bad inputs for the bundled-extract reader (CBP, OHSS, TRAC, CBP MPP pages): each gives a clear error
naming file, line and column, or lands exactly; a failed load leaves the warehouse as it was.

Releases: every load is kept in raw.<table>__history; raw.<table> = newest vintage per period
(orchestration/raw/history.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from orchestration.raw import history
from orchestration.raw.landing import ExtractFormatError, ingest_extract
from tests.conftest import query
from tests.reliability.conftest import extract_spec, write

HDR = "Fiscal Year,Month (abbv),Encounter Count\n"


def land(tmp_path: Path, name: str, body: str, **kw):
    src = write(tmp_path / name, HDR + body)
    return ingest_extract(tmp_path / "w.duckdb", extract_spec(src, **kw), verify_provenance=False)


def current(wh: Path) -> list[tuple]:
    return query(wh, 'select "Fiscal Year", "Month (abbv)", "Encounter Count", _vintage from raw.t_monthly '
                     'order by 1, 2')


@pytest.mark.parametrize("symbol", ["D", "*", "<10", "-", "n/a", "1.5"])
def test_suppressed_or_symbolic_count_is_an_error_naming_file_line_and_column(tmp_path, symbol):
    land(tmp_path, "good.csv", "2020,OCT,5\n")
    with pytest.raises(ExtractFormatError) as exc:
        land(tmp_path, "bad.csv", f"2020,OCT,5\n2020,NOV,{symbol}\n", vintage=date(2021, 12, 1))
    msg = str(exc.value)
    assert "bad.csv" in msg and "line 3" in msg and "'Encounter Count'" in msg and repr(symbol) in msg
    assert "not_a_count" in msg
    # nothing of the bad file was written
    assert current(tmp_path / "w.duckdb") == [("2020", "OCT", "5", date(2021, 11, 15))]
    assert query(tmp_path / "w.duckdb", "select count(*) from raw._load_ledger") == [(1,)]


def test_negative_count_is_an_error(tmp_path):
    with pytest.raises(ExtractFormatError, match=r"line 2, column 'Encounter Count': negative_count \(got '-12'\)"):
        land(tmp_path, "neg.csv", "2020,OCT,-12\n")


def test_counts_with_thousands_separators_and_declared_empty_markers_are_accepted(tmp_path):
    land(tmp_path, "ok.csv", '2020,OCT,"1,234"\n2020,NOV,%null%\n2020,DEC,\n')
    assert [r[2] for r in current(tmp_path / "w.duckdb")] == [None, "%null%", "1,234"]  # DEC, NOV, OCT


def test_truncated_last_line_is_an_error_naming_the_line(tmp_path):
    with pytest.raises(ExtractFormatError, match=r"trunc\.csv:.*(?i:line).*3"):
        land(tmp_path, "trunc.csv", "2020,OCT,5\n2020,NO")


def test_unterminated_quote_on_the_last_line_is_an_error(tmp_path):
    with pytest.raises(ExtractFormatError, match=r"quote\.csv"):
        land(tmp_path, "quote.csv", '2020,OCT,5\n2020,NOV,"12')


def test_wrong_encoding_is_an_error_naming_the_file(tmp_path):
    src = write(tmp_path / "latin.csv", "Fiscal Year,Month (abbv),Encounter Count\n2020,OCT,5\n2020,NOV,6 é\n", "latin-1")
    with pytest.raises(ExtractFormatError, match=r"latin\.csv:.*(?i:unicode|utf)"):
        ingest_extract(tmp_path / "w.duckdb", extract_spec(src, counts=()), verify_provenance=False)


def test_utf16_file_is_an_error_not_a_silent_misread(tmp_path):
    src = write(tmp_path / "u16.csv", HDR + "2020,OCT,5\n", "utf-16")
    with pytest.raises(ExtractFormatError, match=r"u16\.csv"):
        ingest_extract(tmp_path / "w.duckdb", extract_spec(src), verify_provenance=False)


def test_newer_vintage_wins_for_its_periods_and_the_older_stays_in_history(tmp_path):
    wh = tmp_path / "w.duckdb"
    land(tmp_path, "nov.csv", "2020,OCT,5\n2020,NOV,7\n", vintage=date(2020, 12, 1))
    land(tmp_path, "dec.csv", "2020,NOV,8\n2020,DEC,9\n", vintage=date(2021, 1, 1))  # NOV revised 7 -> 8
    assert current(wh) == [
        ("2020", "DEC", "9", date(2021, 1, 1)),
        ("2020", "NOV", "8", date(2021, 1, 1)),
        ("2020", "OCT", "5", date(2020, 12, 1)),  # only the older release has October: it stays current
    ]
    # every revision is kept and reportable
    assert query(wh, 'select "Encounter Count", _vintage from raw.t_monthly__history where "Month (abbv)" = \'NOV\' '
                     "order by _vintage") == [("7", date(2020, 12, 1)), ("8", date(2021, 1, 1))]
    con_rows = query(wh, "select 1")  # warehouse opens
    assert con_rows == [(1,)]
    import duckdb

    con = duckdb.connect(str(wh))
    try:
        revisions = history.vintages_by_period(con, "t_monthly", ("Fiscal Year", "Month (abbv)"))
    finally:
        con.close()
    assert [(p, v, cur) for p, v, _l, _f, _n, cur in revisions] == [
        ("2020|DEC", date(2021, 1, 1), True),
        ("2020|NOV", date(2020, 12, 1), False),
        ("2020|NOV", date(2021, 1, 1), True),
        ("2020|OCT", date(2020, 12, 1), True),
    ]


def test_an_older_vintage_delivered_late_does_not_replace_a_newer_one(tmp_path):
    wh = tmp_path / "w.duckdb"
    land(tmp_path, "dec.csv", "2020,NOV,8\n", vintage=date(2021, 1, 1))
    land(tmp_path, "nov.csv", "2020,NOV,7\n2020,OCT,5\n", vintage=date(2020, 12, 1))
    assert current(wh) == [("2020", "NOV", "8", date(2021, 1, 1)), ("2020", "OCT", "5", date(2020, 12, 1))]


def test_fytd_label_and_final_label_are_one_period(tmp_path):
    """'2022 (FYTD)' (fiscal year still open) and '2022' (closed) name the same period: never counted twice."""
    wh = tmp_path / "w.duckdb"
    land(tmp_path, "early.csv", "2022 (FYTD),OCT,100\n", vintage=date(2021, 11, 15))
    land(tmp_path, "late.csv", "2022,oct,101\n", vintage=date(2022, 10, 20))
    assert current(wh) == [("2022", "oct", "101", date(2022, 10, 20))]
    assert query(wh, "select count(*) from raw.t_monthly__history") == [(2,)]


def test_same_file_delivered_again_after_another_release_is_not_counted_twice(tmp_path):
    wh = tmp_path / "w.duckdb"
    first = land(tmp_path, "a.csv", "2020,OCT,5\n", vintage=date(2020, 12, 1))
    land(tmp_path, "b.csv", "2020,NOV,6\n", vintage=date(2021, 1, 1))
    again = land(tmp_path, "a.csv", "2020,OCT,5\n", vintage=date(2020, 12, 1))
    assert again.skipped and again.load_id == first.load_id
    assert query(wh, "select count(*) from raw.t_monthly__history") == [(2,)]
    assert query(wh, "select count(*) from raw._load_ledger") == [(2,)]
    assert [r[2] for r in current(wh)] == ["6", "5"]


def test_a_file_put_back_after_an_edit_of_the_same_vintage_is_current_again(tmp_path):
    """Break-it pass: a bundled extract edited (20 -> 520, same vintage) then restored as it was kept the
    edited figures: the restored file's sha was found in the history and skipped, the edited load stayed
    current and 520 was published. Put back, the file's load is the newest delivery again: 20 is current,
    nothing is landed or counted twice."""
    wh = tmp_path / "w.duckdb"
    first = land(tmp_path, "a.csv", "2020,JAN,20\n2020,FEB,30\n", vintage=date(2020, 3, 1))
    land(tmp_path, "a.csv", "2020,JAN,520\n2020,FEB,30\n", vintage=date(2020, 3, 1))
    assert [r[2] for r in current(wh)] == ["30", "520"]
    again = land(tmp_path, "a.csv", "2020,JAN,20\n2020,FEB,30\n", vintage=date(2020, 3, 1))
    assert again.skipped and again.load_id == first.load_id
    assert [r[2] for r in current(wh)] == ["30", "20"]
    assert query(wh, "select count(*) from raw.t_monthly__history") == [(4,)]  # 2 loads of 2 rows, none twice
    assert query(wh, "select count(*) from raw._load_ledger") == [(2,)]
    latest = query(wh, "select arg_max(load_id, loaded_at) from raw._load_ledger")
    assert latest == [(first.load_id,)]  # the ledger's current load: what the build fingerprint reads


def test_schema_drift_between_releases_extra_column_kept_in_history(tmp_path):
    wh = tmp_path / "w.duckdb"
    land(tmp_path, "a.csv", "2020,OCT,5\n", vintage=date(2020, 12, 1))
    src = write(tmp_path / "b.csv", "Encounter Count,Month (abbv),Fiscal Year,Note\n6,NOV,2020,revised\n")
    ingest_extract(wh, extract_spec(src, vintage=date(2021, 1, 1)), verify_provenance=False)
    assert query(wh, 'select "Month (abbv)", "Note" from raw.t_monthly__history order by _vintage') == [
        ("OCT", None), ("NOV", "revised")]
    # the current table keeps the declared columns first, in declared order
    cols = [r[0] for r in query(wh, "select column_name from information_schema.columns "
                                    "where table_name = 't_monthly' order by ordinal_position")]
    assert cols[:4] == ["Fiscal Year", "Month (abbv)", "Encounter Count", "Note"]


def test_ledger_identity_and_history_counts_match_each_file(tmp_path):
    wh = tmp_path / "w.duckdb"
    land(tmp_path, "a.csv", "2020,OCT,5\n2020,NOV,6\n", vintage=date(2020, 12, 1))
    land(tmp_path, "b.csv", "2020,NOV,7\n", vintage=date(2021, 1, 1))
    rows = query(wh, """select l.source_file, l.rows_read, l.rows_loaded, count(h._load_id)
                        from raw._load_ledger l left join raw.t_monthly__history h on h._load_id = l.load_id
                        group by all order by 1""")
    assert rows == [("a.csv", 2, 2, 2), ("b.csv", 1, 1, 1)]


def test_same_sha256_skip_is_one_helper_for_current_and_earlier_loads(tmp_path):
    """history.load_of_same_file decides "same sha256, skip" for every table with a history (bundled extracts,
    workbook sheets): the current load's entry, the earlier load's entry, or None for a new file."""
    import duckdb

    from orchestration.raw.ledger import file_sha256

    wh = tmp_path / "w.duckdb"
    first = land(tmp_path, "a.csv", "2020,OCT,5\n", vintage=date(2020, 12, 1))
    second = land(tmp_path, "b.csv", "2020,NOV,6\n", vintage=date(2021, 1, 1))
    new = write(tmp_path / "c.csv", HDR + "2020,DEC,7\n")
    con = duckdb.connect(str(wh))
    try:
        cols, periods = ("Fiscal Year", "Month (abbv)", "Encounter Count"), ("Fiscal Year", "Month (abbv)")
        current_entry = history.load_of_same_file(con, "t_monthly", file_sha256(tmp_path / "b.csv"), cols, periods)
        earlier_entry = history.load_of_same_file(con, "t_monthly", file_sha256(tmp_path / "a.csv"), cols, periods)
        assert history.load_of_same_file(con, "t_monthly", file_sha256(new), cols, periods) is None
        assert history.load_of_same_file(con, "other_table", file_sha256(tmp_path / "a.csv"), cols, periods) is None
    finally:
        con.close()
    assert (current_entry.load_id, current_entry.skipped) == (second.load_id, True)
    assert (earlier_entry.load_id, earlier_entry.skipped, earlier_entry.source_file) == (first.load_id, True, "a.csv")
