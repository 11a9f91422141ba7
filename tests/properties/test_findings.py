"""Findings of the fault-injection property test, each pinned by a hand-made example."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.raw.landing import ingest_extract
from tests.conftest import query
from tests.foundation.test_landing import make_spec, write


def test_a_reordered_extract_keeps_its_unnamed_index_column(tmp_path: Path):
    """The CBP dashboard's first header cell is empty (the scrape's row index, declared ``column0``). With the
    columns reordered, that unnamed column was named by its new position (``column2``) and the file refused
    ('column0' missing): a benign change blocked the run. It now lands under its declared name."""
    columns = ("column0", "Fiscal Year", "Encounter Count")
    first = write(tmp_path / "a.csv", ",Fiscal Year,Encounter Count\n0,2020,5\n1,2021,7\n")
    moved = write(tmp_path / "b.csv", "Fiscal Year,Encounter Count,\n2020,5,0\n2021,7,1\n")
    for path, warehouse in ((first, tmp_path / "a.duckdb"), (moved, tmp_path / "b.duckdb")):
        ingest_extract(warehouse, make_spec(path, columns=columns))
        assert query(warehouse, 'select column0, "Fiscal Year", "Encounter Count" from raw.t_extract order by 1') == [
            ("0", "2020", "5"), ("1", "2021", "7")]


TRAC_HEADER = ("month,all_locations,el_paso,san_ysidro_port,calexico_port,laredo_port_of_entry,"
               "brownsville_gateway_international_bridge\n")
DASH_HEADER = (",Fiscal Year-value,Fiscal Year-alias,Month (abbv)-value,Month (abbv)-alias,SUM(Encounter Count)-alias,"
               "Citizenship Grouping,Component,Demographic,Title of Authority\n")
# FY2020 OCT and NOV: one U.S. Border Patrol leaf each (100, 50) and the month's grand total ('all' x4).
DASH_ROWS = ["0,2020,2020,OCT,OCT,100,Mexico,U.S. Border Patrol,Single Adults,Title 8\n",
             "1,2020,2020,OCT,OCT,100,all,all,all,all\n",
             "2,2020,2020,NOV,NOV,50,Mexico,U.S. Border Patrol,Single Adults,Title 8\n",
             "3,2020,2020,NOV,NOV,50,all,all,all,all\n"]


def _land_and_build(tmp_path: Path, table: str, text: str, select: list[str]) -> None:
    """Land ``text`` as the bundled extract ``table`` (its provenance: vintage, columns, keys) and dbt build
    ``select``; raises AssertionError naming the failed dbt tests."""
    import dataclasses

    from orchestration.raw.ledger import file_sha256
    from orchestration.raw.registry import load_registry
    from orchestration.settings import PROJECT_DIR
    from tests.conftest import run_dbt

    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"{table}.csv"
    path.write_text(text, encoding="utf-8")
    spec = dataclasses.replace(load_registry(PROJECT_DIR / "data" / "raw")[table], path=path, sha256=file_sha256(path))
    warehouse = tmp_path / "w.duckdb"
    ingest_extract(warehouse, spec)
    run_dbt(["build", "--select", *select], warehouse, tmp_path / "target")


TRAC_SELECT = ["stg_trac__mpp_court_cases_by_location", "trac_all_locations_not_below_its_locations"]


def test_trac_as_published_passes_its_checks(tmp_path: Path):
    _land_and_build(tmp_path, "trac_mpp_court_cases_by_location",
                    TRAC_HEADER + "2019-01,15,0,15,0,0,0\n2019-02,164,0,163,0,0,0\n", TRAC_SELECT)


@pytest.mark.parametrize(("rows", "failing_test"), [
    # Feb-2019 all-locations 164 scaled x0.1 to 16: below its San Ysidro 163
    ("2019-01,15,0,15,0,0,0\n2019-02,16,0,163,0,0,0\n", "trac_all_locations_not_below_its_locations"),
    # every month shifted by 7: Aug-2019 ends on 31 Aug, after the extract's vintage 2019-08-26
    ("2019-08,15,0,15,0,0,0\n", "month_ended_by_vintage"),
], ids=["total_below_its_parts", "month_after_the_vintage"])
def test_a_broken_trac_row_fails_a_blocking_check(tmp_path: Path, rows: str, failing_test: str):
    with pytest.raises(AssertionError, match=rf"{failing_test}[\w.]*: fail"):
        _land_and_build(tmp_path, "trac_mpp_court_cases_by_location", TRAC_HEADER + rows, TRAC_SELECT)


DASH_SELECT = ["+stg_cbp__sw_encounters_dashboard", "dashboard_months_have_their_grand_total"]


def test_a_dashboard_month_without_its_grand_total_or_its_leaves_fails_a_blocking_check(tmp_path: Path):
    _land_and_build(tmp_path / "complete", "cbp_sw_encounters_dashboard", DASH_HEADER + "".join(DASH_ROWS), DASH_SELECT)
    with pytest.raises(AssertionError, match=r"dashboard_months_have_their_grand_total[\w.]*: fail"):
        _land_and_build(tmp_path / "dropped", "cbp_sw_encounters_dashboard", DASH_HEADER + "".join(DASH_ROWS[:3]),
                        DASH_SELECT)
    # Found by the property test: the file cut after NOV's roll-up rows, before its leaves (and the leaves-vs-
    # roll-up comparison only joins months that have leaves, so the month went unchecked)
    with pytest.raises(AssertionError, match=r"dashboard_months_have_their_grand_total[\w.]*: fail"):
        _land_and_build(tmp_path / "no_leaves", "cbp_sw_encounters_dashboard",
                        DASH_HEADER + "".join([*DASH_ROWS[:2], DASH_ROWS[3]]), DASH_SELECT)


def test_a_usbp_pdf_row_whose_sectors_do_not_add_up_to_its_printed_totals_fails_a_blocking_check(tmp_path: Path):
    """Found by the property test: a sector count zeroed on one month of the USBP PDF changed a published mart
    (swb_encounters_by_location_monthly) silently. Here Oct-1999 (FY2000 month 10) prints el_paso 6386 and
    southwest_border 91410: el_paso 0 leaves the Southwest sectors 6386 short of their printed total."""
    from orchestration.raw.registry import load_registry
    from orchestration.settings import PROJECT_DIR

    text = load_registry(PROJECT_DIR / "data" / "raw")["cbp_usbp_monthly_encounters_sector"].path.read_text()
    select = ["usbp_pdf_sector_counts_add_up_to_printed_totals"]
    _land_and_build(tmp_path / "published", "cbp_usbp_monthly_encounters_sector", text, select)
    broken = text.replace("|6386|6962|", "|0|6962|", 1)
    assert broken != text
    with pytest.raises(AssertionError, match=r"usbp_pdf_sector_counts_add_up_to_printed_totals[\w.]*: fail: Got 1 result"):
        _land_and_build(tmp_path / "broken", "cbp_usbp_monthly_encounters_sector", broken, select)
