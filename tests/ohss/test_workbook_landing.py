"""The OHSS monthly tables workbook lands from the .xlsx as published (orchestration/raw/workbook.py):
hand-made workbooks in OHSS's layout (merged group headers, footnote digits, 'X' cells, fiscal-year blocks
with a Total row, a legend) and the two bundled real vintages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from orchestration.raw.ledger import file_sha256
from orchestration.raw.workbook import (
    SheetSpec,
    WorkbookFile,
    WorkbookFormatError,
    ingest_sheet,
    load_workbook_registry,
    read_fiscal_year_blocks,
    strip_footnote,
)
from orchestration.settings import PROJECT_DIR

SHEET = "CBP SWB Book-Outs by Agency"
SPEC = SheetSpec(table="ohss_test_book_outs", source="ohss_ielp", sheet=SHEET, rounded_to=10)
LEGEND = ["X Not applicable.", "3Returns to Mexico under the Migrant Protection Protocols ...",
          "Notes: To protect privacy, table cells are rounded to the nearest ten. The totals may not sum."]


def make_workbook(path: Path, blocks: list[tuple[object, list[tuple[str, list[object]]]]],
                  legend: list[str] = LEGEND, merged: bool = True) -> Path:
    """A workbook with one sheet in OHSS's layout: title rows, row 3 group headers Total CBP (C:D) and USBP
    (E:F) merged, row 4 labels with footnote digits, then per block a Total row and month rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = "Return to Table of Contents."
    ws["A2"] = "CBP SW Border Encounters Book-Outs by Agency"
    ws["C3"], ws["E3"] = "Total CBP", "USBP"
    if merged:
        ws.merge_cells("C3:D3")
        ws.merge_cells("E3:F3")
    for col, label in zip("ABCDEF", ["Fiscal Year", "Month", "Total Encounters", "Migrant Protection Protocols3",
                                    "Total Encounters", "Migrant Protection Protocols3"], strict=True):
        ws[f"{col}4"] = label
    r = 5
    for fy, rows in blocks:
        for month, values in rows:
            ws.cell(r, 1, fy if month == "Total" else None)
            ws.cell(r, 2, month)
            for i, v in enumerate(values):
                ws.cell(r, 3 + i, v)
            r += 1
    for line in legend:
        ws.cell(r, 1, line)
        r += 1
    wb.save(path)
    return path


FY2019 = (2019, [("Total", [1000, 150, 900, 120]), ("January", [400, "X", 350, "X"]), ("March", [600, 60, 550, 50])])


def cells(rows: list[dict]) -> dict[tuple, tuple]:
    return {(r["fiscal_year"], r["month"], r["column_group"], r["measure"]): (r["value"], r["cell"]) for r in rows}


def test_merged_headers_footnotes_and_x_cells_land_as_printed(tmp_path: Path):
    rows = read_fiscal_year_blocks(make_workbook(tmp_path / "w.xlsx", [FY2019]), SPEC)
    got = cells(rows)
    # 3 rows x 4 data columns; the merged group header covers both of its columns
    assert len(rows) == 12
    assert got[("2019", "Total", "Total CBP", "Migrant Protection Protocols")] == ("150", "D5")
    assert got[("2019", "January", "USBP", "Migrant Protection Protocols")] == ("X", "F6")
    assert got[("2019", "March", "USBP", "Total Encounters")] == ("550", "E7")
    assert {r["measure_label"] for r in rows} == {"Total Encounters", "Migrant Protection Protocols3"}
    assert {r["rounded_to"] for r in rows} == {"10"} and {r["fiscal_year_label"] for r in rows} == {"2019"}


def test_unmerged_group_header_applies_to_the_columns_on_its_right(tmp_path: Path):
    rows = read_fiscal_year_blocks(make_workbook(tmp_path / "w.xlsx", [FY2019], merged=False), SPEC)
    assert cells(rows)[("2019", "March", "Total CBP", "Migrant Protection Protocols")] == ("60", "D7")
    assert cells(rows)[("2019", "March", "USBP", "Migrant Protection Protocols")] == ("50", "F7")


