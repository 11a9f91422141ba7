"""orchestration.eoir.reader.result: the per-file result and the Count.txt check."""

from __future__ import annotations

import pytest

from orchestration.eoir.reader.result import CountMismatchError, EoirLoadResult, check_count, summarize


def _result(**kw) -> EoirLoadResult:
    kw = {"table_name": "eoir_a_tblcase", "source": "eoir", "source_file": "rel.zip!A_TblCase.csv", "sha256": "x",
          "vintage": None, "input_kind": "synthetic", "rows_read": 10, "rows_loaded": 7, "rows_quarantined": 2,
          "duplicates_collapsed": 1, "raw_table": "raw.eoir_a_tblcase", **kw}
    return EoirLoadResult(**kw)


def test_check_count_passes_when_lines_and_rows_add_up_to_count_txt():
    check_count(_result(count_expected=10))
    check_count(_result(count_expected=None))  # no Count.txt: nothing to check


def test_check_count_names_the_file_the_table_and_both_numbers():
    with pytest.raises(CountMismatchError, match=r"rel.zip!A_TblCase.csv: Count.txt gives 11 rows for table "
                                                 r"A_TblCase but the file has 10 data lines"):
        check_count(_result(count_expected=11))


def test_metadata_flags_a_missing_count_and_summarize_keys_by_raw_table():
    md = summarize([_result()])
    assert list(md) == ["raw.eoir_a_tblcase"] and md["raw.eoir_a_tblcase"]["count_expected"] == -1
