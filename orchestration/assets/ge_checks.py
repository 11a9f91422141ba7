"""Great Expectations suites as Dagster asset checks (issue #6); dagster-ge is not used (GE 1.x, STACK.md).

- One ``@multi_asset_check`` per suite (``expectations.registry.SUITES``), on the asset the suite validates:
  check ``ge_<suite>`` (blocking, severity ERROR) judges the suite's error expectations, and
  ``ge_<suite>_warnings`` (non-blocking, severity WARN) its warning expectations. Both come from one read
  and one validation.
- ``ge_raw_load_ledger``: the load-ledger suite, one blocking check per raw asset (judged on that table's
  current load).
- ``ge_headline_metrics`` on ``marts.headline_metrics`` is also the publishing gate: through
  ``additional_deps`` on every asset with a blocking GE check it runs only after all of them passed. dbt
  builds every model in one step, so a check on a mart cannot stop the models after it; it stops the steps
  after the dbt step. ``outputs/metrics_json`` (and anything that publishes from the marts: depend on
  ``marts.headline_metrics`` or ``outputs.metrics_json``) waits for this blocking gate, so a failed ERROR
  expectation anywhere means nothing is published in that run.

A suite reuses its last outcome while what it validates is unchanged: a suite on raw extracts while the
validated loads are (same load ids), a suite on a dbt model while the warehouse's last dbt build is (same
build fingerprint); in both cases with the same suite code and parameters. The outcomes are kept in the run
state (section ``ge_outcomes`` of var/state/run_state.json, orchestration/state.py, as JSON), so a no-change
run validates nothing twice.

Every check reads the warehouse read-only (pool ``warehouse``), closes the connection, validates, writes
``<data_docs_dir>/results/<suite>.json`` and the static, offline Data Docs (``validations/<suite>.html`` per
suite, ``index.html`` = ``suites.html``: expectations/data_docs.py); the result metadata names the failed
expectations with counts and a sample of failing rows, and links the pages.
"""


import hashlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    AssetsDefinition,
    MetadataValue,
    multi_asset_check,
)

import expectations as expectations_package
from expectations.registry import GATE_SUITE, SUITES, ledger_suite
from expectations.runner import ExpectationOutcome, SuiteOutcome, read_frame, record_outcome, run_suite
from expectations.spec import Suite
from orchestration import build_state, state
from orchestration.assets.common import WAREHOUSE_POOL
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings
from orchestration.state import fingerprint

LEDGER_CHECK_NAME = "ge_raw_load_ledger"


def _params(pipeline: PipelineConfig) -> dict[str, object]:
    return {"as_of": pipeline.as_of, "admin_closures_are_completions": pipeline.admin_closures_are_completions}


def _failures_md(failed: Sequence[ExpectationOutcome]) -> str:
    lines = ["| expectation | failing rows | of | sample values | definition |", "|---|---|---|---|---|"]
    for e in failed:
        sample = ", ".join(str(v) for v in e.unexpected_values[:5]) or str(e.observed_value)
        lines.append(f"| {e.id} | {e.unexpected_count} | {e.element_count} | {sample} | {e.definition} |")
    return "\n".join(lines)


def outcome_metadata(outcome: SuiteOutcome, severity: str) -> dict[str, object]:
    """Check metadata: which expectations of this severity failed, on which rows, and links to the docs."""
    mine = [e for e in outcome.expectations if e.severity == severity]
    failed = [e for e in mine if not e.success]
    meta: dict[str, object] = {
        "suite": outcome.suite,
        "rows_validated": outcome.rows,
        "expectations": len(mine),
        "failed_count": len(failed),
        "failed_expectations": ", ".join(e.id for e in failed) or "none",
    }
    if failed:
        meta["failures"] = MetadataValue.md(_failures_md(failed))
        meta["failing_rows_sample"] = MetadataValue.json(
            {e.id: {"unexpected_count": e.unexpected_count, "rows": e.failing_rows} for e in failed}
        )
    docs = get_settings().data_docs_dir
    meta["data_docs"] = MetadataValue.path(str(docs / "suites.html"))
    if outcome.validation_page:
        meta["validation_page"] = MetadataValue.path(outcome.validation_page)
    return meta


