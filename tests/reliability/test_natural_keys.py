"""Natural keys of the aggregate extracts: a key twice in one file is refused at landing, before dbt.

In an aggregate extract (CBP cube, state file, MPP page tables ...) each row is one figure; the same key
twice, even on two identical lines, counts the figure twice (issue 14: a dashboard whose rows appeared
twice was published with every goal-4 figure doubled). Landing raises ``ExtractFormatError`` naming the
file, the key values and every line holding the key, and writes nothing (one transaction).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from orchestration.raw.landing import ExtractFormatError, ingest_extract
from orchestration.raw.ledger import file_sha256
from orchestration.raw.registry import ProvenanceError, load_registry
from orchestration.settings import PROJECT_DIR
from tests.conftest import query
from tests.reliability.conftest import extract_spec, write

HDR = "Fiscal Year,Month (abbv),Encounter Count\n"
RAW = PROJECT_DIR / "data" / "raw"


def land(tmp_path: Path, name: str, body: str, **kw):
    src = write(tmp_path / name, HDR + body)
    return ingest_extract(tmp_path / "w.duckdb", extract_spec(src, **kw), verify_provenance=False)


def warehouse_state(wh: Path, table: str) -> tuple:
    """Ledger rows, history rows and current rows of ``raw.<table>`` (what a refused load must not change)."""
    return (
        query(wh, "select load_id, table_name, rows_loaded from raw._load_ledger order by all"),
        query(wh, f"select count(*) from raw.{table}__history"),
        query(wh, f"select * exclude (_loaded_at) from raw.{table} order by all"),
    )


def test_an_exact_repeated_line_is_a_duplicate_natural_key_naming_the_file_and_both_lines(tmp_path):
    land(tmp_path, "good.csv", "2020,OCT,5\n")
    before = warehouse_state(tmp_path / "w.duckdb", "t_monthly")
    with pytest.raises(ExtractFormatError) as exc:
        land(tmp_path, "twice.csv", "2020,OCT,5\n2020,NOV,6\n2020,OCT,5\n")
    msg = str(exc.value)
    assert "twice.csv: duplicate natural key: 1 key(s) of (Fiscal Year, Month (abbv))" in msg
    assert "key ('2020', 'OCT') on lines 2, 4 (identical lines)" in msg
    assert warehouse_state(tmp_path / "w.duckdb", "t_monthly") == before


def test_the_same_key_with_different_values_or_spelling_is_refused_with_every_line(tmp_path):
    """'oct' = 'OCT' and '2022 (FYTD)' = '2022' (one period, history.period_key_sql): three lines, one key."""
    with pytest.raises(ExtractFormatError) as exc:
        land(tmp_path, "revised.csv", "2022 (FYTD),OCT,5\n2022,NOV,1\n2022, oct ,7\n2022,OCT,5\n")
    msg = str(exc.value)
    assert "key ('2022 (FYTD)', 'OCT') on lines 2, 4, 5 (different values)" in msg
    assert "(2 repeated line(s))" in msg
    assert query(tmp_path / "w.duckdb", "select count(*) from raw._load_ledger") == [(0,)]


def test_many_repeated_keys_are_listed_up_to_a_limit(tmp_path):
    body = "".join(f"{2000 + i},OCT,{i}\n" for i in range(30))
    with pytest.raises(ExtractFormatError) as exc:
        land(tmp_path, "block.csv", body + body)
    msg = str(exc.value)
    assert "30 key(s)" in msg and "(30 repeated line(s))" in msg
    assert "key ('2000', 'OCT') on lines 2, 32 (identical lines)" in msg
    assert "key ('2019', 'OCT') on lines 21, 51" in msg and "'2020'" not in msg  # 20 listed
    assert "... and 10 more key(s)" in msg


def _real_copy(tmp_path: Path, table: str, mutate) -> tuple:
    """The bundled spec of ``table`` pointed at a mutated copy of its file, provenance re-pinned."""
    spec = load_registry(RAW)[table]
    lines = spec.path.read_text(encoding=spec.encoding).splitlines(keepends=True)
    path = tmp_path / spec.path.name
    path.write_text("".join(mutate(lines)), encoding=spec.encoding)
    return spec, dataclasses.replace(spec, path=path, sha256=file_sha256(path))


def test_a_state_file_with_a_repeated_block_of_rows_is_refused_and_the_warehouse_kept(tmp_path):
    wh = tmp_path / "w.duckdb"
    spec, bad = _real_copy(tmp_path, "cbp_nationwide_encounters_state", lambda ls: ls[:201] + ls[101:201] + ls[201:])
    ingest_extract(wh, spec)
    before = warehouse_state(wh, spec.table)
    with pytest.raises(ExtractFormatError) as exc:
        ingest_extract(wh, bad)
    msg = str(exc.value)
    assert msg.startswith(f"{bad.path}: duplicate natural key: 100 key(s)")
    # file line 102 (the 101st data row) is repeated as line 202, ... line 201 as line 301
    assert " on lines 102, 202 (identical lines)" in msg and " on lines 121, 221 (identical lines)" in msg
    assert warehouse_state(wh, spec.table) == before


def test_an_mpp_page_table_with_one_repeated_row_is_refused(tmp_path):
    spec, bad = _real_copy(tmp_path, "cbp_mpp_published_tables", lambda ls: [*ls, ls[10]])
    with pytest.raises(ExtractFormatError) as exc:
        ingest_extract(tmp_path / "w.duckdb", bad)
    msg = str(exc.value)
    table, _fy, month, component, location, *_rest, page_version, _parse = (
        spec.path.read_text().splitlines()[10].split(",")
    )
    assert f"{bad.path}: duplicate natural key: 1 key(s) of (table, month, component, location, page_version)" in msg
    assert f"key ({table!r}, {month!r}, {component!r}, {location!r}, {page_version!r}) on lines 11, 637" in msg


def test_the_doubled_dashboard_is_refused_at_landing_and_the_loaded_one_kept(tmp_path):
    wh = tmp_path / "w.duckdb"
    spec, doubled = _real_copy(tmp_path, "cbp_sw_encounters_dashboard", lambda ls: ls + ls[1:])
    ingest_extract(wh, spec)
    before = warehouse_state(wh, spec.table)
    with pytest.raises(ExtractFormatError, match=r"duplicate natural key: 7361 key\(s\).*\n  key \('2019', 'SEP', "
                                                 r"'all', 'all', 'all', 'all'\) on lines 2, 7363 \(identical lines\)"):
        ingest_extract(wh, doubled)
    assert warehouse_state(wh, spec.table) == before


def test_every_bundled_extract_declares_a_natural_key_that_holds(tmp_path):
    registry = load_registry(RAW)
    assert {t: s.key_columns for t, s in registry.items()} == {
        "cbp_sw_encounters_dashboard": ("Fiscal Year-value", "Month (abbv)-value", "Citizenship Grouping",
                                        "Component", "Demographic", "Title of Authority"),
        "cbp_nationwide_encounters_state": ("Fiscal Year", "Month (abbv)", "Land Border Region", "State",
                                            "Demographic", "Citizenship", "Title of Authority"),
        "cbp_usbp_monthly_encounters_sector": ("fy", "month"),
        "cbp_mpp_published_tables": ("table", "month", "component", "location", "page_version"),
        "ohss_usbp_encounters_region_sector": ("fiscal_year", "month", "sector"),
        "trac_mpp_court_cases_by_location": ("month",),
    }
    for spec in registry.values():  # the real files land: no key repeats in them
        assert ingest_extract(tmp_path / "w.duckdb", spec).rows_loaded > 0


def _provenance(tmp_path: Path, entry: str) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    write(folder / "f.csv", "a,b\n1,2\n")
    write(folder / "provenance.yml",
          "source: src\nfiles:\n  - {table: t, path: f.csv, sha256: x, vintage: 2020-01-01, columns: [a, b]" + entry + "}\n")
    return tmp_path


@pytest.mark.parametrize(("entry", "problem"), [
    ("", "declares no natural key"),
    (", key_columns: []", "declares no natural key"),
    (", key_columns: [c]", "key column(s) 'c' are not among its declared columns"),
    (", key_columns: [a], no_key_reason: none", "declares both key_columns and a no_key_reason"),
])
def test_a_provenance_entry_without_a_sound_natural_key_is_refused(tmp_path, entry, problem):
    with pytest.raises(ProvenanceError, match=r"provenance\.yml: entry t " + problem.replace("(", r"\(").replace(")", r"\)")):
        load_registry(_provenance(tmp_path, entry))


def test_a_file_without_natural_key_says_why_and_is_not_key_checked(tmp_path):
    registry = load_registry(_provenance(tmp_path, ", key_columns: [], no_key_reason: 'free text, one row per note'"))
    assert registry["t"].no_key_reason == "free text, one row per note"
    spec = extract_spec(write(tmp_path / "n.csv", HDR + "2020,OCT,5\n2020,OCT,5\n"), key=())
    with pytest.raises(ProvenanceError, match=r"n\.csv: extract t_monthly declares no natural key"):
        ingest_extract(tmp_path / "w.duckdb", spec, verify_provenance=False)
    reasoned = dataclasses.replace(spec, no_key_reason="test: a notes file")
    assert ingest_extract(tmp_path / "w.duckdb", reasoned, verify_provenance=False).rows_loaded == 2
