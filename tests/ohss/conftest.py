"""Fixtures of the OHSS / goal-3 tests: the dbt project folder (dbt helpers come from tests/cbp_uscis)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.settings import PROJECT_DIR


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR
