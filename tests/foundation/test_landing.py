"""Landing a delimited extract: load columns, ledger row, skip on same hash, clear errors, atomicity."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.raw.landing import ExtractFormatError, ingest_extract
from orchestration.raw.ledger import file_sha256
from orchestration.raw.registry import ExtractSpec, ProvenanceError
from tests.conftest import query


def make_spec(path: Path, columns=("Fiscal Year", "Encounter Count"), delimiter=",", key=("Fiscal Year",)) -> ExtractSpec:
    return ExtractSpec(
        table="t_extract",
        source="test",
        path=path,
        sha256=file_sha256(path) if path.exists() else "",
        vintage=date(2021, 11, 15),
        input_kind="real",
        description="test extract",
        columns=tuple(columns),
        delimiter=delimiter,
        key_columns=tuple(key),
    )


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("latin-1"))
    return path


def test_lands_every_row_as_published_text_with_load_columns(tmp_path: Path):
    src = write(tmp_path / "e.csv", 'Fiscal Year,Encounter Count\n2020,"1,234"\n2022 (FYTD),%null%\n')
    wh = tmp_path / "w.duckdb"
    result = ingest_extract(wh, make_spec(src))
    assert (result.rows_read, result.rows_loaded, result.skipped) == (2, 2, False)
    rows = query(wh, 'select "Fiscal Year", "Encounter Count", _source_sha256, _vintage, _input_kind from raw.t_extract order by 1')
    assert rows == [
        ("2020", "1,234", file_sha256(src), date(2021, 11, 15), "real"),
        ("2022 (FYTD)", "%null%", file_sha256(src), date(2021, 11, 15), "real"),
    ]
    ledger = query(wh, "select table_name, rows_read, rows_loaded, rows_quarantined, duplicates_collapsed from raw._load_ledger")
    assert ledger == [("t_extract", 2, 2, 0, 0)]


def test_same_file_twice_is_skipped_and_not_double_counted(tmp_path: Path):
    src = write(tmp_path / "e.csv", "Fiscal Year,Encounter Count\n2020,5\n")
    wh = tmp_path / "w.duckdb"
    first = ingest_extract(wh, make_spec(src))
    second = ingest_extract(wh, make_spec(src))
    assert second.skipped and second.load_id == first.load_id
    assert query(wh, "select count(*) from raw._load_ledger") == [(1,)]
    assert query(wh, "select count(*) from raw.t_extract") == [(1,)]


def test_header_columns_match_case_insensitively_and_in_any_order(tmp_path: Path):
    src = write(tmp_path / "e.csv", "ENCOUNTER COUNT,fiscal year,Extra\n7,2019,x\n")
    wh = tmp_path / "w.duckdb"
    ingest_extract(wh, make_spec(src))
    assert query(wh, 'select "Fiscal Year", "Encounter Count", "Extra" from raw.t_extract') == [("2019", "7", "x")]


def test_missing_column_names_the_file_and_the_column(tmp_path: Path):
    src = write(tmp_path / "e.csv", "Fiscal Year,Count\n2020,5\n")
    with pytest.raises(ExtractFormatError, match=r"e\.csv: column\(s\) 'Encounter Count' missing"):
        ingest_extract(tmp_path / "w.duckdb", make_spec(src))


def test_empty_file_is_a_clear_error(tmp_path: Path):
    src = write(tmp_path / "empty.csv", "")
    with pytest.raises(ExtractFormatError, match="empty.csv: the file is empty"):
        ingest_extract(tmp_path / "w.duckdb", make_spec(src))


def test_a_row_with_too_many_fields_fails_with_its_line_and_leaves_the_old_table(tmp_path: Path):
    good = write(tmp_path / "e.csv", "Fiscal Year,Encounter Count\n2020,5\n")
    wh = tmp_path / "w.duckdb"
    ingest_extract(wh, make_spec(good))
    bad = write(tmp_path / "e.csv", "Fiscal Year,Encounter Count\n2020,5\n2021,6,oops\n")
    with pytest.raises(ExtractFormatError, match=r"e\.csv:.*[Ll]ine.*3|e\.csv:.*3"):
        ingest_extract(wh, make_spec(bad))
    # the failed load changed nothing: the earlier table and ledger are intact
    assert query(wh, 'select "Fiscal Year", "Encounter Count" from raw.t_extract') == [("2020", "5")]
    assert query(wh, "select count(*) from raw._load_ledger") == [(1,)]


def test_bundled_file_whose_hash_differs_from_provenance_is_refused(tmp_path: Path):
    src = write(tmp_path / "e.csv", "Fiscal Year,Encounter Count\n2020,5\n")
    spec = make_spec(src)
    object.__setattr__(spec, "sha256", "0" * 64)
    with pytest.raises(ProvenanceError, match="update the provenance entry"):
        ingest_extract(tmp_path / "w.duckdb", spec)
    assert not (tmp_path / "w.duckdb").exists() or not query(
        tmp_path / "w.duckdb", "select * from information_schema.tables where table_name = 't_extract'"
    )


def test_wrong_delimiter_is_reported_as_a_missing_column(tmp_path: Path):
    src = write(tmp_path / "e.csv", "Fiscal Year;Encounter Count\n2020;5\n")
    with pytest.raises(ExtractFormatError, match="missing from the header"):
        ingest_extract(tmp_path / "w.duckdb", make_spec(src))


def test_a_file_with_only_a_header_is_an_error(tmp_path: Path):
    src = write(tmp_path / "e.csv", "Fiscal Year,Encounter Count\n")
    with pytest.raises(ExtractFormatError, match="no data rows"):
        ingest_extract(tmp_path / "w.duckdb", make_spec(src))
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert con.execute("select count(*) from raw._load_ledger").fetchone() == (0,)
    con.close()
