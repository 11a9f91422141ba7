"""Two real sources serving the same figure: a difference beyond the pair's tolerance blocks the build, a
smaller one warns (seed source_pair_tolerances, model swb_encounters_source_reconciliation).

Inputs: the hand-made goal-4 extracts of test_goal4_models.py, plus one dashboard month with realistic
counts, November 2021 (FY2022 NOV): a USBP Title 42 leaf of 10,000 and its roll-up of 10,000. The state file's
November 2021 (12 there) becomes the value under test. Pair dashboard_vs_state_file: agreement 0, block
tolerance = greatest(10, 2% of the state file's value):
- 10,150: difference -150, block tolerance 203 -> warns (a revision);
- 10,300: difference -300, block tolerance 206 -> blocks;
- the state file shifted by one month (every OCT row dated NOV): 2019-11 reads dashboard 54 against 120,
  difference -66, block tolerance 10 -> blocks.
Every case also has two small revisions within the floor of 10, which warn: October 2021, dashboard 9
against the state file's 10, and October 2020, dashboard USBP 100 against 101 on the later MPP page revision.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from orchestration.raw.landing import ingest_extract
from orchestration.raw.ledger import file_sha256
from orchestration.raw.registry import load_registry
from orchestration.settings import PROJECT_DIR
from tests.conftest import query, run_dbt
from tests.foundation.test_goal4_models import _write_inputs

SELECT = ["build", "--select", "+swb_encounters_source_reconciliation"]
BLOCKING_TEST = "cross_source_figures_within_tolerance"


def _inputs(folder: Path, state_nov_2021: str, shift_state_months: bool = False) -> dict[str, Path]:
    files = _write_inputs(folder)
    dash = files["cbp_sw_encounters_dashboard"]
    dash.write_text(dash.read_text() + (
        "900,2022 (FYTD),2022 (FYTD),NOV,NOV,10000,Mexico,U.S. Border Patrol,Single Adults,Title 42\n"
        "901,2022 (FYTD),2022 (FYTD),NOV,NOV,10000,all,all,all,all\n"))
    state = files["cbp_nationwide_encounters_state"]
    text = state.read_text().replace("2022,FYTD,NOV,Southwest Land Border,TX,Single Adults,MEXICO,Title 42,12",
                                     f"2022,FYTD,NOV,Southwest Land Border,TX,Single Adults,MEXICO,Title 42,{state_nov_2021}")
    if shift_state_months:
        text = text.replace(",FYTD,OCT,", ",FYTD,NOV,").replace("2022,FYTD,NOV,Southwest Land Border,TX,Single Adults,"
                                                                  f"MEXICO,Title 42,{state_nov_2021}\n", "")
    state.write_text(text)
    return files


def _build(root: Path, files: dict[str, Path]) -> Path:
    warehouse = root / "w.duckdb"
    registry = load_registry(PROJECT_DIR / "data" / "raw")
    for table, path in files.items():
        ingest_extract(warehouse, dataclasses.replace(registry[table], path=path, sha256=file_sha256(path)))
    return warehouse


def _statuses(warehouse: Path) -> list[tuple]:
    return query(warehouse, """
        select comparison, strftime(month_start, '%Y-%m'), left_value, right_value, block_tolerance, check_status
        from marts.swb_encounters_source_reconciliation where check_status <> 'agrees' order by all""")


@pytest.fixture
def root(tmp_path: Path):
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_revision_within_the_pairs_tolerance_warns_and_the_build_passes(root):
    warehouse = _build(root, _inputs(root / "inputs", "10150"))
    run_dbt(SELECT, warehouse, root / "target", {"as_of_date": "2021-12-31"})  # raises on a blocking failure
    assert _statuses(warehouse) == [
        ("dashboard_usbp_vs_mpp_page", "2020-10", 100, 101, 10.0, "warns"),  # the later page revision
        ("dashboard_vs_state_file", "2021-10", 9, 10, 10.0, "warns"),
        ("dashboard_vs_state_file", "2021-11", 10000, 10150, 203.0, "warns"),
    ]


@pytest.mark.parametrize(("state_nov_2021", "shift", "blocked"), [
    ("10300", False, ("dashboard_vs_state_file", "2021-11", 10000, 10300, 206.0, "blocks")),
    ("10000", True, ("dashboard_vs_state_file", "2019-11", 54, 120, 10.0, "blocks")),
], ids=["scaled_by_3_percent", "shifted_by_one_month"])
def test_a_source_beyond_the_pairs_tolerance_fails_the_blocking_test(root, state_nov_2021, shift, blocked):
    warehouse = _build(root, _inputs(root / "inputs", state_nov_2021, shift))
    with pytest.raises(AssertionError, match=rf"{BLOCKING_TEST}\.\w+: fail"):
        run_dbt(SELECT, warehouse, root / "target", {"as_of_date": "2021-12-31"})
    assert blocked in _statuses(warehouse)
