"""Issue 18 item 4: every mart follows one naming scheme (docs/architecture.md "Mart names").

The rule: a mart is named after what its rows hold, in plain EOIR/DHS words,
``[<source or scope>_]<entity>[_by_<breakdown>][_<grain>]``, lowercase words without digits, never a goal
number or a fct_/dim_/g3_/goal_/mpp_ prefix (the goal is the folder, models/marts/<goal folder>/, and the
Dagster group). The old names of renamed marts live one release longer as deprecated alias views in
models/marts/_deprecated/ (dbt deprecation_date); they are exempt from the rule and must be plain aliases.

Reads the project's parsed manifest (target/manifest.json, written by `make setup` / `dbt parse`) and the
models folder, so a mart added anywhere under models/marts/ is checked.
"""

from __future__ import annotations

import json
import re

import pytest

from orchestration.project import dbt_project
from orchestration.settings import PROJECT_DIR

#: lowercase words joined by '_', no digits (so no goal number such as g3_ or goal_2_)
NAME = re.compile(r"^[a-z]+(_[a-z]+)*$")
#: warehouse-style or goal prefixes the scheme replaces (mpp_: every mart is about MPP; int_/stg_: other layers)
FORBIDDEN_PREFIXES = ("fct_", "dim_", "mart_", "goal_", "mpp_", "int_", "stg_", "cbp_uscis_")
#: time grains: a suffix, never in the middle of a name (by_month is spelled _monthly)
GRAINS = ("monthly", "fiscal_year", "cumulative", "history")
DEPRECATED_FOLDER = "_deprecated"
REMOVAL_DATE = "2027-06-30"


@pytest.fixture(scope="module")
def marts() -> dict[str, dict]:
    path = dbt_project.manifest_path
    if not path.is_file():
        pytest.fail(f"{path} missing: run `make setup` (dbt parse) first")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return {n["name"]: n for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["package_name"] == "mpp_metrics" and n["fqn"][1] == "marts"}


def current(marts: dict[str, dict]) -> dict[str, dict]:
    return {name: n for name, n in marts.items() if n["fqn"][2] != DEPRECATED_FOLDER}


def rule_breaks(name: str) -> list[str]:
    """Why ``name`` breaks the naming rule (empty when it follows it)."""
    problems = []
    if not NAME.match(name):
        problems.append("not lowercase words without digits")
    problems += [f"prefix {p}" for p in FORBIDDEN_PREFIXES if name.startswith(p)]
    if "by_month" in name:
        problems.append("by_month: the monthly grain is the suffix _monthly")
    for grain in GRAINS:
        if f"{grain}_" in name:
            problems.append(f"grain {grain} is not the suffix")
    return problems


def test_the_rule_itself_rejects_the_old_schemes():
    for old in ("fct_swb_encounters", "g3_headline_metrics", "goal_2_initial_completions_monthly",
                "mpp_case_outcomes", "nri_referrals_by_month_outcome", "goal_1a_relief_monthly"):
        assert rule_breaks(old), old
    for new in ("swb_encounters_by_source_monthly", "enrollment_headline_metrics", "initial_completions_monthly",
                "case_outcomes", "nri_referrals_by_outcome_monthly", "swb_encounters_fiscal_year", "headline_metrics"):
        assert rule_breaks(new) == [], new


def test_every_current_mart_follows_the_naming_rule(marts):
    names = current(marts)
    assert len(names) == 34, sorted(names)
    broken = {name: rule_breaks(name) for name in names if rule_breaks(name)}
    assert not broken, broken
    # every model file under models/marts/ is in the manifest (nothing escapes the check)
    files = {p.stem for p in (PROJECT_DIR / "models" / "marts").glob("*/*.sql")}
    assert files == set(marts)


def test_mart_names_are_unique_in_schema_marts(marts):
    relations = [n["alias"] or n["name"] for n in marts.values()]
    assert {n["schema"] for n in marts.values()} == {"marts"}
    assert len(relations) == len(set(relations))


def test_deprecated_aliases_are_plain_views_of_a_current_mart(marts):
    names = current(marts)
    aliases = {name: n for name, n in marts.items() if name not in names}
    assert len(aliases) == 20
    for name, n in aliases.items():
        target = n["config"]["meta"]["alias_of"]
        assert target in names, name
        assert n["deprecation_date"].startswith(REMOVAL_DATE), name
        assert n["config"]["materialized"] == "view", name
        assert n["depends_on"]["nodes"] == [f"model.mpp_metrics.{target}"], name
        assert re.sub(r"--[^\n]*\n", "", n["raw_code"]).strip() == "select * from {{ ref('" + target + "') }}", name
        assert n["description"] == f"Deprecated alias of {target}; removed after {REMOVAL_DATE}. Query {target} instead."
        # renamed because they broke the rule, or (cbp_enrollments_*) to name their source: CBP's MPP pages
        assert rule_breaks(name) or name.startswith("cbp_enrollments_"), name
    # one alias per current mart at most, and no current mart depends on an alias
    assert len({n["config"]["meta"]["alias_of"] for n in aliases.values()}) == len(aliases)
    for name, n in names.items():
        assert not set(n["depends_on"]["nodes"]) & {f"model.mpp_metrics.{a}" for a in aliases}, name
