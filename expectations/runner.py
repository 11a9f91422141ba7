"""Run a :class:`~expectations.spec.Suite`: DuckDB read -> pandas frame -> ephemeral GE validation -> outcome.

STACK.md: GE 1.x cannot read DuckDB through SQLAlchemy, so the suite's SQL is run through DuckDB on a
read-only connection that is CLOSED before validation starts (the build database has one writer), and GE
validates a pandas batch (``add_pandas`` -> dataframe asset -> ``whole_dataframe`` batch definition) in an
ephemeral context. :func:`record_outcome` writes the result as ``<docs_dir>/results/<suite>.json`` and
renders the static Data Docs site from every suite's latest result (:mod:`expectations.data_docs`).

The outcome (:class:`SuiteOutcome`) lists every expectation with its success, counts and a sample of the
failing rows (the suite's id columns plus the columns the expectation reads), and can be written as JSON
and read back whole (:meth:`SuiteOutcome.to_dict` / :meth:`SuiteOutcome.from_dict`, ``to_json`` / ``from_json``).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from expectations.spec import Suite
from orchestration.settings import limit_memory

if TYPE_CHECKING:  # pandas is imported by DuckDB's .df() when a suite runs, not when Dagster loads
    import pandas as pd

SAMPLE_ROWS = 10


@dataclass
class ExpectationOutcome:
    """Result of one expectation: counts and a sample of failing rows (JSON-ready)."""

    id: str
    gx_type: str
    severity: str
    definition: str
    success: bool
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_values: list[Any] = field(default_factory=list)
    failing_rows: list[dict[str, Any]] = field(default_factory=list)
    observed_value: Any = None
    failing_tables: list[str] = field(default_factory=list)


@dataclass
class SuiteOutcome:
    """Result of one suite run (see module docstring)."""

    suite: str
    asset_key: list[str]
    rows: int
    expectations: list[ExpectationOutcome]
    data_docs_index: str | None = None
    validation_page: str | None = None
    description: str | None = None
    validated_at: str | None = None  # UTC, ISO 8601 to the second

    def failed(self, severity: str | None = None) -> list[ExpectationOutcome]:
        return [e for e in self.expectations if not e.success and (severity is None or e.severity == severity)]

    def passed(self, severity: str) -> bool:
        return not self.failed(severity)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form (every field; expectation values are JSON values already, see ``_jsonable``)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SuiteOutcome:
        """The outcome :meth:`to_dict` (or :meth:`to_json`) described: ``from_dict(o.to_dict()) == o``.
        Raises KeyError / TypeError on a malformed dict (a caller treats that as "no outcome")."""
        fields = dict(data)
        fields["expectations"] = [ExpectationOutcome(**e) for e in fields["expectations"]]
        if any(not isinstance(e.success, bool) for e in fields["expectations"]):  # "false" is not False
            raise TypeError("an expectation's success is not a boolean")
        fields["asset_key"] = list(fields["asset_key"])
        return cls(**fields)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), default=str, indent=2)

    @classmethod
    def from_json(cls, text: str) -> SuiteOutcome:
        """The outcome written by :meth:`to_json` (e.g. ``<docs>/results/<suite>.json``)."""
        return cls.from_dict(json.loads(text))

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.suite}.json"
        path.write_text(self.to_json(), encoding="utf-8")
        return path


def read_frame(warehouse: Path | str, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run ``sql`` on a read-only connection and close it before returning the frame.

    Only the named parameters the SQL mentions (``$name``) are bound.
    """
    bound = {k: v for k, v in (params or {}).items() if f"${k}" in sql}
    con = limit_memory(duckdb.connect(str(warehouse), read_only=True), build=True)
    try:
        return con.execute(sql, bound).df()
    finally:
        con.close()


def _jsonable(value: Any) -> Any:
    """A JSON value (None, bool, int, float, str or a list of them) for a value GE or pandas gives: numpy
    scalars by their Python value, NaN as None, anything else (a timestamp, a dict) as its text. So an outcome
    read back from JSON equals the one written (SuiteOutcome.from_dict)."""
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (bool, int, float, str)):
        try:
            item = value.item()
        except (ValueError, AttributeError, TypeError):
            item = value
        if item is not value:
            return _jsonable(item)
    if value is None or isinstance(value, (bool, int, float, str)):
        return None if isinstance(value, float) and math.isnan(value) else value
    return str(value)


def _build_context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    with contextlib.suppress(Exception):  # cosmetic only: no progress bars in run logs
        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return gx, ctx


