"""An unchanged ``mpp-metrics run`` is answered before Dagster starts (orchestration/unchanged_run.py), and
NEVER when anything that changes a figure changed.

The setting is built by hand: a tiny project (code, dbt models, seeds, macros), bundled extracts, an EOIR
release, an NRI extract, a CBP file, and what a successful run leaves (metrics.json, report, charts, the
published copy with its meta.publication, the warehouse). After recording that run, the check answers
"unchanged" (the control); each test then changes ONE thing and the check must answer "changed"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration import state, unchanged_run
from orchestration.settings import get_settings

FINGERPRINT = "build-fp-1"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def publish(database: Path, publication_id: str, build_fingerprint: str) -> None:
    """A published copy as publish_warehouse writes it: a new file swapped in, with meta.publication."""
    database.parent.mkdir(parents=True, exist_ok=True)
    tmp = database.with_name(".new.duckdb")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    con.execute("create schema meta")
    con.execute("create table meta.publication as select ?::varchar publication_id, ?::varchar build_fingerprint",
                [publication_id, build_fingerprint])
    con.close()
    os.replace(tmp, database)


class Setting:
    """The hand-made setting of one test (paths, options) and the check's answer on it."""

    def __init__(self, root: Path, var: Path) -> None:
        self.project = root / "project"
        for rel in ("dbt_project.yml", "models/marts/m.sql", "seeds/s.csv", "macros/as_of.sql",
                    "dbt_tests/t.sql", "orchestration/a.py", "expectations/e.py", "uv.lock"):
            write(self.project / rel, f"-- {rel}\n")
        settings = get_settings()
        self.extract = write(settings.raw_data_dir / "cbp" / "encounters.csv", "Fiscal Year,Count\n2020,5\n")
        self.release = write(root / "release" / "A_TblCase.csv", "IDNCASE\t\n1\t\n")
        self.nri = write(root / "nri.csv", "referral_id\nR1\n")
        self.cbp = write(root / "cbp" / "aor.csv", "Fiscal Year\n2025\n")
        self.output = var / "output"
        self.database = settings.published_dir / "mpp_metrics.duckdb"
        self.options = {"as_of": "2020-12-31", "output_dir": str(self.output), "eoir_release": str(self.release.parent),
                        "uscis_nri": str(self.nri), "cbp_encounters": [str(self.cbp.parent)],
                        "eoir_diff_block_vanished": 0.1, "eoir_diff_block_changed": 1.0, "eoir_all_columns": False,
                        "admin_closures_are_completions": True, "relief_after_reopening_counts": True,
                        "publish": False, "publication": ""}
        write(self.output / "metrics.json", json.dumps({"publication": {"id": "p1"}}))
        write(self.output / "report.html", "<html>p1</html>")
        write(self.output / "charts" / "g4.png", "png")
        write(settings.warehouse, "warehouse bytes")
        publish(self.database, "p1", FINGERPRINT)

    def record_successful_run(self, run_id: str = "run-1") -> None:
        fingerprint = unchanged_run.run_fingerprint(self.options)
        unchanged_run.start_run(self.output, run_id)
        unchanged_run.finish_run(self.output, run_id, True, fingerprint, self.database)

    def verdict(self, **changed_options) -> unchanged_run.Verdict:
        options = {**self.options, **changed_options}
        return unchanged_run.check(options, unchanged_run.run_fingerprint(options), self.output, self.database)


