"""CBP files a user brings (--cbp-encounters): layout detection, vintage, fiscal-year labels such as
'2025 (FYTD)', unknown months, several vintages. Hand-made files: tests/fixtures/cbp_user_files/README.md."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from expectations.registry import BY_NAME
from expectations.runner import run_suite
from orchestration.raw import user_files
from orchestration.raw.landing import ExtractFormatError, ingest_extract
from orchestration.raw.user_files import UserFileError, user_spec, user_specs
from orchestration.settings import PROJECT_DIR

FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "cbp_user_files"
AOR_V1 = FIXTURES / "sw-land-border-encounters-aor-2025-01-15.csv"
AOR_V2 = FIXTURES / "sw-land-border-encounters-aor-revised.csv"
STATE = FIXTURES / "nationwide-encounters-state.csv"


def test_layout_is_detected_from_the_header_and_the_vintage_is_decided_as_documented():
    v1 = user_spec(AOR_V1)
    assert (v1.table, v1.vintage) == ("cbp_sw_encounters_aor", date(2025, 1, 15))  # date in the file name
    assert v1.origin["vintage_basis"] == "date in the file name"
    v2 = user_spec(AOR_V2, date(2025, 2, 20))  # PATH@2025-02-20
    assert v2.vintage == date(2025, 2, 20)
    # no date anywhere: the day after the latest month (JAN of FY2025 = 2025-01)
    state = user_spec(STATE)
    assert (state.table, state.vintage) == ("cbp_nationwide_encounters_state", date(2025, 2, 1))
    assert user_files.fiscal_month_start(2025, "OCT") == date(2024, 10, 1)
    assert user_files.fiscal_month_start(2025, "SEP") == date(2025, 9, 1)
    # a folder: its CSV files of the layout, oldest vintage first (the newest lands last); in the folder the
    # revised file has no date: the day after its latest month (DEC of FY2025 = 2024-12) -> 2025-01-01
    specs = user_specs([str(FIXTURES)], "cbp_sw_encounters_aor")
    assert [(s.path.name, s.vintage) for s in specs] == [(AOR_V2.name, date(2025, 1, 1)), (AOR_V1.name, date(2025, 1, 15))]


def test_a_header_of_no_known_layout_and_a_bad_vintage_are_errors(tmp_path: Path):
    other = tmp_path / "other.csv"
    other.write_text("Fiscal Year,Month,Count\n2025,OCT,1\n", encoding="utf-8")
    with pytest.raises(UserFileError, match=r"other\.csv: line 1 \(header\) matches no CBP encounter layout"):
        user_spec(other)
    with pytest.raises(UserFileError, match="not a calendar date"):
        user_files.split_vintage(f"{AOR_V1}@2025-02-30")
    with pytest.raises(UserFileError, match="no such file or folder"):
        user_files.expand([str(tmp_path / "missing.csv")])


def _with_bad_month(tmp_path: Path) -> Path:
    bad = tmp_path / "aor.csv"
    lines = AOR_V1.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",SEP,", ",SEPT,")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bad


def test_an_unknown_month_fails_naming_file_line_and_column(tmp_path: Path):
    bad = _with_bad_month(tmp_path)
    with pytest.raises(UserFileError, match=r"aor\.csv: line 3, column 'Month \(abbv\)': unknown month 'SEPT'"):
        user_spec(bad)
    # the landing check says the same for a spec that reaches it (nothing is written)
    spec = user_spec(AOR_V1)
    spec = type(spec)(**{**spec.__dict__, "path": bad})
    warehouse = tmp_path / "w.duckdb"
    with pytest.raises(ExtractFormatError, match=r"(?s)aor\.csv: .*line 3, column 'Month \(abbv\)': unknown month .*'SEPT'"):
        ingest_extract(warehouse, spec, verify_provenance=False)
    con = duckdb.connect(str(warehouse))
    assert con.execute("select count(*) from raw._load_ledger").fetchone()[0] == 0
    con.close()


def test_two_vintages_the_later_wins_per_month_and_both_stay_in_history(tmp_path: Path):
    warehouse = tmp_path / "w.duckdb"
    for spec in user_specs([str(AOR_V1), f"{AOR_V2}@2025-02-20"], "cbp_sw_encounters_aor"):
        ingest_extract(warehouse, spec, verify_provenance=False)
    con = duckdb.connect(str(warehouse))
    current = con.execute("""select "Fiscal Year", "Month (abbv)", sum("Encounter Count"::int), any_value(_vintage)
                             from raw.cbp_sw_encounters_aor group by 1, 2 order by 1, 2""").fetchall()
    history = con.execute("select count(*), count(distinct _vintage) from raw.cbp_sw_encounters_aor__history").fetchone()
    con.close()
    v2 = date(2025, 2, 20)
    assert current == [("2024", "SEP", 210, v2), ("2025 (FYTD)", "DEC", 30, v2), ("2025 (FYTD)", "NOV", 40, v2),
                       ("2025 (FYTD)", "OCT", 65, v2)]
    assert history == (5 + 6, 2)


def test_a_fytd_fiscal_year_label_passes_the_raw_check(tmp_path: Path):
    """'2025 (FYTD)' in CBP's official state layout is FY2025 (was refused: try_cast of the whole label)."""
    shutil.copy(STATE, tmp_path / "state.csv")
    warehouse = tmp_path / "w.duckdb"
    ingest_extract(warehouse, user_spec(tmp_path / "state.csv"), verify_provenance=False)
    outcome = run_suite(BY_NAME["raw_cbp_nationwide_encounters_state"], warehouse, {"as_of": "2025-01-31"})
    assert not outcome.failed("error"), [e.id for e in outcome.failed("error")]
