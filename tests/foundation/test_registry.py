"""The bundled extracts match their provenance files (hash, columns) and the registry rejects bad entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.raw.ledger import file_sha256
from orchestration.raw.registry import ProvenanceError, load_registry
from orchestration.settings import PROJECT_DIR

RAW = PROJECT_DIR / "data" / "raw"


def test_every_bundled_file_matches_its_recorded_sha256():
    registry = load_registry(RAW)
    assert {"cbp_sw_encounters_dashboard", "cbp_nationwide_encounters_state", "cbp_mpp_published_tables"} <= set(registry)
    for spec in registry.values():
        assert file_sha256(spec.path) == spec.sha256, spec.path
        assert spec.origin.get("repository"), f"{spec.table} has no origin repository"
        assert spec.vintage.year >= 2019


def test_a_listed_file_that_is_missing_is_an_error(tmp_path: Path):
    src = tmp_path / "cbp"
    src.mkdir()
    (src / "provenance.yml").write_text(
        "source: cbp\nfiles:\n  - {table: t, path: absent.csv, sha256: x, vintage: 2020-01-01, columns: [a]}\n"
    )
    with pytest.raises(ProvenanceError, match="absent.csv does not exist"):
        load_registry(tmp_path)


def test_the_same_table_listed_twice_is_an_error(tmp_path: Path):
    for name in ("a", "b"):
        d = tmp_path / name
        d.mkdir()
        (d / "f.csv").write_text("x\n1\n")
        (d / "provenance.yml").write_text(
            f"source: {name}\nfiles:\n  - {{table: t, path: f.csv, sha256: x, vintage: 2020-01-01, columns: [x], key_columns: [x]}}\n"
        )
    with pytest.raises(ProvenanceError, match="listed twice"):
        load_registry(tmp_path)
