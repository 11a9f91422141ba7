"""The verdict of one mutated input: does the pipeline block naming the file, or publish the same figures?

The baseline (:class:`Baseline`, built once per session) is the warehouse of an unmutated run: every
bundled extract (data/raw/*/provenance.yml), the small EOIR release (tests/fixtures/eoir_mini_release) and a
synthetic NRI extract linked to it, landed by the production landing code, then ``dbt build`` (every model
and test) and every blocking Great Expectations suite, all of which must pass (otherwise every mutation
would be "blocked" by an unrelated failure and the property would prove nothing). It is frozen in a file
that nothing writes again.

:func:`evaluate` judges one mutated input in stages, each stopping as soon as the verdict is known:

1. Landing, on a copy of the baseline warehouse, with the code the Dagster raw assets run
   (:func:`orchestration.raw.landing.ingest_extract`, :func:`orchestration.eoir.reader.load_release`). An
   error there is the verdict ``blocked``, provided its message names the file (else ``VIOLATION``: a crash
   that does not say which input is wrong).
2. Raw content. When the landed raw tables hold exactly the baseline's rows (a multiset over every value
   column plus ``_vintage`` and ``_input_kind``: row order, line numbers and load ids aside), every figure is
   provably the baseline's: below raw the pipeline is a deterministic function of the raw tables, the seeds
   and the run settings, and no model reads line numbers, load ids or file names into a figure (checked on
   the baseline: no ``marts`` column carries them). Verdict ``published-equal`` without running dbt.
3. The models downstream of the mutated source rebuilt from the SQL dbt compiled for the baseline
   (tests/properties/replay.py, proven equal to ``dbt build`` on the baseline; ``MPP_FAULT_REAL_DBT=1`` runs
   real ``dbt run`` instead), then every ``marts`` table (what the published warehouse holds) compared with
   the baseline's, again as multisets. Equal: ``published-equal`` (whether
   or not a check would block, the invariant holds). A model that fails to build blocks the run.
4. Only when a published figure differs: the blocking checks, as the pipeline runs them: dbt tests of the
   mutated source and everything downstream, and the blocking GE suites of the changed relations (error
   expectations) and the load ledger suite. A failure is ``blocked``; none is ``VIOLATION`` (a silently different figure).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb

from orchestration.eoir.diff import DiffThresholds
from orchestration.eoir.reader import load_release
from orchestration.raw.landing import ingest_extract
from orchestration.raw.ledger import LOAD_COLUMNS, load_transaction
from orchestration.raw.registry import ExtractSpec, load_registry
from orchestration.settings import get_settings
from tests.conftest import run_dbt
from tests.properties.mutations import EOIR_MINI_RELEASE, EXTRACT_MONTHS, Target
from tests.properties.replay import Replay

AS_OF = "2020-12-31"
DBT_VARS = {"as_of_date": AS_OF, "admin_closures_are_completions": True, "relief_after_reopening_counts": True}
GE_PARAMS = {"as_of": AS_OF, "admin_closures_are_completions": True}
#: The mini release's vintage (as in tests/court/conftest.py); every EOIR load of the test uses it.
EOIR_VINTAGE = date(2021, 1, 31)
#: The pipeline's default thresholds (mpp-metrics run: block above 10% vanished, never on changed rows).
EOIR_THRESHOLDS = DiffThresholds(vanished_block=0.10, changed_block=1.0)
EOIR_TABLES = ("eoir_a_tblcase", "eoir_a_tblcaseidentifier", "eoir_b_tblproceeding", "eoir_tbl_court_appln",
               "eoir_tbl_schedule")
#: Columns of a raw table that identify a load or a line, not a published value (compared: _vintage, _input_kind).
NOT_COMPARED_RAW = {"_source_line", *LOAD_COLUMNS} - {"_vintage", "_input_kind"}
#: Column names that would carry a load's identity into a mart (the baseline asserts there are none).
LOAD_IDENTITY_MARKERS = ("source_line", "load_id", "loaded_at", "sha256")

BLOCKED, EQUAL, VIOLATION = "blocked", "published-equal", "VIOLATION"
#: Real dbt run / dbt test for every example instead of the replay (slower; for soak runs).
REAL_DBT = os.environ.get("MPP_FAULT_REAL_DBT", "") not in ("", "0")


@dataclass
class Outcome:
    """Verdict of one mutated input, the stage that decided it and the evidence (message or differing marts)."""

    verdict: str
    stage: str
    message: str = ""
    differing: list[str] = field(default_factory=list)
    names_file: bool = False
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_catalog = ? and table_schema = ? "
        "and table_name = ? order by ordinal_position", [catalog, schema, table]).fetchall()]


def _multiset_differs(con: duckdb.DuckDBPyConnection, schema: str, table: str, skip: set[str]) -> bool:
    """True unless ``schema.table`` holds the same rows as ``base.schema.table`` (any order, same columns)."""
    mine = [c for c in _columns(con, _catalog(con), schema, table) if c not in skip]
    theirs = [c for c in _columns(con, "base", schema, table) if c not in skip]
    if sorted(mine) != sorted(theirs):
        return True
    cols = ", ".join(_q(c) for c in theirs)
    a, b = f"{schema}.{_q(table)}", f"base.{schema}.{_q(table)}"
    n = con.execute(f"select (select count(*) from (select {cols} from {a} except all select {cols} from {b}))"
                    f" + (select count(*) from (select {cols} from {b} except all select {cols} from {a}))").fetchone()
    return n[0] != 0


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchone()[0]


def _open_against_base(warehouse: Path, base: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(warehouse))
    con.execute(f"attach '{base}' as base (read_only)")
    return con


class Baseline:
    """The unmutated run's warehouse (module docstring), frozen at ``warehouse``; ``work`` holds the rest."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.specs: dict[str, ExtractSpec] = load_registry(get_settings().raw_data_dir)
        self.target_dir = work / "dbt_target"
        self.warehouse = work / "baseline.duckdb"
        self.manifest = work / "baseline_manifest.json"
        self.replay: Replay | None = None
        self.marts: list[str] = []
        self._cache: dict[str, Outcome] = {}
        self._n = 0

    def build(self) -> Baseline:
        """Land, build and check the unmutated inputs; freeze the warehouse; prove the replay reproduces dbt."""
        building = self.work / "baseline" / "build.duckdb"  # the catalog name "build", as in every example
        building.parent.mkdir()
        self._land_unmutated(building)
        run_dbt(["build"], building, self.target_dir, DBT_VARS)
        _checkpoint(building)
        shutil.copy(building, self.warehouse)
        shutil.copy(self.target_dir / "manifest.json", self.manifest)
        self.replay = Replay.from_manifest(self.manifest)
        failed = blocking_check_failures(self.warehouse, self.work / "baseline_ge", None)
        assert not failed, f"the unmutated baseline must pass every blocking GE check: {failed}"
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            self.marts = [r[0] for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
                " and table_type = 'BASE TABLE' order by 1").fetchall()]  # not the deprecated alias views
            leaked = con.execute(
                "select table_name || '.' || column_name from information_schema.columns where table_schema = 'marts'"
                " and regexp_matches(lower(column_name), ?)", ["|".join(LOAD_IDENTITY_MARKERS)]).fetchall()
        finally:
            con.close()
        assert not leaked, f"a mart carries a load's identity, so raw-equality would not prove equal figures: {leaked}"
        self._check_replay_reproduces_dbt()
        return self

    def _land_unmutated(self, warehouse: Path) -> None:
        from orchestration.bundled import SYNTHETIC_SEED, SYNTHETIC_VINTAGE
        from orchestration.raw.landing import create_empty
        from orchestration.raw.user_files import AOR
        from orchestration.raw.workbook import ingest_sheet, load_workbook_registry
        from orchestration.uscis.generator import generate_nri_extract
        from orchestration.uscis.nri import load_nri_extract

        for spec in self.specs.values():
            ingest_extract(warehouse, spec)
        for source in load_workbook_registry(get_settings().raw_data_dir):  # OHSS monthly tables (not mutated)
            for sheet in source.sheets:
                ingest_sheet(warehouse, source.files, sheet)
        create_empty(warehouse, AOR.table, AOR.columns)  # goal 4's by-AOR layout: no user file here
        with load_transaction(warehouse) as con:
            load_release(con, EOIR_MINI_RELEASE, input_kind="synthetic", vintage=EOIR_VINTAGE, memory_limit=None)
        nri = self.work / "nri_referrals_synthetic.csv"
        generate_nri_extract(nri, seed=SYNTHETIC_SEED, eoir_release=EOIR_MINI_RELEASE)
        with load_transaction(warehouse) as con:
            load_nri_extract(con, nri, input_kind="synthetic", vintage=SYNTHETIC_VINTAGE)

    def _check_replay_reproduces_dbt(self) -> None:
        """Every model replayed from the raw tables reproduces every mart and test outcome of dbt build."""
        check = self.work / "replay_check" / "build.duckdb"
        check.parent.mkdir()
        shutil.copy(self.warehouse, check)
        con = _open_against_base(check, self.warehouse)
        try:
            everything = sorted(self.replay.sources)
            self.replay.rebuild(con, everything)
            differing = [m for m in self.marts if _multiset_differs(con, "marts", m, set())]
            failing = self.replay.failing_tests(con, everything)
        finally:
            con.close()
        assert not differing and not failing, f"replaying dbt's compiled SQL differs from dbt: {differing} {failing}"

    def evaluate(self, target: Target, files: dict[str, bytes], named: str) -> Outcome:
        """Verdict of the mutated input ``files`` (file name -> bytes: the extract's one file, or the whole
        EOIR release folder); ``named`` is the file a blocking message must name. Cached by content."""
        key = hashlib.sha256(json.dumps([target.name, sorted((n, hashlib.sha256(b).hexdigest())
                                                             for n, b in files.items())]).encode()).hexdigest()
        if key not in self._cache:
            started, cpu = time.monotonic(), time.process_time()
            self._n += 1
            example = self.work / f"example_{self._n:04d}"
            example.mkdir()
            outcome = self._judge(target, files, named, example)
            outcome.seconds = round(time.monotonic() - started, 2)
            outcome.cpu_seconds = round(time.process_time() - cpu, 2)
            self._cache[key] = outcome
            shutil.rmtree(example, ignore_errors=True)
        return self._cache[key]

    def _judge(self, target: Target, files: dict[str, bytes], named: str, example: Path) -> Outcome:
        warehouse = example / "build.duckdb"
        shutil.copy(self.warehouse, warehouse)
        inputs = example / ("eoir_release" if target.is_eoir else "in")
        inputs.mkdir()
        for name, data in files.items():
            (inputs / name).write_bytes(data)
        try:
            tables = self._land(target, inputs, warehouse)
        except Exception as exc:  # noqa: BLE001 - any error stops the run; the verdict depends on its message
            message = f"{type(exc).__name__}: {exc}"
            if named in message:
                return Outcome(BLOCKED, "landing", message, names_file=True)
            return Outcome(VIOLATION, "landing", message + "\n" + traceback.format_exc(limit=3))
        con = _open_against_base(warehouse, self.warehouse)
        try:
            raw_differs = [t for t in tables if _multiset_differs(con, "raw", t, NOT_COMPARED_RAW)]
        finally:
            con.close()
        if not raw_differs:
            return Outcome(EQUAL, "raw identical")
        return self._build_and_compare(warehouse, example, raw_differs, named)

    def _land(self, target: Target, inputs: Path, warehouse: Path) -> list[str]:
        """Land the mutated input as the raw assets do; the raw tables it can change."""
        if target.is_eoir:
            with load_transaction(warehouse) as con:
                load_release(con, inputs, input_kind="synthetic", vintage=EOIR_VINTAGE, thresholds=EOIR_THRESHOLDS,
                             memory_limit=None)
            return list(EOIR_TABLES)
        spec = self.specs[target.table]
        for path in sorted(inputs.iterdir()):  # a delivery under another name lands after the original
            landed = replace(spec, path=path, sha256="")
            ingest_extract(warehouse, landed, verify_provenance=False)
        return [spec.table]

    def _build_and_compare(self, warehouse: Path, example: Path, raw_differs: list[str], named: str) -> Outcome:
        """Stages 3 and 4 (module docstring), with the replay of dbt's compiled SQL or, with REAL_DBT, dbt."""
        try:
            self._rebuild(warehouse, raw_differs)
        except (AssertionError, duckdb.Error) as exc:
            return Outcome(BLOCKED, "dbt run", str(exc)[:2000], names_file=named in str(exc))
        con = _open_against_base(warehouse, self.warehouse)
        try:
            differing = [m for m in self.marts if _multiset_differs(con, "marts", m, set())]
            failures = [] if not differing or REAL_DBT else self.replay.failing_tests(con, raw_differs)
        finally:
            con.close()
        if not differing:
            return Outcome(EQUAL, "marts equal")
        if REAL_DBT:
            try:
                run_dbt(["test", "--select", self._selection(raw_differs)], warehouse, self.target_dir, DBT_VARS)
            except AssertionError as exc:
                failures.append(str(exc))
        _checkpoint(warehouse)
        checked = example / "checked.duckdb"
        shutil.copy(warehouse, checked)
        failures += blocking_check_failures(checked, example / "ge", self._validated_assets(raw_differs))
        if failures:
            message = "\n".join(failures)[:4000]
            names = named in message or any(t in message for t in raw_differs)
            return Outcome(BLOCKED, "checks", message, differing, names_file=names)
        return Outcome(VIOLATION, "published", f"raw tables changed: {raw_differs}", differing)

    def _selection(self, raw_tables: list[str]) -> str:
        return " ".join(self.replay.sources[t].replace("source.mpp_metrics.", "source:") + "+" for t in raw_tables)

    def _rebuild(self, warehouse: Path, raw_tables: list[str]) -> None:
        if REAL_DBT:
            run_dbt(["run", "--select", self._selection(raw_tables)], warehouse, self.target_dir, DBT_VARS)
            return
        con = duckdb.connect(str(warehouse))
        try:
            self.replay.rebuild(con, raw_tables)
        finally:
            con.close()

    def _validated_assets(self, raw_tables: list[str]) -> set[tuple[str, ...]]:
        """Asset keys whose GE suites can change: the raw tables and every model below them."""
        models = {(self.replay.nodes[u]["schema"], self.replay.nodes[u]["alias"]) for u in self.replay.models(raw_tables)}
        return models | {("raw", t) for t in raw_tables}


