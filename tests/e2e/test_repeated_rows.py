"""End to end: an aggregate extract with repeated rows never reaches the published copy (issue 14).

A baseline publication is built once per module from the bundled data. Then each bad extract is put in a
copy of data/raw with its provenance re-pinned (the sha256 check cannot catch it) and `mpp-metrics run`
is run on the same var/ folder: it must exit non-zero, name the file, the repeated key and both lines,
and leave the published copy (var/published/mpp_metrics.duckdb) and metrics.json byte-identical.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from orchestration.raw.ledger import file_sha256
from orchestration.settings import PROJECT_DIR
from tests.e2e.conftest import copy_of_default_run
from tests.e2e.test_cli_run import run_cli

pytestmark = pytest.mark.e2e

Mutation = Callable[[list[str]], list[str]]


def unwrapped(text: str) -> str:
    return re.sub(r"\s+", "", text)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def baseline(default_run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the session's default run (tests/e2e/conftest.py)."""
    return copy_of_default_run(default_run, tmp_path_factory.mktemp("repeated"))


def test_the_bundled_real_sources_agree_within_their_tolerances(baseline):
    """Real data: no comparison blocks; the known revisions warn (seed source_pair_tolerances, basis column):
    the early FY2021 MPP page snapshot (Oct-2020..Feb-2021, USBP and OFO) and the dashboard's preliminary
    Oct-2021 against the 2023 state file and the 2025 OHSS edition."""
    con = duckdb.connect(str(baseline / "published" / "mpp_metrics.duckdb"), read_only=True)
    try:
        rows = con.execute(
            """select check_status, comparison, strftime(month_start, '%Y-%m'), right_source, difference
               from marts.swb_encounters_source_reconciliation where check_status <> 'agrees' order by all"""
        ).fetchall()
        agreeing = con.execute("select count(*) from marts.swb_encounters_source_reconciliation "
                               "where check_status = 'agrees'").fetchone()[0]
    finally:
        con.close()
    early = "cbp_mpp_published_tables (fy2021_page_early_snapshot)"
    assert rows == [
        ("warns", "dashboard_ofo_vs_mpp_page", "2020-10", early, -3),
        ("warns", "dashboard_ofo_vs_mpp_page", "2020-11", early, -5),
        ("warns", "dashboard_ofo_vs_mpp_page", "2020-12", early, -23),
        ("warns", "dashboard_ofo_vs_mpp_page", "2021-01", early, -32),
        ("warns", "dashboard_ofo_vs_mpp_page", "2021-02", early, -11),
        ("warns", "dashboard_usbp_vs_mpp_page", "2020-10", early, -14),
        ("warns", "dashboard_usbp_vs_mpp_page", "2020-11", early, 7),
        ("warns", "dashboard_usbp_vs_mpp_page", "2020-12", early, -1),
        ("warns", "dashboard_usbp_vs_mpp_page", "2021-01", early, 4),
        ("warns", "dashboard_usbp_vs_mpp_page", "2021-02", early, 687),
        ("warns", "dashboard_usbp_vs_ohss", "2021-10", "ohss_usbp_encounters_region_sector", -535),
        ("warns", "dashboard_vs_state_file", "2021-10", "cbp_nationwide_encounters_state", -534),
    ]
    assert agreeing == 175 - len(rows)


def raw_copy_with(root: Path, relative: str, mutate: Mutation) -> Path:
    """A copy of data/raw where ``relative`` is rewritten by ``mutate`` (lines, header first) and its
    provenance entry re-pinned to the new sha256, as a careless re-delivery would be."""
    raw = root / "raw"
    shutil.copytree(PROJECT_DIR / "data" / "raw", raw)
    path = raw / relative
    old = file_sha256(path)
    path.write_text("".join(mutate(path.read_text(encoding="utf-8").splitlines(keepends=True))), encoding="utf-8")
    provenance = path.parent / "provenance.yml"
    text = provenance.read_text(encoding="utf-8")
    assert text.count(old) == 1
    provenance.write_text(text.replace(old, file_sha256(path)), encoding="utf-8")
    return raw


CASES = {
    # every data row twice (the file concatenated with itself, header once): FY2019 would read 1,955,018
    "doubled_dashboard": ("cbp/emerson_sw_encounters_dashboard_1_2021-11-15.csv", lambda ls: ls + ls[1:],
                          "key ('2019', 'SEP', 'all', 'all', 'all', 'all') on lines 2, 7363 (identical lines)"),
    # data rows 1000-1049 (file lines 1001-1050) delivered again after line 3000
    "state_file_repeated_block": ("cbp/uwchr_cbp-nationwide-encounters-fy20-fy23-state.csv",
                                  lambda ls: ls[:3001] + ls[1000:1050] + ls[3001:],
                                  "on lines 1001, 3002 (identical lines)"),
    # one row of the MPP page tables twice (file line 11 again at the end, line 637)
    "mpp_page_repeated_row": ("mpp/cbp_mpp_published_tables_fy2019_fy2021.csv", lambda ls: [*ls, ls[10]],
                              "on lines 11, 637 (identical lines)"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_extract_with_repeated_rows_blocks_the_run_and_keeps_the_published_copy(baseline, tmp_path, monkeypatch, case):
    relative, mutate, lines = CASES[case]
    published, metrics = baseline / "published" / "mpp_metrics.duckdb", baseline / "output" / "metrics.json"
    before = sha256(published), sha256(metrics)
    monkeypatch.setenv("MPP_RAW_DATA_DIR", str(raw_copy_with(tmp_path, relative, mutate)))
    proc = run_cli(baseline)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    flat = unwrapped(out)  # the console wraps long lines
    assert unwrapped(f"{tmp_path / 'raw' / relative}: duplicate natural key") in flat, out
    assert unwrapped(lines) in flat, out
    assert (sha256(published), sha256(metrics)) == before


def scaled_counts(lines: list[str], factor: float = 1.1) -> list[str]:
    """Every Encounter Count (last column) times ``factor``, rounded: no key repeats, the figures do not."""
    rows = list(csv.reader(lines))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    writer.writerows([*row[:-1], str(round(int(row[-1]) * factor))] for row in rows[1:])
    return out.getvalue().splitlines(keepends=True)


def test_a_source_scaled_beyond_its_pair_tolerance_blocks_the_run_and_keeps_the_published_copy(
        baseline, tmp_path, monkeypatch):
    """The state file's counts 10% high (provenance re-pinned): it lands (no key repeats), but the SW totals
    differ from the dashboard's by ~10%, beyond the 2% band of dashboard_vs_state_file: the error-severity
    dbt test fails the dbt step, so nothing after it (GE gate, metrics.json, publication) runs."""
    published, metrics = baseline / "published" / "mpp_metrics.duckdb", baseline / "output" / "metrics.json"
    before = sha256(published), sha256(metrics)
    relative = "cbp/uwchr_cbp-nationwide-encounters-fy20-fy23-state.csv"
    monkeypatch.setenv("MPP_RAW_DATA_DIR", str(raw_copy_with(tmp_path, relative, scaled_counts)))
    proc = run_cli(baseline)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "cross_source_figures_within_tolerance" in out, out
    assert (sha256(published), sha256(metrics)) == before
