"""The Great Expectations outcomes kept in the run state (orchestration/assets/ge_checks.py, section
``ge_outcomes`` of var/state/run_state.json, orchestration/state.py).

An unchanged suite is answered from the store without validating; a changed input (a new load), a changed
parameter (the as-of date), changed suite code, or a new dbt build means a new validation. The outcome is
stored as JSON and read back equal (failures, failing rows, severities); an unreadable entry means "validate
again", never a crashed check; the pickle folder of older versions is never read and goes at the first write.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from expectations import runner
from expectations.registry import ledger_suite
from expectations.runner import SuiteOutcome, validate_frame
from expectations.spec import Expect, Suite
from orchestration import build_state, state
from orchestration.assets import ge_checks
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings
from tests.expectations.conftest import make_warehouse

LEDGER = """
select table_name, load_id, 'abc' as sha256, timestamp '2026-11-30 10:00:00' as loaded_at, 'real' as input_kind,
       100::bigint as rows_read, 99::bigint as rows_loaded, 1::bigint as rows_quarantined,
       0::bigint as duplicates_collapsed
from (values ('t_ok', '{load}')) t(table_name, load_id)
"""
ROWS = "select '{load}' as _load_id, range as n from range(99)"  # the 99 rows the ledger says were loaded


@pytest.fixture
def settings(var_dir, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MPP_BUILD_DATA_DOCS", "false")
    get_settings.cache_clear()
    s = get_settings()
    make_warehouse(s.warehouse, {"raw._load_ledger": LEDGER.format(load="l1"), "raw.t_ok": ROWS.format(load="l1")})
    return s


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the suites actually validated (run_suite called), in order."""
    seen: list[str] = []
    real = ge_checks.run_suite

    def counting(suite, *args, **kwargs):
        seen.append(suite.name)
        return real(suite, *args, **kwargs)

    monkeypatch.setattr(ge_checks, "run_suite", counting)
    return seen


def test_an_unchanged_suite_is_answered_from_the_store(settings, validations):
    suite, pipeline = ledger_suite(["t_ok"]), PipelineConfig()
    first = ge_checks._run(suite, pipeline)
    again = ge_checks._run(suite, pipeline)
    assert validations == [suite.name]  # validated once
    assert again == first and again.passed("error") and again.rows == 1
    [entry] = state.read("ge_outcomes").values()
    assert SuiteOutcome.from_dict(entry["outcome"]) == first
    # the store is the run state's one JSON file, nothing beside it
    assert sorted(p.name for p in state.store_path().parent.iterdir()) == ["run_state.json", "run_state.json.lock"]


def test_a_new_load_a_new_parameter_or_new_suite_code_is_validated_again(settings, validations, monkeypatch):
    suite = ledger_suite(["t_ok"])
    ge_checks._run(suite, PipelineConfig())
    # a new load of the table (new load id): the input changed
    make_warehouse(settings.warehouse, {"raw._load_ledger": LEDGER.format(load="l2"), "raw.t_ok": ROWS.format(load="l2")})
    ge_checks._run(suite, PipelineConfig())
    ge_checks._run(suite, PipelineConfig())  # unchanged again: answered
    assert len(validations) == 2
    ge_checks._run(suite, PipelineConfig(as_of="2020-11-30"))  # another parameter
    assert len(validations) == 3
    monkeypatch.setattr(ge_checks, "_expectations_digest", lambda: "0" * 64)  # the suite code changed
    ge_checks._run(suite, PipelineConfig(as_of="2020-11-30"))
    assert len(validations) == 4


def test_a_suite_on_a_dbt_model_is_keyed_on_the_last_build(settings, validations):
    """Suites on dbt models are reused while the warehouse's last build fingerprint is unchanged (a build the
    dbt step reports unchanged is not validated again); a new build is validated; no build: never reused."""
    make_warehouse(settings.warehouse, {"marts.t": "select * from (values (1), (2)) t(n)"})
    suite = Suite(name="mart_t", asset_key=("marts", "t"), sql="select * from marts.t", description="marts.t",
                  expectations=(Expect("n_set", "ExpectColumnValuesToNotBeNull", {"column": "n"}, "n is known"),))
    pipeline = PipelineConfig()
    assert ge_checks._cache_key(suite, pipeline) is None  # no build recorded: validated every time
    ge_checks._run(suite, pipeline)
    assert state.read("ge_outcomes") == {}
    build_state.record_build(settings.warehouse, "build-1")
    first = ge_checks._run(suite, pipeline)
    assert ge_checks._run(suite, pipeline) == first and first.rows == 2 and first.passed("error")
    assert validations == ["mart_t", "mart_t"]
    build_state.record_build(settings.warehouse, "build-2")  # dbt built again with other inputs
    ge_checks._run(suite, pipeline)
    assert validations == ["mart_t", "mart_t", "mart_t"]


def test_an_unreadable_stored_outcome_is_validated_again(settings, validations):
    suite, pipeline = ledger_suite(["t_ok"]), PipelineConfig()
    first = ge_checks._run(suite, pipeline)
    state.update("ge_outcomes", lambda o: o[suite.name].__setitem__("outcome", {"suite": suite.name}))  # no fields
    again = ge_checks._run(suite, pipeline)
    assert validations == [suite.name, suite.name]
    assert again.passed("error") and again.rows == first.rows
    assert SuiteOutcome.from_dict(state.read("ge_outcomes")[suite.name]["outcome"]) == again  # rewritten whole


