"""Paths and settings, read from the environment in one place.

Every path a run reads or writes is derived from :class:`Settings`. Defaults put everything a run
writes under ``var/`` in the project folder (git-ignored), so a fresh clone works with no
configuration. Override any field with an environment variable of the same name, prefixed ``MPP_``
(for example ``MPP_WAREHOUSE=/data/build.duckdb``).

Fields
------
project_dir:   the repository root (holds dbt_project.yml).
var_dir:       root of everything generated (warehouse, published copy, outputs, generated data).
warehouse:     the build DuckDB file that Dagster and dbt write (analysts never open it).
published_dir: the analysts' read-only copy (DuckDB file + Parquet), swapped in atomically.
output_dir:    default folder for metrics.json, the report and charts.
raw_data_dir:  bundled real extracts with provenance (committed).
generated_dir: generated synthetic inputs (git-ignored, deterministic for a seed).
data_docs_dir: Great Expectations Data Docs (HTML) and per-suite results JSON, rebuilt by every run.
build_data_docs: write the Data Docs HTML (expectations/data_docs.py); results JSON are written either way.
eoir_landing_dir: landing folder watched by the sensor ``new_eoir_release`` (default ``var/landing/eoir``).
eoir_landing_settle_seconds: a landed release is taken once no file of it changed for this long (default 60).
eoir_release_url: the EOIR release download URL the sensor checks by HTTP HEAD (empty = off, the default).
keep_run_logs: how many runs' log and stats files ``var/logs/`` keeps (default 100); older ones are removed
               when a run starts (orchestration/runlog.py). A run's own copies beside its metrics.json stay.
duckdb_memory_limit: DuckDB memory limit of the ingestion's warehouse connections (the raw loads), e.g.
               ``3GB``; DuckDB spills to disk beyond it.
duckdb_build_memory_limit: DuckDB memory limit of every connection after ingestion: dbt (profiles.yml reads
               ``MPP_DUCKDB_BUILD_MEMORY_LIMIT``), the Great Expectations checks and publishing; default ``768MB``,
               which keeps a release-sized run's process tree under 2 GB (benchmarks/README.md). Joins,
               aggregates and sorts beyond it spill to ``<warehouse>.tmp``; the figures do not change.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Resolved paths of one deployment; see the module docstring for each field."""

    model_config = SettingsConfigDict(env_prefix="MPP_", extra="ignore")

    project_dir: Path = PROJECT_DIR
    var_dir: Path = PROJECT_DIR / "var"
    warehouse: Path | None = None
    published_dir: Path | None = None
    output_dir: Path | None = None
    raw_data_dir: Path = PROJECT_DIR / "data" / "raw"
    generated_dir: Path | None = None
    data_docs_dir: Path | None = None
    build_data_docs: bool = True
    duckdb_memory_limit: str = "3GB"
    duckdb_build_memory_limit: str = "768MB"
    eoir_landing_dir: Path | None = None
    eoir_landing_settle_seconds: float = 60.0
    eoir_release_url: str = ""
    keep_run_logs: int = Field(default=100, ge=1)

    def model_post_init(self, context: object, /) -> None:
        var = self.var_dir
        if self.warehouse is None:
            self.warehouse = var / "warehouse" / "build.duckdb"
        if self.published_dir is None:
            self.published_dir = var / "published"
        if self.output_dir is None:
            self.output_dir = var / "output"
        if self.generated_dir is None:
            self.generated_dir = var / "generated"
        if self.data_docs_dir is None:
            self.data_docs_dir = var / "data_docs"
        if self.eoir_landing_dir is None:
            self.eoir_landing_dir = var / "landing" / "eoir"

    @property
    def dbt_target_dir(self) -> Path:
        """Where dbt writes manifest.json and run artifacts."""
        return self.project_dir / "target"


#: The most memory DuckDB may use during an EOIR load (orchestration.eoir.reader), whatever the caller's
#: (higher) limit: a load works on one part (``PART_BYTES``) at a time and spills what does not fit (the
#: aggregation over a file's keys) to DuckDB's temporary directory, so a larger buffer pool buys little
#: speed and costs the machine's memory. A raw load's commit and the checkpoint when its connection closes
#: run under it too (:func:`cap_load_memory`).
LOAD_MEMORY_LIMIT = "512MB"

_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20,
          "gib": 2**30, "tib": 2**40}


def memory_bytes(limit: str) -> int:
    """Bytes of a DuckDB memory size such as ``3GB``, ``512MB``, ``1.5 GiB``. Raises ValueError otherwise."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*", limit)
    if m is None or m.group(2).lower() not in _UNITS:
        raise ValueError(f"not a memory size: {limit!r} (e.g. 3GB, 512MB, 1.5GiB)")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def load_memory_limit(memory_limit: str | None) -> str | None:
    """The memory limit a load sets: the caller's, capped at :data:`LOAD_MEMORY_LIMIT`; None (leave the
    connection's limit as it is) stays None."""
    if memory_limit is None:
        return None
    return min(memory_limit, LOAD_MEMORY_LIMIT, key=memory_bytes)


def cap_load_memory(con) -> None:
    """Cap a connection's memory limit at :data:`LOAD_MEMORY_LIMIT` (a lower limit stays), e.g. before the
    commit of a raw load: the commit, and the checkpoint when the connection closes, write what the load
    landed, and under the ingestion's limit (``MPP_DUCKDB_MEMORY_LIMIT``, 3GB) DuckDB keeps up to that much of
    it cached (peak RSS growing with the release) where the cap gives the same result."""
    current = con.execute("select current_setting('memory_limit')").fetchone()[0]
    try:
        capped = load_memory_limit(current)
    except ValueError:  # a setting DuckDB shows in a form memory_bytes does not read: the cap
        capped = LOAD_MEMORY_LIMIT
    con.execute("set memory_limit = $limit", {"limit": capped})


def limit_memory(con, build: bool = False):
    """Apply :attr:`Settings.duckdb_memory_limit` (ingestion) or, with ``build``,
    :attr:`Settings.duckdb_build_memory_limit` (checks, publishing) to a DuckDB connection (a database-wide
    setting) and return the connection."""
    settings = get_settings()
    limit = settings.duckdb_build_memory_limit if build else settings.duckdb_memory_limit
    con.execute("set memory_limit = $limit", {"limit": limit})
    return con


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once from the environment)."""
    return Settings()
