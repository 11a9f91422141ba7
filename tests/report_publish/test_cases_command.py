"""``mpp-metrics cases`` answers only for figures the publication publishes.

Found by the newcomer pass: with a publication as of 2022-08-31 (after the EOIR release's vintage 2021-02-15),
metrics.json listed every court figure in ``unavailable`` but ``cases g2_removal_orders_in_absentia`` still
printed ``cumulative as of 2022-08-31: 32,959 cases``. A figure listed in ``marts.headline_unavailable`` is
refused with its reason (exit 1); a published one lists its cases as before.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.publish import publish_warehouse
from orchestration.settings import get_settings

from .conftest import make_small_build

REASON = "eoir_release: EOIR release vintage 2021-02-15 is before the as-of date 2022-08-31"


def _publish(var: Path, unavailable: bool, zero: bool = False) -> None:
    build = var / "warehouse" / "build.duckdb"
    make_small_build(build, as_of="2022-08-31")
    con = duckdb.connect(str(build))
    try:
        con.execute("create or replace table marts.court_headline_metrics as "
                    "select 'g2_initial_completions' as metric_id, null::varchar as period, 3::bigint as value")
        if zero:  # a court figure whose value is 0: no row in court_metric_cases
            con.execute("insert into marts.court_headline_metrics values ('g2_terminations', null, 0)")
        con.execute("alter table marts.court_metric_cases add column as_of_date date default date '2022-08-31'")
        if unavailable:
            con.execute("insert into marts.headline_unavailable values "
                        "('g2_initial_completions', null, ?, 'eoir_release', date '2022-08-31')", [REASON])
    finally:
        con.close()
    publish_warehouse(build, get_settings().published_dir, as_of_date="2022-08-31", run_id="r1")


def _cases(capfd, metric_id: str = "g2_initial_completions") -> tuple[int, str]:
    """Exit code and printed text of ``mpp-metrics cases METRIC_ID`` (the CLI prints to the real stdout, so
    the text is captured at the file descriptor)."""
    capfd.readouterr()
    result = CliRunner().invoke(app, ["cases", metric_id])
    return result.exit_code, " ".join(capfd.readouterr().out.split())


def test_cases_of_an_unavailable_figure_are_refused_with_the_reason(isolated_var: Path, capfd):
    _publish(isolated_var, unavailable=True)
    code, out = _cases(capfd)
    assert code == 1, out
    assert "is not published as of 2022-08-31" in out and "vintage 2021-02-15" in out
    assert "3 cases" not in out


def test_cases_of_a_published_figure_are_listed(isolated_var: Path, capfd):
    _publish(isolated_var, unavailable=False)
    code, out = _cases(capfd)
    assert code == 0, out
    assert "g2_initial_completions cumulative as of 2022-08-31: 3 cases" in out


def test_cases_of_a_figure_whose_value_is_0_are_zero_cases(isolated_var: Path, capfd):
    """Issue 18 item 7: a published court figure of 0 has no row in marts.court_metric_cases, and `cases`
    answered 'unknown court metric' (exit 2). It is a known figure with zero cases (exit 0)."""
    _publish(isolated_var, unavailable=False, zero=True)
    code, out = _cases(capfd, "g2_terminations")
    assert code == 0, out
    assert "g2_terminations cumulative as of 2022-08-31: 0 cases (the figure is 0" in out
    assert "unknown" not in out
    code, out = _cases(capfd, "g2_no_such_metric")
    assert code == 2 and "unknown court metric 'g2_no_such_metric'" in out and "g2_terminations" in out


def test_cases_of_a_figure_of_another_source_say_it_is_not_a_court_figure(isolated_var: Path, capfd):
    """Newcomer pass: `cases g4_swb_encounters` answered 'unknown court metric' for a published figure. It is
    a CBP figure with no EOIR cases behind it: refused (exit 2) saying so, listing the court figures."""
    _publish(isolated_var, unavailable=False)  # the small build's headline_metrics holds g4_swb_encounters
    code, out = _cases(capfd, "g4_swb_encounters")
    assert code == 2, out
    assert "'g4_swb_encounters' is not a court figure" in out and "g2_initial_completions" in out
    assert "unknown" not in out