@pytest.mark.parametrize("edit", ["success as a string", "no expectations", "another suite's outcome"])
def test_an_edited_stored_outcome_is_validated_again(settings, validations, edit):
    """Break-it pass: a stored outcome with "success": "false" (a string) or no expectations at all counted as
    passed. Only an outcome of this suite, with exactly its expectations and boolean results, is reused."""
    suite, pipeline = ledger_suite(["t_ok"]), PipelineConfig()
    ge_checks._run(suite, pipeline)

    def damage(outcomes):
        outcome = outcomes[suite.name]["outcome"]
        if edit == "success as a string":
            outcome["expectations"][0]["success"] = "false"
        elif edit == "no expectations":
            outcome["expectations"] = []
        else:
            outcome["suite"] = "another_suite"

    state.update("ge_outcomes", damage)
    again = ge_checks._run(suite, pipeline)
    assert validations == [suite.name, suite.name]  # validated again, not answered from the edited entry
    assert again.suite == suite.name and {e.id for e in again.expectations} == {e.id for e in suite.expectations}


def test_the_pickled_outcomes_of_older_versions_are_ignored_and_removed(settings, validations):
    suite, pipeline = ledger_suite(["t_ok"]), PipelineConfig()
    old = settings.var_dir / "state" / "ge_outcomes"
    old.mkdir(parents=True)
    key = ge_checks._cache_key(suite, pipeline)
    (old / f"{suite.name}.pkl").write_bytes(pickle.dumps((key, "not an outcome")))
    outcome = ge_checks._run(suite, pipeline)
    assert validations == [suite.name] and outcome.passed("error")
    assert not old.exists()
    assert "pickle" not in Path(ge_checks.__file__).read_text(encoding="utf-8")


def test_an_outcome_with_failures_round_trips_through_json():
    """A real validation with failing error and warning expectations, failing rows, unexpected values and an
    observed value: from_dict(to_dict()) and from_json(to_json()) give an equal outcome."""
    import pandas as pd

    suite = Suite(
        name="round_trip", asset_key=("marts", "t"), sql="", description="round trip",
        expectations=(
            Expect("ids_unique", "ExpectColumnValuesToBeUnique", {"column": "id"}, "ids are unique"),
            Expect("n_positive", "ExpectColumnValuesToBeBetween", {"column": "n", "min_value": 0},
                   "n is not negative", severity="warning"),
            Expect("rows", "ExpectTableRowCountToEqual", {"value": 3}, "three rows"),
            Expect("day_set", "ExpectColumnValuesToNotBeNull", {"column": "day"}, "day is known", severity="warning"),
        ),
        id_columns=("id",),
    )
    df = pd.DataFrame({"id": ["a", "a", "b", "c"], "n": [1, -2, 3, -4],
                       "day": pd.to_datetime(["2020-10-01", None, "2020-10-03", "2020-10-04"])})
    outcome = validate_frame(suite, df)
    assert {e.id: e.success for e in outcome.expectations} == {
        "ids_unique": False, "n_positive": False, "rows": False, "day_set": False}
    assert [e.id for e in outcome.failed("error")] == ["ids_unique", "rows"]
    assert [e.id for e in outcome.failed("warning")] == ["n_positive", "day_set"]
    by_id = {e.id: e for e in outcome.expectations}
    assert by_id["ids_unique"].unexpected_count == 2 and by_id["ids_unique"].unexpected_values == ["a", "a"]
    assert by_id["n_positive"].failing_rows == [{"id": "a", "n": -2}, {"id": "c", "n": -4}]
    assert by_id["rows"].observed_value == 4
    assert by_id["day_set"].unexpected_count == 1 and by_id["day_set"].failing_rows[0]["id"] == "a"
    assert SuiteOutcome.from_dict(outcome.to_dict()) == outcome
    assert SuiteOutcome.from_json(outcome.to_json()) == outcome
    # and through the store, which is JSON on disk
    assert SuiteOutcome.from_dict(json.loads(json.dumps(outcome.to_dict()))) == outcome
    assert runner._jsonable(float("nan")) is None


def test_a_cached_outcome_still_has_its_data_docs_page(var_dir, monkeypatch: pytest.MonkeyPatch):
    """Issue 18 item 6: a suite answered from the store (unchanged raw loads) validates nothing, yet its latest
    validation must stay readable: its result and page are written again (here after the site was deleted)."""
    import shutil

    monkeypatch.setenv("MPP_BUILD_DATA_DOCS", "true")
    get_settings.cache_clear()
    settings = get_settings()
    make_warehouse(settings.warehouse, {"raw._load_ledger": LEDGER.format(load="l1"), "raw.t_ok": ROWS.format(load="l1")})
    suite, pipeline = ledger_suite(["t_ok"]), PipelineConfig()
    ge_checks._run(suite, pipeline)
    shutil.rmtree(settings.data_docs_dir)
    cached = ge_checks._run(suite, pipeline)
    page = settings.data_docs_dir / "validations" / f"{suite.name}.html"
    assert cached.validation_page == str(page) and page.is_file()
    assert suite.name in page.read_text() and (settings.data_docs_dir / "results" / f"{suite.name}.json").is_file()
    assert f"validations/{suite.name}.html" in (settings.data_docs_dir / "index.html").read_text()