def _checkpoint(warehouse: Path) -> None:
    """Flush DuckDB's write-ahead log into the file (so that a copy of the file holds every commit)."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def blocking_check_failures(warehouse: Path, results_dir: Path, assets: set[tuple[str, ...]] | None) -> list[str]:
    """Every failed blocking (error) expectation of the GE suites the pipeline runs on ``warehouse``, as
    ``'<suite>: <expectation ids>'``: every suite (``assets`` None) or those validating one of ``assets``
    (the others see unchanged relations), and the load-ledger suite on every table of the ledger."""
    from expectations.registry import SUITES, ledger_suite
    from expectations.runner import run_suite

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = sorted(r[0] for r in con.execute("select distinct table_name from raw._load_ledger").fetchall())
    finally:
        con.close()
    failures = []
    for suite in [*SUITES, ledger_suite(tables)]:
        if not suite.of_severity("error") or (assets is not None and suite.name != "raw_load_ledger"
                                               and tuple(suite.asset_key) not in assets):
            continue
        outcome = run_suite(suite, warehouse, GE_PARAMS, results_dir=results_dir)
        failed = outcome.failed("error")
        if failed:
            detail = "; ".join(f"{e.id} ({e.failing_tables or e.unexpected_values[:3]})" for e in failed)
            failures.append(f"GE {suite.name}: {detail}")
    return failures


def extract_targets(specs: dict[str, ExtractSpec]) -> list[Target]:
    """One target per bundled extract, with its dialect and count columns from provenance.yml."""
    return [
        Target(name=spec.table, table=spec.table, delimiter=spec.delimiter, encoding=spec.encoding,
               months=EXTRACT_MONTHS[spec.table], counts=spec.count_columns)
        for spec in specs.values()
    ]
