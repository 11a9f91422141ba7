"""End to end: `mpp-metrics run` on the bundled data, as a user runs it (a subprocess, a fresh var/ folder).

Expected goal-4 values are DHS/CBP's published control totals (shared/DOMAIN.md: SWB encounters
Oct-Dec 2020 = 71,929 / 72,113 / 73,994; FY2019 = 977,509; FY2020 = 458,088): the pipeline must compute
them from the bundled real extracts.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.eoir.generator import GENERATOR_VERSION

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).parent / "mpp-metrics")
PROJECT_DIR = Path(__file__).resolve().parents[2]


def run_cli(var: Path, *args: str, data_docs: bool = False) -> subprocess.CompletedProcess:
    # GE Data Docs HTML only where a test reads it (the first run): ~1 s per suite
    env = {**os.environ, "MPP_VAR_DIR": str(var), "MPP_BUILD_DATA_DOCS": str(data_docs).lower()}
    env.pop("DAGSTER_HOME", None)
    env.pop("MPP_WAREHOUSE", None)
    return subprocess.run([CLI, "run", *args], check=False, env=env, capture_output=True, text=True, timeout=1800)


def metric(doc: dict, metric_id: str, period: str | None) -> dict:
    [m] = [m for m in doc["metrics"] if m["id"] == metric_id and m["period"] == period]
    return m


@pytest.fixture(scope="module")
def first_run(default_run):
    """The session's default run on a fresh var/ (tests/e2e/conftest.py); this module works in its folder."""
    return default_run.var, default_run.proc


def test_run_prints_and_writes_the_goal_4_headline(first_run):
    var, proc = first_run
    doc = json.loads((var / "output" / "metrics.json").read_text())
    assert doc["as_of"] == "2020-12-31"
    assert set(doc["variants"]) == {"admin_closures_are_completions", "relief_after_reopening_counts"}
    assert metric(doc, "g4_swb_encounters", "2020-10") == {"id": "g4_swb_encounters", "period": "2020-10", "value": 71929,
                                                           "input": "real", "source": "cbp_sw_encounters_dashboard"}
    assert doc["unavailable"] == []  # every source covers 2020-12-31
    assert metric(doc, "g4_swb_encounters", "2020-11")["value"] == 72113
    assert metric(doc, "g4_swb_encounters", "2020-12")["value"] == 73994
    assert metric(doc, "g4_swb_encounters", "FY2019")["value"] == 977509
    assert metric(doc, "g4_swb_encounters", "FY2020")["value"] == 458088
    assert not [m for m in doc["metrics"] if m["period"] == "FY2021"], "FY2021 is incomplete as of 2020-12-31"
    assert "71,929" in proc.stdout and "977,509" in proc.stdout
    cbp = next(i for i in doc["inputs"] if i["source"] == "cbp")
    assert cbp["kind"] == "real" and all(len(f["sha256"]) == 64 for f in cbp["files"])
    # file names do not depend on where the inputs lie on this machine
    eoir = next(i for i in doc["inputs"] if i["source"] == "eoir")
    assert f"eoir_release_v{GENERATOR_VERSION}_seed20201231_scale0.01/B_TblProceeding.csv" in {
        f["name"] for f in eoir["files"]}
    assert not [f["name"] for i in doc["inputs"] for f in i["files"] if f["name"].startswith("/") or str(var) in f["name"]]


def test_second_run_on_unchanged_inputs_loads_nothing_again(first_run):
    var, _ = first_run
    warehouse = var / "warehouse" / "build.duckdb"
    con = duckdb.connect(str(warehouse), read_only=True)
    before = con.execute("select count(*) from raw._load_ledger").fetchone()[0]
    con.close()
    metrics_before = (var / "output" / "metrics.json").read_bytes()
    run_stats_before = (var / "output" / "run_stats.json").read_bytes()
    proc = run_cli(var)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    con = duckdb.connect(str(warehouse), read_only=True)
    after = con.execute("select count(*) from raw._load_ledger").fetchone()[0]
    con.close()
    assert after == before
    # answered before Dagster started (orchestration/unchanged_run.py): nothing materialized, outputs untouched;
    # its log and stats are in var/logs, OUTPUT/run_stats.json stays that of the run that wrote metrics.json
    stats = json.loads((var / "logs" / "latest.run_stats.json").read_text())
    assert stats["success"] and stats["unchanged"] and stats["materialized"] == []
    assert (var / "output" / "run_stats.json").read_bytes() == run_stats_before
    assert "nothing run, outputs left as they are" in proc.stdout
    assert (var / "output" / "metrics.json").read_bytes() == metrics_before
    doc = json.loads((var / "output" / "metrics.json").read_text())
    assert metric(doc, "g4_swb_encounters", "2020-10")["value"] == 71929
    assert "71,929" in proc.stdout


