"""Run-level settings of the pipeline, configurable per run (CLI flags, Dagster launchpad, schedule).

:class:`PipelineConfig` is a Dagster resource so that every asset of a run reads the same values. Each
field has a default, so a run launched without configuration (the nightly schedule, "Materialize all")
computes the DHS document's figures as of 2020-12-31 on the bundled data.

The defaults of as_of and the two switches are the *configured publication* (dbt_project.yml ``vars``,
orchestration/configured_publication.py). A run at other settings is exploratory: see
:meth:`PipelineConfig.publication_target`.

Fields (all validated; none is ever spliced into SQL as text: dbt gets them as --vars and the
``as_of_date()`` macro re-checks the format):
- as_of: ISO date of every figure (default 2020-12-31, DOMAIN.md).
- eoir_release: path of an EOIR FOIA release (folder or .zip); empty = the bundled synthetic release.
- uscis_nri: path of a case-level USCIS NRI extract (CSV, contract in docs/); empty = the synthetic one.
- cbp_encounters: CBP encounter files in CBP's official open-data layouts, each a file or a folder of .csv
  files, optionally ``PATH@YYYY-MM-DD`` to give the vintage (orchestration/raw/user_files.py); landed beside
  the bundled CBP extracts, newest vintage per month wins.
- output_dir: folder for metrics.json, the report and charts; empty = Settings.output_dir.
- admin_closures_are_completions, relief_after_reopening_counts: DOMAIN.md's open choices (dbt vars).
- eoir_diff_block_vanished, eoir_diff_block_changed: release-to-release diff thresholds (fractions of the
  previous load's rows, 0..1; orchestration/eoir/diff.py) above which an EOIR load is refused.
- eoir_all_columns: land every column of the EOIR tables (default: only the columns the models read).
- publish: replace the analysts' copy even though as_of or a switch differs from the configured publication.
- publication: name of an own named publication (``<published_dir>/<name>/``) instead of the analysts' copy.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource
from packaging.version import Version
from pydantic import field_validator

from orchestration.children import ENV_PARENT
from orchestration.configured_publication import (  # noqa: F401 (validate_as_of, MIN_AS_OF: re-exported)
    MIN_AS_OF,
    publication_target,
    validate_as_of,
)
from orchestration.publish import PublicationTarget
from orchestration.run_options import DEFAULTS
from orchestration.settings import get_settings


class PipelineConfig(ConfigurableResource):
    """Per-run settings shared by every asset of the run; see the module docstring for each field."""

    as_of: str = DEFAULTS.as_of
    eoir_release: str = ""
    uscis_nri: str = ""
    cbp_encounters: list[str] = []  # noqa: RUF012 (pydantic copies field defaults per instance)
    output_dir: str = ""
    admin_closures_are_completions: bool = DEFAULTS.admin_closures_are_completions
    relief_after_reopening_counts: bool = DEFAULTS.relief_after_reopening_counts
    eoir_diff_block_vanished: float = DEFAULTS.eoir_diff_block_vanished
    eoir_diff_block_changed: float = DEFAULTS.eoir_diff_block_changed
    eoir_all_columns: bool = DEFAULTS.eoir_all_columns
    publish: bool = DEFAULTS.publish
    publication: str = DEFAULTS.publication

    @field_validator("publication")
    @classmethod
    def _publication_name(cls, value: str) -> str:
        if value and (not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", value) or value.startswith("parquet")):
            raise ValueError(f"publication must be a name of letters, digits, '_' or '-' (not 'parquet...'), "
                             f"got {value!r}")
        return value

    def publication_target(self) -> PublicationTarget:
        """Where this run's audited copy goes, and whether that is a publication.

        - ``publication`` set: the named publication ``<published_dir>/<publication>/``;
        - as_of and the switches equal the configured publication, or ``publish``: the analysts' copy
          ``<published_dir>/`` (what the default run, the nightly schedule and the UI job do);
        - otherwise (an exploratory run): NOT published; the copy is kept in ``<output_dir>/unpublished/``
          (metrics.json and the report of the run are read from it).
        """
        return publication_target(self.as_of, self.admin_closures_are_completions, self.relief_after_reopening_counts,
                                  publish=self.publish, publication=self.publication,
                                  output_dir=self.resolved_output_dir())

    @field_validator("eoir_diff_block_vanished", "eoir_diff_block_changed")
    @classmethod
    def _fraction(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"a diff threshold is a fraction between 0 and 1, got {value}")
        return value

    def diff_thresholds(self):
        """The EOIR release-diff thresholds of this run (warn levels are DiffThresholds' defaults)."""
        from orchestration.eoir.diff import DiffThresholds

        return DiffThresholds(vanished_block=self.eoir_diff_block_vanished,
                              changed_block=self.eoir_diff_block_changed)

    @field_validator("as_of")
    @classmethod
    def _valid_as_of(cls, value: str) -> str:
        return validate_as_of(value)

    @field_validator("eoir_release", "uscis_nri")
    @classmethod
    def _existing_path(cls, value: str) -> str:
        if value and not Path(value).expanduser().exists():
            raise ValueError(f"path does not exist: {value}")
        return value

    @field_validator("cbp_encounters")
    @classmethod
    def _existing_paths(cls, value: list[str]) -> list[str]:
        from orchestration.raw.user_files import UserFileError, expand

        try:
            expand(value)
        except UserFileError as exc:
            raise ValueError(str(exc)) from exc
        return value

    def as_of_date(self) -> dt.date:
        """The as-of date as a date."""
        return dt.date.fromisoformat(self.as_of)

    def resolved_output_dir(self) -> Path:
        """Where this run writes metrics.json and the report."""
        return Path(self.output_dir).expanduser().resolve() if self.output_dir else get_settings().output_dir

    def dbt_vars(self) -> dict[str, object]:
        """The dbt vars of this run (names as declared in dbt_project.yml)."""
        return {
            "as_of_date": self.as_of,
            "admin_closures_are_completions": self.admin_closures_are_completions,
            "relief_after_reopening_counts": self.relief_after_reopening_counts,
        }

    def dbt_vars_json(self) -> str:
        """dbt vars as the JSON text dbt's --vars flag takes."""
        return json.dumps(self.dbt_vars())


class MppDbtCliResource(DbtCliResource):
    """dagster-dbt's CLI resource without the two in-process dbt start-ups it makes before every command.

    Before each ``dbt`` subprocess, ``DbtCliResource.cli`` (dagster-dbt 0.29) runs ``dbt --version`` in a
    subprocess and builds a dbt Core adapter in the Dagster process (dbt imports, profile, macros): about
    4 s per command, measured on the bundled run (``mpp_dbt_models`` and ``outputs/dbt_docs``). That adapter
    only serves ``.fetch_row_counts()`` / ``.fetch_column_metadata()``, which this project does not call
    (row counts are in the marts and the GE results). So: the version is the installed dbt-core
    package's (the executable is this environment's ``dbt``), and no adapter is built. Both overrides are of
    private members; tests/foundation/test_definitions.py fails if a dagster-dbt upgrade renames them.

    Made by :meth:`guarded`, dbt starts through ``python -m orchestration.children <dbt>`` so that it dies
    with the run (orchestration/children.py); :meth:`cli` tells it the run's PID.
    """

    @classmethod
    def guarded(cls, project_dir, dbt_executable: str) -> MppDbtCliResource:
        """The resource whose dbt subprocesses die with the run (see the class docstring)."""
        return cls(project_dir=project_dir, dbt_executable=sys.executable,
                   global_config_flags=["-m", "orchestration.children", dbt_executable])

    def cli(self, args, **kwargs):
        """dagster-dbt's ``cli``, with this process's PID for the dbt child (``children.ENV_PARENT``), starting
        from the partial-parse file kept for this warehouse and vars (orchestration/partial_parse.py)."""
        from orchestration import partial_parse

        os.environ[ENV_PARENT] = str(os.getpid())
        target_path = Path(kwargs.get("target_path") or self._get_unique_target_path(context=kwargs.get("context")))
        if not target_path.is_absolute():
            target_path = Path(self.project_dir) / target_path
        partial_parse.place(target_path, args)
        return super().cli(args, **{**kwargs, "target_path": target_path})

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None