def test_footnote_digits_are_stripped_only_when_stuck_to_the_label():
    assert strip_footnote("Migrant Protection Protocols3") == "Migrant Protection Protocols"
    assert strip_footnote("T8 repatriations1") == "T8 repatriations"
    assert strip_footnote("Title 42") == "Title 42"


@pytest.mark.parametrize("bad, reason", [("n/a", "neither a count nor"), ("-", "neither a count nor"),
                                         (-10, "not a non-negative"), (None, "empty cell"), (12.5, "not a non-negative")])
def test_other_text_in_a_data_cell_is_an_error_naming_file_sheet_and_cell(tmp_path: Path, bad, reason):
    blocks = [(2019, [("Total", [1000, 150, 900, 120]), ("March", [600, bad, 550, 50])])]
    path = make_workbook(tmp_path / "bad.xlsx", blocks)
    with pytest.raises(WorkbookFormatError, match=rf"bad.xlsx: sheet '{SHEET}', cell D6: .*{reason}"):
        read_fiscal_year_blocks(path, SPEC)


def test_a_month_printed_twice_in_a_block_is_a_duplicate_key_error(tmp_path: Path):
    blocks = [(2019, [("Total", [1, 1, 1, 1]), ("March", [1, 1, 1, 1]), ("March", [2, 2, 2, 2])])]
    with pytest.raises(WorkbookFormatError, match=r"cell C7: duplicate natural key .*month='March'.*first at cell C6"):
        read_fiscal_year_blocks(make_workbook(tmp_path / "dup.xlsx", blocks), SPEC)


def test_x_without_a_legend_defining_it_and_rounding_not_in_the_notes_are_errors(tmp_path: Path):
    with pytest.raises(WorkbookFormatError, match="legend does not define 'X'"):
        read_fiscal_year_blocks(make_workbook(tmp_path / "a.xlsx", [FY2019], legend=["Notes: nearest ten."]), SPEC)
    with pytest.raises(WorkbookFormatError, match="declares rounding to 10"):
        read_fiscal_year_blocks(make_workbook(tmp_path / "b.xlsx", [FY2019], legend=["X Not applicable."]), SPEC)


def test_a_month_row_before_any_fiscal_year_total_is_an_error(tmp_path: Path):
    blocks = [(None, [("March", [1, 1, 1, 1])])]
    with pytest.raises(WorkbookFormatError, match="cell A5: row 5 is neither a fiscal-year Total row"):
        read_fiscal_year_blocks(make_workbook(tmp_path / "m.xlsx", blocks), SPEC)


def test_a_later_vintage_wins_per_month_and_the_revision_is_kept(tmp_path: Path):
    """Vintage 1 (data through March 2019) prints March MPP 60; vintage 2 revises it to 70 and adds April."""
    v1 = make_workbook(tmp_path / "v1.xlsx", [FY2019])
    fy_v2 = (2019, [("Total", [1100, 160, 990, 130]), ("January", [400, "X", 350, "X"]),
                    ("March", [600, 70, 550, 60]), ("April", [100, 10, 90, 10])])
    v2 = make_workbook(tmp_path / "v2.xlsx", [fy_v2])
    files = [WorkbookFile("ohss_ielp", v, file_sha256(v), d) for v, d in ((v2, date(2019, 4, 30)), (v1, date(2019, 3, 31)))]
    wh = tmp_path / "w.duckdb"
    results = ingest_sheet(wh, files, SPEC, verify_provenance=False)
    assert [r.vintage for r in results] == [date(2019, 3, 31), date(2019, 4, 30)]  # oldest first
    assert ingest_sheet(wh, files, SPEC, verify_provenance=False)[1].skipped  # same files: nothing landed twice
    con = duckdb.connect(str(wh), read_only=True)
    current = con.execute("select month, value, _vintage from raw.ohss_test_book_outs where column_group = 'Total CBP' "
                          "and measure = 'Migrant Protection Protocols' order by _source_line").fetchall()
    revised = con.execute("select _vintage, value from raw.ohss_test_book_outs__history where month = 'March' "
                          "and column_group = 'Total CBP' and measure = 'Migrant Protection Protocols' order by 1").fetchall()
    ledger = con.execute("select source_file, rows_read, rows_loaded from raw._load_ledger order by vintage").fetchall()
    con.close()
    assert current == [("Total", "160", date(2019, 4, 30)), ("January", "X", date(2019, 4, 30)),
                       ("March", "70", date(2019, 4, 30)), ("April", "10", date(2019, 4, 30))]
    assert revised == [(date(2019, 3, 31), "60"), (date(2019, 4, 30), "70")]
    assert [r[1:] for r in ledger] == [(12, 12), (16, 16)]