@pytest.fixture
def setting(isolated_var: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Setting:
    monkeypatch.setenv("MPP_RAW_DATA_DIR", str(tmp_path / "data" / "raw"))
    monkeypatch.delenv("MPP_TEST_CHECKPOINT", raising=False)
    get_settings.cache_clear()
    s = Setting(tmp_path, isolated_var)
    monkeypatch.setattr(unchanged_run, "PROJECT_DIR", s.project)
    s.record_successful_run()
    assert s.verdict().unchanged, s.verdict().reason  # the control: nothing changed, answered unchanged
    return s


def append_byte(path: Path) -> None:
    with open(path, "ab") as fh:
        fh.write(b"\n")


@pytest.mark.parametrize("which", ["extract", "release", "nri", "cbp"])
def test_an_input_byte_changed_is_not_unchanged(setting: Setting, which: str):
    append_byte(getattr(setting, which))
    verdict = setting.verdict()
    assert not verdict.unchanged and "changed" in verdict.reason


def test_the_same_bytes_rewritten_stay_unchanged(setting: Setting):
    """A file touched (mtime changed) but not changed is hashed again and found equal: no needless rebuild."""
    text = setting.extract.read_text()
    setting.extract.write_text(text)
    os.utime(setting.extract, ns=(1, 1))
    assert setting.verdict().unchanged


def test_a_new_bundled_extract_is_not_unchanged(setting: Setting):
    write(get_settings().raw_data_dir / "ohss" / "new.csv", "x\n1\n")
    assert not setting.verdict().unchanged


def test_the_bundled_eoir_release_is_an_input(setting: Setting):
    """Without --eoir-release the bundled synthetic release is read: a byte of it changed is a change."""
    from orchestration.bundled import bundled_release_path

    bundled = write(bundled_release_path() / "B_TblProceeding.csv", "IDNPROCEEDING\n1\n")
    setting.options["eoir_release"] = ""
    setting.record_successful_run("run-2")
    assert setting.verdict().unchanged
    append_byte(bundled)
    assert not setting.verdict().unchanged


def test_the_generated_nri_extract_the_run_reads_is_an_input(setting: Setting):
    """Without --uscis-nri the generated extract linked to the run's release is read (here unlinked: the
    release is not synthetic): a byte of it changed is a change; another generated file is not read."""
    from orchestration.bundled import synthetic_nri_path

    nri = write(synthetic_nri_path(None), "referral_id\nR1\n")
    setting.options["uscis_nri"] = ""
    setting.record_successful_run("run-2")
    write(nri.with_name("uscis_nri_referrals_synthetic_other.csv"), "referral_id\nR9\n")
    assert setting.verdict().unchanged
    append_byte(nri)
    assert not setting.verdict().unchanged


@pytest.mark.parametrize("option, value", [
    ("as_of", "2020-11-30"), ("admin_closures_are_completions", False), ("relief_after_reopening_counts", False),
    ("eoir_diff_block_vanished", 0.2), ("eoir_all_columns", True), ("publish", True), ("publication", "mid"),
])
def test_an_option_changed_is_not_unchanged(setting: Setting, option: str, value):
    assert not setting.verdict(**{option: value}).unchanged


def test_a_setting_changed_is_not_unchanged(setting: Setting, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MPP_GENERATED_DIR", str(get_settings().var_dir / "elsewhere"))
    get_settings.cache_clear()
    assert not setting.verdict().unchanged


@pytest.mark.parametrize("rel", ["models/marts/m.sql", "seeds/s.csv", "macros/as_of.sql", "dbt_tests/t.sql",
                                 "dbt_project.yml", "orchestration/a.py", "expectations/e.py", "uv.lock"])
def test_code_or_dbt_project_changed_is_not_unchanged(setting: Setting, rel: str):
    append_byte(setting.project / rel)
    assert not setting.verdict().unchanged


def test_a_new_model_is_not_unchanged(setting: Setting):
    write(setting.project / "models" / "marts" / "new_mart.sql", "select 1")
    assert not setting.verdict().unchanged


def test_the_real_code_paths_cover_the_project():
    """The real project's code list holds every kind of file that can change a figure."""
    paths = {p.relative_to(unchanged_run.PROJECT_DIR).parts[0] for p in unchanged_run.code_paths()}
    assert {"orchestration", "expectations", "models", "seeds", "macros", "dbt_tests", "dbt_project.yml",
            "profiles.yml", "uv.lock"} <= paths


@pytest.mark.parametrize("what", ["missing", "other_build", "republished_same_build"])
def test_a_missing_or_different_published_copy_is_not_unchanged(setting: Setting, what: str):
    if what == "missing":
        setting.database.unlink()
    elif what == "other_build":
        publish(setting.database, "p2", "build-fp-2")
    else:  # a new file, even with the same fingerprint: not the copy metrics.json was written from
        publish(setting.database, "p1", FINGERPRINT)
    assert not setting.verdict().unchanged


@pytest.mark.parametrize("what", ["metrics_missing", "metrics_changed", "report_changed", "chart_missing"])
def test_missing_or_changed_outputs_are_not_unchanged(setting: Setting, what: str):
    if what == "metrics_missing":
        (setting.output / "metrics.json").unlink()
    elif what == "metrics_changed":
        write(setting.output / "metrics.json", json.dumps({"publication": {"id": "p0"}}))
    elif what == "report_changed":
        write(setting.output / "report.html", "<html>p0</html>")
    else:
        (setting.output / "charts" / "g4.png").unlink()
    assert not setting.verdict().unchanged


def test_a_changed_warehouse_is_not_unchanged(setting: Setting):
    append_byte(get_settings().warehouse)
    verdict = setting.verdict()
    assert not verdict.unchanged
    # the reason says why a run into an untouched output folder rebuilds: another run rebuilt the warehouse
    assert verdict.reason.startswith("the build warehouse was rebuilt since by another run")


def test_after_a_failed_run_nothing_is_unchanged(setting: Setting):
    """A failed run with the same options (and one into another folder) forgets every record."""
    unchanged_run.start_run(setting.output, "run-failed")
    unchanged_run.finish_run(setting.output, "run-failed", False, None, setting.database)
    assert not setting.verdict().unchanged


def test_a_failed_run_into_another_folder_forgets_this_folders_record_too(setting: Setting, tmp_path: Path):
    other = tmp_path / "other_output"
    unchanged_run.start_run(other, "run-failed")
    unchanged_run.finish_run(other, "run-failed", False, None, setting.database)
    assert not setting.verdict().unchanged


def test_a_killed_run_leaves_nothing_unchanged(setting: Setting, tmp_path: Path):
    """A run killed after it started (its pending mark is left): no later run is answered unchanged, and the
    next normal run forgets every record."""
    unchanged_run.start_run(tmp_path / "other_output", "run-killed")
    assert not setting.verdict().unchanged
    unchanged_run.start_run(setting.output, "run-next")
    assert not state.read("runs").get(str(setting.output))


def test_after_a_killed_or_failed_run_a_successful_run_answers_again(setting: Setting, tmp_path: Path):
    """The mark of a killed run stays until a normal run starts: that run forgets every record (this folder's
    too, though it writes elsewhere); once a run into this folder succeeds, its next run is answered."""
    unchanged_run.start_run(tmp_path / "other_output", "run-killed")
    unchanged_run.start_run(setting.output, "run-failed")
    unchanged_run.finish_run(setting.output, "run-failed", False, None, setting.database)
    other = tmp_path / "other_output"
    unchanged_run.start_run(other, "run-elsewhere")
    unchanged_run.finish_run(other, "run-elsewhere", True, "fp", setting.database)
    assert not setting.verdict().unchanged
    setting.record_successful_run("run-again")
    assert setting.verdict().unchanged


def test_a_test_checkpoint_is_never_answered_unchanged(setting: Setting, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MPP_TEST_CHECKPOINT", "after_dbt_build")
    assert not setting.verdict().unchanged


def test_an_unreadable_store_means_a_normal_run(setting: Setting):
    state.store_path().write_text("{not json")
    assert not setting.verdict().unchanged


NO_OP = """
import sys
from orchestration.cli import app
try:
    app(["run", "--eoir-release", sys.argv[1], "--uscis-nri", sys.argv[2]], standalone_mode=False)
finally:
    heavy = sorted({m.split(".")[0] for m in sys.modules} & {"dagster", "dagster_dbt", "dbt", "great_expectations"})
    print("HEAVY", heavy)
"""


def fake_successful_run(output_dir: Path, database: Path):
    """What `mpp-metrics run` leaves after a success, without running the pipeline (it is not under test)."""
    def _run_pipeline(options: dict, output: Path, fingerprint: str) -> None:
        doc = {"as_of": options["as_of"], "variants": {"admin_closures_are_completions": True},
               "inputs": [], "unavailable": [], "publication": {"id": "p1"},
               "metrics": [{"id": "g4_swb_encounters", "period": "FY2020", "value": 458088, "input": "real"}]}
        write(output / "metrics.json", json.dumps(doc))
        publish(database, "p1", FINGERPRINT)
        unchanged_run.start_run(output, "run-1")
        unchanged_run.finish_run(output, "run-1", True, fingerprint, database)
    return _run_pipeline


def test_the_unchanged_run_answers_without_importing_dagster_dbt_or_ge(isolated_var: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch):
    """The real CLI in a subprocess, after a (faked) successful run with the same options: exit 0, prints the
    headline and that nothing ran, writes its log and run_stats.json, and never imports Dagster, dbt or GE."""
    from typer.testing import CliRunner

    from orchestration import cli

    monkeypatch.delenv("MPP_TEST_CHECKPOINT", raising=False)
    release = write(tmp_path / "release" / "A_TblCase.csv", "IDNCASE\n1\n").parent
    nri = write(tmp_path / "nri.csv", "referral_id\nR1\n")
    settings = get_settings()
    database = settings.published_dir / "mpp_metrics.duckdb"
    monkeypatch.setattr(cli, "_run_pipeline", fake_successful_run(settings.output_dir, database))
    first = CliRunner().invoke(cli.app, ["run", "--eoir-release", str(release), "--uscis-nri", str(nri)])
    assert first.exit_code == 0, first.output
    metrics = (settings.output_dir / "metrics.json").read_bytes()
    proc = subprocess.run([sys.executable, "-c", NO_OP, str(release), str(nri)], capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "HEAVY []" in proc.stdout, proc.stdout
    assert "nothing run" in proc.stdout and "458,088" in proc.stdout
    assert (settings.output_dir / "metrics.json").read_bytes() == metrics
    stats = json.loads((settings.var_dir / "logs" / "latest.run_stats.json").read_text())
    assert stats["success"] and stats["unchanged"] and stats["materialized"] == []
    assert stats["answered_from_run"] == "run-1"
    assert "answered from run run-1" in (settings.var_dir / "logs" / "latest.log").read_text()
    # OUTPUT/run.log and run_stats.json stay those of the run that wrote metrics.json (none here: faked)
    assert not (settings.output_dir / "run_stats.json").exists()


@pytest.mark.parametrize("damaged", ["corrupt", ["a list"], {"fingerprint": "x", "leftovers": "corrupt"}])
def test_a_damaged_run_record_is_as_none_never_a_crash(setting: Setting, damaged):
    """Break-it pass: a run record that is not an object (edited by hand) made every run crash with
    AttributeError in the unchanged-run check. It counts as no record: the run runs."""
    state.update("runs", lambda runs: runs.__setitem__(str(setting.output), damaged))
    verdict = setting.verdict()
    assert not verdict.unchanged
    assert verdict.reason in ("no successful run into this output folder is recorded",
                              "inputs, options, settings or code changed")


def test_a_parquet_file_of_the_copy_deleted_or_its_link_swapped_means_a_run(isolated_var: Path, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch):
    """Break-it pass: with the copy's Parquet link pointed at an earlier publication's folder (a publish killed
    between its two renames), or a Parquet file deleted, the run was answered unchanged."""
    monkeypatch.setenv("MPP_RAW_DATA_DIR", str(tmp_path / "data" / "raw"))
    monkeypatch.delenv("MPP_TEST_CHECKPOINT", raising=False)
    get_settings.cache_clear()
    s = Setting(tmp_path, isolated_var)
    monkeypatch.setattr(unchanged_run, "PROJECT_DIR", s.project)
    published = s.database.parent
    for name in ("parquet-p0", "parquet-p1"):
        write(published / name / "marts__headline_metrics.parquet", name)
    (published / "parquet").symlink_to("parquet-p1")
    s.record_successful_run()
    assert s.verdict().unchanged, s.verdict().reason
    (published / "parquet").unlink()
    (published / "parquet").symlink_to("parquet-p0")  # the link of an earlier publication
    assert s.verdict().reason == "parquet files differs from what the last run left"
    (published / "parquet").unlink()
    (published / "parquet").symlink_to("parquet-p1")
    assert s.verdict().unchanged
    (published / "parquet-p1" / "marts__headline_metrics.parquet").unlink()
    assert not s.verdict().unchanged
