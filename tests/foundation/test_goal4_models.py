"""Goal 4 models on small hand-made extracts: expected values worked out by hand in the comments.

Inputs (see `_write_inputs`):
- dashboard cube (leaf rows + 'all' roll-ups):
    FY2019: one USBP/Title 8 leaf per month, value 10 x (fiscal month number): OCT=10 ... SEP=120
            -> FY2019 total = 10 x (1+...+12) = 780, all Title 8, all USBP.
    FY2020 OCT (2019-10): USBP T8 100, OFO T8 20                    -> 120 (USBP 100, OFO 20)
    FY2020 NOV (2019-11): USBP T8 50, OFO T8 '%null%', OFO FMUA T8 4 -> 54 (empty cell not counted)
    FY2021 OCT (2020-10): USBP T8 30, USBP T42 70, OFO T8 5         -> 105 (USBP 100, T8 35, T42 70)
    2022 (FYTD) OCT (2021-10): USBP T42 9                           -> 9
- state file (SW region summed over states; Northern rows ignored):
    2019-10: TX 100 + AZ 20 = 120; 2020-10: 105; 2021-10: 10 (a revision of the dashboard's 9);
    2021-11: 12 (only the state file covers it -> used, no component split).
- CBP PDF transcription (USBP by sector): 2019-10 El Paso 60 + Tucson 40 = 100 (= dashboard USBP).
- OHSS (rounded): FY2020 "01 October" El Paso 60, Tucson 40, plus a Northern sector 70 (ignored).
- CBP MPP pages, 2020-10: early snapshot USBP El Paso 60 + Tucson 40 = 100 (= dashboard USBP), OFO El Paso
  5 (= dashboard OFO); later revision USBP El Paso 61 + Tucson 40 = 101 (differs by -1, shown not hidden);
  a printed "Total" row (not a location: excluded from the location fact).
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from orchestration.raw.landing import create_empty, ingest_extract
from orchestration.raw.ledger import file_sha256
from orchestration.raw.registry import load_registry
from orchestration.raw.user_files import AOR
from orchestration.settings import PROJECT_DIR
from tests.conftest import query, run_dbt

MONTHS = ["OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP"]
DASH_HEADER = ',Fiscal Year-value,Fiscal Year-alias,Month (abbv)-value,Month (abbv)-alias,SUM(Encounter Count)-alias,Citizenship Grouping,Component,Demographic,Title of Authority'
USBP, OFO = "U.S. Border Patrol", "Office of Field Operations"


def _dash_rows() -> list[str]:
    cells: list[tuple[str, str, str, str, str, str, str]] = []  # fy, month, value, cit, comp, demo, title

    def leaf(fy, m, v, comp, title, demo="Single Adults"):
        cells.append((fy, m, v, "Mexico", comp, demo, title))

    def rollup(fy, m, v):
        cells.append((fy, m, v, "all", "all", "all", "all"))

    for i, m in enumerate(MONTHS, start=1):
        leaf("2019", m, str(10 * i), USBP, "Title 8")
        rollup("2019", m, str(10 * i))
    leaf("2020", "OCT", "100", USBP, "Title 8"); leaf("2020", "OCT", "20", OFO, "Title 8"); rollup("2020", "OCT", "120")
    leaf("2020", "NOV", "50", USBP, "Title 8"); leaf("2020", "NOV", "%null%", OFO, "Title 8")
    leaf("2020", "NOV", "4", OFO, "Title 8", demo="FMUA"); rollup("2020", "NOV", "54")
    leaf("2021", "OCT", "30", USBP, "Title 8"); leaf("2021", "OCT", "70", USBP, "Title 42")
    leaf("2021", "OCT", "5", OFO, "Title 8"); rollup("2021", "OCT", "105")
    leaf("2022 (FYTD)", "OCT", "9", USBP, "Title 42"); rollup("2022 (FYTD)", "OCT", "9")
    return [f'{i},{fy},{fy},{m},{m},{v},{cit},{comp},{demo},{title}' for i, (fy, m, v, cit, comp, demo, title) in enumerate(cells)]


def _write_inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    files["cbp_sw_encounters_dashboard"] = folder / "dash.csv"
    files["cbp_sw_encounters_dashboard"].write_text("\n".join([DASH_HEADER, *_dash_rows()]) + "\n")
    state_rows = [
        "Fiscal Year,Month Grouping,Month (abbv),Land Border Region,State,Demographic,Citizenship,Title of Authority,Encounter Count",
        "2020,FYTD,OCT,Southwest Land Border,TX,Single Adults,MEXICO,Title 8,100",
        "2020,FYTD,OCT,Southwest Land Border,AZ,Single Adults,MEXICO,Title 8,20",
        "2020,FYTD,OCT,Northern Land Border,WA,Single Adults,CANADA,Title 8,999",
        "2021,FYTD,OCT,Southwest Land Border,TX,Single Adults,MEXICO,Title 8,105",
        "2022,FYTD,OCT,Southwest Land Border,TX,Single Adults,MEXICO,Title 42,10",
        "2022,FYTD,NOV,Southwest Land Border,TX,Single Adults,MEXICO,Title 42,12",
    ]
    files["cbp_nationwide_encounters_state"] = folder / "state.csv"
    files["cbp_nationwide_encounters_state"].write_text("\n".join(state_rows) + "\n")
    spec = load_registry(PROJECT_DIR / "data" / "raw")["cbp_usbp_monthly_encounters_sector"]
    values = {c: "0" for c in spec.columns}
    values.update({"month": "10", "fy": "2020", "cy": "2019", "el_paso": "60", "tucson": "40",
                   "southwest_border": "100", "monthly_total": "100"})
    files["cbp_usbp_monthly_encounters_sector"] = folder / "usbp.psv"
    files["cbp_usbp_monthly_encounters_sector"].write_text(
        "|".join(spec.columns) + "\n" + "|".join(values[c] for c in spec.columns) + "\n"
    )
    files["ohss_usbp_encounters_region_sector"] = folder / "ohss.csv"
    files["ohss_usbp_encounters_region_sector"].write_text(
        "fiscal_year,month,region,sector,quantity\n"
        '2020,01 October,Southwest Land Border,"El Paso, TX",60\n'
        '2020,01 October,Southwest Land Border,"Tucson, AZ",40\n'
        '2020,01 October,Northern Land Border,"Blaine, WA",70\n'
    )
    page = "https://www.cbp.gov/newsroom/stats/migrant-protection-protocols"
    files["cbp_mpp_published_tables"] = folder / "pages.csv"
    files["cbp_mpp_published_tables"].write_text(
        "table,fiscal_year,month,component,location,value,source_url,page_version,parse_method\n"
        f"usbp_apprehensions_by_sw_sector,2021,2020-10,USBP,El Paso,60,{page},fy2021_page_early_snapshot,test\n"
        f"usbp_apprehensions_by_sw_sector,2021,2020-10,USBP,Tucson,40,{page},fy2021_page_early_snapshot,test\n"
        f"usbp_apprehensions_by_sw_sector,2021,2020-10,USBP,Total,100,{page},fy2021_page_early_snapshot,test\n"
        f"usbp_apprehensions_by_sw_sector,2021,2020-10,USBP,El Paso,61,{page},fy2021_printable_later_revision,test\n"
        f"usbp_apprehensions_by_sw_sector,2021,2020-10,USBP,Tucson,40,{page},fy2021_printable_later_revision,test\n"
        f"ofo_sw_inadmissibles_by_field_office,2021,2020-10,OFO,El Paso,5,{page},fy2021_page_early_snapshot,test\n"
    )
    return files


@pytest.fixture(scope="module")
def goal4_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("goal4")
    warehouse = root / "w.duckdb"
    registry = load_registry(PROJECT_DIR / "data" / "raw")
    for table, path in _write_inputs(root / "inputs").items():
        spec = dataclasses.replace(registry[table], path=path, sha256=file_sha256(path))
        ingest_extract(warehouse, spec)
    create_empty(warehouse, AOR.table, AOR.columns)  # no user file of the by-AOR layout
    run_dbt(
        ["build", "--select", "+encounter_headline_metrics +swb_encounters_source_reconciliation +swb_encounters_by_location_monthly"],
        warehouse, root / "target", {"as_of_date": "2021-12-31"},
    )
    yield warehouse
    shutil.rmtree(root, ignore_errors=True)


def test_monthly_series_picks_the_preferred_source_and_splits_components(goal4_warehouse: Path):
    rows = query(goal4_warehouse, """
        select period, encounters, usbp_encounters, ofo_encounters, title_8_encounters, title_42_encounters,
               empty_cells, source_table, fiscal_year, mpp_phase
        from marts.swb_encounters_monthly where month_start >= '2019-10-01' order by month_start""")
    assert rows == [
        ("2019-10", 120, 100, 20, 120, 0, 0, "cbp_sw_encounters_dashboard", 2020, "active"),
        ("2019-11", 54, 50, 4, 54, 0, 1, "cbp_sw_encounters_dashboard", 2020, "active"),
        ("2020-10", 105, 100, 5, 35, 70, 0, "cbp_sw_encounters_dashboard", 2021, "active"),
        ("2021-10", 9, 9, 0, 0, 9, 0, "cbp_sw_encounters_dashboard", 2022, "terminated"),
        ("2021-11", 12, None, None, 0, 12, 0, "cbp_nationwide_encounters_state", 2022, "terminated"),
    ]


def test_fiscal_year_2019_maps_october_to_the_previous_calendar_year(goal4_warehouse: Path):
    rows = query(goal4_warehouse, "select period, encounters from marts.swb_encounters_monthly where fiscal_year = 2019 order by month_start")
    assert rows[0] == ("2018-10", 10) and rows[-1] == ("2019-09", 120) and len(rows) == 12


def test_headline_has_months_and_only_complete_fiscal_years(goal4_warehouse: Path):
    fy = query(goal4_warehouse, "select period, value from marts.encounter_headline_metrics where period like 'FY%' order by 1")
    assert fy == [("FY2019", 780)]
    incomplete = query(goal4_warehouse, "select period, months_reported, is_complete from marts.swb_encounters_fiscal_year order by 1")
    assert incomplete == [("FY2019", 12, True), ("FY2020", 2, False), ("FY2021", 1, False), ("FY2022", 2, False)]
    months = query(goal4_warehouse, "select count(*), sum(value) from marts.encounter_headline_metrics where period not like 'FY%'")
    assert months == [(17, 780 + 120 + 54 + 105 + 9 + 12)]


def test_reconciliation_shows_revisions_with_both_vintages(goal4_warehouse: Path):
    rows = query(goal4_warehouse, """
        select comparison, strftime(month_start, '%Y-%m'), left_value, right_value, difference, agrees
        from marts.swb_encounters_source_reconciliation
        where month_start >= '2019-10-01' order by 1, 2""")
    assert ("dashboard_vs_state_file", "2019-10", 120, 120, 0, True) in rows
    assert ("dashboard_vs_state_file", "2021-10", 9, 10, -1, False) in rows
    assert ("dashboard_usbp_vs_cbp_pdf", "2019-10", 100, 100, 0, True) in rows
    assert ("dashboard_usbp_vs_ohss", "2019-10", 100, 100, 0, True) in rows
    assert ("dashboard_leaves_vs_rollup", "2019-11", 54, 54, 0, True) in rows
    page_rows = [r for r in rows if r[0].endswith("_vs_mpp_page")]
    assert sorted(page_rows) == sorted([
        ("dashboard_usbp_vs_mpp_page", "2020-10", 100, 100, 0, True),
        ("dashboard_usbp_vs_mpp_page", "2020-10", 100, 101, -1, False),
        ("dashboard_ofo_vs_mpp_page", "2020-10", 5, 5, 0, True),
    ])


def test_location_fact_keeps_every_source_and_page_version(goal4_warehouse: Path):
    rows = query(goal4_warehouse, """
        select source_table, coalesce(page_version, '-'), component, location_code, encounter_count, is_rounded
        from marts.swb_encounters_by_location_monthly where encounter_count > 0 order by all""")
    # the CBP PDF transcription also lists the 7 other SW sectors with a published 0 that month
    assert query(goal4_warehouse, """select count(*) from marts.swb_encounters_by_location_monthly
        where source_table = 'cbp_usbp_monthly_encounters_sector' and encounter_count = 0""") == [(7,)]
    assert rows == [
        ("cbp_mpp_published_tables", "fy2021_page_early_snapshot", "OFO", "ELP", 5, False),
        ("cbp_mpp_published_tables", "fy2021_page_early_snapshot", "USBP", "EPT", 60, False),
        ("cbp_mpp_published_tables", "fy2021_page_early_snapshot", "USBP", "TCA", 40, False),
        ("cbp_mpp_published_tables", "fy2021_printable_later_revision", "USBP", "EPT", 61, False),
        ("cbp_mpp_published_tables", "fy2021_printable_later_revision", "USBP", "TCA", 40, False),
        ("cbp_usbp_monthly_encounters_sector", "-", "USBP", "EPT", 60, False),
        ("cbp_usbp_monthly_encounters_sector", "-", "USBP", "TCA", 40, False),
        ("ohss_usbp_encounters_region_sector", "-", "USBP", "EPT", 60, True),
        ("ohss_usbp_encounters_region_sector", "-", "USBP", "TCA", 40, True),
    ]


def test_as_of_date_cuts_the_series(goal4_warehouse: Path, tmp_path: Path):
    run_dbt(["build", "--select", "swb_encounters_monthly"], goal4_warehouse, tmp_path / "target", {"as_of_date": "2021-10-31"})
    assert query(goal4_warehouse, "select max(period) from marts.swb_encounters_monthly") == [("2021-10",)]
    run_dbt(["build", "--select", "swb_encounters_monthly"], goal4_warehouse, tmp_path / "target", {"as_of_date": "2021-12-31"})
