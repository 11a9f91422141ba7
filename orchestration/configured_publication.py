"""The configured publication: the as-of date and open-choice variants of the analysts' copy.

It lives in ONE place, the dbt project's declared vars (``vars:`` in dbt_project.yml: ``as_of_date``,
``admin_closures_are_completions``, ``relief_after_reopening_counts``). They are dbt's defaults, the
defaults of the ``pipeline`` resource (so of the nightly schedule and of "Materialize all" in the UI) and of
``mpp-metrics run``. A run whose settings differ from them is *exploratory*: it writes its own metrics.json
and report, but replaces the analysts' copy only when asked (``--publish``, or ``publish: true`` in the
launchpad) and otherwise keeps an unpublished copy in its output folder, or publishes into its own named
publication (``--publication NAME``); see :meth:`orchestration.resources.PipelineConfig.publication_target`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import yaml

from orchestration.settings import PROJECT_DIR


@dataclass(frozen=True)
class ConfiguredPublication:
    """The settings the analysts' copy is published at."""

    as_of: str
    admin_closures_are_completions: bool
    relief_after_reopening_counts: bool

    def differences(self, as_of: str, admin_closures_are_completions: bool,
                    relief_after_reopening_counts: bool) -> list[str]:
        """How a run's settings differ from this publication, one phrase each (empty: they are the same)."""
        out = []
        if as_of != self.as_of:
            out.append(f"as-of {as_of} differs from the configured publication {self.as_of}")
        for name, value in (("admin_closures_are_completions", admin_closures_are_completions),
                            ("relief_after_reopening_counts", relief_after_reopening_counts)):
            if value != getattr(self, name):
                out.append(f"{name}={value} differs from the configured publication ({getattr(self, name)})")
        return out


@cache
def configured_publication() -> ConfiguredPublication:
    """The configured publication, read from dbt_project.yml's ``vars`` (once per process)."""
    declared = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    as_of = declared["as_of_date"]
    return ConfiguredPublication(
        as_of=as_of.isoformat() if isinstance(as_of, dt.date) else str(as_of),
        admin_closures_are_completions=bool(declared["admin_closures_are_completions"]),
        relief_after_reopening_counts=bool(declared["relief_after_reopening_counts"]),
    )
