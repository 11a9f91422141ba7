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
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from orchestration.publish import PublicationTarget
from orchestration.settings import PROJECT_DIR, get_settings

MIN_AS_OF = dt.date(2019, 1, 28)  # MPP inception: no figure exists before it


def validate_as_of(value: str) -> str:
    """Check an as-of date and return it unchanged; ValueError (message starting 'as_of') otherwise.

    Accepted: an existing calendar date written YYYY-MM-DD, from MPP inception (2019-01-28) to today (UTC).
    A future date is refused: there is no data after today, and every month-end up to the as-of date is
    a row of the history marts (a far-future date would only cost memory).
    """
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"as_of must be written YYYY-MM-DD, got {value!r}")
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"as_of {value!r} is not a valid calendar date") from exc
    if parsed < MIN_AS_OF:
        raise ValueError(f"as_of {value} is before MPP inception ({MIN_AS_OF})")
    today = dt.datetime.now(dt.UTC).date()
    if parsed > today:
        raise ValueError(f"as_of {value} is in the future (today is {today})")
    return value


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


def publication_target(as_of: str, admin_closures_are_completions: bool, relief_after_reopening_counts: bool, *,
                       publish: bool, publication: str, output_dir: Path) -> PublicationTarget:
    """Where a run's audited copy goes, and whether that is a publication (``PipelineConfig.publication_target``;
    here without Dagster, so that the CLI's unchanged-run check can use it):

    - ``publication`` set: the named publication ``<published_dir>/<publication>/``;
    - as_of and the switches equal the configured publication, or ``publish``: the analysts' copy
      ``<published_dir>/`` (what the default run, the nightly schedule and the UI job do);
    - otherwise (an exploratory run): NOT published; the copy is kept in ``<output_dir>/unpublished/``
      (metrics.json and the report of the run are read from it).
    """
    published_dir = get_settings().published_dir
    if publication:
        return PublicationTarget(published_dir / publication, publication, True, "")
    differs = configured_publication().differences(as_of, admin_closures_are_completions, relief_after_reopening_counts)
    if not differs or publish:
        return PublicationTarget(published_dir, "", True, "")
    note = "not published: " + "; ".join(differs) + "; use --publish (or --publication NAME)"
    return PublicationTarget(output_dir / "unpublished", "unpublished", False, note)
