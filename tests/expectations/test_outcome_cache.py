"""The cache of Great Expectations outcomes on raw loads (orchestration/assets/ge_checks.py) survives a run
killed while writing it: the file is written beside and renamed into place, and an unreadable cache file
(e.g. left half-written by an older version) means "validate again", never a crashed check."""

from __future__ import annotations

import pytest

from expectations.registry import ledger_suite
from orchestration.assets import ge_checks
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings
from tests.expectations.conftest import make_warehouse

LEDGER = """
select table_name, load_id, 'abc' as sha256, timestamp '2026-11-30 10:00:00' as loaded_at, 'real' as input_kind,
       100::bigint as rows_read, 99::bigint as rows_loaded, 1::bigint as rows_quarantined,
       0::bigint as duplicates_collapsed
from (values ('t_ok', 'l1')) t(table_name, load_id)
"""


def test_a_half_written_outcome_cache_is_validated_again(var_dir, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MPP_BUILD_DATA_DOCS", "false")
    get_settings.cache_clear()
    settings = get_settings()
    rows = "select 'l1' as _load_id, range as n from range(99)"  # the 99 rows the ledger says were loaded
    make_warehouse(settings.warehouse, {"raw._load_ledger": LEDGER, "raw.t_ok": rows})
    suite, pipeline = ledger_suite(["t_ok"]), PipelineConfig()
    first = ge_checks._run(suite, pipeline)
    assert first.passed("error")
    [cache] = (settings.var_dir / "state" / "ge_outcomes").iterdir()
    data = cache.read_bytes()
    cache.write_bytes(data[: len(data) // 2])  # what a SIGKILL during a plain write leaves
    again = ge_checks._run(suite, pipeline)
    assert again.passed("error") and again.rows == first.rows
    assert cache.read_bytes() != data[: len(data) // 2]  # rewritten whole
    assert [p.name for p in cache.parent.iterdir()] == [cache.name]  # no temporary file left


def test_a_cached_outcome_still_has_its_data_docs_page(var_dir, monkeypatch: pytest.MonkeyPatch):
    """Issue 18 item 6: a suite answered from the cache (unchanged raw loads) validates nothing, yet its latest
    validation must stay readable: its result and page are written again (here after the site was deleted)."""
    import shutil

    monkeypatch.setenv("MPP_BUILD_DATA_DOCS", "true")
    get_settings.cache_clear()
    settings = get_settings()
    make_warehouse(settings.warehouse, {"raw._load_ledger": LEDGER,
                                        "raw.t_ok": "select 'l1' as _load_id, range as n from range(99)"})
    suite, pipeline = ledger_suite(["t_ok"]), PipelineConfig()
    ge_checks._run(suite, pipeline)
    shutil.rmtree(settings.data_docs_dir)
    cached = ge_checks._run(suite, pipeline)
    page = settings.data_docs_dir / "validations" / f"{suite.name}.html"
    assert cached.validation_page == str(page) and page.is_file()
    assert suite.name in page.read_text() and (settings.data_docs_dir / "results" / f"{suite.name}.json").is_file()
    assert f"validations/{suite.name}.html" in (settings.data_docs_dir / "index.html").read_text()
