"""USCIS NRI extract: far-future dates (2099) are refused naming file, line and column (1900 is covered by
tests/cbp_uscis/test_nri_reader.py::test_bad_values_raise_naming_file_line_and_column: before inception)."""

from __future__ import annotations

import pytest

from orchestration.uscis.nri import COLUMNS, NriExtractError, load_nri_extract


def test_referral_and_interview_dates_in_the_future_are_refused(tmp_path, con):
    row = {"referral_id": "R1", "subject_id": "S1", "idncase": "", "referral_date": "2099-01-05",
           "interview_date": "2099-01-09", "outcome": "negative", "component": "USBP", "port_or_sector": "SDC",
           "nationality": "HO", "count_basis": "", "data_origin": ""}
    path = tmp_path / "nri.csv"
    path.write_text(",".join(COLUMNS) + "\n" + ",".join(row[c] for c in COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(NriExtractError) as exc:
        load_nri_extract(con, path, input_kind="real", vintage=None)
    msg = str(exc.value)
    assert "nri.csv: line 2, column referral_date: out_of_range: in the future (got '2099-01-05')" in msg
    assert "column interview_date" not in msg or "in the future" in msg