def _result(outcome: SuiteOutcome, key: AssetKey, check_name: str, severity: str) -> AssetCheckResult:
    return AssetCheckResult(
        asset_key=key,
        check_name=check_name,
        passed=outcome.passed(severity),
        severity=AssetCheckSeverity.ERROR if severity == "error" else AssetCheckSeverity.WARN,
        metadata=outcome_metadata(outcome, severity),
        description=f"Great Expectations suite {outcome.suite} ({severity} expectations)",
    )


def _expectations_digest() -> str:
    """sha256 of the expectations package's source (a changed suite is never answered from the cache)."""
    h = hashlib.sha256()
    for path in sorted(Path(expectations_package.__file__).parent.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


def _cache_key(suite: Suite, pipeline: PipelineConfig) -> str | None:
    """Key of the suite's outcome in the run state (section ``ge_outcomes``); None = do not reuse it.

    A suite on raw tables (and the ledger suite) is keyed on the current loads of its tables: their input is
    fully identified by the load ids of the ledger, which change with every load. A suite on a dbt model is
    keyed on the warehouse's last successful dbt build (orchestration/build_state.py: its fingerprint covers
    the raw loads, the dbt vars and the dbt project), so a build that is reported unchanged is not validated
    again. Both keys also hold the suite's name, its parameters and the code of the expectations package.
    """
    warehouse = get_settings().warehouse
    if suite.asset_key[0] == "raw":
        loads = build_state.current_loads(warehouse)
        if suite.name == ledger_suite([]).name:
            tables = sorted(loads)
        elif suite.asset_key[-1] in loads:
            tables = [suite.asset_key[-1]]
        else:
            return None
        if not tables:
            return None
        input_: object = {"loads": {t: loads[t] for t in tables}}
    else:
        build = build_state.last_build(warehouse)
        if build is None:
            return None
        input_ = {"build": build}
    return fingerprint({
        "suite": suite.name, "params": _params(pipeline), "code": _expectations_digest(),
        "warehouse": str(warehouse.resolve()), **input_,
    })


def _cached(suite: Suite, key: str) -> SuiteOutcome | None:
    """The outcome stored under ``key`` for this suite, or None (none, another key, or unreadable)."""
    entry = state.read("ge_outcomes").get(suite.name)
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    try:
        outcome = SuiteOutcome.from_dict(entry["outcome"])
    except (KeyError, TypeError, ValueError):  # unreadable (e.g. another version's shape): validate again
        return None
    # an outcome of this suite with exactly its expectations and severities, or none (an edited store)
    if outcome.suite != suite.name or sorted((e.id, e.severity) for e in outcome.expectations) != sorted(
            (e.id, e.severity) for e in suite.expectations):
        return None
    return outcome


def _remember(suite: Suite, key: str, outcome: SuiteOutcome) -> None:
    """Store the outcome under ``key`` (the run state's one writer: locked, atomic)."""
    entry = {"key": key, "outcome": outcome.to_dict()}
    state.update("ge_outcomes", lambda outcomes: outcomes.__setitem__(suite.name, entry))


def _run(suite: Suite, pipeline: PipelineConfig) -> SuiteOutcome:
    """The suite's outcome: the stored one while its key is unchanged, else a new validation (then stored).
    Either way its result and Data Docs page are written (the site may be new)."""
    settings = get_settings()
    docs = settings.data_docs_dir
    key = _cache_key(suite, pipeline)
    cached = _cached(suite, key) if key is not None else None
    if cached is not None:
        record_outcome(cached, docs, html=settings.build_data_docs)
        return cached
    outcome = run_suite(suite, settings.warehouse, _params(pipeline))
    record_outcome(outcome, docs, html=settings.build_data_docs)
    if key is not None:
        _remember(suite, key, outcome)
    return outcome


def _specs(suite: Suite, key: AssetKey, additional_deps: Sequence[AssetKey] = ()) -> list[AssetCheckSpec]:
    specs = []
    if suite.of_severity("error"):
        specs.append(AssetCheckSpec(
            name=suite.check_name, asset=key, blocking=True, additional_deps=list(additional_deps),
            description=f"[blocking] {suite.description}",
            metadata={"suite": suite.name, "severity": "error",
                      "expectations": ", ".join(e.id for e in suite.of_severity("error"))},
        ))
    if suite.of_severity("warning"):
        specs.append(AssetCheckSpec(
            name=suite.warning_check_name, asset=key, blocking=False,
            description=f"[warning] {suite.description}",
            metadata={"suite": suite.name, "severity": "warning",
                      "expectations": ", ".join(e.id for e in suite.of_severity("warning"))},
        ))
    return specs


def build_suite_check(suite: Suite, additional_deps: Sequence[AssetKey] = ()) -> AssetChecksDefinition:
    """The asset check(s) of one suite: ``ge_<suite>`` (blocking ERROR) and ``ge_<suite>_warnings`` (WARN)."""
    key = AssetKey(list(suite.asset_key))

    @multi_asset_check(
        specs=_specs(suite, key, additional_deps),
        name=f"ge_{suite.name}",
        description=suite.description,
        pool=WAREHOUSE_POOL,
    )
    def _check(context: AssetCheckExecutionContext, pipeline: PipelineConfig) -> Iterator[AssetCheckResult]:
        outcome = _run(suite, pipeline)
        for severity, name in (("error", suite.check_name), ("warning", suite.warning_check_name)):
            if suite.of_severity(severity):  # type: ignore[arg-type]
                yield _result(outcome, key, name, severity)

    return _check


def build_ledger_check(raw_keys: Sequence[AssetKey]) -> AssetChecksDefinition:
    """``ge_raw_load_ledger`` on every raw asset: the ledger suite, judged per table (blocking)."""
    tables = {k.path[-1]: k for k in raw_keys}

    @multi_asset_check(
        specs=[AssetCheckSpec(name=LEDGER_CHECK_NAME, asset=k, blocking=True,
                              description=f"[blocking] {ledger_suite([]).description}") for k in raw_keys],
        name=LEDGER_CHECK_NAME,
        can_subset=True,
        pool=WAREHOUSE_POOL,
    )
    def _ledger(context: AssetCheckExecutionContext, pipeline: PipelineConfig) -> Iterator[AssetCheckResult]:
        existing = set(read_frame(get_settings().warehouse,
                                  "select table_name from information_schema.tables where table_schema = 'raw'")
                       ["table_name"])
        outcome = _run(ledger_suite(sorted(existing & set(tables))), pipeline)
        for check_key in context.selected_asset_check_keys:
            table = check_key.asset_key.path[-1]
            failed = [e for e in outcome.failed("error") if table in e.failing_tables]
            meta = outcome_metadata(outcome, "error")
            meta["failed_expectations"] = ", ".join(e.id for e in failed) or "none"
            meta["failed_count"] = len(failed)
            yield AssetCheckResult(asset_key=check_key.asset_key, check_name=LEDGER_CHECK_NAME, passed=not failed,
                                   severity=AssetCheckSeverity.ERROR, metadata=meta)

    return _ledger


def build_ge_checks(assets: Iterable[AssetsDefinition]) -> list[AssetChecksDefinition]:
    """Every GE check for these assets (suites whose asset is not among them are left out)."""
    keys = {k for a in assets for k in a.keys}
    suites = [s for s in SUITES if AssetKey(list(s.asset_key)) in keys and s is not GATE_SUITE]
    checks = [build_suite_check(s) for s in suites]
    raw_keys = sorted((k for k in keys if k.path[0] == "raw"), key=lambda k: k.to_user_string())
    if raw_keys:
        checks.append(build_ledger_check(raw_keys))
    if AssetKey(list(GATE_SUITE.asset_key)) in keys:
        gated = sorted({AssetKey(list(s.asset_key)) for s in suites if s.of_severity("error")}
                       - {AssetKey(list(GATE_SUITE.asset_key))}, key=lambda k: k.to_user_string())
        checks.append(build_suite_check(GATE_SUITE, additional_deps=gated))
    return checks


def ge_check_keys(checks: Iterable[AssetChecksDefinition]) -> set[AssetCheckKey]:
    """All check keys of these definitions (for tests and selections)."""
    return {k for c in checks for k in c.check_keys}
