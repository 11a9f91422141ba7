"""The defaults of a pipeline run's options, in one place and without importing Dagster.

Both the ``pipeline`` resource (:class:`orchestration.resources.PipelineConfig`: the nightly schedule, the
UI's launchpad) and ``mpp-metrics run`` (orchestration/cli.py, which must answer an unchanged run before
Dagster is imported) take their defaults from here. The as-of date and the two open-choice switches are the
configured publication's (dbt_project.yml ``vars``, orchestration/configured_publication.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.configured_publication import configured_publication


@dataclass(frozen=True)
class RunOptionDefaults:
    """Default of every run option (see PipelineConfig for what each one does)."""

    as_of: str
    admin_closures_are_completions: bool
    relief_after_reopening_counts: bool
    eoir_diff_block_vanished: float = 0.10
    eoir_diff_block_changed: float = 1.0
    eoir_all_columns: bool = False
    publish: bool = False
    publication: str = ""


_configured = configured_publication()
DEFAULTS = RunOptionDefaults(
    as_of=_configured.as_of,
    admin_closures_are_completions=_configured.admin_closures_are_completions,
    relief_after_reopening_counts=_configured.relief_after_reopening_counts,
)