def build_gx_suite(suite: Suite, gx: Any) -> Any:
    """The GE ExpectationSuite of a spec: notes = definition, meta = id/definition/severity/how."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.metadata_types import FailureSeverity

    gx_suite = gx.ExpectationSuite(name=suite.name, meta={"asset_key": "/".join(suite.asset_key),
                                                          "description": suite.description})
    for e in suite.expectations:
        cls = getattr(gxe, e.gx_type)
        gx_suite.add_expectation(cls(
            **e.kwargs,
            notes=f"[{e.severity}] {e.id}: {e.definition}" + (f" ({e.how})" if e.how else ""),
            meta={"id": e.id, "definition": e.definition, "severity": e.severity, "how": e.how},
            severity=FailureSeverity.CRITICAL if e.severity == "error" else FailureSeverity.WARNING,
        ))
    return gx_suite


def validate_frame(suite: Suite, df: pd.DataFrame) -> SuiteOutcome:
    """Validate ``df`` against ``suite`` in an ephemeral GE context (see module docstring)."""
    df = df.reset_index(drop=True)
    gx, ctx = _build_context()
    gx_suite = ctx.suites.add(build_gx_suite(suite, gx))
    batch_def = ctx.data_sources.add_pandas("warehouse").add_dataframe_asset(suite.name) \
        .add_batch_definition_whole_dataframe("whole_frame")
    vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=suite.name, data=batch_def, suite=gx_suite))
    checkpoint = ctx.checkpoints.add(gx.Checkpoint(
        name=f"{suite.name}_checkpoint", validation_definitions=[vd], actions=[],
        result_format={"result_format": "COMPLETE", "partial_unexpected_count": SAMPLE_ROWS},
    ))
    result = checkpoint.run(batch_parameters={"dataframe": df})
    [vr] = list(result.run_results.values())

    by_id = {e.id: e for e in suite.expectations}
    outcomes = []
    for r in vr.results:
        spec = by_id[r.expectation_config.meta["id"]]
        res = r.result or {}
        idx = list(res.get("unexpected_index_list") or [])
        cols = [c for c in dict.fromkeys([*suite.id_columns, *spec.columns]) if c in df.columns]
        rows = df.loc[[i for i in idx[:SAMPLE_ROWS] if i in df.index], cols] if idx and cols else df.iloc[0:0]
        tables: list[str] = []
        if suite.per_table_column and idx:
            tables = sorted({str(t) for t in df.loc[idx, suite.per_table_column]})
        outcomes.append(ExpectationOutcome(
            id=spec.id, gx_type=spec.gx_type, severity=spec.severity, definition=spec.definition,
            success=bool(r.success),
            element_count=res.get("element_count"),
            unexpected_count=res.get("unexpected_count"),
            unexpected_values=_jsonable(list(res.get("partial_unexpected_list") or [])[:SAMPLE_ROWS]),
            failing_rows=[{k: _jsonable(v) for k, v in row.items()} for row in rows.to_dict("records")],
            observed_value=_jsonable(res.get("observed_value")),
            failing_tables=tables,
        ))
    return SuiteOutcome(suite=suite.name, asset_key=list(suite.asset_key), rows=len(df), expectations=outcomes,
                        description=suite.description,
                        validated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


def run_suite(suite: Suite, warehouse: Path | str, params: dict[str, Any] | None = None,
              results_dir: Path | None = None) -> SuiteOutcome:
    """Read the suite's frame from the warehouse, validate it, optionally write ``<results_dir>/<suite>.json``.

    A ``candidates_only`` suite reads only the rows that could fail (:meth:`Suite.candidate_sql`) and reports
    the relation's row count as ``rows`` and as every expectation's element count."""
    df = read_frame(warehouse, suite.candidate_sql() if suite.candidates_only else suite.sql, params)
    outcome = validate_frame(suite, df)
    if suite.candidates_only:
        total = int(read_frame(warehouse, f"select count(*) as n from ({suite.sql})", params)["n"].iloc[0])
        outcome.rows = total
        for e in outcome.expectations:
            e.element_count = total
    if results_dir is not None:
        outcome.write(results_dir)
    return outcome


def record_outcome(outcome: SuiteOutcome, docs_dir: Path, html: bool = True) -> None:
    """Write ``<docs_dir>/results/<suite>.json`` and, when ``html``, the Data Docs site (every suite's latest
    validation page and the index, :func:`expectations.data_docs.write_site`), linking the suite's page.

    Called for a fresh and for a cached outcome alike, so the site always has every suite's page."""
    from expectations.data_docs import page_path, write_site

    outcome.data_docs_index = str(docs_dir / "index.html") if html else None
    outcome.validation_page = str(page_path(docs_dir, outcome.suite)) if html else None
    outcome.write(docs_dir / "results")
    if html:
        write_site(docs_dir)
