"""orchestration.eoir.reader.load: the DuckDB settings a load holds (memory capped by
orchestration.settings, restored after)."""

from __future__ import annotations

import pytest

from orchestration.eoir.reader import load_release
from orchestration.settings import LOAD_MEMORY_LIMIT, load_memory_limit, memory_bytes
from tests.eoir.conftest import make_release


def test_memory_sizes_parse_in_decimal_and_binary_units():
    assert memory_bytes("3GB") == 3_000_000_000
    assert memory_bytes("512MB") == 512_000_000
    assert memory_bytes("1.5 GiB") == 3 * 2**29
    with pytest.raises(ValueError, match="not a memory size: '3 apples'"):
        memory_bytes("3 apples")


def test_the_load_memory_limit_is_the_callers_capped():
    assert LOAD_MEMORY_LIMIT == "512MB"
    assert load_memory_limit("3GB") == "512MB"     # the pipeline's default warehouse limit is capped
    assert load_memory_limit("400MB") == "400MB"   # a lower limit is kept
    assert load_memory_limit(None) is None         # None leaves the connection's limit alone


def test_a_load_restores_the_connections_settings(tmp_path, con):
    con.execute("set memory_limit = '1GiB'")  # shown as '1.0 GiB', which sets it back exactly
    con.execute("set preserve_insertion_order = false")
    before = con.execute("select current_setting('memory_limit'), current_setting('preserve_insertion_order')"
                         ).fetchone()
    load_release(con, make_release(tmp_path / "rel"), memory_limit="3GB")
    after = con.execute("select current_setting('memory_limit'), current_setting('preserve_insertion_order')"
                        ).fetchone()
    assert after == before


def test_the_commit_of_a_load_runs_under_the_capped_limit(tmp_path, con):
    # 512MB is 488.2 MiB as DuckDB shows it; a lower limit (256MB, shown as 244.0 MiB) stays
    from orchestration.settings import cap_load_memory

    def capped(limit: str) -> str:
        con.execute(f"set memory_limit = '{limit}'")
        cap_load_memory(con)
        return con.execute("select current_setting('memory_limit')").fetchone()[0]

    assert capped("3GB") == "488.2 MiB"
    assert capped("256MB") == "244.0 MiB"
