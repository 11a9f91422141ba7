"""dbt's partial-parse file is kept per warehouse, memory limit and vars (orchestration/partial_parse.py): the
next dbt invocation with the same profile and vars starts from it; another warehouse or other vars never do."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import partial_parse

BUILD = ["build", "--vars", '{"as_of_date": "2020-12-31"}']


def parsed(folder: Path, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / partial_parse.FILE_NAME).write_bytes(content)
    return folder


def test_the_file_of_a_build_serves_the_next_invocation_on_the_same_warehouse_and_vars(
        isolated_var: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MPP_WAREHOUSE", str(tmp_path / "a.duckdb"))
    assert not partial_parse.place(tmp_path / "before", BUILD)  # nothing kept yet: dagster-dbt's own copy
    partial_parse.keep(parsed(tmp_path / "build_target", b"parsed for a"), BUILD)
    docs = ["docs", "generate", "--static", "--no-compile", "--vars", BUILD[2]]
    assert partial_parse.place(tmp_path / "docs_target", docs)
    assert (tmp_path / "docs_target" / partial_parse.FILE_NAME).read_bytes() == b"parsed for a"
    assert not partial_parse.place(tmp_path / "other_vars", ["build", "--vars", '{"as_of_date": "2020-06-30"}'])
    monkeypatch.setenv("MPP_WAREHOUSE", str(tmp_path / "b.duckdb"))
    assert not partial_parse.place(tmp_path / "other_warehouse", BUILD)
    monkeypatch.setenv("MPP_WAREHOUSE", str(tmp_path / "a.duckdb"))
    monkeypatch.setenv("MPP_DUCKDB_MEMORY_LIMIT", "1GB")
    assert not partial_parse.place(tmp_path / "other_memory_limit", BUILD)


def test_an_invocation_that_wrote_no_file_keeps_the_last_one(isolated_var: Path, tmp_path: Path):
    partial_parse.keep(parsed(tmp_path / "first", b"first"), BUILD)
    partial_parse.keep(tmp_path / "failed_before_parsing", BUILD)
    assert partial_parse.place(tmp_path / "next", BUILD)
    assert (tmp_path / "next" / partial_parse.FILE_NAME).read_bytes() == b"first"
    assert [p.name for p in partial_parse.cached_file(BUILD).parent.iterdir()] == [partial_parse.cached_file(BUILD).name]
