"""The stray-TAB repair lands only provably right rows (orchestration/eoir/defects.py).

Property: take any row that is valid by the per-column rules (column_rules.csv, the spec's id and date
columns), put one TAB anywhere in its line (next to another TAB, at an end, or inside a value), and repair
the row: either it is quarantined, or the repaired row equals the row as written without the stray TAB.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.eoir.defects import COLUMN_RULES, ColumnRule, repair_extra_field, row_rules
from orchestration.eoir.release import REQUIRED_TABLES, TBL_COURT_APPLN

TEXT = st.text(alphabet="ABCSN TOIX019-/.'", max_size=9)
DATES = st.dates(min_value=date(1950, 1, 1), max_value=date(2035, 12, 31)).map(
    lambda d: f"{d.isoformat()} 00:00:00.000")


def _value(rule: ColumnRule | None) -> st.SearchStrategy[str]:
    """A valid value of a column with this rule (empty allowed except for a key)."""
    if rule is None:
        return TEXT
    if rule.kind == "key":
        return st.from_regex(r"[0-9]{1,8}", fullmatch=True)
    if rule.kind == "id":
        return st.just("") | st.from_regex(r"[0-9]{1,8}", fullmatch=True)
    if rule.kind == "date":
        return st.just("") | DATES
    if rule.kind == "domain":
        return st.just("") | st.sampled_from(sorted(rule.values.split("|")))
    return st.just("") | st.from_regex(rule.values, fullmatch=True)


@st.composite
def rows_with_a_stray_tab(draw, specs=REQUIRED_TABLES):
    spec = draw(st.sampled_from(specs))
    rules = row_rules(spec, spec.columns)
    row = [draw(_value(rule)) for rule in rules]
    line = "\t".join(row)
    at = draw(st.integers(0, len(line)))
    return rules, row, (line[:at] + "\t" + line[at:]).split("\t")


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_with_a_stray_tab())
def test_a_repaired_row_always_equals_the_row_as_written_without_the_stray_tab(case):
    rules, row, fields = case
    assert len(fields) == len(row) + 1
    fixed, reason = repair_extra_field(fields, rules)
    assert fixed is None or fixed == row, (reason, fields)
    assert (fixed is None) == (reason != "repaired")


@settings(max_examples=200, deadline=None)
@given(rows_with_a_stray_tab(specs=(TBL_COURT_APPLN,)))
def test_the_property_is_not_vacuous_on_the_narrow_applications_table(case):
    # in tbl_Court_Appln every column has a rule, so a stray TAB next to a TAB is usually repaired: the
    # property above holds because wrong readings are refused, not because nothing is ever repaired
    rules, row, fields = case
    fixed, _ = repair_extra_field(fields, rules)
    if fixed is not None:
        assert fixed == row


def test_repairs_happen_for_the_usual_stray_tab():
    rules = row_rules(TBL_COURT_APPLN, TBL_COURT_APPLN.columns)
    d = "2019-03-14 00:00:00.000"
    assert repair_extra_field(["7", "8", "9", "ASYL", "", d, "G"], rules) == (["7", "8", "9", "ASYL", d, "G"], "repaired")
    assert repair_extra_field(["7", "8", "9", "ASYL", d, "G", ""], rules) == (["7", "8", "9", "ASYL", d, "G"], "repaired")


def test_column_rules_name_columns_of_the_release_tables():
    specs = {s.name.lower(): s for s in REQUIRED_TABLES}
    for table, rules in COLUMN_RULES.items():
        assert table in specs, table
        for column, rule in rules.items():
            assert column in specs[table].columns, (table, column)
            assert rule.kind != "key" or column in specs[table].id_columns, (table, column)