def test_unchanged_inputs_into_a_new_output_folder_write_the_report_there(first_run, tmp_path: Path):
    """Finding 6 and issue 18 item 3: nothing is rebuilt nor published again, and the new folder gets
    metrics.json (the same figures and publication as the first run's) AND the report (with its charts),
    written by the output assets themselves (the CLI writes no output: see also
    tests/foundation/test_definitions.py::test_the_cli_writes_no_output_itself)."""
    var, _ = first_run
    published = var / "published" / "mpp_metrics.duckdb"
    published_before = sha256(published)
    out = tmp_path / "new_output"
    proc = run_cli(var, "--output", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    stats = json.loads((out / "run_stats.json").read_text())
    assert {"outputs/metrics_json", "outputs/report", "outputs/published_warehouse"} <= set(stats["materialized"])
    # the dbt build was reported unchanged, not rebuilt: no staging model, no dbt docs
    assert not [k for k in stats["materialized"] if k.startswith("staging/") or k == "outputs/dbt_docs"], stats
    assert sha256(published) == published_before  # not published again
    first = json.loads((var / "output" / "metrics.json").read_text())
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["metrics"] == first["metrics"] and doc["publication"] == first["publication"]
    assert doc["as_of"] == first["as_of"] and doc["inputs"] == first["inputs"]
    html = (out / "report.html").read_text()
    assert f"Data as of <strong>{doc['as_of']}</strong>" in html
    assert f"publication <code>{doc['publication']['id']}</code>" in html
    assert sorted(p.name for p in (out / "charts").glob("*.png")) == sorted(
        p.name for p in (var / "output" / "charts").glob("*.png"))
    # the dbt tests' results of the unchanged build are reported again (rerun = False): the same warnings as
    # the build that ran them, and no blocking check without a result (Dagster printed 235 lines of it)
    assert "emitted no result" not in proc.stdout + proc.stderr
    assert warning_lines(proc) and warning_lines(proc) == warning_lines(first_run[1])


def warning_lines(proc) -> list[str]:
    """The ``warning:`` lines a run printed (one per failing warning-severity check), sorted, without where the
    rows are shown (the Data Docs page, or their index when a run writes no Data Docs HTML)."""
    return sorted(re.sub(r"; rows in .*\)$", ")", line) for line in proc.stdout.splitlines()
                  if line.startswith("warning:"))


JOB_IN_PROCESS = """
import json, sys
from dagster import DagsterInstance
from orchestration.definitions import MAIN_JOB_NAME, defs
config = {"resources": {"pipeline": {"config": {"output_dir": sys.argv[1]}}}}
result = defs.resolve_job_def(MAIN_JOB_NAME).execute_in_process(
    run_config=config, instance=DagsterInstance.ephemeral(), raise_on_error=False)
events = [e for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"]
meta = {e.asset_key.to_user_string(): {k: getattr(v, "value", v) for k, v in
        e.event_specific_data.materialization.metadata.items()} for e in events}
print(json.dumps({"success": result.success, "materialized": meta}, default=str))
"""


def test_the_job_without_the_cli_writes_the_outputs_of_an_unchanged_build(first_run, tmp_path: Path):
    """Issue 18 item 3: the Dagster job itself (as the UI or the schedule runs it, no CLI), on unchanged inputs
    into a new output folder, leaves a correct metrics.json and report there: the dbt step reports the build
    unchanged, the publish step keeps the copy made from it, the output assets write from that copy."""
    var, _ = first_run
    published_before = sha256(var / "published" / "mpp_metrics.duckdb")
    out = tmp_path / "ui_output"
    env = {**os.environ, "MPP_VAR_DIR": str(var), "MPP_BUILD_DATA_DOCS": "false"}
    env.pop("DAGSTER_HOME", None)
    env.pop("MPP_WAREHOUSE", None)
    proc = subprocess.run([sys.executable, "-c", JOB_IN_PROCESS, str(out)], check=False, env=env,
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    assert run["success"]
    done = run["materialized"]
    assert done["marts/headline_metrics"]["rebuilt"] is False
    assert done["outputs/published_warehouse"]["republished"] is False
    assert "outputs/metrics_json" in done and "outputs/report" in done
    assert not [k for k in done if k.startswith("staging/")]
    assert sha256(var / "published" / "mpp_metrics.duckdb") == published_before
    first = json.loads((var / "output" / "metrics.json").read_text())
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["metrics"] == first["metrics"] and doc["publication"] == first["publication"]
    assert done["outputs/metrics_json"]["publication_id"] == first["publication"]["id"]
    html = (out / "report.html").read_text()
    assert f"publication <code>{first['publication']['id']}</code>" in html
    assert (out / "charts").is_dir() and any((out / "charts").glob("*.png"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_as_of(var: Path) -> str:
    con = duckdb.connect(str(var / "published" / "mpp_metrics.duckdb"), read_only=True)
    try:
        return con.execute("select cast(as_of_date as varchar) from meta.publication").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def exploratory_run(first_run, tmp_path_factory: pytest.TempPathFactory):
    """An exploratory run: another as-of date, into its own output folder (sha256 of the published copy
    before and after)."""
    var, _ = first_run
    out = tmp_path_factory.mktemp("exploratory") / "out"
    before = sha256(var / "published" / "mpp_metrics.duckdb")
    proc = run_cli(var, "--as-of", "2020-11-30", "--output", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, proc, before, sha256(var / "published" / "mpp_metrics.duckdb")


def test_as_of_changes_the_figures(first_run, exploratory_run):
    var, _ = first_run
    out = exploratory_run[0]
    doc = json.loads((out / "metrics.json").read_text())
    periods = {m["period"] for m in doc["metrics"] if m["id"] == "g4_swb_encounters"}
    assert "2020-11" in periods and "2020-12" not in periods
    before = json.loads((var / "output" / "metrics.json").read_text())
    # court figures move with the as-of date too (no completion or NTA after 2020-11-30 is counted)
    assert doc["as_of"] == "2020-11-30"
    assert metric(doc, "g2_initial_completions", None)["value"] < metric(before, "g2_initial_completions", None)["value"]
    assert metric(doc, "g2_enrolled_nta_filed", None)["value"] < metric(before, "g2_enrolled_nta_filed", None)["value"]


def test_exploratory_run_leaves_the_published_copy_byte_identical(first_run, exploratory_run):
    """Finding 8: a run at another as-of date than the configured publication does not replace the analysts'
    copy unless asked; it still writes its metrics.json and its report into its --output, and says so."""
    var, _ = first_run
    out, proc, before, after = exploratory_run
    assert after == before
    assert published_as_of(var) == "2020-12-31"
    text = " ".join(proc.stdout.split())
    assert ("not published: as-of 2020-11-30 differs from the configured publication 2020-12-31; use --publish"
            in text), text[-2000:]
    assert json.loads((out / "metrics.json").read_text())["as_of"] == "2020-11-30"
    html = (out / "report.html").read_text()
    assert "Data as of <strong>2020-11-30</strong>" in html and "EXPLORATORY RUN — NOT PUBLISHED" in html
    assert (out / "unpublished" / "mpp_metrics.duckdb").is_file()  # the run's own audited copy


def test_bad_as_of_is_refused_before_anything_runs(tmp_path: Path):
    proc = run_cli(tmp_path / "var", "--as-of", "2020-02-30")
    assert proc.returncode == 2
    assert "not a valid calendar date" in proc.stdout + proc.stderr
    for bad, message in (("31/12/2020", "YYYY-MM-DD"), ("2018-12-31", "before MPP inception"),
                         ("2099-12-31", "in the future")):
        proc = run_cli(tmp_path / "var", "--as-of", bad)
        assert proc.returncode == 2 and message in " ".join((proc.stdout + proc.stderr).split()), bad
    assert not (tmp_path / "var" / "warehouse").exists()


def test_court_side_figures_are_calibrated_and_marked_synthetic(first_run):
    """Ranges: the calibration targets of the synthetic release (EOIR release issue), from DOMAIN.md's
    published control totals: ~68-71k enrolled, ~42k initial completions, 32-33k removal orders (~85% in
    absentia), ~640 relief grants."""
    var, proc = first_run
    doc = json.loads((var / "output" / "metrics.json").read_text())
    value = lambda i: metric(doc, i, None)["value"]
    assert 68_000 <= value("g2_enrolled_nta_filed") <= 71_500
    assert 41_000 <= value("g2_initial_completions") <= 43_000
    assert 31_500 <= value("g2_removal_orders") <= 33_500
    assert 0.80 <= value("g2_removal_orders_in_absentia") / value("g2_removal_orders") <= 0.90
    assert 560 <= value("g1a_relief_granted_cases") <= 720
    buckets = ["g2_removal_orders", "g2_voluntary_departures", "g2_terminations", "g2_relief_granted",
               "g2_dismissals", "g2_administrative_closures", "g2_other_completions"]
    assert sum(value(b) for b in buckets) == value("g2_initial_completions")
    assert value("g2_pending") == value("g2_enrolled_nta_filed") - value("g2_initial_completions")
    for m in doc["metrics"]:
        expected = "real" if m["id"].startswith(("g4_", "g3_cbp")) else "synthetic"
        if m["id"] == "g1b_nri_referrals":  # goal 1b: published months are real, the cumulative adds both
            expected = {"uscis_published_referrals": "real", "uscis_nri_extract": "synthetic"}.get(m["source"], "mixed")
        assert m["input"] == expected, m
    assert {i["source"]: i["kind"] for i in doc["inputs"]}["eoir"] == "synthetic"
    assert "SYNTHETIC input" in proc.stdout


def test_cbp_enrollments_and_nri_ids_are_written(first_run):
    var, _ = first_run
    doc = json.loads((var / "output" / "metrics.json").read_text())
    cbp = {m["period"]: m["value"] for m in doc["metrics"] if m["id"] == "g3_cbp_enrollments"}
    # CBP's published monthly enrollments Jan-Dec 2020 (DOMAIN.md control totals), from the bundled page table
    assert [cbp[f"2020-{m:02d}"] for m in range(1, 13)] == [1974, 1829, 2255, 215, 124, 208, 382, 768, 1167, 648, 887, 1092]
    ids = {m["id"] for m in doc["metrics"]}
    assert {"g1b_nri_referrals", "g1b_nri_positive", "g1b_nri_negative", "g1b_nri_admin_closed"} <= ids


def test_drill_down_lists_exactly_the_cases_behind_a_figure(first_run, tmp_path: Path):
    var, _ = first_run
    env = {**os.environ, "MPP_VAR_DIR": str(var)}
    out = tmp_path / "cases.csv"
    proc = subprocess.run([CLI, "cases", "g2_removal_orders_in_absentia", "--csv", str(out)], check=False,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "metric_id,period,case_id"
    # the published copy's own headline (another test may have republished it at another as-of date)
    con = duckdb.connect(str(var / "published" / "mpp_metrics.duckdb"), read_only=True)
    [(expected,)] = con.execute("select value from marts.headline_metrics "
                                "where metric_id = 'g2_removal_orders_in_absentia' and period is null").fetchall()
    con.close()
    assert len(lines) - 1 == expected
    bad = subprocess.run([CLI, "cases", "no_such_metric"], check=False, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "unknown court metric" in bad.stdout
    for period, message in (("2020-13", "must be a month"), ("2020-03", "no figure for period")):
        bad = subprocess.run([CLI, "cases", "g2_pending", "--period", period], check=False, env=env,
                             capture_output=True, text=True, timeout=120)
        assert bad.returncode == 2 and message in bad.stdout, bad.stdout


def test_every_blocking_great_expectations_check_passes_on_the_bundled_data(first_run):
    """The run's GE checks wrote one result per suite (var/data_docs/results/): no ERROR expectation failed.

    Known WARNINGS stay visible: the real CBP pages' two printed-total errors (cbp_page_totals)."""
    from expectations.registry import SUITES

    var, _ = first_run
    results = {p.stem: json.loads(p.read_text()) for p in (var / "data_docs" / "results").glob("*.json")}
    assert {s.name for s in SUITES} <= set(results)
    assert "raw_load_ledger" in results
    failed_errors = {name: [e["id"] for e in doc["expectations"] if not e["success"] and e["severity"] == "error"]
                     for name, doc in results.items()}
    assert all(not ids for ids in failed_errors.values()), failed_errors
    page_totals = results["cbp_page_totals"]["expectations"][0]
    assert not page_totals["success"] and page_totals["unexpected_count"] == 2
    assert (var / "data_docs" / "suites.html").is_file()


def test_every_suite_has_a_readable_validation_page_after_a_default_run(default_run):
    """Issue 18 item 6: after a default run every suite's latest validation has a page; every link of the Data
    Docs index resolves (19 of 20 were dead: GE's site builder kept only the last suite's pages) and points to
    no network address; each suite's page holds its name, status and every expectation's result."""
    from expectations.registry import SUITES
    from tests.expectations.test_data_docs import follow_every_link

    var = default_run.pristine  # as the default run left it (later runs of this module rewrite results)
    docs = var / "data_docs"
    pages = follow_every_link(docs / "index.html")
    results = {p.stem: json.loads(p.read_text()) for p in (docs / "results").glob("*.json")}
    assert {s.name for s in SUITES} | {"raw_load_ledger"} <= set(results)
    for name, doc in results.items():
        page = (docs / "validations" / f"{name}.html").resolve()
        assert page in pages, f"suite {name}: no page linked from the index"
        text = " ".join(pages[page].text)
        assert f"Suite {name}" in text and f"{doc['rows']} rows validated" in text, name
        for e in doc["expectations"]:
            assert e["id"] in text, (name, e["id"])
    totals = " ".join(pages[(docs / "validations" / "cbp_page_totals.html").resolve()].text)
    assert "passed with warnings" in totals and "96974" in totals  # the real CBP page's printed-total error


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists() and not os.environ.get("CI"),
                    reason="Debian chromium not installed (apt-get install -y chromium; .ci/run does it)")
def test_data_docs_open_offline_in_headless_chromium_with_content(default_run):
    """Issue 18 item 6: offline, GE's CDN-based index showed two buttons and nothing else. With every network
    request blocked, the index and a suite's page show their tables, and nothing was requested."""
    from playwright.sync_api import sync_playwright

    var = default_run.pristine  # as the default run left it (later runs of this module rewrite results)
    requests: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--headless", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.route("**/*", route)
            page.goto((var / "data_docs" / "index.html").as_uri(), wait_until="load")
            index_rows = page.locator("table tr").count()
            index_text = page.inner_text("body")
            page.get_by_role("link", name="initial_completions", exact=True).click()
            page.wait_for_load_state("load")
            suite_text = page.inner_text("body")
        finally:
            browser.close()
    assert not requests, f"the Data Docs must work offline, they requested {requests}"
    assert index_rows >= 21 and "raw_load_ledger" in index_text and "passed" in index_text
    assert "Suite initial_completions: passed" in suite_text
    assert "ic_not_after_reopening_or_remand" in suite_text


def test_dbt_test_warnings_are_printed_recorded_and_reported(first_run):
    """Issue 16 finding 6: a dbt test warning (here the synthetic release's stray-quote OTHER_COMP value that
    no lookup decodes, injected at a realistic rate) prints a `warning:` line, is a failed WARN row of the
    published meta.check_results and shows in the report, like every GE warning. Before, the multi-model
    singular test eoir_completion_codes_cover_mpp_proceedings was logged as a bare observation: nowhere."""
    var, proc = first_run
    for asset, check in [("marts/proceeding_completion_codes", "eoir_completion_codes_cover_mpp_proceedings"),
                         ("marts/proceeding_completion_codes", "warn_mpp_proceeding_codes_unknown")]:
        assert f"warning: {asset} {check}" in proc.stdout, proc.stdout[-3000:]
    con = duckdb.connect(str(var / "published" / "mpp_metrics.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select check_name, passed, severity from meta.check_results where asset_key = 'marts/proceeding_completion_codes' "
            "order by check_name"
        ).fetchall()
        unknown = con.execute(
            "select case_type, code_field, code, proceeding_codes from marts.proceeding_completion_codes where not is_decoded"
        ).fetchall()
    finally:
        con.close()
    assert ("eoir_completion_codes_cover_mpp_proceedings", False, "WARN") in rows
    assert ("warn_mpp_proceeding_codes_unknown", False, "WARN") in rows
    assert unknown and all(code.startswith('"') for _, _, code, _ in unknown), unknown
    report = (var / "output" / "report.html").read_text(encoding="utf-8")
    assert "warn_mpp_proceeding_codes_unknown" in report and "eoir_completion_codes_cover_mpp_proceedings" in report


def test_generate_bundled_writes_the_default_runs_inputs_once(tmp_path: Path):
    """`mpp-metrics generate bundled` (run by `make setup`) writes the bundled synthetic EOIR release and the
    NRI extract linked to it where a default run looks for them; a second call keeps the same files."""
    var = tmp_path / "var"
    env = {**os.environ, "MPP_VAR_DIR": str(var)}
    env.pop("MPP_WAREHOUSE", None)
    first = subprocess.run([CLI, "generate", "bundled"], check=False, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    [release] = (var / "generated").glob("eoir_release_*")
    marker = json.loads((release / "_SYNTHETIC_RELEASE.json").read_text())
    assert marker["seed"] == 20201231 and marker["scale"] == 0.01
    [nri] = (var / "generated" / "uscis").glob("uscis_nri_referrals_synthetic_*[0-9a-f].csv")
    assert "_unlinked" not in nri.name
    stamps = {p: p.stat().st_mtime_ns for p in [nri, release / "B_TblProceeding.csv", release / "_SYNTHETIC_RELEASE.json"]}
    second = subprocess.run([CLI, "generate", "bundled"], check=False, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    assert str(nri) in second.stdout.replace("\n", "")


def test_as_of_after_the_release_vintage_publishes_cbp_and_lists_court_figures_unavailable(first_run, tmp_path: Path):
    """As of 2022-08-31 on the bundled data: the EOIR release's vintage is 2021-02-15, so no court figure is
    published; they are listed in ``unavailable`` with the reason, and the CBP figures (goal 4, covered by the
    state file through 2023-09) are published; exit 0. The published copy holds the same unavailable list."""
    var, _ = first_run
    out = tmp_path / "out"
    proc = run_cli(var, "--as-of", "2022-08-31", "--output", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads((out / "metrics.json").read_text())
    con = duckdb.connect(str(var / "warehouse" / "build.duckdb"), read_only=True)
    court_ids = {r[0] for r in con.execute("select metric_id from seeds.court_metrics").fetchall()}
    con.close()
    published_ids = {m["id"] for m in doc["metrics"]}
    assert not published_ids & court_ids
    unavailable = {(u["id"], u["period"]): u["reason"] for u in doc["unavailable"]}
    assert {i for i, _ in unavailable} >= court_ids
    assert "2021-02-15" in unavailable[("g2_initial_completions", None)]
    assert "before the as-of date 2022-08-31" in unavailable[("g2_initial_completions", None)]
    # CBP: July and August 2022 published, from the state file (the dashboard ends in October 2021)
    aug = metric(doc, "g4_swb_encounters", "2022-08")
    assert aug["input"] == "real" and aug["source"] == "cbp_nationwide_encounters_state"
    assert metric(doc, "g4_swb_encounters", "FY2021")["value"] > 0
    # goal 3, CBP side: MPP 2.0 months are published from the OHSS workbook (Aug-2022: 540 book-outs, MANIFEST F1)
    aug_g3 = metric(doc, "g3_cbp_enrollments", "2022-08")
    assert (aug_g3["value"], aug_g3["input"], aug_g3["source"]) == (540, "real", "ohss_monthly_tables")
    assert metric(doc, "g3_cbp_enrollments", "2021-12")["source"] == "ohss_monthly_tables"
    assert "not published" in proc.stdout and "G2:" in proc.stdout
    # an exploratory run (not the configured as-of date): its own audited copy, beside its metrics.json
    pub = duckdb.connect(str(out / "unpublished" / "mpp_metrics.duckdb"), read_only=True)
    [(n,)] = pub.execute("select count(*) from marts.headline_unavailable").fetchall()
    [(court_published,)] = pub.execute("select count(*) from marts.headline_metrics where source = 'eoir_release'").fetchall()
    pub.close()
    assert n == len(doc["unavailable"]) and court_published == 0
    report = (out / "report.html").read_text()  # the report says so per goal
    assert report.count("Not published as of 2022-08-31") >= 3  # goals 1a, 2, 3 (court side)


def test_user_cbp_files_in_both_official_layouts_load_and_the_later_vintage_wins(first_run, tmp_path: Path):
    """--cbp-encounters with the hand-made files of tests/fixtures/cbp_user_files (values in its README): two
    vintages of the by-AOR layout (the second given as PATH@2025-02-20) and one by-state file, labelled
    '2025 (FYTD)'. As of 2025-01-31 the later vintage serves 2024-09 .. 2024-12, the state file 2025-01; the
    revisions are in marts.cbp_encounter_revisions and the closed month's 5 % revision warns; the months no
    file has (2023-10 .. 2024-08) are listed unavailable; the user files are in the ledger by sha256."""
    from orchestration.raw.ledger import file_sha256

    var, _ = first_run
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "cbp_user_files"
    v1, v2 = fixtures / "sw-land-border-encounters-aor-2025-01-15.csv", fixtures / "sw-land-border-encounters-aor-revised.csv"
    state = fixtures / "nationwide-encounters-state.csv"
    out = tmp_path / "out"
    proc = run_cli(var, "--as-of", "2025-01-31", "--output", str(out), "--cbp-encounters", str(v1),
                   "--cbp-encounters", f"{v2}@2025-02-20", "--cbp-encounters", str(state))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads((out / "metrics.json").read_text())
    g4 = {m["period"]: (m["value"], m["source"]) for m in doc["metrics"] if m["id"] == "g4_swb_encounters"}
    aor = "cbp_sw_encounters_aor"
    assert [g4[p] for p in ("2024-09", "2024-10", "2024-11", "2024-12")] == [(210, aor), (65, aor), (40, aor), (30, aor)]
    assert g4["2025-01"] == (25, "cbp_nationwide_encounters_state")
    assert g4["2020-10"] == (71929, "cbp_sw_encounters_dashboard")  # bundled months unchanged
    assert "FY2024" not in g4  # 2023-10 .. 2024-08: no file has them
    gaps = sorted(u["period"] for u in doc["unavailable"] if u["id"] == "g4_swb_encounters")
    assert gaps == [f"2023-{m}" for m in ("10", "11", "12")] + [f"2024-{m:02d}" for m in range(1, 9)]
    assert "closed_month_revised_beyond_tolerance" in proc.stdout  # the 5 % revision of 2024-09 warns
    pub = duckdb.connect(str(out / "unpublished" / "mpp_metrics.duckdb"), read_only=True)  # exploratory run
    revisions = pub.execute("""select period, previous_encounters, encounters, cells_revised, is_closed_month,
                                      exceeds_tolerance, previous_vintage, vintage
                               from marts.cbp_encounter_revisions order by period""").fetchall()
    pub.close()
    assert revisions == [("2024-09", 200, 210, 1, True, True, date(2025, 1, 15), date(2025, 2, 20)),
                         ("2024-10", 60, 65, 1, False, False, date(2025, 1, 15), date(2025, 2, 20))]
    files = {f["name"]: f["sha256"] for i in doc["inputs"] if i["source"] == "cbp" for f in i["files"]}
    assert files[v2.name] == file_sha256(v2) and files[state.name] == file_sha256(state)
    assert "uwchr_cbp-nationwide-encounters-fy20-fy23-state.csv" in " ".join(files)  # still serves FY2020-FY2023
    report = (out / "report.html").read_text()  # goal 4: which source serves each month, and the revisions
    assert "<code>cbp_sw_encounters_aor</code> (2025-02-20)" in report
    assert "<code>cbp_nationwide_encounters_state</code> (2025-02-01)" in report
    assert "marts.cbp_encounter_revisions" in report and "2025-01-15 → 2025-02-20" in report


def test_a_failed_run_keeps_the_last_good_log_and_prints_its_own_with_the_traceback(first_run, tmp_path: Path):
    """Issue 14, finding 5: a failed run truncated var/output/run.log (the last good run's log was lost) and
    the ``full log:`` path it printed was empty; a good run's log held dbt output only."""
    var, _ = first_run
    good_log = (var / "output" / "run.log").read_text()
    assert "STEP_SUCCESS" in good_log and "outputs__metrics_json" in good_log  # Dagster events, not only dbt
    good_stats = (var / "output" / "run_stats.json").read_text()
    empty = tmp_path / "nri_referrals.csv"
    empty.write_text("")
    proc = run_cli(var, "--uscis-nri", str(empty))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (var / "output" / "run.log").read_text() == good_log
    assert (var / "output" / "run_stats.json").read_text() == good_stats
    [path] = re.findall(r"full log: (\S+)", proc.stdout)
    log = Path(path).read_text()
    assert "STEP_FAILURE" in log
    assert "NriExtractError" in log and "nri_referrals.csv" in log and 'File "' in log  # the traceback
    assert (var / "logs" / "latest.log").resolve() == Path(path).resolve()
    stats = json.loads((var / "logs" / "latest.run_stats.json").read_text())
    assert stats["success"] is False and stats["steps"]
    assert len(list((var / "logs").glob("*_*.log"))) >= 2  # every earlier run's log is still there
def test_publish_flag_replaces_the_published_copy(first_run, exploratory_run, tmp_path: Path):
    """Finding 8: the same exploratory run with --publish replaces the analysts' copy (last in this module:
    it republishes as of 2020-11-30)."""
    var, _ = first_run
    before = sha256(var / "published" / "mpp_metrics.duckdb")
    out = tmp_path / "published_run"
    proc = run_cli(var, "--as-of", "2020-11-30", "--output", str(out), "--publish")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sha256(var / "published" / "mpp_metrics.duckdb") != before
    assert published_as_of(var) == "2020-11-30"
    assert json.loads((out / "metrics.json").read_text())["as_of"] == "2020-11-30"


REPORT_FIGURE = re.compile(r'data-metric-id="([^"]*)" data-period="([^"]*)">([^<]*)</span>')


def report_story(html: str) -> tuple[str, str, dict]:
    """(as-of date, publication id, {(metric id, period): value}) as printed in a report.html."""
    as_of = re.search(r"Data as of <strong>([\d-]+)</strong>", html)[1]
    publication = re.search(r"publication <code>([^<]+)</code>", html)[1]
    figures: dict = {}
    for metric_id, period, text in REPORT_FIGURE.findall(html):
        if re.fullmatch(r"[\d,]+", text):
            value = int(text.replace(",", ""))
            assert figures.setdefault((metric_id, period or None), value) == value, (metric_id, period, text)
    return as_of, publication, figures


def published_story(published: Path) -> tuple[str, str, dict]:
    """(as-of date, publication id, {(metric id, period): value}) of a published copy."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        publication, as_of = con.execute(
            "select publication_id, cast(as_of_date as varchar) from meta.publication").fetchone()
        figures = {(m, p): v for m, p, v in con.execute(
            "select metric_id, period, value from marts.headline_metrics").fetchall()}
    finally:
        con.close()
    return as_of, publication, figures


@pytest.fixture(scope="module")
def killed_after_dbt(first_run):
    """Finding 3 (last in this module: it republishes): a run at another as-of date (--publish) is SIGKILLed
    as soon as its dbt build finished (checkpoint ``after_dbt_build``: the build fingerprint recorded,
    no check on the marts, nothing published), then the same command is run again."""
    var, _ = first_run
    args = ("--as-of", "2020-10-31", "--publish")
    marker = var.parent / "checkpoint_after_dbt.txt"
    env = {**os.environ, "MPP_VAR_DIR": str(var), "MPP_BUILD_DATA_DOCS": "false",
           "MPP_TEST_CHECKPOINT": "after_dbt_build", "MPP_TEST_CHECKPOINT_FILE": str(marker)}
    env.pop("DAGSTER_HOME", None)
    env.pop("MPP_WAREHOUSE", None)
    killed = subprocess.Popen([CLI, "run", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    deadline = time.monotonic() + 1800
    while not marker.exists():
        assert killed.poll() is None, "the run ended before the after-dbt checkpoint"
        assert time.monotonic() < deadline, "the run never reached the after-dbt checkpoint"
        time.sleep(0.5)
    os.killpg(killed.pid, signal.SIGKILL)  # the run and everything it started (its own session)
    killed.wait(timeout=60)
    return killed.returncode, run_cli(var, *args)


def test_rerun_after_a_kill_between_dbt_and_publishing_checks_and_publishes_one_story(first_run, killed_after_dbt):
    """metrics.json, the published copy (meta.publication and marts.headline_metrics) and the report agree
    on the as-of date, the publication and every figure after the rerun: it ran the checks it missed and
    published, instead of rewriting metrics.json from marts that were never checked nor published."""
    var, _ = first_run
    killed_rc, proc = killed_after_dbt
    assert killed_rc == -signal.SIGKILL
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads((var / "output" / "metrics.json").read_text())
    json_figures = {(m["id"], m["period"]): m["value"] for m in doc["metrics"]}
    pub_as_of, publication, pub_figures = published_story(var / "published" / "mpp_metrics.duckdb")
    report_as_of, report_publication, report_figures = report_story((var / "output" / "report.html").read_text())
    assert doc["as_of"] == pub_as_of == report_as_of == "2020-10-31"
    assert json_figures == pub_figures
    assert len(report_figures) > 20 and report_figures.items() <= pub_figures.items()
    assert report_publication == publication == doc["publication"]["id"]
    # the rerun rebuilt and checked: dbt models were materialized again, the published copy is the rerun's
    stats = json.loads((var / "output" / "run_stats.json").read_text())
    assert "marts/headline_metrics" in stats["materialized"] and "outputs/published_warehouse" in stats["materialized"]


def test_the_readme_names_every_warning_of_the_default_run(first_run):
    """Newcomer pass: the README listed 5 of the 9 warnings a default run prints. Each warning's expectations
    (Great Expectations: in parentheses) or dbt test (its check name) is named in the README."""
    _, proc = first_run
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    lines = warning_lines(proc)
    assert len(lines) == 9, lines
    for line in lines:
        detail = re.search(r"\(([a-z0-9_, ]+)\)$", line)
        names = detail.group(1).split(", ") if detail else [line.split()[2]]
        for name in names:
            assert f"`{name}`" in readme, (name, line)
