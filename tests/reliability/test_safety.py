"""Safety: servers bind to localhost, no secrets or machine paths in the repository, every user-supplied
parameter validated and never spliced into SQL as text."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.eoir.reader import load_release
from orchestration.raw.landing import ingest_extract
from orchestration.raw.ledger import load_transaction
from orchestration.resources import PipelineConfig
from orchestration.settings import PROJECT_DIR, get_settings
from tests.conftest import query, run_dbt
from tests.eoir.conftest import APPLN_HDR, make_release
from tests.reliability.conftest import extract_spec, write

EVIL = "it's; drop table raw._load_ledger; --"


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_DIR, capture_output=True, check=True).stdout
    out = []
    for n in names.decode().split("\0"):
        p = PROJECT_DIR / n
        if n and p.is_file() and n != "uv.lock" and p.stat().st_size < 5_000_000:
            try:
                p.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            out.append(p)
    return out


def test_dagster_ui_binds_to_localhost_only():
    make = (PROJECT_DIR / "Makefile").read_text()
    servers = [line for line in make.splitlines() if re.search(r"dagster(-webserver)? dev|dagster-webserver", line)]
    assert servers and all("-h 127.0.0.1" in line for line in servers), servers
    assert "0.0.0.0" not in make
    for doc in [PROJECT_DIR / "README.md", *sorted((PROJECT_DIR / "docs").glob("*.md"))]:
        assert "0.0.0.0" not in doc.read_text(), doc


SECRET_PATTERNS = {
    "AWS access key": r"AKIA[0-9A-Z]{16}",
    "private key": r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    "GitHub token": r"gh[pousr]_[A-Za-z0-9]{36,}",
    "Slack token": r"xox[baprs]-[A-Za-z0-9-]{10,}",
    "generic secret assignment": r"(?i)(api[_-]?key|secret|password|token)\s*[:=]\s*['\"][A-Za-z0-9/+_\-]{16,}['\"]",
}


def test_no_secret_or_machine_specific_path_in_tracked_files():
    problems = []
    for p in tracked_text_files():
        text = p.read_text(encoding="utf-8")
        rel = p.relative_to(PROJECT_DIR)
        for m in re.finditer(r"(?<![\w.])/(work|root|home/\w+|Users/\w+)/", text):
            if str(rel) == "tests/reliability/test_safety.py":
                continue
            problems.append(f"{rel}: absolute path {text[m.start():m.start() + 40]!r}")
        for label, pat in SECRET_PATTERNS.items():
            if re.search(pat, text) and str(rel) != "tests/reliability/test_safety.py":
                problems.append(f"{rel}: looks like a {label}")
    assert not problems, "\n".join(problems)


def test_extract_path_with_quote_and_semicolon_lands_without_sql_injection(tmp_path):
    src = write(tmp_path / EVIL / "e.csv", "Fiscal Year,Month (abbv),Encounter Count\n2020,OCT,5\n")
    wh = tmp_path / "w.duckdb"
    ingest_extract(wh, extract_spec(src), verify_provenance=False)
    assert query(wh, "select count(*) from raw._load_ledger") == [(1,)]
    assert query(wh, 'select "Encounter Count" from raw.t_monthly') == [("5",)]


def test_eoir_release_path_with_quote_and_semicolon_loads_without_sql_injection(tmp_path):
    rel = make_release(tmp_path / EVIL, {"tbl_Court_Appln.csv": APPLN_HDR + b"1\t8\t9\tASYL\t\tG\n"})
    wh = tmp_path / "w.duckdb"
    with load_transaction(wh) as con:
        load_release(con, rel, vintage=date(2021, 2, 15))
    assert query(wh, "select count(*) from raw._load_ledger") == [(5,)]
    # the file's name relative to the release's parent folder (no machine-specific absolute path)
    assert query(wh, "select _source_file from raw.eoir_tbl_court_appln") == [(f"{rel.name}/tbl_Court_Appln.csv",)]


@pytest.mark.parametrize("bad", ["2020-12-31'; drop table raw._load_ledger; --", "31/12/2020", "2018-01-01"])
def test_run_settings_refuse_bad_as_of(bad):
    with pytest.raises(ValueError):
        PipelineConfig(as_of=bad)


def test_run_settings_refuse_a_missing_path_and_a_bad_threshold(tmp_path):
    with pytest.raises(ValueError, match="path does not exist"):
        PipelineConfig(eoir_release=str(tmp_path / "nope"))
    with pytest.raises(ValueError, match="fraction between 0 and 1"):
        PipelineConfig(eoir_diff_block_vanished=2.0)


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--as-of", "2020-12-31'; --"],
        ["run", "--eoir-release", "/nonexistent/release.zip"],
        ["generate", "eoir", "--out", "x", "--scale", "2"],
        ["generate", "eoir", "--out", "x", "--seed", "abc"],
        ["generate", "eoir", "--out", "x", "--corrupt-rate", "0.9"],
    ],
)
def test_cli_refuses_bad_parameters_before_doing_anything(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "x").exists()


def test_dbt_as_of_var_is_checked_by_the_macro(tmp_path):
    """A bad value passed straight to dbt (bypassing the CLI and PipelineConfig) is a compile error."""
    with pytest.raises(AssertionError, match=r"var as_of_date must be YYYY-MM-DD, got: 2020-12-31'; drop"):
        run_dbt(["compile", "--select", "int_court_as_of_dates"], tmp_path / "w.duckdb", tmp_path / "target",
                {"as_of_date": "2020-12-31'; drop table raw._load_ledger; --"})


def test_a_read_only_output_folder_is_one_clear_line_not_a_traceback(tmp_path, monkeypatch, capfd):
    """Issue 18 item 7: `run --output` into a folder that cannot be written ended in a traceback. It is
    refused before anything runs, in one line naming the folder, exit 2. A folder made read-only by chmod
    (as root, which chmod does not stop, /sys: a folder no process may create files in)."""
    import os

    if os.geteuid() == 0:
        folder = Path("/sys")
    else:
        folder = tmp_path / "read_only"
        folder.mkdir()
        folder.chmod(0o555)
    monkeypatch.setenv("MPP_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        capfd.readouterr()
        result = CliRunner().invoke(app, ["run", "--output", str(folder)])
        out = capfd.readouterr().out + result.output
    finally:
        get_settings.cache_clear()
        if folder != Path("/sys"):
            folder.chmod(0o755)
    assert result.exit_code == 2, out
    [line] = [ln for ln in out.splitlines() if ln.strip()]
    assert line.startswith(f"error: --output {folder} is not writable: "), line
    assert "Traceback" not in out and not isinstance(result.exception, OSError)
    assert not (tmp_path / "var" / "warehouse").exists()  # nothing ran


@pytest.mark.parametrize(("value", "says"), [("abc", "valid integer"), ("0", "greater than or equal to 1")])
def test_a_bad_setting_is_one_line_naming_the_variable(monkeypatch, capfd, value, says):
    """Break-it pass: MPP_KEEP_RUN_LOGS=abc ended in a 50-line traceback that never named the variable."""
    monkeypatch.setenv("MPP_KEEP_RUN_LOGS", value)
    get_settings.cache_clear()
    try:
        capfd.readouterr()
        result = CliRunner().invoke(app, ["cases", "g2_initial_completions"])
        out = capfd.readouterr().out + result.output
    finally:
        monkeypatch.delenv("MPP_KEEP_RUN_LOGS")
        get_settings.cache_clear()
    assert result.exit_code == 2, out
    [line] = [ln for ln in out.splitlines() if ln.strip()]
    assert line.startswith(f"error: MPP_KEEP_RUN_LOGS='{value}': ") and says in line, line


def test_publish_and_a_named_publication_together_are_refused(tmp_path, monkeypatch, capfd):
    """Newcomer pass: `run --publish --publication x` published into x and ignored --publish, silently."""
    monkeypatch.setenv("MPP_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        capfd.readouterr()
        result = CliRunner().invoke(app, ["run", "--publish", "--publication", "x"])
        out = capfd.readouterr().out + result.output
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2, out
    [line] = [ln for ln in out.splitlines() if ln.strip()]
    assert line.startswith("error: --publish replaces the analysts' copy and --publication NAME") and "x/" in line
    assert not (tmp_path / "var" / "warehouse").exists()  # nothing ran
