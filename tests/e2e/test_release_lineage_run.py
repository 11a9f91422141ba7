"""End to end, as a new user: the demo run, then a real release in the same var/ without any override (a new
baseline, said in the output), then a later real release that lost half of a table (still blocked)."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.e2e.conftest import copy_of_default_run
from tests.e2e.test_cli_run import run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(3000)]  # three whole runs


def _copy_dropping_lines(src, dest, table: str, keep_fraction: float) -> None:
    """A copy of release ``src`` whose ``table``.csv keeps only the first ``keep_fraction`` of its data lines,
    Count.txt updated to match (so that only the release diff can refuse it)."""
    shutil.copytree(src, dest)
    path = dest / f"{table}.csv"
    lines = path.read_bytes().split(b"\n")[:-1]
    keep = int((len(lines) - 1) * keep_fraction)
    path.write_bytes(b"\n".join(lines[: keep + 1]) + b"\n")
    counts = (dest / "Count.txt").read_bytes().split(b"\r\n")
    prefix = table.encode() + b"\t"
    counts = [prefix + b"%d" % keep if c.startswith(prefix) else c for c in counts]
    (dest / "Count.txt").write_bytes(b"\r\n".join(counts))


def test_demo_then_a_real_release_is_a_new_baseline_and_a_later_real_release_losing_half_is_blocked(default_run, tmp_path):
    var = copy_of_default_run(default_run, tmp_path)  # the demo run (the session's default run, tests/e2e/conftest.py)
    demo = default_run.proc
    assert "new baseline" not in demo.stdout
    # a hand-made real release: the demo's files without the synthetic marker (its kind is then 'real');
    # it shares no lineage with the demo. Before: "119,995 of 119,995 rows vanished (100.00%) ... blocked".
    # (one schedule line fewer, so that its files differ from the demo's: the same bytes are not loaded again)
    [generated] = (var / "generated").glob("eoir_release_*")
    real1 = tmp_path / "EOIR Case Data 2021-03"
    _copy_dropping_lines(generated, real1, "tbl_schedule", 0.9999)
    (real1 / "_SYNTHETIC_RELEASE.json").unlink()
    first_real = run_cli(var, "--eoir-release", str(real1))
    assert first_real.returncode == 0, first_real.stdout + first_real.stderr
    out = " ".join(first_real.stdout.split())
    assert ("EOIR release EOIR Case Data 2021-03 is a new baseline: the first real: EOIR FOIA case data release "
            "after a synthetic: mpp-metrics generator one") in out
    assert "has no Count.txt" not in out
    doc = json.loads((var / "output" / "metrics.json").read_text())
    eoir = next(i for i in doc["inputs"] if i["source"] == "eoir")
    assert eoir["kind"] == "real"
    assert {f["release_diff"]["status"] for f in eoir["files"] if "release_diff" in f} == {"baseline"}
    # the next real release lost half of tbl_Court_Appln: the thresholds still guard the real lineage
    _copy_dropping_lines(real1, tmp_path / "EOIR Case Data 2021-04", "tbl_Court_Appln", 0.5)
    second_real = run_cli(var, "--eoir-release", str(tmp_path / "EOIR Case Data 2021-04"))
    assert second_real.returncode == 1, second_real.stdout + second_real.stderr
    out = " ".join(second_real.stdout.split())
    assert "release diff blocked the load: eoir_tbl_court_appln" in out
    assert "new baseline" not in out
