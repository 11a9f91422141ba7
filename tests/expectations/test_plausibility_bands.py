"""The GE suite ``court_headline`` on a hand-made headline: plausibility bands (one place: seed
plausibility_bands, checked against the published shares, warnings); and the publishing gate's refusal of a
court figure as of a date after the release's vintage (blocking).

The hand-made headline below is consistent with every identity of the suite (worked out by hand):
enrolled 1,000 = completions 600 + pending 400; buckets 500 + 10 + 50 + 9 + 20 + 10 + 1 = 600;
relief 9 = asylum 5 + statutory withholding 3 + CAT 1 (9 / 600 = 1.5 %); in absentia 425 of 500 removal
orders (85 %).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from expectations.registry import BY_NAME
from expectations.runner import run_suite
from expectations.suites.court import BANDS, PLAUSIBILITY_BANDS_SEED, plausibility_bands
from orchestration.settings import PROJECT_DIR
from tests.expectations.conftest import PARAMS, failed_ids, make_warehouse

HEADLINE = {
    "g2_enrolled_nta_filed": 1000, "g3_enrolled_nta_filed": 1000, "g2_initial_completions": 600,
    "g2_pending": 400, "g2_removal_orders": 500, "g2_removal_orders_in_absentia": 425,
    "g2_voluntary_departures": 10, "g2_terminations": 50, "g2_relief_granted": 9, "g2_dismissals": 20,
    "g2_administrative_closures": 10, "g2_other_completions": 1, "g1a_relief_granted_cases": 9,
    "g1a_relief_asylum": 5, "g1a_relief_statutory_withholding": 3, "g1a_relief_cat_withholding": 1,
}


def headline_warehouse(path: Path, vintage: str = "2021-02-15", **changes: int) -> Path:
    """The hand-made headline (plus ``changes``) and a ledger whose current B_TblProceeding load has
    ``vintage`` (an earlier load with a later vintage shows only the current one counts)."""
    figures = {**HEADLINE, **changes}
    rows = [f"('{m}', null, {v})" for m, v in figures.items()]
    rows.append(f"('g2_initial_completions', '2020-12', {figures['g2_initial_completions']})")
    return make_warehouse(path, {
        "marts.court_headline_metrics": f"select * from (values {', '.join(rows)}) t(metric_id, period, value)",
        "raw._load_ledger": "select * from (values "
                            "('eoir_b_tblproceeding', timestamp '2026-01-01 00:00', date '2030-01-01'), "
                            f"('eoir_b_tblproceeding', timestamp '2026-02-01 00:00', date '{vintage}')) "
                            "t(table_name, loaded_at, vintage)",
    })


def published_shares() -> set[tuple[str, str, float]]:
    """(check id, as-of date, share) for every band whose numerator and denominator were both published
    (exact, cumulative) for the same date in the seed published_control_figures."""
    with open(PROJECT_DIR / "seeds" / "published_control_figures.csv", newline="", encoding="utf-8") as fh:
        figures = {(r["metric_id"], r["as_of"]): int(r["value"]) for r in csv.DictReader(fh)
                   if r["metric_id"] and not r["period"] and r["value_qualifier"] == "exact"}
    return {(check, as_of, figures[(band["numerator"], as_of)] / figures[(band["denominator"], as_of)])
            for check, band in BANDS.items() for (metric, as_of) in figures
            if metric == band["denominator"] and (band["numerator"], as_of) in figures}


def test_every_published_share_lies_inside_its_band():
    shares = published_shares()
    # AIC 2020-12: 638 / 42,012; TRAC 2021-01: 641 / 41,888 and 27,898 / 32,659
    assert sorted((c, d, round(s, 4)) for c, d, s in shares) == [
        ("plausible_in_absentia_share_of_removals", "2021-01-31", 0.8542),
        ("plausible_relief_share_of_completions", "2020-12-31", 0.0152),
        ("plausible_relief_share_of_completions", "2021-01-31", 0.0153),
    ]
    for check, _, share in shares:
        assert BANDS[check]["min"] <= share <= BANDS[check]["max"], check


def test_the_suite_takes_its_bands_from_the_seed():
    suite = BY_NAME["court_headline"]
    got = {e.id: (e.kwargs["min_value"], e.kwargs["max_value"], e.severity)
           for e in suite.expectations if e.id.startswith("plausible_")}
    assert got == {"plausible_relief_share_of_completions": (0.010, 0.025, "warning"),
                   "plausible_in_absentia_share_of_removals": (0.80, 0.90, "warning")}
    assert PLAUSIBILITY_BANDS_SEED == PROJECT_DIR / "seeds" / "plausibility_bands.csv"


def test_a_consistent_headline_passes_and_implausible_shares_warn(tmp_path: Path):
    suite = BY_NAME["court_headline"]
    assert failed_ids(run_suite(suite, headline_warehouse(tmp_path / "ok.duckdb"), PARAMS)) == set()
    # in absentia 250 of 500 removal orders = 50 % (band 80-90 %): a warning, nothing blocking
    low = run_suite(suite, headline_warehouse(tmp_path / "absentia.duckdb", g2_removal_orders_in_absentia=250), PARAMS)
    assert failed_ids(low) == {"plausible_in_absentia_share_of_removals"}
    assert failed_ids(low, "error") == set()
    # relief on 60 of 600 completions = 10 % (band 1.0-2.5 %), forms still summing to the cases
    high = run_suite(suite, headline_warehouse(tmp_path / "relief.duckdb", g1a_relief_granted_cases=60,
                                               g1a_relief_asylum=56), PARAMS)
    assert failed_ids(high) == {"plausible_relief_share_of_completions"}


def test_a_band_that_is_not_a_range_names_the_file_and_row(tmp_path: Path):
    bad = tmp_path / "bands.csv"
    bad.write_text("check_id,numerator_metric_id,denominator_metric_id,min_share,max_share,basis\n"
                   "plausible_x,a,b,0.5,0.4,none\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bands\.csv: row 2 \(plausible_x\): need 0 <= min_share < max_share <= 1"):
        plausibility_bands(bad)


def _published(path: Path, vintage: str, *metric_ids: str) -> Path:
    """marts.headline_metrics holding ``metric_ids`` (cumulative, as of PARAMS' 2020-12-31), the court
    metric catalogue and a ledger whose current B_TblProceeding load has ``vintage``."""
    rows = ", ".join(f"('{m}', null, 1::bigint, 'synthetic', date '2020-12-31')" for m in metric_ids)
    return make_warehouse(path, {
        "marts.headline_metrics": f"select * from (values {rows}) t(metric_id, period, value, input_kind, as_of_date)",
        "seeds.court_metrics": "select * from (values ('g2_initial_completions'), ('g2_pending')) t(metric_id)",
        "raw._load_ledger": "select * from (values "
                            "('eoir_b_tblproceeding', timestamp '2026-01-01 00:00', date '2030-01-01'), "
                            f"('eoir_b_tblproceeding', timestamp '2026-02-01 00:00', date '{vintage}')) "
                            "t(table_name, loaded_at, vintage)",
    })


def test_a_court_figure_published_as_of_a_date_after_the_release_vintage_blocks(tmp_path: Path):
    """As of 2020-12-31 (PARAMS) on a release extracted 2020-06-30 (the current load; an earlier load with a
    later vintage does not count): a court figure in the published headline blocks the publication. The
    other sources' figures alone pass: the court figures belong in headline_unavailable."""
    suite = BY_NAME["headline_metrics"]
    court = run_suite(suite, _published(tmp_path / "court.duckdb", "2020-06-30", "g2_pending", "g4_swb_encounters"),
                      PARAMS)
    assert failed_ids(court, "error") == {"published_no_court_figure_after_release_vintage"}
    cbp_only = run_suite(suite, _published(tmp_path / "cbp.duckdb", "2020-06-30", "g4_swb_encounters"), PARAMS)
    assert failed_ids(cbp_only) == set()
    # on the vintage itself: allowed
    same_day = run_suite(suite, _published(tmp_path / "same.duckdb", "2020-12-31", "g2_pending"), PARAMS)
    assert failed_ids(same_day) == set()
