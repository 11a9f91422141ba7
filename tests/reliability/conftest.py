"""Helpers for the reliability tests: tiny extract specs and files built in each test."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.raw.ledger import file_sha256
from orchestration.raw.registry import ExtractSpec


def extract_spec(path: Path, *, vintage=date(2021, 11, 15), columns=("Fiscal Year", "Month (abbv)", "Encounter Count"),
                 period=("Fiscal Year", "Month (abbv)"), counts=("Encounter Count",), markers=("%null%",),
                 encoding="utf-8", delimiter=",", key=("Fiscal Year", "Month (abbv)")) -> ExtractSpec:
    """An ExtractSpec for a CBP-like monthly extract at ``path`` (hash taken from the file); natural key
    ``key`` (one row per month by default)."""
    return ExtractSpec(
        table="t_monthly", source="test", path=path, sha256=file_sha256(path), vintage=vintage,
        input_kind="real", description="test extract", columns=tuple(columns), delimiter=delimiter,
        encoding=encoding, period_columns=tuple(period), count_columns=tuple(counts), empty_markers=tuple(markers),
        key_columns=tuple(key),
    )


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def con():
    """An in-memory DuckDB connection."""
    c = duckdb.connect()
    yield c
    c.close()
