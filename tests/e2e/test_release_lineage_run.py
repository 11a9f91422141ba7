"""End to end, as a new user: the demo run, then a real release in the same var/ without any override (a new
baseline, said in the output), then a later real release that lost half of a table (still blocked)."""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.test_cli_run import run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(3000)]  # three whole runs


def _halve_applications(src, dest):
    """A copy of release ``src`` whose tbl_Court_Appln.csv keeps only its first half of data lines (Count.txt
    updated to match, so only the release diff can refuse it)."""
    shutil.copytree(src, dest)
    path = dest / "tbl_Court_Appln.csv"
    lines = path.read_bytes().split(b"\n")[:-1]
    keep = (len(lines) - 1) // 2
    path.write_bytes(b"\n".join(lines[: keep + 1]) + b"\n")
    counts = (dest / "Count.txt").read_bytes().split(b"\r\n")
    counts = [b"tbl_Court_Appln\t%d" % keep if c.startswith(b"tbl_Court_Appln\t") else c for c in counts]
    (dest / "Count.txt").write_bytes(b"\r\n".join(counts))
    return keep, len(lines) - 1


def test_demo_then_a_real_release_is_a_new_baseline_and_a_later_real_release_losing_half_is_blocked(tmp_path):
    var = tmp_path / "var"
    demo = run_cli(var)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "new baseline" not in demo.stdout
    # a hand-made real release: the demo's files without the synthetic marker (its kind is then 'real');
    # it shares no lineage with the demo. Before: "119,995 of 119,995 rows vanished (100.00%) ... blocked".
    [generated] = (var / "generated").glob("eoir_release_*")
    real1 = tmp_path / "EOIR Case Data 2021-03"
    shutil.copytree(generated, real1)
    (real1 / "_SYNTHETIC_RELEASE.json").unlink()
    first_real = run_cli(var, "--eoir-release", str(real1))
    assert first_real.returncode == 0, first_real.stdout + first_real.stderr
    out = " ".join(first_real.stdout.split())
    assert ("EOIR release EOIR Case Data 2021-03 is a new baseline: the first real: EOIR FOIA case data release "
            "after a synthetic: mpp-metrics generator one") in out
    assert "has no Count.txt" not in out
    # the next real release lost half of tbl_Court_Appln: the thresholds still guard the real lineage
    _halve_applications(real1, tmp_path / "EOIR Case Data 2021-04")
    second_real = run_cli(var, "--eoir-release", str(tmp_path / "EOIR Case Data 2021-04"))
    assert second_real.returncode == 1, second_real.stdout + second_real.stderr
    out = " ".join(second_real.stdout.split())
    assert "release diff blocked the load: eoir_tbl_court_appln" in out
    assert "new baseline" not in out
