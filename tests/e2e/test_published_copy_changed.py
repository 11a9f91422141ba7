"""A published copy changed since it was published is published again, never kept (break-it pass).

An analyst's write connection changed a headline figure in var/published/mpp_metrics.duckdb; the next run
(dbt build unchanged) found the copy made from the same build, kept it, and wrote the changed figure into
metrics.json while the Parquet files and the report said otherwise. The same with a Parquet file deleted.
"""

from __future__ import annotations

import json

import duckdb

from tests.e2e.conftest import copy_of_default_run
from tests.e2e.test_cli_run import run_cli


def _figure(doc: dict, metric_id: str) -> int:
    [value] = [m["value"] for m in doc["metrics"] if m["id"] == metric_id and m["period"] is None]
    return value


def test_a_changed_published_copy_is_published_again(default_run, tmp_path):
    var = copy_of_default_run(default_run, tmp_path)
    first = json.loads((var / "output" / "metrics.json").read_text())
    true_value = _figure(first, "g2_initial_completions")
    published = var / "published" / "mpp_metrics.duckdb"
    con = duckdb.connect(str(published))  # not read-only: the analyst's mistake
    con.execute("update marts.headline_metrics set value = 12345 where metric_id = 'g2_initial_completions' "
                "and period is null")
    con.close()
    proc = run_cli(var, "--output", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "was changed since it was published: published again" in (var / "logs" / "latest.log").read_text()
    doc = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert _figure(doc, "g2_initial_completions") == true_value != 12345
    assert doc["metrics"] == first["metrics"]
    con = duckdb.connect(str(published), read_only=True)
    try:
        [(value,)] = con.execute("select value from marts.headline_metrics where metric_id = "
                                 "'g2_initial_completions' and period is null").fetchall()
    finally:
        con.close()
    assert value == true_value

    # a Parquet file deleted from the copy: published again, the file is back
    parquet = var / "published" / "parquet" / "marts__headline_metrics.parquet"
    parquet.unlink()
    proc = run_cli(var, "--output", str(tmp_path / "out2"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (var / "published" / "parquet" / "marts__headline_metrics.parquet").is_file()
