"""The USCIS NRI extract reader on good and bad hand-made files."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from orchestration.uscis.nri import NriExtractError, load_nri_extract

HEADER = (
    "referral_id,subject_id,idncase,referral_date,interview_date,outcome,component,port_or_sector,nationality"
)
GOOD = [
    "r1,s1,101,2019-03-01,2019-03-05,positive,USBP,El Paso,HO",
    "r2,s2,,2019-03-10,,,OFO,San Diego,GT",
]


def _write(tmp_path, lines, name="nri.csv", header=HEADER):
    p = tmp_path / name
    p.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return p


@pytest.fixture
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield c
    c.close()


def test_good_file_lands_with_a_ledger_row(tmp_path, con):
    path = _write(tmp_path, GOOD)
    res = load_nri_extract(con, path, input_kind="synthetic", vintage=date(2021, 3, 1))
    assert (res.rows_read, res.rows_loaded, res.rows_quarantined, res.duplicates_collapsed) == (2, 2, 0, 0)
    rows = con.execute(
        "select referral_id, idncase, interview_date, outcome, count_basis, _input_kind, _vintage "
        "from raw.uscis_nri_referrals order by 1"
    ).fetchall()
    assert rows == [
        ("r1", "101", "2019-03-05", "positive", None, "synthetic", date(2021, 3, 1)),
        ("r2", None, None, None, None, "synthetic", date(2021, 3, 1)),
    ]
    ledger = con.execute(
        "select table_name, source_file, input_kind, rows_read, rows_loaded from raw._load_ledger"
    ).fetchall()
    assert ledger == [("uscis_nri_referrals", "nri.csv", "synthetic", 2, 2)]
    again = load_nri_extract(con, path, input_kind="synthetic", vintage=date(2021, 3, 1))
    assert again.skipped and con.execute("select count(*) from raw._load_ledger").fetchone()[0] == 1


def test_bad_values_raise_naming_file_line_and_column(tmp_path, con):
    path = _write(
        tmp_path,
        [
            GOOD[0],
            "r2,s2,,2019-02-30,2019-03-02,negative,USBP,El Paso,HO",  # line 3: no such date
            "r3,s3,12x,2019-03-01,2019-03-02,maybe,CBP,El Paso,honduras",  # line 4: four bad values
            "r4,s4,,2019-03-05,2019-03-01,negative,USBP,El Paso,HO",  # line 5: interview before referral
            "r5,s5,,2019-03-05,2019-03-06,,USBP,El Paso,HO",  # line 6: decided without outcome
        ],
    )
    with pytest.raises(NriExtractError) as err:
        load_nri_extract(con, path, input_kind="synthetic", vintage=None)
    msg = str(err.value)
    assert "nri.csv: line 3, column referral_date: bad_date" in msg and "'2019-02-30'" in msg
    assert "nri.csv: line 4, column outcome: not_allowed" in msg and "'maybe'" in msg
    assert (
        "line 4, column idncase" in msg
        and "line 4, column component" in msg
        and "line 4, column nationality" in msg
    )
    assert "line 5, column interview_date: out_of_range" in msg
    assert "line 6, column outcome: null_rule" in msg
    # nothing written
    assert (
        con.execute(
            "select count(*) from information_schema.tables where table_name = 'uscis_nri_referrals'"
        ).fetchone()[0]
        == 0
    )


def test_quarantine_mode_rejects_bad_lines_and_collapses_exact_duplicates(tmp_path, con):
    path = _write(
        tmp_path,
        [
            GOOD[0],
            GOOD[1],
            GOOD[1],  # line 4: exact duplicate
            "r1,s9,,2019-03-01,2019-03-02,negative,USBP,El Paso,HO",  # line 5: referral_id reused
            "r6,s6,,2019-01-01,2019-01-02,negative,USBP,El Paso,HO",  # line 6: before MPP inception
            "r7,s7,,2019-03-01",  # line 7: short row
        ],
    )
    res = load_nri_extract(con, path, input_kind="real", vintage=None, on_error="quarantine")
    assert (res.rows_read, res.rows_loaded, res.rows_quarantined, res.duplicates_collapsed) == (6, 2, 3, 1)
    rejects = con.execute("select line_number, reason from raw._rejects order by 1").fetchall()
    assert [r[0] for r in rejects] == [5, 6, 7]
    assert rejects[0][1].startswith("duplicate_key [referral_id='r1']")
    assert "out_of_range [referral_date='2019-01-01']" in rejects[1][1]
    assert rejects[2][1].startswith("field_count")
    assert con.execute("select rows_quarantined, duplicates_collapsed from raw._load_ledger").fetchall() == [
        (3, 1)
    ]


def test_an_extract_whose_lines_all_appear_twice_counts_each_referral_once(tmp_path, con):
    """Case-level, unlike the aggregate extracts (orchestration/raw/landing.check_natural_key): a line is one
    referral identified by its referral_id, so an exact repeat is the same referral delivered twice and is
    collapsed (counted in the ledger), never counted twice; the same referral_id with other values is an error."""
    path = _write(tmp_path, GOOD + GOOD)  # the file concatenated with itself
    res = load_nri_extract(con, path, input_kind="real", vintage=None)
    assert (res.rows_read, res.rows_loaded, res.rows_quarantined, res.duplicates_collapsed) == (4, 2, 0, 2)
    assert con.execute("select referral_id from raw.uscis_nri_referrals order by 1").fetchall() == [("r1",), ("r2",)]


def test_file_level_errors(tmp_path, con):
    missing = _write(
        tmp_path, ["r1,s1,2019-03-01"], name="missing.csv", header="referral_id,subject_id,referral_date"
    )
    with pytest.raises(NriExtractError, match=r"missing.csv: line 1: required column\(s\) missing.*idncase"):
        load_nri_extract(con, missing, input_kind="real", vintage=None)
    extra = _write(tmp_path, [GOOD[0] + ",x"], name="extra.csv", header=HEADER + ",a_number")
    with pytest.raises(NriExtractError, match="extra.csv: line 1: column.s. not in the contract: a_number"):
        load_nri_extract(con, extra, input_kind="real", vintage=None)
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\n" + GOOD[0] + "\nr2,s2,,2019-03-10,,,OFO,Peñitas,GT\n").encode("latin-1"))
    with pytest.raises(NriExtractError, match="latin.csv: line 3: not UTF-8"):
        load_nri_extract(con, latin, input_kind="real", vintage=None)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(NriExtractError, match="empty"):
        load_nri_extract(con, empty, input_kind="real", vintage=None)


def test_load_inside_the_callers_transaction(tmp_path):
    from orchestration.raw.ledger import load_transaction

    path = _write(tmp_path, GOOD)
    with load_transaction(tmp_path / "t.duckdb") as con:
        res = load_nri_extract(con, path, input_kind="synthetic", vintage=None)
    assert res.rows_loaded == 2
    c = duckdb.connect(str(tmp_path / "t.duckdb"))
    assert c.execute("select count(*) from raw.uscis_nri_referrals").fetchone()[0] == 2
    c.close()