def test_bundled_real_vintages_land_with_the_published_mpp_figures(tmp_path: Path):
    """The two bundled workbooks (MANIFEST F1): FY2019 Total CBP MPP printed 44,250 in cell F70, Mar-2019
    590 (F76), Jan-2019 'X' (F74), Nov-2021 40 (F111); both vintages in the history, August's current."""
    [source] = load_workbook_registry(PROJECT_DIR / "data" / "raw")
    [spec] = [s for s in source.sheets if s.sheet == SHEET]
    assert spec.rounded_to == 10 and spec.key_columns == ("fiscal_year", "month", "column_group", "measure")
    wh = tmp_path / "w.duckdb"
    results = ingest_sheet(wh, source.files, spec)
    assert [r.vintage for r in results] == [date(2024, 7, 31), date(2024, 8, 31)]
    con = duckdb.connect(str(wh), read_only=True)
    mpp = dict(con.execute("select cell, value from raw.ohss_swb_book_outs_by_agency where column_group = 'Total CBP' "
                           "and measure = 'Migrant Protection Protocols'").fetchall())
    vintages = con.execute("select distinct _vintage from raw.ohss_swb_book_outs_by_agency__history order by 1").fetchall()
    con.close()
    assert (mpp["F70"], mpp["F76"], mpp["F74"], mpp["F111"]) == ("44250", "590", "X", "40")
    assert vintages == [(date(2024, 7, 31),), (date(2024, 8, 31),)]


def test_bundled_encounter_sheets_land_with_their_groups(tmp_path: Path):
    """"SWB Enc by Sector+Field Ofc": column C 'Total CBP' has no group header (NULL group), D..M are USBP
    (merged D3:M3); "CBP Encounter by Type + Region": the group 'Enforcement Encounters1' loses its footnote.
    May-2019 SW border encounters: 144,110 (Total CBP, C78 of the sector sheet; D78 of the region sheet)."""
    [source] = load_workbook_registry(PROJECT_DIR / "data" / "raw")
    specs = {s.sheet: s for s in source.sheets}
    wh = tmp_path / "w.duckdb"
    for name in ("SWB Enc by Sector+Field Ofc", "CBP Encounter by Type + Region"):
        ingest_sheet(wh, source.files[-1:], specs[name])
    con = duckdb.connect(str(wh), read_only=True)
    sector = con.execute("select column_group, measure, value from raw.ohss_swb_encounters_by_sector_field_office "
                         "where cell in ('C78', 'D78', 'M78', 'N78') order by cell").fetchall()
    region = con.execute("select distinct column_group from raw.ohss_cbp_encounters_by_type_region order by 1").fetchall()
    may = con.execute("select value from raw.ohss_cbp_encounters_by_type_region where fiscal_year = '2019' "
                      "and month = 'May' and column_group = 'Total CBP' and measure = 'SW Land Border'").fetchall()
    con.close()
    assert sector[0] == (None, "Total CBP", "144110")
    assert [r[:2] for r in sector[1:]] == [("USBP", "Total USBP"), ("USBP", "Rio Grande Valley, TX"), ("OFO", "Total OFO")]
    assert region == [("Administrative Encounters",), ("Enforcement Encounters",), ("Total CBP",)]
    assert may == [("144110",)]
